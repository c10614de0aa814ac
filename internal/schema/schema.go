// Package schema defines every table retail-datagen writes: names, columns,
// types and meaning. It is the single source for the generated row types and
// their encoders (package rows), the writers, and the data dictionary.
package schema

import "strings"

//go:generate go run ./codegen/gendocs ../../docs

// Type is a column's logical type.
type Type int

// Column types. Money is whole cents (DECIMAL(12,2) in Parquet, 12.34 in text);
// Date is days since 1970-01-01; Timestamp is microseconds since 1970-01-01 of
// local business time (no time zone).
const (
	Int64 Type = iota + 1
	Int32
	Float64
	String
	Bool
	Money
	Date
	Timestamp
	// UUID is a 128-bit identifier: FIXED_LEN_BYTE_ARRAY(16) with the UUID
	// logical type in Parquet, 8-4-4-4-12 lowercase hex in text.
	UUID
)

// GoType is the Go field type used for the column in generated rows.
func (t Type) GoType() string {
	switch t {
	case Int64, Money, Timestamp:
		return "int64"
	case Int32, Date:
		return "int32"
	case Float64:
		return "float64"
	case String:
		return "string"
	case Bool:
		return "bool"
	case UUID:
		return "[16]byte"
	}
	return "invalid"
}

// SQL is the column's type in the data dictionary and in databases.
func (t Type) SQL() string {
	switch t {
	case Int64:
		return "BIGINT"
	case Int32:
		return "INTEGER"
	case Float64:
		return "DOUBLE"
	case String:
		return "VARCHAR"
	case Bool:
		return "BOOLEAN"
	case Money:
		return "DECIMAL(12,2)"
	case Date:
		return "DATE"
	case Timestamp:
		return "TIMESTAMP"
	case UUID:
		return "UUID"
	}
	return "INVALID"
}

// Kind separates dimensions from facts.
type Kind int

// Table kinds.
const (
	Master Kind = iota + 1
	Fact
)

// Column describes one column.
type Column struct {
	Name string
	Type Type
	// Nullable columns write the Go zero value as null (0 for ids, "" for
	// text, 0 for timestamps).
	Nullable bool
	// Dict marks low-cardinality text that Parquet stores dictionary-encoded.
	Dict bool
	// Ref names the column this one refers to, as "table.column" (a foreign
	// key); the referenced column is that table's whole primary key. Empty
	// when the column refers to nothing, or to one of several tables.
	Ref string
	Doc string
}

// RefTable returns the table a foreign-key column refers to, or "".
func (c Column) RefTable() string {
	t, _, _ := strings.Cut(c.Ref, ".")
	return t
}

// RefColumn returns the column a foreign-key column refers to, or "".
func (c Column) RefColumn() string {
	_, col, _ := strings.Cut(c.Ref, ".")
	return col
}

// to returns the column referring to ref ("table.column").
func (c Column) to(ref string) Column {
	c.Ref = ref
	return c
}

// Table describes one table.
type Table struct {
	Name string // snake_case table name, also the folder/file name
	Row  string // Go type name of one row
	Kind Kind
	Doc  string
	// Key lists the primary-key columns.
	Key     []string
	Columns []Column
}

// Lookup returns the table with the given name.
func Lookup(name string) (Table, bool) {
	for _, t := range Tables() {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

// Names returns the names of all tables of a kind, in definition order.
func Names(k Kind) []string {
	var out []string
	for _, t := range Tables() {
		if t.Kind == k {
			out = append(out, t.Name)
		}
	}
	return out
}

func col(name string, t Type, doc string) Column { return Column{Name: name, Type: t, Doc: doc} }
func null(name string, t Type, doc string) Column {
	return Column{Name: name, Type: t, Nullable: true, Doc: doc}
}
func enum(name, doc string) Column { return Column{Name: name, Type: String, Dict: true, Doc: doc} }

// Tables returns every table definition, dimensions first.
func Tables() []Table {
	return append(masterTables(), factTables()...)
}

func masterTables() []Table {
	return []Table{
		{
			Name: "geographies", Row: "Geography", Kind: Master, Key: []string{"geography_id"},
			Doc: "US places where DCs, stores and customers are located.",
			Columns: []Column{
				col("geography_id", Int64, "Surrogate key, dense from 1."),
				col("city", String, "City name."),
				enum("state", "Two-letter USPS state code."),
				col("zip_code", String, "Five-digit ZIP code as text (leading zeros kept)."),
				col("district", String, "County, parish or borough."),
				enum("region", "Northeast, Southeast, Midwest, Southwest or West."),
				col("latitude", Float64, "Latitude in degrees."),
				col("longitude", Float64, "Longitude in degrees."),
				enum("time_zone", "IANA time zone of the place."),
				col("population", Int64, "Approximate population, the weight used to place DCs, stores and customers."),
			},
		},
		{
			Name: "distribution_centers", Row: "DistributionCenter", Kind: Master, Key: []string{"dc_id"},
			Doc: "Distribution centers; each supplies the stores of its network.",
			Columns: []Column{
				col("dc_id", Int64, "Surrogate key, dense from 1."),
				col("dc_number", String, "External number such as DC001."),
				col("name", String, "Display name."),
				col("address", String, "Street address."),
				col("geography_id", Int64, "Geography of the DC (geographies.geography_id).").to("geographies.geography_id"),
				col("latitude", Float64, "Latitude in degrees."),
				col("longitude", Float64, "Longitude in degrees."),
			},
		},
		{
			Name: "stores", Row: "Store", Kind: Master, Key: []string{"store_id"},
			Doc: "Stores; only in states that have a DC.",
			Columns: []Column{
				col("store_id", Int64, "Surrogate key, dense from 1."),
				col("store_number", String, "External number such as S000001."),
				col("name", String, "Display name."),
				col("address", String, "Street address."),
				col("geography_id", Int64, "Geography of the store.").to("geographies.geography_id"),
				col("dc_id", Int64, "The DC that supplies the store: nearest DC in the same state.").to("distribution_centers.dc_id"),
				col("latitude", Float64, "Latitude in degrees."),
				col("longitude", Float64, "Longitude in degrees."),
				col("tax_rate", Float64, "Combined sales-tax rate as a fraction (city rate, else state rate)."),
				enum("volume_class", "flagship, high_volume, medium_volume, low_volume or kiosk."),
				enum("store_format", "hypermarket, superstore, standard, neighborhood or express."),
				col("open_24h", Bool, "True when the store never closes (then open 00:00, close 24:00)."),
				enum("open_time", "Opening time HH:MM, local."),
				enum("close_time", "Closing time HH:MM, local; earlier than open_time means after midnight."),
				col("daily_traffic_multiplier", Float64, "Traffic relative to a medium store (1.0)."),
				col("opened_date", Date, "Date the store opened."),
			},
		},
		{
			Name: "trucks", Row: "Truck", Kind: Master, Key: []string{"truck_id"},
			Doc: "Truck fleet of the DCs and of the suppliers.",
			Columns: []Column{
				col("truck_id", Int64, "Surrogate key, dense from 1."),
				col("license_plate", String, "Unique license plate."),
				col("refrigerated", Bool, "True for refrigerated trucks, the only ones that carry perishables."),
				null("dc_id", Int64, "Home DC; null for supplier trucks.").to("distribution_centers.dc_id"),
				col("capacity_units", Int32, "Units the truck carries at most."),
			},
		},
		{
			Name: "customers", Row: "Customer", Kind: Master, Key: []string{"customer_id"},
			Doc: "Known (loyalty) customers.",
			Columns: []Column{
				col("customer_id", Int64, "Surrogate key, dense from 1."),
				col("first_name", String, "First name."),
				col("last_name", String, "Last name."),
				col("address", String, "Street address."),
				col("geography_id", Int64, "Home geography.").to("geographies.geography_id"),
				col("latitude", Float64, "Home latitude."),
				col("longitude", Float64, "Home longitude."),
				col("phone", String, "Fictional phone: area code and the reserved 555-01xx range."),
				col("email", String, "Synthetic e-mail on a reserved example domain."),
				col("loyalty_card", String, "Unique loyalty card number."),
				col("ble_id", String, "Unique Bluetooth device id, deterministic from customer_id."),
				col("ad_id", String, "Unique advertising id, deterministic from customer_id."),
				enum("segment", "BUDGET_CONSCIOUS, CONVENIENCE_FOCUSED, QUALITY_SEEKER or BRAND_LOYAL."),
				col("signup_date", Date, "Loyalty sign-up date."),
				col("home_store_id", Int64, "Nearest store to home.").to("stores.store_id"),
				col("preferred_store_ids", String, "Nearby stores the customer visits, nearest first, separated by |."),
			},
		},
		{
			Name: "products", Row: "Product", Kind: Master, Key: []string{"product_id"},
			Doc: "Sellable products with their pricing chain.",
			Columns: []Column{
				col("product_id", Int64, "Surrogate key, dense from 1."),
				col("sku", String, "Unique stock-keeping unit."),
				col("product_name", String, "Name including brand and variant."),
				enum("brand", "Fictional brand."),
				enum("company", "Fictional company that owns the brand."),
				enum("department", "Department."),
				enum("category", "Category within the department."),
				enum("subcategory", "Subcategory within the category."),
				enum("tags", "Season and holiday tags separated by |."),
				col("cost", Money, "Unit cost; always below sale_price."),
				col("msrp", Money, "Manufacturer's suggested retail price."),
				col("sale_price", Money, "Shelf price; sale_price <= msrp."),
				enum("taxability", "TAXABLE, NON_TAXABLE or REDUCED_RATE (half rate)."),
				col("requires_refrigeration", Bool, "Perishable: ships only on refrigerated trucks."),
				col("launch_date", Date, "First day the product can be sold."),
			},
		},
		{
			Name: "campaigns", Row: "Campaign", Kind: Master, Key: []string{"campaign_id"},
			Doc: "Marketing campaigns.",
			Columns: []Column{
				col("campaign_id", Int64, "Surrogate key, dense from 1."),
				col("name", String, "Campaign name."),
				enum("campaign_type", "seasonal_sale, product_launch, loyalty_program or flash_sale."),
				enum("channels", "Channels used, separated by |."),
				col("start_date", Date, "First day."),
				col("end_date", Date, "Last day (inclusive)."),
				col("daily_budget", Money, "Daily budget."),
			},
		},
		{
			Name: "promotions", Row: "Promotion", Kind: Master, Key: []string{"promo_code"},
			Doc: "Promotion catalog: the codes a receipt may use.",
			Columns: []Column{
				col("promo_code", String, "Code printed on receipts."),
				enum("discount_type", "PERCENTAGE, BOGO or FIXED_AMOUNT."),
				col("discount_value", Money, "Percent off for PERCENTAGE and BOGO (percent off the free unit), dollars off for FIXED_AMOUNT."),
				col("min_purchase", Money, "Minimum eligible subtotal."),
				enum("valid_months", "Months (1-12) the code is valid, separated by |."),
				enum("eligible_departments", "Departments the code applies to, separated by |."),
			},
		},
		{
			Name: "store_inventory_initial", Row: "StoreInventoryInitial", Kind: Master, Key: []string{"store_id", "product_id"},
			Doc: "Starting inventory position of every product a store carries.",
			Columns: []Column{
				col("store_id", Int64, "Store.").to("stores.store_id"),
				col("product_id", Int64, "Product.").to("products.product_id"),
				col("quantity", Int32, "Units on hand at the start of the simulation."),
				col("reorder_point", Int32, "A reorder is raised when on-hand + in-transit <= this."),
				col("order_up_to", Int32, "Target position a reorder restores."),
			},
		},
		{
			Name: "dc_inventory_initial", Row: "DCInventoryInitial", Kind: Master, Key: []string{"dc_id", "product_id"},
			Doc: "Starting inventory position of every product at every DC.",
			Columns: []Column{
				col("dc_id", Int64, "DC.").to("distribution_centers.dc_id"),
				col("product_id", Int64, "Product.").to("products.product_id"),
				col("quantity", Int32, "Units on hand at the start of the simulation."),
				col("reorder_point", Int32, "A supplier order is raised when on-hand + in-transit <= this."),
				col("order_up_to", Int32, "Target position a supplier order restores."),
			},
		},
	}
}

// factTables lists the fact tables. They are filled by the simulation engine.

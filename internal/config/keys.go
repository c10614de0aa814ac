package config

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// EnvPrefix starts every environment variable that sets a configuration key.
const EnvPrefix = "RETAIL_"

// ReservedEnvPrefix starts environment variables used by retail-datagen for
// other purposes; the configuration loader ignores them.
const ReservedEnvPrefix = "RETAIL_DATAGEN_"

// KeyInfo describes one configuration key.
type KeyInfo struct {
	// Key is the dotted key name, e.g. "volume.stores".
	Key string
	// Type is the value's type as users write it: "integer",
	// "unsigned integer", "number", "boolean", "string" or "list of strings".
	Type string
	// Default is the default value as text (strings unquoted; secrets are
	// empty by default).
	Default string
	// Description is a one-line explanation.
	Description string
	// Env lists the environment variables that set the key, the RETAIL_* one
	// first. When several are set, the RETAIL_* variable wins.
	Env []string
	// Aliases lists other accepted key names.
	Aliases []string
	// Secret keys are shown as "***" whenever they are printed.
	Secret bool
}

// Keys lists every configuration key in file order, derived from the Config
// struct.
func Keys() []KeyInfo {
	def := reflect.ValueOf(Defaults())
	desc := descriptions()
	extraEnv := map[string][]string{}
	for name, key := range azureEnv() {
		extraEnv[key] = append(extraEnv[key], name)
	}
	aliases := map[string][]string{}
	for alias, key := range keyAliases() {
		aliases[key] = append(aliases[key], alias)
	}
	fs := fields()
	out := make([]KeyInfo, 0, len(fs))
	for _, f := range fs {
		extra := extraEnv[f.key]
		slices.Sort(extra)
		al := aliases[f.key]
		slices.Sort(al)
		out = append(out, KeyInfo{
			Key:         f.key,
			Type:        f.kind.String(),
			Default:     plainText(def.FieldByIndex(f.index).Interface()),
			Description: desc[f.key],
			Env:         append([]string{EnvName(f.key)}, extra...),
			Aliases:     al,
			Secret:      isSecret(f.key),
		})
	}
	return out
}

// EnvName returns the RETAIL_* environment variable for a dotted key:
// "volume.total_customers" -> "RETAIL_VOLUME_TOTAL_CUSTOMERS".
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// azureEnv maps the conventional Azure environment variables to keys.
func azureEnv() map[string]string {
	return map[string]string{
		"AZURE_EVENTHUB_CONNECTION_STRING": "realtime.azure_connection_string",
		"AZURE_STORAGE_ACCOUNT_URI":        "storage.account_uri",
		"AZURE_STORAGE_ACCOUNT_KEY":        "storage.account_key",
	}
}

// keyAliases maps accepted alternative key names to their canonical key.
func keyAliases() map[string]string {
	return map[string]string{"paths.dict": "paths.dictionaries"}
}

// isSecret reports whether a key's value must never be printed.
func isSecret(key string) bool {
	switch key {
	case "realtime.azure_connection_string", "storage.account_key":
		return true
	}
	return false
}

// kind is the type of a configuration value.
type kind int

const (
	kindInt kind = iota + 1
	kindUint
	kindFloat
	kindBool
	kindString
	kindStrings
)

func (k kind) String() string {
	switch k {
	case kindInt:
		return "integer"
	case kindUint:
		return "unsigned integer"
	case kindFloat:
		return "number"
	case kindBool:
		return "boolean"
	case kindString:
		return "string"
	case kindStrings:
		return "list of strings"
	}
	return "unknown"
}

// expectation is the rule text of a type error.
func (k kind) expectation() string {
	switch k {
	case kindInt:
		return "must be an integer"
	case kindUint:
		return "must be a non-negative integer"
	case kindFloat:
		return "must be a finite number"
	case kindBool:
		return "must be a boolean (true or false)"
	case kindString:
		return "must be a string"
	case kindStrings:
		return "must be a list of strings"
	}
	return "has an unsupported type"
}

// rangeRule is the rule text of a number too large for the key's type.
func (k kind) rangeRule() string {
	switch k {
	case kindUint:
		return "is out of range (must fit an unsigned 64-bit integer)"
	case kindFloat:
		return "is out of range (must be a finite number)"
	}
	return "is out of range (must fit a 64-bit integer)"
}

// field is one leaf of the Config struct.
type field struct {
	key   string // dotted koanf key
	index []int  // reflect field index path from Config
	kind  kind
}

// fields lists the leaves of Config in declaration order.
func fields() []field {
	var out []field
	walkFields(reflect.TypeFor[Config](), "", nil, &out)
	return out
}

func walkFields(t reflect.Type, prefix string, index []int, out *[]field) {
	for i := range t.NumField() {
		sf := t.Field(i)
		name := sf.Tag.Get("koanf")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		idx := append(slices.Clone(index), i)
		if sf.Type.Kind() == reflect.Struct {
			walkFields(sf.Type, key, idx, out)
			continue
		}
		var k kind
		switch sf.Type.Kind() {
		case reflect.Int, reflect.Int64:
			k = kindInt
		case reflect.Uint64:
			k = kindUint
		case reflect.Float64:
			k = kindFloat
		case reflect.Bool:
			k = kindBool
		case reflect.String:
			k = kindString
		case reflect.Slice:
			if sf.Type.Elem().Kind() == reflect.String {
				k = kindStrings
				break
			}
			panic(fmt.Sprintf("config: field %s has unsupported type %s", key, sf.Type))
		default:
			// A programming error in this package, caught by the tests.
			panic(fmt.Sprintf("config: field %s has unsupported type %s", key, sf.Type))
		}
		*out = append(*out, field{key: key, index: idx, kind: k})
	}
}

// schema is the tree of sections and keys, used to walk files.
type schema struct {
	leaf     *field
	children map[string]*schema
	order    []string // children in declaration order
}

func buildSchema() *schema {
	root := &schema{children: map[string]*schema{}}
	for _, f := range fields() {
		n := root
		parts := strings.Split(f.key, ".")
		for i, p := range parts {
			child, ok := n.children[p]
			if !ok {
				child = &schema{}
				if i < len(parts)-1 {
					child.children = map[string]*schema{}
				} else {
					fc := f
					child.leaf = &fc
				}
				n.children[p] = child
				n.order = append(n.order, p)
			}
			n = child
		}
	}
	return root
}

// descriptions holds the one-line description of every key.
func descriptions() map[string]string {
	return map[string]string{
		"seed":  "Seed for every random decision; the same seed and configuration produce identical data.",
		"scale": "Scale preset whose volumes apply before explicit keys: tiny, small, default or large.",

		"volume.stores":                           "Number of stores.",
		"volume.dcs":                              "Number of distribution centers (DCs); each supplies a group of stores.",
		"volume.refrigerated_trucks":              "Refrigerated trucks in the DC fleets (total, used when trucks_per_dc is 0).",
		"volume.non_refrigerated_trucks":          "Non-refrigerated trucks in the DC fleets (total, used when trucks_per_dc is 0).",
		"volume.supplier_refrigerated_trucks":     "Refrigerated trucks that bring supplier deliveries to DCs.",
		"volume.supplier_non_refrigerated_trucks": "Non-refrigerated trucks that bring supplier deliveries to DCs.",
		"volume.truck_dc_assignment_rate":         "Share of DC trucks assigned to a home DC, in (0,1]; the rest form a shared pool.",
		"volume.trucks_per_dc":                    "Trucks per DC; 0 = distribute the refrigerated/non-refrigerated totals instead.",
		"volume.truck_capacity":                   "Units one truck carries.",
		"volume.total_geographies":                "Number of geographies (places) stores and customers are drawn from.",
		"volume.total_customers":                  "Number of customers.",
		"volume.total_products":                   "Number of products (SKUs).",
		"volume.customers_per_day":                "Mean receipts per store per day (a medium store's daily mean).",
		"volume.items_per_ticket_mean":            "Mean number of units per receipt, in [1,100].",
		"volume.online_orders_per_day":            "Online orders per day across the chain.",
		"volume.marketing_impressions_per_day":    "Marketing impressions per day across all channels.",
		"volume.dc_initial_inventory_min":         "Lowest initial on-hand units per product at a DC.",
		"volume.dc_initial_inventory_max":         "Highest initial on-hand units per product at a DC.",
		"volume.store_initial_inventory_min":      "Lowest initial on-hand units per product at a store.",
		"volume.store_initial_inventory_max":      "Highest initial on-hand units per product at a store.",
		"volume.dc_reorder_point_min":             "Lowest DC reorder point (units) per product.",
		"volume.dc_reorder_point_max":             "Highest DC reorder point (units) per product; below dc_initial_inventory_max.",
		"volume.store_reorder_point_min":          "Lowest store reorder point (units) per product.",
		"volume.store_reorder_point_max":          "Highest store reorder point (units) per product; below store_initial_inventory_max.",

		"realtime.emit_interval_ms":                  "Streaming: milliseconds between emitted batches (rate limiter refill interval).",
		"realtime.burst":                             "Streaming: events allowed in one burst by the rate limiter.",
		"realtime.azure_connection_string":           "Streaming: Azure Event Hubs connection string (secret; prefer AZURE_EVENTHUB_CONNECTION_STRING).",
		"realtime.max_batch_size":                    "Streaming: most events sent in one batch.",
		"realtime.batch_timeout_ms":                  "Streaming: milliseconds before a partial batch is sent.",
		"realtime.retry_attempts":                    "Streaming: retries of a failed send before dead-lettering.",
		"realtime.backoff_multiplier":                "Streaming: growth factor of the retry delay, at least 1.",
		"realtime.circuit_breaker_enabled":           "Streaming: stop sending for a while after repeated failures.",
		"realtime.circuit_breaker_failure_threshold": "Streaming: consecutive failures that open the circuit breaker.",
		"realtime.circuit_breaker_recovery_timeout":  "Streaming: seconds before an open circuit breaker tries again.",
		"realtime.monitoring_interval":               "Streaming: seconds between monitoring reports.",
		"realtime.max_buffer_size":                   "Streaming: most events buffered before backpressure applies.",
		"realtime.enable_dead_letter_queue":          "Streaming: keep events that could not be sent in a dead-letter queue.",

		"paths.dictionaries": "Folder of dictionary CSV files overriding the embedded ones (alias paths.dict); empty = embedded only.",
		"paths.master":       "Master-data folder; kept for compatibility, must be <output.dir>/master; empty = derived.",
		"paths.facts":        "Facts folder; kept for compatibility, must be <output.dir>/facts; empty = derived.",

		"stream.hub": "Name of the event hub (or topic) events are sent to.",

		"historical.start_date": "First simulated day, YYYY-MM-DD.",
		"historical.end_date":   "Last simulated day (inclusive), YYYY-MM-DD; empty = start_date + days - 1.",
		"historical.days":       "Number of simulated days when end_date is empty.",

		"performance.max_workers":     "Parallel workers; 0 = number of CPUs.",
		"disruptions.enabled":         "Simulate DC disruptions (weather, labor, system outage, capacity) that delay trucks and cut shipments.",
		"disruptions.per_dc_per_year": "Mean number of disruptions per DC and year when enabled, 0..365.",

		"marketing_cost.facebook_cost_min":  "Lowest Facebook cost per impression, dollars.",
		"marketing_cost.facebook_cost_max":  "Highest Facebook cost per impression, dollars.",
		"marketing_cost.google_cost_min":    "Lowest Google cost per impression, dollars.",
		"marketing_cost.google_cost_max":    "Highest Google cost per impression, dollars.",
		"marketing_cost.instagram_cost_min": "Lowest Instagram cost per impression, dollars.",
		"marketing_cost.instagram_cost_max": "Highest Instagram cost per impression, dollars.",
		"marketing_cost.youtube_cost_min":   "Lowest YouTube cost per impression, dollars.",
		"marketing_cost.youtube_cost_max":   "Highest YouTube cost per impression, dollars.",
		"marketing_cost.email_cost_min":     "Lowest email cost per impression, dollars.",
		"marketing_cost.email_cost_max":     "Highest email cost per impression, dollars.",
		"marketing_cost.display_cost_min":   "Lowest display-ad cost per impression, dollars.",
		"marketing_cost.display_cost_max":   "Highest display-ad cost per impression, dollars.",
		"marketing_cost.search_cost_min":    "Lowest search-ad cost per impression, dollars.",
		"marketing_cost.search_cost_max":    "Highest search-ad cost per impression, dollars.",
		"marketing_cost.social_cost_min":    "Lowest social-media cost per impression, dollars.",
		"marketing_cost.social_cost_max":    "Highest social-media cost per impression, dollars.",
		"marketing_cost.video_cost_min":     "Lowest video-ad cost per impression, dollars.",
		"marketing_cost.video_cost_max":     "Highest video-ad cost per impression, dollars.",
		"marketing_cost.mobile_multiplier":  "Cost multiplier for impressions on mobile devices.",
		"marketing_cost.tablet_multiplier":  "Cost multiplier for impressions on tablets.",
		"marketing_cost.desktop_multiplier": "Cost multiplier for impressions on desktops.",

		"storage.account_uri": "Object-storage account URI (a SAS query string is treated as a secret).",
		"storage.account_key": "Object-storage account key (secret; prefer AZURE_STORAGE_ACCOUNT_KEY).",

		"output.dir":         "Output root folder or URL (flag --out).",
		"output.format":      "Table format: parquet, csv or jsonl.",
		"output.compression": "Compression: parquet zstd|snappy|gzip|none, csv/jsonl none|gzip; empty = format default (zstd for parquet, none otherwise).",

		"server.allowed_origins": "serve: browser origins (scheme://host[:port]) allowed to call the API cross-origin (CORS); ALLOWED_ORIGINS (comma-separated) adds more. Empty = same origin only.",
	}
}

// plainText renders a typed value as text without quoting.
func plainText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return formatFloat(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case []string:
		return strings.Join(x, ",")
	}
	return fmt.Sprint(v)
}

// formatFloat renders a float so that it reads back as a float in YAML and
// JSON ("2" becomes "2.0").
func formatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEnN") {
		s += ".0"
	}
	return s
}

// quotedList renders names as "a", "b", "c".
func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

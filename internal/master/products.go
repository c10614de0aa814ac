package master

import (
	"fmt"
	"math"
	"strings"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/dict"
	"github.com/retail-datagen/retail-datagen/internal/rng"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

type variant struct {
	label  string
	factor float64 // price factor against the base product
}

// variants are the sizes, packs and models that turn a base product into
// several sellable products. The first variant of each list is the plain one.
func variants(department string) []variant {
	switch department {
	case "Grocery":
		return []variant{{"", 1}, {"Family Size", 1.6}, {"Value Pack", 2.2}, {"Organic", 1.35}, {"Snack Size", 0.6}, {"Twin Pack", 1.85}}
	case "Clothing":
		return []variant{{"", 1}, {"Navy", 1}, {"Black", 1}, {"Heather Gray", 1}, {"Olive", 1}, {"Burgundy", 1.05}, {"White", 1}}
	case "Electronics":
		return []variant{{"", 1}, {"Pro", 1.45}, {"Mini", 0.75}, {"Plus", 1.2}, {"Gen 2", 1.15}, {"Max", 1.6}}
	case "Health & Beauty":
		return []variant{{"", 1}, {"Travel Size", 0.45}, {"Sensitive", 1.1}, {"Value Size", 1.7}, {"Unscented", 1}}
	case "Home & Garden":
		return []variant{{"", 1}, {"Large", 1.4}, {"Set of 2", 1.8}, {"Deluxe", 1.6}, {"Compact", 0.8}}
	case "Baby & Kids":
		return []variant{{"", 1}, {"Bundle", 1.7}, {"Deluxe", 1.5}, {"Travel", 0.85}}
	case "Pet":
		return []variant{{"", 1}, {"Large Breed", 1.3}, {"Small Breed", 0.9}, {"Bulk Bag", 2.1}, {"Grain Free", 1.25}}
	case "Automotive":
		return []variant{{"", 1}, {"Heavy Duty", 1.4}, {"2 Pack", 1.8}, {"Premium", 1.5}}
	case "Office":
		return []variant{{"", 1}, {"12 Pack", 2.5}, {"Assorted", 1.1}, {"Bulk Box", 3.2}}
	case "Seasonal & Sports":
		return []variant{{"", 1}, {"Junior", 0.75}, {"Pro", 1.6}, {"Deluxe", 1.4}}
	}
	return []variant{{"", 1}}
}

// products expands the base products into total_products sellable products
// with brand, variant and the pricing chain of SPEC §4 in whole cents.
func (g *gen) products() ([]rows.Product, error) {
	base := g.d.Products
	if len(base) == 0 {
		return nil, fmt.Errorf("the products dictionary is empty")
	}
	brandsByDept := make(map[string][]dict.Brand)
	for _, b := range g.d.Brands {
		brandsByDept[b.Category] = append(brandsByDept[b.Category], b)
	}
	n := g.v.TotalProducts
	out := make([]rows.Product, n)
	k := g.src.Key("product")
	for i := 0; i < n; i++ {
		id := int64(i + 1)
		r := k.With(id).Rand()
		bp := base[i%len(base)]
		round := i / len(base)
		brands := brandsByDept[bp.Department]
		if len(brands) == 0 {
			return nil, fmt.Errorf("no brand in the brands dictionary has category %q (needed by product %q)", bp.Department, bp.Name)
		}
		brand := brands[r.IntN(len(brands))]
		vs := variants(bp.Department)
		v := vs[0]
		if round > 0 {
			v = vs[1+(round-1)%(len(vs)-1)]
			if len(vs) == 1 {
				v = vs[0]
			}
		}
		name := brand.Name + " " + bp.Name
		if v.label != "" {
			name += " " + v.label
		}
		if round >= len(vs) {
			name += fmt.Sprintf(" Edition %d", round/len(vs)+1)
		}
		msrp, sale, cost := pricing(r.Float64(), r.Float64(), r.Float64(), r.Float64(), float64(bp.BasePriceCents)*v.factor)
		launch := g.start - civil.Date(rng.IntBetween(r, 30, 3650))
		if rng.Bernoulli(r, 0.12) {
			launch = g.start + civil.Date(r.IntN(365))
		}
		out[i] = rows.Product{
			ProductID:             id,
			SKU:                   fmt.Sprintf("%s-%07d", deptCode(bp.Department), id),
			ProductName:           name,
			Brand:                 brand.Name,
			Company:               brand.Company,
			Department:            bp.Department,
			Category:              bp.Category,
			Subcategory:           bp.Subcategory,
			Tags:                  strings.Join(bp.Tags, "|"),
			Cost:                  cost,
			MSRP:                  msrp,
			SalePrice:             sale,
			Taxability:            dict.Taxability(bp.Department),
			RequiresRefrigeration: dict.IsRefrigerated(bp.Category),
			LaunchDate:            int32(launch),
		}
	}
	return out, nil
}

// pricing applies SPEC §4: MSRP = base × (1 ± up to 15 %); sale price = MSRP
// with probability 0.6, else 5–35 % off; cost = 50–85 % of the sale price;
// always cost < sale_price ≤ msrp in whole cents. u1..u4 are uniform draws.
func pricing(u1, u2, u3, u4, baseCents float64) (msrp, sale, cost int64) {
	msrp = int64(math.Round(baseCents * (0.85 + 0.30*u1)))
	msrp = max(msrp, 2)
	sale = msrp
	if u2 >= 0.6 {
		sale = int64(math.Round(float64(msrp) * (1 - (0.05 + 0.30*u3))))
	}
	sale = min(max(sale, 2), msrp)
	cost = int64(math.Floor(float64(sale) * (0.50 + 0.35*u4)))
	cost = min(max(cost, 1), sale-1)
	return msrp, sale, cost
}

func deptCode(department string) string {
	switch department {
	case "Grocery":
		return "GRO"
	case "Electronics":
		return "ELE"
	case "Clothing":
		return "CLO"
	case "Health & Beauty":
		return "HBC"
	case "Home & Garden":
		return "HOM"
	case "Baby & Kids":
		return "BAB"
	case "Pet":
		return "PET"
	case "Automotive":
		return "AUT"
	case "Office":
		return "OFF"
	case "Seasonal & Sports":
		return "SEA"
	}
	return "GEN"
}

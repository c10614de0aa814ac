package master

import "github.com/retail-datagen/retail-datagen/internal/rows"

// Discount types.
const (
	DiscountPercentage = "PERCENTAGE"
	DiscountBOGO       = "BOGO"
	DiscountFixed      = "FIXED_AMOUNT"
)

const allMonths = "1|2|3|4|5|6|7|8|9|10|11|12"

// promotionCatalog is the fixed catalog of codes: everyday percentage and
// threshold codes, BOGO codes and seasonal codes valid in their months.
// Amounts are in cents; percentages are whole percent × 100 (15 % = 1500,
// written 15.00).
func promotionCatalog() []rows.Promotion {
	all := "Grocery|Electronics|Clothing|Health & Beauty|Home & Garden|Baby & Kids|Pet|Automotive|Office|Seasonal & Sports"
	p := func(code, typ string, value, minPurchase int64, months, depts string) rows.Promotion {
		return rows.Promotion{PromoCode: code, DiscountType: typ, DiscountValue: value, MinPurchase: minPurchase, ValidMonths: months, EligibleDepartments: depts}
	}
	return []rows.Promotion{
		p("SAVE10", DiscountPercentage, 1000, 0, allMonths, all),
		p("SAVE15OVER50", DiscountPercentage, 1500, 5000, allMonths, all),
		p("TAKE5OFF25", DiscountFixed, 500, 2500, allMonths, all),
		p("TAKE20OFF100", DiscountFixed, 2000, 10000, allMonths, all),
		p("FRESHBOGO", DiscountBOGO, 10000, 0, allMonths, "Grocery"),
		p("PANTRYBOGO50", DiscountBOGO, 5000, 0, allMonths, "Grocery"),
		p("PETPAL10", DiscountPercentage, 1000, 2000, allMonths, "Pet"),
		p("GLOW15", DiscountPercentage, 1500, 1500, allMonths, "Health & Beauty"),
		p("TUNEUP15", DiscountPercentage, 1500, 3000, allMonths, "Automotive"),
		p("LITTLEONES10", DiscountPercentage, 1000, 2500, allMonths, "Baby & Kids"),
		p("NEWYEAR20", DiscountPercentage, 2000, 4000, "1", "Seasonal & Sports|Health & Beauty|Home & Garden"),
		p("WINTERWARM15", DiscountPercentage, 1500, 3000, "1|2|12", "Clothing"),
		p("SWEETHEART15", DiscountPercentage, 1500, 2000, "2", "Health & Beauty|Grocery|Seasonal & Sports"),
		p("SPRINGHOME15", DiscountPercentage, 1500, 3000, "3|4|5", "Home & Garden"),
		p("SUMMERFUN20", DiscountPercentage, 2000, 3000, "6|7|8", "Seasonal & Sports|Home & Garden"),
		p("GRILLBOGO", DiscountBOGO, 5000, 0, "5|6|7", "Grocery"),
		p("SCHOOLDAYS25", DiscountPercentage, 2500, 2500, "7|8|9", "Office|Clothing|Baby & Kids|Electronics"),
		p("SPOOKY15", DiscountPercentage, 1500, 1500, "10", "Seasonal & Sports|Grocery|Baby & Kids"),
		p("FEAST10", DiscountFixed, 1000, 6000, "11", "Grocery"),
		p("DOORBUSTER25", DiscountPercentage, 2500, 10000, "11", "Electronics|Home & Garden"),
		p("GIFTGIVER10", DiscountFixed, 1000, 5000, "11|12", all),
		p("HOLIDAY20", DiscountPercentage, 2000, 7500, "12", "Electronics|Clothing|Baby & Kids|Seasonal & Sports"),
		p("STOCKINGBOGO", DiscountBOGO, 5000, 0, "12", "Health & Beauty|Baby & Kids"),
		p("PAPERTRAIL10", DiscountPercentage, 1000, 2000, allMonths, "Office"),
	}
}

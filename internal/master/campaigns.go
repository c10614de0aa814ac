package master

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/retail-datagen/retail-datagen/internal/calendar"
	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Marketing channels.
func Channels() []string {
	return []string{"FACEBOOK", "GOOGLE", "INSTAGRAM", "YOUTUBE", "EMAIL", "DISPLAY", "SEARCH", "SOCIAL", "VIDEO"}
}

// Campaign types.
const (
	CampaignSeasonal = "seasonal_sale"
	CampaignLaunch   = "product_launch"
	CampaignLoyalty  = "loyalty_program"
	CampaignFlash    = "flash_sale"
)

type plannedCampaign struct {
	name       string
	kind       string
	start, end civil.Date
	budgetLo   int64 // dollars
	budgetHi   int64
}

// CampaignYears is how many calendar years of campaigns are planned, from
// the year of historical.start_date. The plan does not depend on the end of
// the range, so master data stays the same when a dataset is extended.
const CampaignYears = 10

// campaigns plans the campaigns of CampaignYears years from the start
// year: the holiday calendar's seasonal sales, plus launches, loyalty
// pushes and flash sales. The holiday months carry the most campaigns.
func (g *gen) campaigns() []rows.Campaign {
	y0, _, _ := g.start.Civil()
	var plan []plannedCampaign
	for y := y0; y < y0+CampaignYears; y++ {
		plan = append(plan, g.yearCampaigns(y)...)
	}
	slices.SortStableFunc(plan, func(a, b plannedCampaign) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), strings.Compare(a.name, b.name))
	})
	k := g.src.Key("campaign")
	out := make([]rows.Campaign, len(plan))
	for i, p := range plan {
		id := int64(i + 1)
		r := k.With(id).Rand()
		out[i] = rows.Campaign{
			CampaignID:   id,
			Name:         p.name,
			CampaignType: p.kind,
			Channels:     pickChannels(r, p.kind),
			StartDate:    int32(p.start),
			EndDate:      int32(p.end),
			DailyBudget:  (p.budgetLo + r.Int64N(p.budgetHi-p.budgetLo+1)) * 100,
		}
	}
	return out
}

func (g *gen) yearCampaigns(y int) []plannedCampaign {
	d := civil.DaysFromCivil
	ys := fmt.Sprint(y)
	plan := []plannedCampaign{
		{"New Year Clearance " + ys, CampaignSeasonal, d(y, 1, 1), d(y, 1, 14), 2000, 6000},
		{"Valentine's Gifts " + ys, CampaignSeasonal, d(y, 2, 1), d(y, 2, 14), 2000, 7000},
		{"Spring Refresh " + ys, CampaignSeasonal, d(y, 3, 15), d(y, 4, 15), 1500, 5000},
		{"Mother's Day " + ys, CampaignSeasonal, calendar.MothersDay(y) - 10, calendar.MothersDay(y), 2000, 6000},
		{"Memorial Day Sale " + ys, CampaignSeasonal, calendar.MemorialDay(y) - 6, calendar.MemorialDay(y), 3000, 8000},
		{"Father's Day " + ys, CampaignSeasonal, calendar.FathersDay(y) - 10, calendar.FathersDay(y), 2000, 6000},
		{"Fourth of July " + ys, CampaignSeasonal, d(y, 6, 25), d(y, 7, 4), 3000, 8000},
		{"Back to School " + ys, CampaignSeasonal, d(y, 7, 15), calendar.LaborDay(y), 4000, 12000},
		{"Labor Day Sale " + ys, CampaignSeasonal, calendar.LaborDay(y) - 4, calendar.LaborDay(y), 3000, 8000},
		{"Halloween " + ys, CampaignSeasonal, d(y, 10, 1), d(y, 10, 31), 2500, 8000},
		{"Thanksgiving Feast " + ys, CampaignSeasonal, calendar.Thanksgiving(y) - 10, calendar.Thanksgiving(y), 3000, 9000},
		{"Black Friday " + ys, CampaignSeasonal, calendar.BlackFriday(y) - 3, calendar.CyberMonday(y), 10000, 30000},
		{"Holiday Gifts " + ys, CampaignSeasonal, d(y, 12, 1), d(y, 12, 24), 8000, 25000},
		{"After-Christmas Sale " + ys, CampaignSeasonal, d(y, 12, 26), d(y, 12, 31), 3000, 9000},
	}
	r := g.src.Key("campaign-plan").With(int64(y)).Rand()
	for q := 0; q < 4; q++ {
		start := d(y, 1+3*q, 1) + civil.Date(r.IntN(60))
		plan = append(plan, plannedCampaign{fmt.Sprintf("New Arrivals Q%d %s", q+1, ys), CampaignLaunch, start, start + civil.Date(14+r.IntN(17)), 1500, 6000})
	}
	for h := 0; h < 2; h++ {
		start := d(y, 1+6*h, 1) + civil.Date(r.IntN(45))
		plan = append(plan, plannedCampaign{fmt.Sprintf("Rewards Plus H%d %s", h+1, ys), CampaignLoyalty, start, start + civil.Date(60+r.IntN(31)), 1000, 4000})
	}
	flashMonths := []int{3, 5, 8, 10, 11, 11, 12, 12}
	for i, m := range flashMonths {
		start := d(y, m, 1) + civil.Date(r.IntN(25))
		plan = append(plan, plannedCampaign{fmt.Sprintf("Flash Deal %s-%02d #%d", ys, m, i+1), CampaignFlash, start, start + civil.Date(r.IntN(3)), 1000, 5000})
	}
	return plan
}

func pickChannels(r *rand.Rand, kind string) string {
	all := Channels()
	n := 2 + r.IntN(3)
	if kind == CampaignSeasonal {
		n++
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	chosen := all[:n]
	order := Channels()
	slices.SortFunc(chosen, func(a, b string) int {
		return cmp.Compare(slices.Index(order, a), slices.Index(order, b))
	})
	return strings.Join(chosen, "|")
}

package validate

import (
	"fmt"

	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// attributionWindow is how long after an impression a purchase may carry
// its campaign: 48 hours.
const attributionWindow = 48 * 3600 * 1_000_000

type reachKey struct {
	customer, campaign int64
}

func isChannel(s string) bool {
	switch s {
	case "FACEBOOK", "GOOGLE", "INSTAGRAM", "YOUTUBE", "EMAIL", "DISPLAY", "SEARCH", "SOCIAL", "VIDEO":
		return true
	}
	return false
}

func (v *validator) impression(d *dayState, f *fileRef, r *rows.MarketingImpression, row int64) {
	key := func() string { return fmt.Sprintf("impression_id %d", r.ImpressionID) }
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evRow})
	v.count(CheckFactKeys, 1)
	if _, dup := d.impressions[r.ImpressionID]; dup {
		v.rowFail(CheckFactKeys, *f, row, key(), "duplicate impression_id")
	}
	d.impressions[r.ImpressionID] = struct{}{}
	if r.ImpressionID/100_000_000_000 != yyyymmdd(d.day) {
		v.rowFail(CheckFactKeys, *f, row, key(), "impression_id does not start with the partition date %d", yyyymmdd(d.day))
	}
	v.count(CheckFactValues, 1)
	switch {
	case !isChannel(r.Channel):
		v.rowFail(CheckFactValues, *f, row, key(), "channel %q is not a known channel", r.Channel)
	case r.Device != "MOBILE" && r.Device != "TABLET" && r.Device != "DESKTOP":
		v.rowFail(CheckFactValues, *f, row, key(), "device %q is not MOBILE, TABLET or DESKTOP", r.Device)
	case r.Cost <= 0 || r.CreativeID == "" || r.CustomerAdID == "":
		v.rowFail(CheckFactValues, *f, row, key(), "cost %s, creative_id %q, customer_ad_id %q: want a positive cost and both ids", money(r.Cost), r.CreativeID, r.CustomerAdID)
	}
	if v.has("campaigns") {
		v.count(CheckFactFK, 1)
		c, ok := v.m.campaigns.get(r.CampaignID)
		if !ok {
			v.rowFail(CheckFactFK, *f, row, key(), "campaign_id %d does not exist in campaigns", r.CampaignID)
		} else {
			v.count(CheckFactMarketing, 1)
			if d.day < c.start || d.day > c.end {
				v.rowFail(CheckFactMarketing, *f, row, key(), "campaign %d runs %s to %s, not on %s", r.CampaignID, c.start, c.end, d.day)
			}
		}
	}
	st := &v.f.stats
	st.impressions++
	if r.CustomerID == 0 {
		return
	}
	st.knownImpressions++
	if v.has("customers") {
		v.count(CheckFactFK, 1)
		c, ok := v.m.customers.get(r.CustomerID)
		switch {
		case !ok:
			v.rowFail(CheckFactFK, *f, row, key(), "customer_id %d does not exist in customers", r.CustomerID)
		case c.ad != v.hash(r.CustomerAdID):
			v.rowFail(CheckFactFK, *f, row, key(), "customer_ad_id %q is not the ad_id of customer %d", r.CustomerAdID, r.CustomerID)
		}
	}
	k := reachKey{customer: r.CustomerID, campaign: r.CampaignID}
	v.f.reached[k] = append(v.f.reached[k], r.EventTS)
}

// attributed checks that a receipt carrying a campaign follows, within 48
// hours, an impression of that campaign to its customer.
func (v *validator) attributed(f *fileRef, row int64, r *rows.Receipt) {
	if r.CampaignID == 0 || !v.has("marketing_impressions") {
		return
	}
	v.count(CheckFactMarketing, 1)
	if r.CustomerID == 0 {
		v.rowFail(CheckFactMarketing, *f, row, receiptKey(r.ReceiptID), "an anonymous receipt is attributed to campaign %d", r.CampaignID)
		return
	}
	if r.EventTS-attributionWindow < int64(v.days[0])*86_400_000_000 {
		return // the impression may be before the folder's first day
	}
	for _, ts := range v.f.reached[reachKey{customer: r.CustomerID, campaign: r.CampaignID}] {
		if ts < r.EventTS && r.EventTS-ts <= attributionWindow {
			return
		}
	}
	v.rowFail(CheckFactMarketing, *f, row, receiptKey(r.ReceiptID), "campaign %d, but no impression of it reached customer %d in the 48 hours before", r.CampaignID, r.CustomerID)
}

// forgetImpressions drops the impressions that can no longer be attributed
// after the day.
func (v *validator) forgetImpressions(d *dayState) {
	horizon := int64(d.day+1)*86_400_000_000 - attributionWindow
	for k, list := range v.f.reached {
		i := 0
		for _, ts := range list {
			if ts >= horizon {
				list[i] = ts
				i++
			}
		}
		if i == 0 {
			delete(v.f.reached, k)
		} else {
			v.f.reached[k] = list[:i]
		}
	}
}

func (v *validator) disruption(d *dayState, f *fileRef, r *rows.SupplyChainDisruption, row int64) {
	key := func() string { return fmt.Sprintf("disruption_id %d", r.DisruptionID) }
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evRow})
	v.count(CheckFactValues, 1)
	switch {
	case r.DisruptionType != "WEATHER" && r.DisruptionType != "LABOR" && r.DisruptionType != "SYSTEM_OUTAGE" && r.DisruptionType != "CAPACITY":
		v.rowFail(CheckFactValues, *f, row, key(), "disruption_type %q is not WEATHER, LABOR, SYSTEM_OUTAGE or CAPACITY", r.DisruptionType)
	case r.Severity != "LOW" && r.Severity != "MEDIUM" && r.Severity != "HIGH":
		v.rowFail(CheckFactValues, *f, row, key(), "severity %q is not LOW, MEDIUM or HIGH", r.Severity)
	case r.ImpactPct < 0 || r.ImpactPct > 100:
		v.rowFail(CheckFactValues, *f, row, key(), "impact_pct %d is not 0..100", r.ImpactPct)
	case r.EndTS < r.StartTS:
		v.rowFail(CheckFactValues, *f, row, key(), "end_ts %s is before start_ts %s", tsString(r.EndTS), tsString(r.StartTS))
	}
	if v.has("distribution_centers") {
		v.count(CheckFactFK, 1)
		if _, ok := v.m.dcState.get(r.DCID); !ok {
			v.rowFail(CheckFactFK, *f, row, key(), "dc_id %d does not exist in distribution_centers", r.DCID)
		}
	}
}

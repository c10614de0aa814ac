package sim

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"

	"github.com/retail-datagen/retail-datagen/internal/calendar"
	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/rng"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Marketing: impressions of the active campaigns, spread over the networks
// by their share of customers; about 5 % reach a known customer, and some
// of those customers visit their home store and buy within 1 to 48 hours,
// the receipt carrying the campaign.
const (
	knownImpressionShare = 0.05
	maxVisitLagHours     = 48
)

type campaignInfo struct {
	row      *rows.Campaign
	channels []int // indexes into channelNames
}

func channelNames() []string {
	return []string{"FACEBOOK", "GOOGLE", "INSTAGRAM", "YOUTUBE", "EMAIL", "DISPLAY", "SEARCH", "SOCIAL", "VIDEO"}
}

// channelConversion is the chance that a known customer reached by a
// channel visits and buys: search > email > video > social > display.
func channelConversion(ch string) float64 {
	switch ch {
	case "SEARCH", "GOOGLE":
		return 0.12
	case "EMAIL":
		return 0.09
	case "VIDEO", "YOUTUBE":
		return 0.06
	case "SOCIAL", "FACEBOOK", "INSTAGRAM":
		return 0.045
	}
	return 0.03 // DISPLAY
}

// channelCost is the configured cost range of a channel, in dollars.
func channelCost(mc config.MarketingCost, ch string) (lo, hi float64) {
	switch ch {
	case "FACEBOOK":
		return mc.FacebookCostMin, mc.FacebookCostMax
	case "GOOGLE":
		return mc.GoogleCostMin, mc.GoogleCostMax
	case "INSTAGRAM":
		return mc.InstagramCostMin, mc.InstagramCostMax
	case "YOUTUBE":
		return mc.YoutubeCostMin, mc.YoutubeCostMax
	case "EMAIL":
		return mc.EmailCostMin, mc.EmailCostMax
	case "DISPLAY":
		return mc.DisplayCostMin, mc.DisplayCostMax
	case "SEARCH":
		return mc.SearchCostMin, mc.SearchCostMax
	case "SOCIAL":
		return mc.SocialCostMin, mc.SocialCostMax
	}
	return mc.VideoCostMin, mc.VideoCostMax
}

func (m *Model) indexCampaigns() {
	names := channelNames()
	for i := range m.data.Campaigns {
		c := &m.data.Campaigns[i]
		info := campaignInfo{row: c}
		for _, ch := range strings.Split(c.Channels, "|") {
			if k := slices.Index(names, ch); k >= 0 {
				info.channels = append(info.channels, k)
			}
		}
		if len(info.channels) > 0 {
			m.campaigns = append(m.campaigns, info)
		}
	}
}

// PendingVisit is a known customer who will visit their home store because
// of a campaign.
type PendingVisit struct {
	Day        civil.Date `json:"day"`
	Hour       int8       `json:"hour"`
	StoreID    int64      `json:"store_id"`
	Customer   int32      `json:"customer"` // index into customers
	CampaignID int64      `json:"campaign_id"`
}

// impressions emits the network's impressions of the day, in time order,
// and schedules the visits they cause.
func (r *Runner) impressions(day civil.Date) {
	m := r.m
	dc := &m.dcs[r.net.DCIndex]
	var active []int
	for i := range m.campaigns {
		c := m.campaigns[i].row
		if int32(day) >= c.StartDate && int32(day) <= c.EndDate {
			active = append(active, i)
		}
	}
	if len(active) == 0 || len(r.custs) == 0 {
		return
	}
	budget := make([]float64, len(active))
	for k, i := range active {
		budget[k] = float64(m.campaigns[i].row.DailyBudget)
	}
	cum := rng.Cumulative(budget)
	m.src.Key("impressions").With(dc.id).With(int64(day)).Reseed(&r.hourPCG)
	hr := r.hr
	// Evenings and weekends see more ads: the calendar's factor (closed
	// days count as ordinary days online).
	f := m.cal.DayFactor(day)
	if f == 0 {
		f = 1
	}
	n := rng.Poisson(hr, float64(m.cfg.Volume.MarketingImpressionsPerDay)*r.custShare*f)
	n = min(n, MaxSequence)
	// Times first, sorted, so ids follow time.
	r.times = r.times[:0]
	shares := calendar.OnlineHourShares()
	hcum := cumulative24(&shares)
	for range n {
		h := rng.Weighted(hr, hcum)
		r.times = append(r.times, int32(h*3600+hr.IntN(3600)))
	}
	slices.Sort(r.times)
	mc := m.cfg.MarketingCost
	names := channelNames()
	devices := [3]string{"MOBILE", "DESKTOP", "TABLET"}
	deviceMult := [3]float64{mc.MobileMultiplier, mc.DesktopMultiplier, mc.TabletMultiplier}
	pd := placeDay(dc.place, day)
	for k, sec := range r.times {
		c := &m.campaigns[active[rng.Weighted(hr, cum)]]
		ch := names[c.channels[hr.IntN(len(c.channels))]]
		dev := 0
		switch x := hr.Float64(); {
		case x < 0.55:
		case x < 0.85:
			dev = 1
		default:
			dev = 2
		}
		lo, hi := channelCost(mc, ch)
		cost := int64(math.Round(rng.FloatBetween(hr, lo, hi) * deviceMult[dev] * 100))
		seq := int64(k + 1)
		trace := m.tk.trace(traceImpression, pd, uint64(seq))
		var custID int64
		var adID string
		if hr.Float64() < knownImpressionShare {
			ci := r.custs[hr.IntN(len(r.custs))]
			cu := &m.data.Customers[ci]
			custID, adID = cu.CustomerID, cu.AdID
			if hr.Float64() < channelConversion(ch) {
				r.scheduleVisit(day, sec, ci, c.row.CampaignID)
			}
		} else if r.e.impressions.on() {
			adID = anonymousAdID(trace)
		}
		creative := hr.IntN(4) + 1
		if !r.e.impressions.on() {
			continue
		}
		r.e.impressions.add(&rows.MarketingImpression{
			TraceID: trace, EventTS: day.Micros(int(sec)), ImpressionID: composeID(day, dc.place, seq),
			CampaignID: c.row.CampaignID, Channel: ch, CreativeID: creativeID(c.row.CampaignID, creative),
			CustomerAdID: adID, CustomerID: custID, Device: devices[dev], Cost: max(cost, 1),
		})
	}
}

func cumulative24(shares *[24]float64) []float64 {
	c := make([]float64, 24)
	s := 0.0
	for i, v := range shares {
		s += v
		c[i] = s
	}
	return c
}

// scheduleVisit books the customer's visit to their home store 1 to 48
// hours after the impression: in an open hour from the second to the 47th
// hour after the impression's hour, so the receipt comes at least one and
// at most 48 hours after the impression. The hour is drawn, then moved to
// the next open hour of that window (wrapping around).
func (r *Runner) scheduleVisit(day civil.Date, sec int32, ci int32, campaign int64) {
	m := r.m
	cu := &m.data.Customers[ci]
	s := &m.stores[cu.HomeStoreID-1]
	first := int64(day)*24 + int64(sec)/3600 + 2
	span := int64(maxVisitLagHours - 2)
	off := int64(r.hr.IntN(int(span)))
	for k := int64(0); k < span; k++ {
		at := first + (off+k)%span
		d := civil.Date(at / 24)
		h := int(at % 24)
		if !calendar.Closed(d) && s.open[h] {
			lo, hi := hourWindow(s, h)
			if hi > lo {
				v := PendingVisit{Day: d, Hour: int8(h), StoreID: s.id, Customer: ci, CampaignID: campaign}
				i, _ := slices.BinarySearchFunc(r.st.Visits, v, comparePendingVisit)
				r.st.Visits = slices.Insert(r.st.Visits, i, v)
				return
			}
		}
	}
}

func comparePendingVisit(a, b PendingVisit) int {
	switch {
	case a.Day != b.Day:
		return int(a.Day - b.Day)
	case a.Hour != b.Hour:
		return int(a.Hour - b.Hour)
	case a.StoreID != b.StoreID:
		return int(a.StoreID - b.StoreID)
	case a.Customer != b.Customer:
		return int(a.Customer - b.Customer)
	}
	return int(a.CampaignID - b.CampaignID)
}

func creativeID(campaign int64, n int) string {
	b := make([]byte, 0, 10)
	b = append(b, 'C')
	b = rows.AppendPadded(b, campaign, 4)
	b = append(b, '-')
	b = rows.AppendPadded(b, int64(n), 2)
	return string(b)
}

// anonymousAdID is a version-4 shaped UUID for an unknown device.
func anonymousAdID(trace [16]byte) string {
	var u [16]byte
	hi := binary.BigEndian.Uint64(trace[:8])
	lo := binary.BigEndian.Uint64(trace[8:])
	binary.BigEndian.PutUint64(u[:8], splitmix(hi^0x5bd1e995a5f0e6b3))
	binary.BigEndian.PutUint64(u[8:], splitmix(lo+0x27d4eb2f165667c5))
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return string(rows.AppendUUID(nil, u))
}

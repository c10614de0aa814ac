package master

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rng"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Store volume classes and formats.
const (
	ClassFlagship = "flagship"
	ClassHigh     = "high_volume"
	ClassMedium   = "medium_volume"
	ClassLow      = "low_volume"
	ClassKiosk    = "kiosk"

	FormatHypermarket  = "hypermarket"
	FormatSuperstore   = "superstore"
	FormatStandard     = "standard"
	FormatNeighborhood = "neighborhood"
	FormatExpress      = "express"
)

// Population thresholds of the urban and suburban store profiles.
const (
	urbanPopulation    = 500_000
	suburbanPopulation = 100_000
)

// defaultTaxMicros applies where neither the city nor the state has a rate.
const defaultTaxMicros = 70_000

type classProfile struct {
	class, format string
	lo, hi        float64 // traffic multiplier range
}

func classProfiles() [5]classProfile {
	return [5]classProfile{
		{ClassFlagship, FormatHypermarket, 2.5, 3.0},
		{ClassHigh, FormatSuperstore, 1.8, 2.4},
		{ClassMedium, FormatStandard, 0.8, 1.2},
		{ClassLow, FormatNeighborhood, 0.4, 0.7},
		{ClassKiosk, FormatExpress, 0.25, 0.35},
	}
}

// chainMix is the chain's class mix, in the order of classProfiles:
// flagship, high, medium, low, kiosk.
func chainMix() []float64 { return []float64{0.15, 0.20, 0.30, 0.20, 0.15} }

// distributionCenters places DCs in the most heavily weighted geographies:
// first the largest place of each state (largest states first), so the
// network spans the country, then the next largest places.
func (g *gen) distributionCenters(geos []rows.Geography) ([]rows.DistributionCenter, error) {
	n := g.v.DCs
	if n > len(geos) {
		return nil, fmt.Errorf("volume.dcs = %d: must not exceed volume.total_geographies (%d): each DC needs its own place", n, len(geos))
	}
	order := make([]int, len(geos))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(geos[b].Population, geos[a].Population), cmp.Compare(a, b))
	})
	picked := make([]int, 0, n)
	taken := make(map[int]bool, n)
	states := make(map[string]bool)
	for _, i := range order {
		if len(picked) == n {
			break
		}
		if !states[geos[i].State] {
			states[geos[i].State] = true
			picked = append(picked, i)
			taken[i] = true
		}
	}
	for _, i := range order {
		if len(picked) == n {
			break
		}
		if !taken[i] {
			picked = append(picked, i)
			taken[i] = true
		}
	}
	k := g.src.Key("dc")
	out := make([]rows.DistributionCenter, n)
	for j, i := range picked {
		geo := geos[i]
		r := k.With(int64(j + 1)).Rand()
		lat, lon := jitter(r, geo.Latitude, geo.Longitude, 8)
		out[j] = rows.DistributionCenter{
			DCID:        int64(j + 1),
			DCNumber:    fmt.Sprintf("DC%03d", j+1),
			Name:        geo.City + " Distribution Center",
			Address:     industrialAddress(r),
			GeographyID: geo.GeographyID,
			Latitude:    lat,
			Longitude:   lon,
		}
	}
	return out, nil
}

// stores places stores only in states that have a DC: one in each DC's own
// place first (every network has a store), the rest weighted by population.
func (g *gen) stores(geos []rows.Geography, dcs []rows.DistributionCenter) ([]rows.Store, error) {
	n := g.v.Stores
	if n < len(dcs) {
		return nil, fmt.Errorf("volume.stores = %d: must be at least volume.dcs (%d)", n, len(dcs))
	}
	geoByID := func(id int64) rows.Geography { return geos[id-1] }
	dcStates := make(map[string]bool)
	for _, dc := range dcs {
		dcStates[geoByID(dc.GeographyID).State] = true
	}
	var cand []int
	var weights []float64
	for i, geo := range geos {
		if dcStates[geo.State] {
			cand = append(cand, i)
			weights = append(weights, float64(geo.Population))
		}
	}
	cum := rng.Cumulative(weights)
	k := g.src.Key("store")
	// First the places: every DC's own place gets a store, the rest are
	// drawn by population.
	places := make([]rows.Geography, n)
	for s := range n {
		if s < len(dcs) {
			places[s] = geoByID(dcs[s].GeographyID)
			continue
		}
		places[s] = geos[cand[rng.Weighted(k.With(int64(s+1)).Rand(), cum)]]
	}
	// Then the classes, by stratified sampling of the chain's class mix in
	// order of place population: store s gets the quantile (rank + 0.5) / n
	// of the mix, where rank orders stores from the largest place down
	// (ties in a seeded order). Larger places get the flagships, and even a
	// handful of stores spans the mix and the spread of store volumes.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sk := g.src.Key("store-class-order")
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(places[b].Population, places[a].Population),
			cmp.Compare(rng.Permute(sk, uint64(a)), rng.Permute(sk, uint64(b))))
	})
	rank := make([]int, n)
	for i, s := range order {
		rank[s] = i
	}
	pk := g.src.Key("store-profile")
	out := make([]rows.Store, n)
	perCity := make(map[string]int)
	for s := range n {
		id := int64(s + 1)
		r := pk.With(id).Rand()
		geo := places[s]
		lat, lon := jitter(r, geo.Latitude, geo.Longitude, 3)
		prof := pickProfile((float64(rank[s]) + 0.5) / float64(n))
		open24, openT, closeT := storeHours(r, prof.format, geo.Population >= urbanPopulation)
		perCity[geo.State+"|"+geo.City]++
		name := geo.City + " " + formatLabel(prof.format)
		if c := perCity[geo.State+"|"+geo.City]; c > 1 {
			name = fmt.Sprintf("%s %d", name, c)
		}
		out[s] = rows.Store{
			StoreID:                id,
			StoreNumber:            fmt.Sprintf("S%06d", id),
			Name:                   name,
			Address:                streetAddress(r),
			GeographyID:            geo.GeographyID,
			DCID:                   nearestDC(geo.State, lat, lon, dcs, geos),
			Latitude:               lat,
			Longitude:              lon,
			TaxRate:                float64(g.taxMicros(geo.State, geo.City)) / 1e6,
			VolumeClass:            prof.class,
			StoreFormat:            prof.format,
			Open24h:                open24,
			OpenTime:               openT,
			CloseTime:              closeT,
			DailyTrafficMultiplier: math.Round(rng.FloatBetween(r, prof.lo, prof.hi)*1000) / 1000,
			OpenedDate:             int32(g.start - civil.Date(rng.IntBetween(r, 365, 365*20))),
		}
	}
	return out, nil
}

func (g *gen) taxMicros(state, city string) int64 {
	if v, ok := g.d.CityRate(state, city); ok {
		return v
	}
	if v, ok := g.d.StateRate(state); ok {
		return v
	}
	return defaultTaxMicros
}

// pickProfile maps a uniform draw u in [0,1) to a class through the
// chain's class mix.
func pickProfile(u float64) classProfile {
	mix := chainMix()
	for i, p := range mix {
		if u < p {
			return classProfiles()[i]
		}
		u -= p
	}
	return classProfiles()[len(mix)-1]
}

// storeHours follows the format: express and some urban large stores never
// close; the rest open in the morning and close in the evening or at midnight.
func storeHours(r *rand.Rand, format string, urban bool) (open24 bool, openT, closeT string) {
	p24 := 0.0
	switch format {
	case FormatExpress:
		p24 = 0.45
		if urban {
			p24 = 0.6
		}
	case FormatHypermarket:
		if urban {
			p24 = 0.35
		} else {
			p24 = 0.1
		}
	case FormatSuperstore:
		if urban {
			p24 = 0.15
		}
	}
	if rng.Bernoulli(r, p24) {
		return true, "00:00", "24:00"
	}
	switch format {
	case FormatExpress:
		return false, "06:00", "00:00"
	case FormatHypermarket:
		if rng.Bernoulli(r, 0.5) {
			return false, "07:00", "23:00"
		}
		return false, "06:00", "00:00"
	case FormatSuperstore:
		if rng.Bernoulli(r, 0.5) {
			return false, "07:00", "22:00"
		}
		return false, "08:00", "22:00"
	case FormatStandard:
		if rng.Bernoulli(r, 0.6) {
			return false, "08:00", "22:00"
		}
		return false, "09:00", "21:00"
	}
	if rng.Bernoulli(r, 0.6) {
		return false, "09:00", "21:00"
	}
	return false, "08:00", "20:00"
}

func formatLabel(format string) string {
	switch format {
	case FormatHypermarket:
		return "Hypermarket"
	case FormatSuperstore:
		return "Superstore"
	case FormatNeighborhood:
		return "Neighborhood Market"
	case FormatExpress:
		return "Express"
	}
	return "Market"
}

// nearestDC is the nearest DC in the same state, else the nearest overall.
func nearestDC(state string, lat, lon float64, dcs []rows.DistributionCenter, geos []rows.Geography) int64 {
	best, bestSame := int64(0), int64(0)
	bd, bds := math.Inf(1), math.Inf(1)
	for _, dc := range dcs {
		d := Miles(lat, lon, dc.Latitude, dc.Longitude)
		if d < bd {
			bd, best = d, dc.DCID
		}
		if geos[dc.GeographyID-1].State == state && d < bds {
			bds, bestSame = d, dc.DCID
		}
	}
	if bestSame != 0 {
		return bestSame
	}
	return best
}

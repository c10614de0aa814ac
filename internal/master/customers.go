package master

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rng"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Customer segments.
const (
	SegmentBudget      = "BUDGET_CONSCIOUS"
	SegmentConvenience = "CONVENIENCE_FOCUSED"
	SegmentQuality     = "QUALITY_SEEKER"
	SegmentBrandLoyal  = "BRAND_LOYAL"
)

func segments() ([]string, []float64) {
	return []string{SegmentBudget, SegmentConvenience, SegmentQuality, SegmentBrandLoyal},
		rng.Cumulative([]float64{0.35, 0.25, 0.20, 0.20})
}

const (
	// homeRadiusMiles bounds where customers live: within this distance of
	// some store, so every customer has a store to visit.
	homeRadiusMiles = 25
	// preferredRadiusMiles bounds the second and third preferred stores.
	preferredRadiusMiles = 15
	maxPreferred         = 3
	candidateStores      = 12
)

type storeDist struct {
	idx  int
	dist float64
}

// nearestStores returns, per geography, the indexes of the nearest stores.
func nearestStores(geos []rows.Geography, stores []rows.Store) [][]storeDist {
	out := make([][]storeDist, len(geos))
	for i, geo := range geos {
		ds := make([]storeDist, len(stores))
		for j, s := range stores {
			ds[j] = storeDist{j, Miles(geo.Latitude, geo.Longitude, s.Latitude, s.Longitude)}
		}
		slices.SortFunc(ds, func(a, b storeDist) int {
			return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.idx, b.idx))
		})
		out[i] = ds[:min(candidateStores, len(ds))]
	}
	return out
}

// customers places customers in geographies that have a store within
// homeRadiusMiles, weighted by population, and gives each a home store and up
// to three preferred nearby stores (nearest first).
func (g *gen) customers(ctx context.Context, geos []rows.Geography, stores []rows.Store) ([]rows.Customer, error) {
	near := nearestStores(geos, stores)
	var cand []int
	var weights []float64
	for i, geo := range geos {
		if len(near[i]) > 0 && near[i][0].dist <= homeRadiusMiles {
			cand = append(cand, i)
			weights = append(weights, float64(geo.Population))
		}
	}
	if len(cand) == 0 {
		// Stores always sit in sampled places, but a store jittered away from
		// a lone place could leave none within the radius: use store places.
		for _, s := range stores {
			cand = append(cand, int(s.GeographyID-1))
			weights = append(weights, float64(geos[s.GeographyID-1].Population))
		}
	}
	cum := rng.Cumulative(weights)
	n := g.v.TotalCustomers
	out := make([]rows.Customer, n)
	ids := newCustomerIDs(g.src)
	segs, segCum := segments()
	first, last := g.d.FirstNames, g.d.LastNames
	if len(first) == 0 || len(last) == 0 {
		return nil, fmt.Errorf("the first_names and last_names dictionaries must not be empty")
	}
	k := g.src.Key("customer")
	domains := emailDomains()

	build := func(i int) {
		id := int64(i + 1)
		r := k.With(id).Rand()
		gi := cand[rng.Weighted(r, cum)]
		geo := geos[gi]
		lat, lon := jitter(r, geo.Latitude, geo.Longitude, 3)
		var ds [candidateStores]storeDist
		nd := 0
		for _, c := range near[gi] {
			s := stores[c.idx]
			ds[nd] = storeDist{c.idx, Miles(lat, lon, s.Latitude, s.Longitude)}
			nd++
		}
		slices.SortFunc(ds[:nd], func(a, b storeDist) int {
			return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.idx, b.idx))
		})
		pref := make([]byte, 0, 24)
		for j := 0; j < nd && j < maxPreferred; j++ {
			if j > 0 && ds[j].dist > preferredRadiusMiles {
				break
			}
			if j > 0 {
				pref = append(pref, '|')
			}
			pref = strconv.AppendInt(pref, stores[ds[j].idx].StoreID, 10)
		}
		fn := first[r.IntN(len(first))]
		ln := last[r.IntN(len(last))]
		email := make([]byte, 0, 48)
		email = emailLocal(email, fn)
		email = append(email, '.')
		email = emailLocal(email, ln)
		email = strconv.AppendInt(email, id, 10)
		email = append(email, '@')
		email = append(email, domains[r.IntN(len(domains))]...)
		out[i] = rows.Customer{
			CustomerID:        id,
			FirstName:         fn,
			LastName:          ln,
			Address:           streetAddress(r),
			GeographyID:       geo.GeographyID,
			Latitude:          lat,
			Longitude:         lon,
			Phone:             fictionalPhone(r, geo.State),
			Email:             string(email),
			LoyaltyCard:       ids.loyaltyCard(id),
			BLEID:             ids.bleID(id),
			AdID:              ids.adID(id),
			Segment:           segs[rng.Weighted(r, segCum)],
			SignupDate:        int32(g.start - civil.Date(rng.IntBetween(r, 1, 3650))),
			HomeStoreID:       stores[ds[0].idx].StoreID,
			PreferredStoreIDs: string(pref),
		}
	}
	return out, parallelChunks(ctx, g.workers, n, build)
}

// parallelChunks runs fn(i) for i in [0, n) on workers goroutines. fn must
// only write to its own index, which makes the result independent of the
// worker count.
func parallelChunks(ctx context.Context, workers, n int, fn func(i int)) error {
	const chunk = 4096
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < max(1, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := range next {
				for i := start; i < min(start+chunk, n); i++ {
					fn(i)
				}
			}
		}()
	}
	var err error
	for start := 0; start < n; start += chunk {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- start
	}
	close(next)
	wg.Wait()
	return err
}

package master

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/rng"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

const earthRadiusMiles = 3958.8

// Miles is the great-circle distance between two points.
func Miles(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * earthRadiusMiles * math.Asin(math.Min(1, math.Sqrt(a)))
}

// jitter moves a point to a uniform position within maxMiles, rounded to
// 5 decimals (about a meter).
func jitter(r *rand.Rand, lat, lon, maxMiles float64) (float64, float64) {
	dist := maxMiles * math.Sqrt(r.Float64())
	angle := 2 * math.Pi * r.Float64()
	dlat := dist * math.Cos(angle) / 69.0
	dlon := dist * math.Sin(angle) / (69.0 * math.Max(0.2, math.Cos(lat*math.Pi/180)))
	return round5(lat + dlat), round5(lon + dlon)
}

func round5(x float64) float64 { return math.Round(x*1e5) / 1e5 }

// geographies samples total_geographies places from the dictionary, weighted
// by population, keeping dictionary order. When more places are asked for
// than the dictionary holds, neighbourhoods of the larger cities are added
// with their own ZIP codes.
func (g *gen) geographies() ([]rows.Geography, error) {
	src := g.d.Geographies
	n := g.v.TotalGeographies
	if len(src) == 0 {
		return nil, fmt.Errorf("the geographies dictionary is empty")
	}
	chosen := make([]int, 0, min(n, len(src)))
	if n >= len(src) {
		for i := range src {
			chosen = append(chosen, i)
		}
	} else {
		// Weighted sampling without replacement (exponential keys).
		type keyed struct {
			key float64
			idx int
		}
		keys := make([]keyed, len(src))
		k := g.src.Key("geography-sample")
		for i, geo := range src {
			r := k.With(int64(i)).Rand()
			w := float64(max(geo.Population, 1))
			keys[i] = keyed{key: -math.Log(1-r.Float64()) / w, idx: i}
		}
		slices.SortFunc(keys, func(a, b keyed) int {
			return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.idx, b.idx))
		})
		for _, kk := range keys[:n] {
			chosen = append(chosen, kk.idx)
		}
		slices.Sort(chosen)
	}
	out := make([]rows.Geography, 0, n)
	used := make(map[string]bool, n)
	for _, i := range chosen {
		s := src[i]
		out = append(out, rows.Geography{
			GeographyID: int64(len(out) + 1),
			City:        s.City, State: s.State, ZipCode: s.Zip, District: s.District, Region: s.Region,
			Latitude: s.Latitude, Longitude: s.Longitude, TimeZone: s.TimeZone,
			Population: int64(max(s.Population, 1)),
		})
		used[s.State+"|"+s.City+"|"+s.Zip] = true
	}
	if n <= len(out) {
		return out, nil
	}
	// Neighbourhoods: split large cities into more ZIP areas.
	weights := make([]float64, len(out))
	for i, geo := range out {
		weights[i] = float64(geo.Population)
	}
	cum := rng.Cumulative(weights)
	base := len(out)
	k := g.src.Key("geography-extra")
	for extra := 0; len(out) < n; extra++ {
		r := k.With(int64(extra)).Rand()
		parent := out[rng.Weighted(r, cum[:base])]
		zip, ok := nextZip(parent.State, parent.City, parent.ZipCode, used)
		if !ok {
			continue
		}
		used[parent.State+"|"+parent.City+"|"+zip] = true
		lat, lon := jitter(r, parent.Latitude, parent.Longitude, 4)
		out = append(out, rows.Geography{
			GeographyID: int64(len(out) + 1),
			City:        parent.City, State: parent.State, ZipCode: zip, District: parent.District,
			Region: parent.Region, Latitude: lat, Longitude: lon, TimeZone: parent.TimeZone,
			Population: max(1, int64(float64(parent.Population)*rng.FloatBetween(r, 0.2, 0.5))),
		})
		if extra > 100*n {
			return nil, fmt.Errorf("volume.total_geographies = %d: cannot derive that many distinct places from %d dictionary rows", n, len(src))
		}
	}
	return out, nil
}

// nextZip finds an unused ZIP code near zip (same three-digit prefix first).
func nextZip(state, city, zip string, used map[string]bool) (string, bool) {
	var z int
	for _, c := range zip {
		if c < '0' || c > '9' {
			return "", false
		}
		z = z*10 + int(c-'0')
	}
	for step := 1; step < 100000; step++ {
		cand := (z + step) % 100000
		s := fmt.Sprintf("%05d", cand)
		if !used[state+"|"+city+"|"+s] {
			return s, true
		}
	}
	return "", false
}

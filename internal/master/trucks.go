package master

import (
	"math"

	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// trucks builds the fleet. DC trucks: with trucks_per_dc > 0 every DC gets
// that many, split refrigerated/non-refrigerated in the ratio of the
// refrigerated_trucks and non_refrigerated_trucks totals; otherwise
// truck_dc_assignment_rate of those totals is spread over the DCs round-robin
// and the rest joins the supplier fleet. Every DC gets at least one truck of
// each kind, and the supplier fleet (dc_id null) at least one of each.
func (g *gen) trucks(dcs []rows.DistributionCenter) []rows.Truck {
	v := g.v
	nDC := len(dcs)
	refPerDC := make([]int, nDC)
	nonPerDC := make([]int, nDC)
	supRef := v.SupplierRefrigeratedTrucks
	supNon := v.SupplierNonRefrigeratedTrucks
	if v.TrucksPerDC > 0 {
		share := 0.3
		if t := v.RefrigeratedTrucks + v.NonRefrigeratedTrucks; t > 0 {
			share = float64(v.RefrigeratedTrucks) / float64(t)
		}
		for i := range dcs {
			refPerDC[i] = int(math.Round(float64(v.TrucksPerDC) * share))
			nonPerDC[i] = v.TrucksPerDC - refPerDC[i]
		}
	} else {
		ref := int(math.Round(float64(v.RefrigeratedTrucks) * v.TruckDCAssignmentRate))
		non := int(math.Round(float64(v.NonRefrigeratedTrucks) * v.TruckDCAssignmentRate))
		supRef += v.RefrigeratedTrucks - ref
		supNon += v.NonRefrigeratedTrucks - non
		for i := 0; i < ref && nDC > 0; i++ {
			refPerDC[i%nDC]++
		}
		for i := 0; i < non && nDC > 0; i++ {
			nonPerDC[i%nDC]++
		}
	}
	for i := range dcs {
		refPerDC[i] = max(refPerDC[i], 1)
		nonPerDC[i] = max(nonPerDC[i], 1)
	}
	if nDC > 0 {
		supRef = max(supRef, 1)
		supNon = max(supNon, 1)
	}
	plates := newPlateMaker(g.src)
	var out []rows.Truck
	add := func(refrigerated bool, dcID int64) {
		id := int64(len(out) + 1)
		out = append(out, rows.Truck{
			TruckID:       id,
			LicensePlate:  plates.plate(id),
			Refrigerated:  refrigerated,
			DCID:          dcID,
			CapacityUnits: int32(v.TruckCapacity),
		})
	}
	for i, dc := range dcs {
		for j := 0; j < refPerDC[i]; j++ {
			add(true, dc.DCID)
		}
		for j := 0; j < nonPerDC[i]; j++ {
			add(false, dc.DCID)
		}
	}
	for j := 0; j < supRef; j++ {
		add(true, 0)
	}
	for j := 0; j < supNon; j++ {
		add(false, 0)
	}
	return out
}

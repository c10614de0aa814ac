package master

import (
	"github.com/retail-datagen/retail-datagen/internal/rng"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Assortment is the share of the catalog a store format carries.
func Assortment(format string) float64 {
	switch format {
	case FormatHypermarket:
		return 1.0
	case FormatSuperstore:
		return 0.85
	case FormatStandard:
		return 0.65
	case FormatNeighborhood:
		return 0.45
	case FormatExpress:
		return 0.2
	}
	return 0.5
}

// position draws quantity, reorder point and order-up-to level from the
// configured ranges; order_up_to is always above the reorder point.
func position(r interface{ IntN(int) int }, qMin, qMax, rpMin, rpMax int) (q, rp, upTo int32) {
	q = int32(qMin + r.IntN(qMax-qMin+1))
	rp = int32(rpMin + r.IntN(rpMax-rpMin+1))
	lo := max(int(rp)*2, qMin)
	hi := max(qMax, lo)
	upTo = int32(lo + r.IntN(hi-lo+1))
	if upTo <= rp {
		upTo = rp + 1
	}
	return q, rp, upTo
}

// StoreInventory returns the initial positions of one store (by index into
// Stores), products in id order. Each call regenerates the same rows.
func (d *Data) StoreInventory(storeIdx int) []rows.StoreInventoryInitial {
	s := d.Stores[storeIdx]
	r := d.src.Key("store-inventory").With(s.StoreID).Rand()
	share := Assortment(s.StoreFormat)
	out := make([]rows.StoreInventoryInitial, 0, int(float64(len(d.Products))*share)+16)
	v := d.cfg
	for _, p := range d.Products {
		carried := rng.Bernoulli(r, share)
		q, rp, upTo := position(r, v.StoreInitialInventoryMin, v.StoreInitialInventoryMax, v.StoreReorderPointMin, v.StoreReorderPointMax)
		if !carried {
			continue
		}
		out = append(out, rows.StoreInventoryInitial{StoreID: s.StoreID, ProductID: p.ProductID, Quantity: q, ReorderPoint: rp, OrderUpTo: upTo})
	}
	return out
}

// DCInventory returns the initial positions of one DC (by index into DCs):
// every DC stocks every product.
func (d *Data) DCInventory(dcIdx int) []rows.DCInventoryInitial {
	dc := d.DCs[dcIdx]
	r := d.src.Key("dc-inventory").With(dc.DCID).Rand()
	out := make([]rows.DCInventoryInitial, len(d.Products))
	v := d.cfg
	for i, p := range d.Products {
		q, rp, upTo := position(r, v.DCInitialInventoryMin, v.DCInitialInventoryMax, v.DCReorderPointMin, v.DCReorderPointMax)
		out[i] = rows.DCInventoryInitial{DCID: dc.DCID, ProductID: p.ProductID, Quantity: q, ReorderPoint: rp, OrderUpTo: upTo}
	}
	return out
}

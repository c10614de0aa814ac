package sim

import (
	"fmt"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

// NetworkState is everything a network carries from one day to the next:
// stock positions and the business objects still open. Saved at a day
// boundary and restored, it continues the simulation exactly. Its size
// depends on the configuration (stores × products, pending returns of the
// last 30 days), never on the number of days simulated.
type NetworkState struct {
	DCID int64 `json:"dc_id"`
	// Next is the first day not yet simulated.
	Next   civil.Date   `json:"next_day"`
	Stores []StoreState `json:"stores"`
	DC     DCState      `json:"dc"`
	// Shipments are scheduled or moving, ordered by id.
	Shipments []Shipment `json:"shipments"`
	// SupplierSlots are the future days already booked on supplier trucks.
	SupplierSlots []Slot `json:"supplier_slots"`
	// Visits are campaign-driven visits to come, ordered.
	Visits []PendingVisit `json:"visits"`
	// Orders are online orders not yet delivered, ordered by id.
	Orders []OpenOrder `json:"orders"`
	// Disruptions are the DC's disruptions not yet over.
	Disruptions []Disruption `json:"disruptions"`
}

// DCState is the DC's stock and fleet.
type DCState struct {
	// OnHand, Reserved (promised to scheduled outbound shipments) and
	// InTransit (ordered from suppliers), indexed by product id - 1.
	OnHand    []int32 `json:"on_hand"`
	Reserved  []int32 `json:"reserved"`
	InTransit []int32 `json:"in_transit"`
	// TruckFree is when each of the DC's trucks (in truck id order) is back
	// and free, in micros.
	TruckFree []int64 `json:"truck_free"`
}

// Shipment is one truckload, from the DC to a store or from a supplier to
// the DC, with its whole timeline fixed when it is scheduled.
type Shipment struct {
	ID           int64      `json:"shipment_id"`
	Trace        [16]byte   `json:"trace_id"`
	TruckID      int64      `json:"truck_id"`
	FromSupplier bool       `json:"from_supplier"`
	StoreID      int64      `json:"store_id,omitempty"`
	Units        int32      `json:"units"`
	Lines        []ShipLine `json:"lines"`
	// Times of SCHEDULED, LOADING, IN_TRANSIT, ARRIVED, UNLOADING and
	// COMPLETED, in micros.
	Times [6]int64 `json:"times"`
	// Done counts the statuses already emitted.
	Done int `json:"done"`
	// Delayed is when a disruption delayed the shipment (a DELAYED status
	// between IN_TRANSIT and ARRIVED), 0 when it was not; PlannedArrival is
	// the arrival expected before the delay.
	Delayed        int64 `json:"delayed,omitempty"`
	PlannedArrival int64 `json:"planned_arrival,omitempty"`
	DelayDone      bool  `json:"delay_done,omitempty"`
}

// Disruption is a DC disruption, drawn the day before it starts.
type Disruption struct {
	ID       int64    `json:"disruption_id"`
	Trace    [16]byte `json:"trace_id"`
	Type     string   `json:"type"`
	Severity string   `json:"severity"`
	Impact   int32    `json:"impact_pct"`
	Start    int64    `json:"start"`
	End      int64    `json:"end"`
	Emitted  bool     `json:"emitted"`
}

// ShipLine is a product on a shipment.
type ShipLine struct {
	Product int32 `json:"product"` // product id - 1
	Qty     int32 `json:"qty"`
}

// Slot is a supplier truck booked for a day.
type Slot struct {
	TruckID int64      `json:"truck_id"`
	Day     civil.Date `json:"day"`
}

// StoreState is one store's stock and open business.
type StoreState struct {
	StoreID int64 `json:"store_id"`
	// OnHand is indexed by product id - 1; -1 marks a product the store
	// does not carry.
	OnHand []int32 `json:"on_hand"`
	// InTransit is indexed like OnHand: units shipped by the DC, not yet
	// unloaded.
	InTransit []int32 `json:"in_transit"`
	// Returns are sales that will come back, ordered by (day, second).
	Returns []PendingReturn `json:"pending_returns"`
}

// PendingReturn is a sale that its customer will return on Day at Second.
type PendingReturn struct {
	Day        civil.Date   `json:"day"`
	Second     int32        `json:"second"`
	ReceiptID  int64        `json:"receipt_id"`
	CustomerID int64        `json:"customer_id,omitempty"`
	Tender     uint8        `json:"tender"`
	Lines      []ReturnLine `json:"lines"`
}

// ReturnLine is one returned line: the amounts are those the customer paid
// for it, refunded exactly.
type ReturnLine struct {
	Product  int32  `json:"product"` // product id - 1
	Quantity int32  `json:"quantity"`
	Unit     int64  `json:"unit_price"`
	Ext      int64  `json:"ext_price"`
	Discount int64  `json:"discount"`
	Tax      int64  `json:"tax"`
	Promo    string `json:"promo_code,omitempty"`
}

// InitialState is the state of network n before its first day: the initial
// inventory positions of master data.
func (m *Model) InitialState(n Network) *NetworkState {
	st := &NetworkState{DCID: n.DCID, Next: m.start}
	for _, si := range n.Stores {
		s := &m.stores[si]
		onHand := make([]int32, len(m.products))
		for i := range onHand {
			onHand[i] = -1
		}
		for _, pos := range s.initial {
			onHand[pos.ProductID-1] = pos.Quantity
		}
		st.Stores = append(st.Stores, StoreState{StoreID: s.id, OnHand: onHand, InTransit: make([]int32, len(m.products))})
	}
	dc := &m.dcs[n.DCIndex]
	st.DC = DCState{
		OnHand:    make([]int32, len(m.products)),
		Reserved:  make([]int32, len(m.products)),
		InTransit: make([]int32, len(m.products)),
	}
	for _, pos := range dc.initial {
		st.DC.OnHand[pos.ProductID-1] = pos.Quantity
	}
	for range dc.trucks {
		st.DC.TruckFree = append(st.DC.TruckFree, 0)
	}
	return st
}

// Check verifies that a (restored) state fits the model.
func (m *Model) Check(n Network, st *NetworkState) error {
	if st.DCID != n.DCID || len(st.Stores) != len(n.Stores) {
		return fmt.Errorf("state of DC %d does not match the network of DC %d with %d stores", st.DCID, n.DCID, len(n.Stores))
	}
	for i, si := range n.Stores {
		ss := &st.Stores[i]
		if ss.StoreID != m.stores[si].id || len(ss.OnHand) != len(m.products) || len(ss.InTransit) != len(m.products) {
			return fmt.Errorf("state of store %d does not match the master data", ss.StoreID)
		}
	}
	dc := &m.dcs[n.DCIndex]
	if len(st.DC.OnHand) != len(m.products) || len(st.DC.Reserved) != len(m.products) ||
		len(st.DC.InTransit) != len(m.products) || len(st.DC.TruckFree) != len(dc.trucks) {
		return fmt.Errorf("state of DC %d does not match the master data", st.DCID)
	}
	return nil
}

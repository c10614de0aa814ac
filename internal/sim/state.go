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
}

// StoreState is one store's stock and open business.
type StoreState struct {
	StoreID int64 `json:"store_id"`
	// OnHand is indexed by product id - 1; -1 marks a product the store
	// does not carry.
	OnHand []int32 `json:"on_hand"`
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
		st.Stores = append(st.Stores, StoreState{StoreID: s.id, OnHand: onHand})
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
		if ss.StoreID != m.stores[si].id || len(ss.OnHand) != len(m.products) {
			return fmt.Errorf("state of store %d does not match the master data", ss.StoreID)
		}
	}
	return nil
}

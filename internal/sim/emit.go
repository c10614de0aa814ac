package sim

import "github.com/retail-datagen/retail-datagen/internal/rows"

// Sink receives batches of rows of one table. The engine reuses the batch
// after Write returns, so a sink must copy what it keeps.
type Sink[T any] interface {
	Write(batch []T) error
}

// Sinks are the destinations of the store simulation's tables. A nil sink
// drops its table: the simulation still runs, so the other tables are the
// same as in a full run.
type Sinks struct {
	Receipts               Sink[rows.Receipt]
	ReceiptLines           Sink[rows.ReceiptLine]
	Payments               Sink[rows.Payment]
	PromotionsApplied      Sink[rows.PromotionApplied]
	StoreInventoryTxn      Sink[rows.StoreInventoryTxn]
	Stockouts              Sink[rows.Stockout]
	FootTraffic            Sink[rows.FootTraffic]
	BLEPings               Sink[rows.BLEPing]
	CustomerZoneChanges    Sink[rows.CustomerZoneChange]
	StoreOps               Sink[rows.StoreOp]
	Reorders               Sink[rows.Reorder]
	DCInventoryTxn         Sink[rows.DCInventoryTxn]
	TruckMoves             Sink[rows.TruckMove]
	TruckInventory         Sink[rows.TruckInventory]
	MarketingImpressions   Sink[rows.MarketingImpression]
	OnlineOrders           Sink[rows.OnlineOrder]
	OnlineOrderLines       Sink[rows.OnlineOrderLine]
	SupplyChainDisruptions Sink[rows.SupplyChainDisruption]
}

const batchRows = 2048

// buffer batches rows for one sink.
type buffer[T any] struct {
	rows []T
	sink Sink[T]
	err  *error
}

func newBuffer[T any](s Sink[T], err *error) buffer[T] {
	b := buffer[T]{sink: s, err: err}
	if s != nil {
		b.rows = make([]T, 0, batchRows)
	}
	return b
}

// on reports whether the table is wanted.
func (b *buffer[T]) on() bool { return b.sink != nil }

// add appends a row, flushing a full batch.
func (b *buffer[T]) add(r *T) {
	if b.sink == nil {
		return
	}
	b.rows = append(b.rows, *r)
	if len(b.rows) == cap(b.rows) {
		b.flush()
	}
}

func (b *buffer[T]) flush() {
	if b.sink == nil || len(b.rows) == 0 {
		return
	}
	if *b.err == nil {
		*b.err = b.sink.Write(b.rows)
	}
	b.rows = b.rows[:0]
}

// emitter holds one buffer per table.
type emitter struct {
	err         error
	receipts    buffer[rows.Receipt]
	lines       buffer[rows.ReceiptLine]
	payments    buffer[rows.Payment]
	promos      buffer[rows.PromotionApplied]
	storeInv    buffer[rows.StoreInventoryTxn]
	stockouts   buffer[rows.Stockout]
	foot        buffer[rows.FootTraffic]
	pings       buffer[rows.BLEPing]
	zones       buffer[rows.CustomerZoneChange]
	ops         buffer[rows.StoreOp]
	reorders    buffer[rows.Reorder]
	dcInv       buffer[rows.DCInventoryTxn]
	moves       buffer[rows.TruckMove]
	truckInv    buffer[rows.TruckInventory]
	impressions buffer[rows.MarketingImpression]
	orders      buffer[rows.OnlineOrder]
	orderLines  buffer[rows.OnlineOrderLine]
	disruptions buffer[rows.SupplyChainDisruption]
}

func newEmitter(s Sinks) *emitter {
	e := &emitter{}
	e.receipts = newBuffer(s.Receipts, &e.err)
	e.lines = newBuffer(s.ReceiptLines, &e.err)
	e.payments = newBuffer(s.Payments, &e.err)
	e.promos = newBuffer(s.PromotionsApplied, &e.err)
	e.storeInv = newBuffer(s.StoreInventoryTxn, &e.err)
	e.stockouts = newBuffer(s.Stockouts, &e.err)
	e.foot = newBuffer(s.FootTraffic, &e.err)
	e.pings = newBuffer(s.BLEPings, &e.err)
	e.zones = newBuffer(s.CustomerZoneChanges, &e.err)
	e.ops = newBuffer(s.StoreOps, &e.err)
	e.reorders = newBuffer(s.Reorders, &e.err)
	e.dcInv = newBuffer(s.DCInventoryTxn, &e.err)
	e.moves = newBuffer(s.TruckMoves, &e.err)
	e.truckInv = newBuffer(s.TruckInventory, &e.err)
	e.impressions = newBuffer(s.MarketingImpressions, &e.err)
	e.orders = newBuffer(s.OnlineOrders, &e.err)
	e.orderLines = newBuffer(s.OnlineOrderLines, &e.err)
	e.disruptions = newBuffer(s.SupplyChainDisruptions, &e.err)
	return e
}

func (e *emitter) flush() error {
	e.receipts.flush()
	e.lines.flush()
	e.payments.flush()
	e.promos.flush()
	e.storeInv.flush()
	e.stockouts.flush()
	e.foot.flush()
	e.pings.flush()
	e.zones.flush()
	e.ops.flush()
	e.reorders.flush()
	e.dcInv.flush()
	e.moves.flush()
	e.truckInv.flush()
	e.impressions.flush()
	e.orders.flush()
	e.orderLines.flush()
	e.disruptions.flush()
	return e.err
}

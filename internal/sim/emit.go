package sim

import "github.com/retail-datagen/retail-datagen/internal/rows"

// Sink receives batches of rows of one table. The engine reuses the batch
// after Write returns, so a sink must copy what it keeps.
type Sink[T any] interface {
	Write(batch []T) error
}

// A Taker is a Sink that takes each batch over instead of copying it: the
// engine calls Take rather than Write, never touches the batch again, and
// goes on with the empty slice Take returns (its capacity is the next
// batch's size; a nil slice gets a new one).
type Taker[T any] interface {
	Take(batch []T) (next []T, err error)
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
	take Taker[T] // the sink, when it takes batches over
	err  *error
}

// newBuffer makes the buffer of sink s, reusing the rows of old if it
// has room for a batch.
func newBuffer[T any](s Sink[T], err *error, old []T) buffer[T] {
	b := buffer[T]{sink: s, err: err}
	if s != nil {
		if cap(old) >= batchRows {
			b.rows = old[:0]
		} else {
			b.rows = make([]T, 0, batchRows)
		}
		b.take, _ = s.(Taker[T])
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
		if b.take != nil {
			next, err := b.take.Take(b.rows)
			*b.err = err
			if cap(next) == 0 {
				next = make([]T, 0, batchRows)
			}
			b.rows = next[:0]
			return
		}
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
	e.reset(s)
	return e
}

// reset points the buffers at new sinks, keeping their rows' memory.
func (e *emitter) reset(s Sinks) {
	e.err = nil
	e.receipts = newBuffer(s.Receipts, &e.err, e.receipts.rows)
	e.lines = newBuffer(s.ReceiptLines, &e.err, e.lines.rows)
	e.payments = newBuffer(s.Payments, &e.err, e.payments.rows)
	e.promos = newBuffer(s.PromotionsApplied, &e.err, e.promos.rows)
	e.storeInv = newBuffer(s.StoreInventoryTxn, &e.err, e.storeInv.rows)
	e.stockouts = newBuffer(s.Stockouts, &e.err, e.stockouts.rows)
	e.foot = newBuffer(s.FootTraffic, &e.err, e.foot.rows)
	e.pings = newBuffer(s.BLEPings, &e.err, e.pings.rows)
	e.zones = newBuffer(s.CustomerZoneChanges, &e.err, e.zones.rows)
	e.ops = newBuffer(s.StoreOps, &e.err, e.ops.rows)
	e.reorders = newBuffer(s.Reorders, &e.err, e.reorders.rows)
	e.dcInv = newBuffer(s.DCInventoryTxn, &e.err, e.dcInv.rows)
	e.moves = newBuffer(s.TruckMoves, &e.err, e.moves.rows)
	e.truckInv = newBuffer(s.TruckInventory, &e.err, e.truckInv.rows)
	e.impressions = newBuffer(s.MarketingImpressions, &e.err, e.impressions.rows)
	e.orders = newBuffer(s.OnlineOrders, &e.err, e.orders.rows)
	e.orderLines = newBuffer(s.OnlineOrderLines, &e.err, e.orderLines.rows)
	e.disruptions = newBuffer(s.SupplyChainDisruptions, &e.err, e.disruptions.rows)
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

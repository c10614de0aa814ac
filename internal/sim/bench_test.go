package sim

import (
	"context"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// csvSink encodes rows as CSV into a reused buffer and counts them: the
// work of the file writers without the disk.
type csvSink[T any, PT rows.Row[T]] struct {
	buf   []byte
	rows  *int64
	bytes *int64
}

func (s *csvSink[T, PT]) Write(b []T) error {
	for i := range b {
		s.buf = PT(&b[i]).AppendCSV(s.buf[:0])
		*s.bytes += int64(len(s.buf))
	}
	*s.rows += int64(len(b))
	return nil
}

func csvSinks(n, bytes *int64) Sinks {
	return Sinks{
		Receipts:            &csvSink[rows.Receipt, *rows.Receipt]{rows: n, bytes: bytes},
		ReceiptLines:        &csvSink[rows.ReceiptLine, *rows.ReceiptLine]{rows: n, bytes: bytes},
		Payments:            &csvSink[rows.Payment, *rows.Payment]{rows: n, bytes: bytes},
		PromotionsApplied:   &csvSink[rows.PromotionApplied, *rows.PromotionApplied]{rows: n, bytes: bytes},
		StoreInventoryTxn:   &csvSink[rows.StoreInventoryTxn, *rows.StoreInventoryTxn]{rows: n, bytes: bytes},
		Stockouts:           &csvSink[rows.Stockout, *rows.Stockout]{rows: n, bytes: bytes},
		FootTraffic:         &csvSink[rows.FootTraffic, *rows.FootTraffic]{rows: n, bytes: bytes},
		BLEPings:            &csvSink[rows.BLEPing, *rows.BLEPing]{rows: n, bytes: bytes},
		CustomerZoneChanges: &csvSink[rows.CustomerZoneChange, *rows.CustomerZoneChange]{rows: n, bytes: bytes},
		StoreOps:            &csvSink[rows.StoreOp, *rows.StoreOp]{rows: n, bytes: bytes},
		Reorders:            &csvSink[rows.Reorder, *rows.Reorder]{rows: n, bytes: bytes},
		DCInventoryTxn:      &csvSink[rows.DCInventoryTxn, *rows.DCInventoryTxn]{rows: n, bytes: bytes},
		TruckMoves:          &csvSink[rows.TruckMove, *rows.TruckMove]{rows: n, bytes: bytes},
		TruckInventory:      &csvSink[rows.TruckInventory, *rows.TruckInventory]{rows: n, bytes: bytes},
	}
}

// BenchmarkNetworkDayCSV simulates days of the first network of the
// default scale and encodes every row as CSV; it reports rows/s and MB/s
// on one core.
func BenchmarkNetworkDayCSV(b *testing.B) {
	start, end := d(2025, 3, 1), d(2026, 3, 1)
	w := newWorld(b, "default", "42", nil, start, end)
	n := w.model.Networks()[0]
	r := w.runner(b, n)
	var rowsN, bytesN int64
	sinks := csvSinks(&rowsN, &bytesN)
	day := start
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := r.RunDay(context.Background(), day, sinks); err != nil {
			b.Fatal(err)
		}
		day++
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(rowsN)/sec, "rows/s")
	b.ReportMetric(float64(bytesN)/sec/1e6, "MB/s")
	b.ReportMetric(float64(rowsN)/float64(b.N), "rows/day")
}

package load

import (
	"io"

	"github.com/retail-datagen/retail-datagen/internal/rows"
	"github.com/retail-datagen/retail-datagen/internal/validate"
)

// encodeFunc writes the rows of files to w as CSV lines in the table's
// column order, each followed by ",day" when day is not empty, and reports
// the rows written to add; it returns how many it wrote.
type encodeFunc func(files []string, day string, w io.Writer, add func(int64)) (int64, error)

// encoderFor returns the encoder of a table's rows.
func encoderFor(table string) (encodeFunc, bool) {
	switch table {
	case "geographies":
		return encodeFiles[rows.Geography], true
	case "distribution_centers":
		return encodeFiles[rows.DistributionCenter], true
	case "stores":
		return encodeFiles[rows.Store], true
	case "trucks":
		return encodeFiles[rows.Truck], true
	case "customers":
		return encodeFiles[rows.Customer], true
	case "products":
		return encodeFiles[rows.Product], true
	case "campaigns":
		return encodeFiles[rows.Campaign], true
	case "promotions":
		return encodeFiles[rows.Promotion], true
	case "store_inventory_initial":
		return encodeFiles[rows.StoreInventoryInitial], true
	case "dc_inventory_initial":
		return encodeFiles[rows.DCInventoryInitial], true
	case "receipts":
		return encodeFiles[rows.Receipt], true
	case "receipt_lines":
		return encodeFiles[rows.ReceiptLine], true
	case "payments":
		return encodeFiles[rows.Payment], true
	case "promotions_applied":
		return encodeFiles[rows.PromotionApplied], true
	case "store_inventory_txn":
		return encodeFiles[rows.StoreInventoryTxn], true
	case "stockouts":
		return encodeFiles[rows.Stockout], true
	case "foot_traffic":
		return encodeFiles[rows.FootTraffic], true
	case "ble_pings":
		return encodeFiles[rows.BLEPing], true
	case "customer_zone_changes":
		return encodeFiles[rows.CustomerZoneChange], true
	case "reorders":
		return encodeFiles[rows.Reorder], true
	case "dc_inventory_txn":
		return encodeFiles[rows.DCInventoryTxn], true
	case "truck_moves":
		return encodeFiles[rows.TruckMove], true
	case "truck_inventory":
		return encodeFiles[rows.TruckInventory], true
	case "supply_chain_disruptions":
		return encodeFiles[rows.SupplyChainDisruption], true
	case "online_orders":
		return encodeFiles[rows.OnlineOrder], true
	case "online_order_lines":
		return encodeFiles[rows.OnlineOrderLine], true
	case "marketing_impressions":
		return encodeFiles[rows.MarketingImpression], true
	case "store_ops":
		return encodeFiles[rows.StoreOp], true
	}
	return nil, false
}

// flushSize is how many bytes of CSV are buffered before a write.
const flushSize = 1 << 20

// encodeFiles decodes each file with the row type's decoders (any format:
// Parquet, CSV, JSON Lines, gzip) and re-encodes it with its CSV encoder:
// the data the database receives is the data the validator checks.
func encodeFiles[T any, PT rows.Parser[T]](files []string, day string, w io.Writer, add func(int64)) (int64, error) {
	buf := make([]byte, 0, flushSize+64<<10)
	var n int64
	for _, f := range files {
		err := validate.Each[T, PT](f, 4096, func(batch []T) error {
			for i := range batch {
				buf = PT(&batch[i]).AppendCSV(buf)
				if day != "" {
					buf = append(buf[:len(buf)-1], ',')
					buf = append(buf, day...)
					buf = append(buf, '\n')
				}
			}
			n += int64(len(batch))
			add(int64(len(batch)))
			if len(buf) >= flushSize {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	if len(buf) > 0 {
		if _, err := w.Write(buf); err != nil {
			return n, err
		}
	}
	return n, nil
}

package server

import (
	"context"
	"fmt"
	"net/http"
	"path"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/rows"
	"github.com/retail-datagen/retail-datagen/internal/validate"
)

type salesInput struct {
	Days int `query:"days" minimum:"1" maximum:"3660" default:"60" doc:"How many of the last generated days"`
}

type salesPoint struct {
	Day      string  `json:"day" example:"2025-01-30"`
	Class    string  `json:"class" example:"medium_volume" doc:"Store volume class"`
	Revenue  float64 `json:"revenue" example:"12345.67" doc:"Sum of receipt totals, dollars (returns are negative)"`
	Receipts int64   `json:"receipts" doc:"SALE and RETURN receipts"`
}

type salesOutput struct {
	Body []salesPoint `nullable:"false"`
}

// salesKey groups receipts.
type salesKey struct {
	day   string
	class string
}

type salesSum struct {
	cents    int64
	receipts int64
}

func (s *Server) registerSales() {
	huma.Register(s.api, huma.Operation{
		OperationID: "daily-sales",
		Method:      http.MethodGet,
		Path:        "/api/v1/sales/daily",
		Summary:     "Daily sales by store volume class",
		Description: "Revenue (sum of `total`, returns included as negative amounts) and receipt count per day of the last `days` receipts partitions and store volume class, ordered by day then class. Empty when no receipts were generated.",
		Tags:        []string{"data"},
		Errors:      []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *salesInput) (*salesOutput, error) {
		d, err := s.openDataset()
		if err != nil {
			return nil, err
		}
		defer s.closeQuietly(d, "output folder")
		out := &salesOutput{Body: []salesPoint{}}
		stores, receipts := d.man.Tables["stores"], d.man.Tables["receipts"]
		if stores == nil || receipts == nil {
			return out, nil
		}
		class, err := d.storeClasses(stores)
		if err != nil {
			return nil, huma.Error500InternalServerError(err.Error())
		}
		all := days(receipts)
		if len(all) > in.Days {
			all = all[len(all)-in.Days:]
		}
		sums := map[salesKey]*salesSum{}
		for _, day := range all {
			for _, f := range receipts.Partitions[day].Files {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				if err := d.sumReceipts(f, day, class, sums); err != nil {
					return nil, huma.Error500InternalServerError(err.Error())
				}
			}
		}
		for k, v := range sums {
			out.Body = append(out.Body, salesPoint{Day: k.day, Class: k.class, Revenue: float64(v.cents) / 100, Receipts: v.receipts})
		}
		slices.SortFunc(out.Body, func(a, b salesPoint) int {
			if a.Day != b.Day {
				if a.Day < b.Day {
					return -1
				}
				return 1
			}
			if a.Class < b.Class {
				return -1
			}
			if a.Class > b.Class {
				return 1
			}
			return 0
		})
		return out, nil
	})
}

// storeClasses maps store ids to their volume class.
func (d *dataset) storeClasses(e *output.TableEntry) (map[int64]string, error) {
	class := map[int64]string{}
	for _, f := range e.Files {
		file, err := d.open("stores", f)
		if err != nil {
			return nil, err
		}
		err = validate.EachFile[rows.Store](file, path.Base(f.Path), 1024, func(batch []rows.Store) error {
			for i := range batch {
				class[batch[i].StoreID] = batch[i].VolumeClass
			}
			return nil
		})
		file.Close()
		if err != nil {
			return nil, fmt.Errorf("reading stores: %w", err)
		}
	}
	return class, nil
}

// sumReceipts adds one receipts file to sums; memory stays bounded by the
// number of days and classes.
func (d *dataset) sumReceipts(f output.FileInfo, day string, class map[int64]string, sums map[salesKey]*salesSum) error {
	file, err := d.open("receipts", f)
	if err != nil {
		return err
	}
	defer file.Close()
	err = validate.EachFile[rows.Receipt](file, path.Base(f.Path), 4096, func(batch []rows.Receipt) error {
		for i := range batch {
			r := &batch[i]
			if r.ReceiptType != "SALE" && r.ReceiptType != "RETURN" {
				continue
			}
			c, ok := class[r.StoreID]
			if !ok {
				c = "unknown"
			}
			k := salesKey{day, c}
			sum := sums[k]
			if sum == nil {
				sum = &salesSum{}
				sums[k] = sum
			}
			sum.cents += r.Total
			sum.receipts++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading %s: %w", f.Path, err)
	}
	return nil
}

// Package master generates the dimension tables of SPEC §4: geographies,
// distribution centers, stores, trucks, customers, products, campaigns, the
// promotion catalog and the initial inventory positions.
//
// Every entity draws from its own random stream (seed, purpose, entity), so
// the tables are identical whatever the number of workers.
package master

import (
	"context"
	"fmt"
	"runtime"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/dict"
	"github.com/retail-datagen/retail-datagen/internal/rng"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Data holds the generated dimensions. The initial inventory positions are
// not held: they are produced per location on demand (StoreInventory,
// DCInventory) so memory stays bounded at large scales.
type Data struct {
	Geographies []rows.Geography
	DCs         []rows.DistributionCenter
	Stores      []rows.Store
	Trucks      []rows.Truck
	Customers   []rows.Customer
	Products    []rows.Product
	Campaigns   []rows.Campaign
	Promotions  []rows.Promotion

	cfg   config.Volume
	src   rng.Source
	start civil.Date
}

// Generate builds all dimensions for cfg from the dictionaries.
func Generate(ctx context.Context, cfg *config.Config, d *dict.Set, workers int) (*Data, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	start, err := civil.ParseDate(cfg.Historical.StartDate)
	if err != nil {
		return nil, fmt.Errorf("historical.start_date: %w", err)
	}
	startT, endT := cfg.DateRange()
	end := civil.FromTime(endT)
	_ = startT
	g := &gen{cfg: cfg, v: cfg.Volume, d: d, src: rng.New(cfg.Seed), start: start, end: end, workers: workers}
	out := &Data{cfg: cfg.Volume, src: g.src, start: start}

	if out.Geographies, err = g.geographies(); err != nil {
		return nil, err
	}
	if out.DCs, err = g.distributionCenters(out.Geographies); err != nil {
		return nil, err
	}
	if out.Stores, err = g.stores(out.Geographies, out.DCs); err != nil {
		return nil, err
	}
	out.Trucks = g.trucks(out.DCs)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if out.Products, err = g.products(); err != nil {
		return nil, err
	}
	if out.Customers, err = g.customers(ctx, out.Geographies, out.Stores); err != nil {
		return nil, err
	}
	out.Campaigns = g.campaigns()
	out.Promotions = promotionCatalog()
	return out, ctx.Err()
}

type gen struct {
	cfg     *config.Config
	v       config.Volume
	d       *dict.Set
	src     rng.Source
	start   civil.Date
	end     civil.Date
	workers int
}

package config

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestDefaultsAndPresetsAreValid(t *testing.T) {
	d := Defaults()
	if err := d.Validate(); err != nil {
		t.Fatalf("Defaults invalid:\n%v", err)
	}
	for _, s := range Scales() {
		c, err := DefaultsFor(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s preset invalid:\n%v", s, err)
		}
	}
}

func TestValidationRules(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		key    string
		rule   string
	}{
		{"stores positive", func(c *Config) { c.Volume.Stores = -3 }, "volume.stores", "must be a positive integer"},
		{"dcs positive", func(c *Config) { c.Volume.DCs = 0 }, "volume.dcs", "positive"},
		{"stores at least dcs", func(c *Config) { c.Volume.Stores = 10 }, "volume.stores", "at least volume.dcs (20)"},
		{"customers positive", func(c *Config) { c.Volume.TotalCustomers = 0 }, "volume.total_customers", "positive"},
		{"products positive", func(c *Config) { c.Volume.TotalProducts = -1 }, "volume.total_products", "positive"},
		{"geographies positive", func(c *Config) { c.Volume.TotalGeographies = 0 }, "volume.total_geographies", "positive"},
		{"customers per day positive", func(c *Config) { c.Volume.CustomersPerDay = 0 }, "volume.customers_per_day", "positive"},
		{"truck capacity positive", func(c *Config) { c.Volume.TruckCapacity = 0 }, "volume.truck_capacity", "positive"},
		{"online orders not negative", func(c *Config) { c.Volume.OnlineOrdersPerDay = -1 }, "volume.online_orders_per_day", "negative"},
		{"impressions not negative", func(c *Config) { c.Volume.MarketingImpressionsPerDay = -1 }, "volume.marketing_impressions_per_day", "negative"},
		{"supplier refrigerated not negative", func(c *Config) { c.Volume.SupplierRefrigeratedTrucks = -1 }, "volume.supplier_refrigerated_trucks", "negative"},
		{"supplier non-refrigerated not negative", func(c *Config) { c.Volume.SupplierNonRefrigeratedTrucks = -1 }, "volume.supplier_non_refrigerated_trucks", "negative"},
		{"trucks per dc not negative", func(c *Config) { c.Volume.TrucksPerDC = -1 }, "volume.trucks_per_dc", "negative"},
		{"refrigerated not negative", func(c *Config) { c.Volume.RefrigeratedTrucks = -1; c.Volume.TrucksPerDC = 4 }, "volume.refrigerated_trucks", "negative"},
		{"refrigerated fleet needed", func(c *Config) { c.Volume.RefrigeratedTrucks = 0 }, "volume.refrigerated_trucks", "at least 1 when volume.trucks_per_dc is 0"},
		{"non-refrigerated fleet needed", func(c *Config) { c.Volume.NonRefrigeratedTrucks = 0 }, "volume.non_refrigerated_trucks", "at least 1"},
		{"assignment rate zero", func(c *Config) { c.Volume.TruckDCAssignmentRate = 0 }, "volume.truck_dc_assignment_rate", "(0, 1]"},
		{"assignment rate above one", func(c *Config) { c.Volume.TruckDCAssignmentRate = 1.01 }, "volume.truck_dc_assignment_rate", "(0, 1]"},
		{"assignment rate NaN", func(c *Config) { c.Volume.TruckDCAssignmentRate = math.NaN() }, "volume.truck_dc_assignment_rate", "(0, 1]"},
		{"items per ticket low", func(c *Config) { c.Volume.ItemsPerTicketMean = 0.5 }, "volume.items_per_ticket_mean", "between 1 and 100"},
		{"items per ticket high", func(c *Config) { c.Volume.ItemsPerTicketMean = 101 }, "volume.items_per_ticket_mean", "between 1 and 100"},
		{"dc inventory min positive", func(c *Config) { c.Volume.DCInitialInventoryMin = 0 }, "volume.dc_initial_inventory_min", "positive"},
		{"dc inventory min <= max", func(c *Config) { c.Volume.DCInitialInventoryMax = 400 }, "volume.dc_initial_inventory_max", "at least volume.dc_initial_inventory_min (500)"},
		{"store inventory min positive", func(c *Config) { c.Volume.StoreInitialInventoryMin = -1 }, "volume.store_initial_inventory_min", "positive"},
		{"store inventory min <= max", func(c *Config) { c.Volume.StoreInitialInventoryMin = 200 }, "volume.store_initial_inventory_max", "at least volume.store_initial_inventory_min"},
		{"dc reorder min not negative", func(c *Config) { c.Volume.DCReorderPointMin = -1 }, "volume.dc_reorder_point_min", "negative"},
		{"dc reorder min <= max", func(c *Config) { c.Volume.DCReorderPointMin = 400 }, "volume.dc_reorder_point_max", "at least volume.dc_reorder_point_min"},
		{"dc reorder below inventory max", func(c *Config) { c.Volume.DCReorderPointMax = 2000 }, "volume.dc_reorder_point_max", "below volume.dc_initial_inventory_max (2000)"},
		{"store reorder max not negative", func(c *Config) { c.Volume.StoreReorderPointMax = -1 }, "volume.store_reorder_point_max", "negative"},
		{"store reorder below inventory max", func(c *Config) { c.Volume.StoreReorderPointMax = 100 }, "volume.store_reorder_point_max", "below volume.store_initial_inventory_max"},
		{"emit interval positive", func(c *Config) { c.Realtime.EmitIntervalMS = 0 }, "realtime.emit_interval_ms", "positive"},
		{"burst positive", func(c *Config) { c.Realtime.Burst = 0 }, "realtime.burst", "positive"},
		{"batch size positive", func(c *Config) { c.Realtime.MaxBatchSize = 0 }, "realtime.max_batch_size", "positive"},
		{"batch timeout positive", func(c *Config) { c.Realtime.BatchTimeoutMS = -5 }, "realtime.batch_timeout_ms", "positive"},
		{"retries not negative", func(c *Config) { c.Realtime.RetryAttempts = -1 }, "realtime.retry_attempts", "negative"},
		{"backoff at least 1", func(c *Config) { c.Realtime.BackoffMultiplier = 0.5 }, "realtime.backoff_multiplier", "at least 1"},
		{"backoff finite", func(c *Config) { c.Realtime.BackoffMultiplier = math.Inf(1) }, "realtime.backoff_multiplier", "finite"},
		{"threshold positive", func(c *Config) { c.Realtime.CircuitBreakerFailureThreshold = 0 }, "realtime.circuit_breaker_failure_threshold", "positive"},
		{"recovery positive", func(c *Config) { c.Realtime.CircuitBreakerRecoveryTimeout = 0 }, "realtime.circuit_breaker_recovery_timeout", "positive"},
		{"monitoring positive", func(c *Config) { c.Realtime.MonitoringInterval = 0 }, "realtime.monitoring_interval", "positive"},
		{"buffer positive", func(c *Config) { c.Realtime.MaxBufferSize = 0 }, "realtime.max_buffer_size", "positive"},
		{"paths.master under output.dir", func(c *Config) { c.Paths.Master = "other/master" }, "paths.master", "<output.dir>/master"},
		{"paths.facts under output.dir", func(c *Config) { c.Paths.Facts = "data/fact" }, "paths.facts", "<output.dir>/facts"},
		{"hub not empty", func(c *Config) { c.Stream.Hub = " " }, "stream.hub", "empty"},
		{"start date format", func(c *Config) { c.Historical.StartDate = "01/02/2025" }, "historical.start_date", "YYYY-MM-DD"},
		{"start date short", func(c *Config) { c.Historical.StartDate = "2025-1-01" }, "historical.start_date", "YYYY-MM-DD"},
		{"start date real", func(c *Config) { c.Historical.StartDate = "2023-02-29" }, "historical.start_date", "real calendar date"},
		{"start date empty", func(c *Config) { c.Historical.StartDate = "" }, "historical.start_date", "YYYY-MM-DD"},
		{"end date real", func(c *Config) { c.Historical.EndDate = "2025-04-31" }, "historical.end_date", "real calendar date"},
		{"end before start", func(c *Config) { c.Historical.EndDate = "2024-12-31" }, "historical.end_date", "before historical.start_date"},
		{"range too long", func(c *Config) { c.Historical.EndDate = "2199-01-01" }, "historical.end_date", "less than"},
		{"days not negative", func(c *Config) { c.Historical.Days = -1 }, "historical.days", "negative"},
		{"days bounded", func(c *Config) { c.Historical.Days = MaxDays + 1 }, "historical.days", "at most"},
		{"empty range", func(c *Config) { c.Historical.Days = 0 }, "historical.days", "at least 1 when historical.end_date is empty"},
		{"workers not negative", func(c *Config) { c.Performance.MaxWorkers = -2 }, "performance.max_workers", "negative"},
		{"cost not negative", func(c *Config) { c.MarketingCost.EmailCostMin = -0.01 }, "marketing_cost.email_cost_min", "at least 0"},
		{"cost NaN", func(c *Config) { c.MarketingCost.VideoCostMax = math.NaN() }, "marketing_cost.video_cost_max", "finite"},
		{"cost min <= max", func(c *Config) { c.MarketingCost.SearchCostMax = 0.2 }, "marketing_cost.search_cost_max", "at least marketing_cost.search_cost_min (0.25)"},
		{"multiplier positive", func(c *Config) { c.MarketingCost.TabletMultiplier = 0 }, "marketing_cost.tablet_multiplier", "positive"},
		{"account uri absolute", func(c *Config) { c.Storage.AccountURI = "acct.blob" }, "storage.account_uri", "absolute URL"},
		{"output dir", func(c *Config) { c.Output.Dir = "" }, "output.dir", "empty"},
		{"output format", func(c *Config) { c.Output.Format = "xml" }, "output.format", "parquet, csv, jsonl"},
		{"parquet compression", func(c *Config) { c.Output.Compression = "lz4" }, "output.compression", "zstd, snappy, gzip, none"},
		{"csv compression", func(c *Config) { c.Output.Format = FormatCSV; c.Output.Compression = "zstd" }, "output.compression", "none, gzip"},
		{"scale", func(c *Config) { c.Scale = "huge" }, "scale", "tiny, small, default, large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			tt.mutate(&c)
			err := c.Validate()
			var ve ValidationErrors
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want ValidationErrors", err)
			}
			if len(ve) != 1 {
				t.Errorf("got %d problems, want 1:\n%v", len(ve), ve)
			}
			e := findError(t, ve, tt.key)
			if !strings.Contains(e.Rule, tt.rule) {
				t.Errorf("rule %q does not contain %q", e.Rule, tt.rule)
			}
			if e.Value == "" {
				t.Errorf("no value in %q", e)
			}
		})
	}
}

func TestValidationAllowed(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
	}{
		{"zero online orders and impressions", func(c *Config) { c.Volume.OnlineOrdersPerDay = 0; c.Volume.MarketingImpressionsPerDay = 0 }},
		{"no fleet totals with trucks per dc", func(c *Config) {
			c.Volume.TrucksPerDC = 5
			c.Volume.RefrigeratedTrucks = 0
			c.Volume.NonRefrigeratedTrucks = 0
		}},
		{"no supplier trucks", func(c *Config) { c.Volume.SupplierRefrigeratedTrucks = 0; c.Volume.SupplierNonRefrigeratedTrucks = 0 }},
		{"rate one", func(c *Config) { c.Volume.TruckDCAssignmentRate = 1 }},
		{"stores equal dcs", func(c *Config) { c.Volume.Stores = 20 }},
		{"end date with zero days", func(c *Config) { c.Historical.EndDate = "2025-01-01"; c.Historical.Days = 0 }},
		{"leap day", func(c *Config) { c.Historical.StartDate = "2024-02-29" }},
		{"zero retries", func(c *Config) { c.Realtime.RetryAttempts = 0 }},
		{"free channel", func(c *Config) { c.MarketingCost.EmailCostMin = 0; c.MarketingCost.EmailCostMax = 0 }},
		{"csv gzip", func(c *Config) { c.Output.Format = FormatCSV; c.Output.Compression = CompressionGzip }},
		{"jsonl none", func(c *Config) { c.Output.Format = FormatJSONL; c.Output.Compression = CompressionNone }},
		{"parquet snappy", func(c *Config) { c.Output.Compression = CompressionSnappy }},
		{"legacy paths", func(c *Config) { c.Paths.Master = "./data/master/"; c.Paths.Facts = "data/facts" }},
		{"url output", func(c *Config) {
			c.Output.Dir = "s3://bucket/run/"
			c.Paths.Master = "s3://bucket/run/master"
		}},
		{"azurite uri", func(c *Config) { c.Storage.AccountURI = "http://127.0.0.1:10000/devstoreaccount1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			tt.mutate(&c)
			if err := c.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
		})
	}
}

func TestValidateReportsEverything(t *testing.T) {
	var c Config
	err := c.Validate()
	var ve ValidationErrors
	if !errors.As(err, &ve) {
		t.Fatalf("zero Config: %v", err)
	}
	if len(ve) < 20 {
		t.Errorf("zero Config reports only %d problems", len(ve))
	}
	for _, e := range ve {
		if e.Key == "" || e.Rule == "" || e.Error() == "" {
			t.Errorf("incomplete problem %+v", e)
		}
	}
}

func TestFieldErrorFormat(t *testing.T) {
	ve := ValidationErrors{
		{Key: "volume.stores", Value: "-3", Rule: "must be a positive integer"},
		{Key: "volume.nope", Rule: "unknown key"},
	}
	want := "configuration is not valid (2 problems):\n  volume.stores = -3: must be a positive integer\n  volume.nope: unknown key"
	if ve.Error() != want {
		t.Errorf("Error() = %q, want %q", ve.Error(), want)
	}
	if got := ve[:1].Error(); got != "volume.stores = -3: must be a positive integer" {
		t.Errorf("one problem: Error() = %q", got)
	}
}

func TestIDSchemeLimits(t *testing.T) {
	c := Defaults()
	c.Volume.Stores, c.Volume.DCs, c.Volume.CustomersPerDay = MaxStores+1, MaxDCs+1, MaxCustomersPerDay+1
	var ve ValidationErrors
	if err := c.Validate(); !errors.As(err, &ve) {
		t.Fatalf("Validate() = %v", err)
	}
	for _, key := range []string{"volume.stores", "volume.dcs", "volume.customers_per_day"} {
		found := false
		for _, e := range ve {
			if e.Key == key && strings.Contains(e.Rule, "at most") {
				found = true
			}
		}
		if !found {
			t.Errorf("no limit error for %s in %v", key, ve)
		}
	}
}

// Package config owns retail-datagen's configuration: the key names (kept
// compatible with existing config.json files), their defaults, the scale
// presets, loading with precedence, validation and secret redaction.
package config

// Config is the complete, effective configuration of one run.
//
// The koanf tags are the user-facing key names. Keep them stable: existing
// configuration files rely on them.
type Config struct {
	// Seed drives every random decision; same seed + same config = same data.
	Seed uint64 `koanf:"seed"`
	// Scale names the preset whose volumes were applied (tiny, small, default, large).
	Scale         string        `koanf:"scale"`
	Volume        Volume        `koanf:"volume"`
	Realtime      Realtime      `koanf:"realtime"`
	Paths         Paths         `koanf:"paths"`
	Stream        Stream        `koanf:"stream"`
	Historical    Historical    `koanf:"historical"`
	Performance   Performance   `koanf:"performance"`
	Disruptions   Disruptions   `koanf:"disruptions"`
	MarketingCost MarketingCost `koanf:"marketing_cost"`
	Storage       Storage       `koanf:"storage"`
	Output        Output        `koanf:"output"`
	Server        Server        `koanf:"server"`
}

// Volume holds the sizes of the simulated chain.
type Volume struct {
	Stores                        int     `koanf:"stores"`
	DCs                           int     `koanf:"dcs"`
	RefrigeratedTrucks            int     `koanf:"refrigerated_trucks"`
	NonRefrigeratedTrucks         int     `koanf:"non_refrigerated_trucks"`
	SupplierRefrigeratedTrucks    int     `koanf:"supplier_refrigerated_trucks"`
	SupplierNonRefrigeratedTrucks int     `koanf:"supplier_non_refrigerated_trucks"`
	TruckDCAssignmentRate         float64 `koanf:"truck_dc_assignment_rate"`
	TrucksPerDC                   int     `koanf:"trucks_per_dc"`
	TruckCapacity                 int     `koanf:"truck_capacity"`
	TotalGeographies              int     `koanf:"total_geographies"`
	TotalCustomers                int     `koanf:"total_customers"`
	TotalProducts                 int     `koanf:"total_products"`
	CustomersPerDay               int     `koanf:"customers_per_day"`
	ItemsPerTicketMean            float64 `koanf:"items_per_ticket_mean"`
	OnlineOrdersPerDay            int     `koanf:"online_orders_per_day"`
	MarketingImpressionsPerDay    int     `koanf:"marketing_impressions_per_day"`
	DCInitialInventoryMin         int     `koanf:"dc_initial_inventory_min"`
	DCInitialInventoryMax         int     `koanf:"dc_initial_inventory_max"`
	StoreInitialInventoryMin      int     `koanf:"store_initial_inventory_min"`
	StoreInitialInventoryMax      int     `koanf:"store_initial_inventory_max"`
	DCReorderPointMin             int     `koanf:"dc_reorder_point_min"`
	DCReorderPointMax             int     `koanf:"dc_reorder_point_max"`
	StoreReorderPointMin          int     `koanf:"store_reorder_point_min"`
	StoreReorderPointMax          int     `koanf:"store_reorder_point_max"`
}

// Realtime configures the streaming pipeline.
type Realtime struct {
	EmitIntervalMS                 int     `koanf:"emit_interval_ms"`
	Burst                          int     `koanf:"burst"`
	AzureConnectionString          string  `koanf:"azure_connection_string"` // secret
	MaxBatchSize                   int     `koanf:"max_batch_size"`
	BatchTimeoutMS                 int     `koanf:"batch_timeout_ms"`
	RetryAttempts                  int     `koanf:"retry_attempts"`
	BackoffMultiplier              float64 `koanf:"backoff_multiplier"`
	CircuitBreakerEnabled          bool    `koanf:"circuit_breaker_enabled"`
	CircuitBreakerFailureThreshold int     `koanf:"circuit_breaker_failure_threshold"`
	CircuitBreakerRecoveryTimeout  int     `koanf:"circuit_breaker_recovery_timeout"` // seconds
	MonitoringInterval             int     `koanf:"monitoring_interval"`              // seconds
	MaxBufferSize                  int     `koanf:"max_buffer_size"`
	EnableDeadLetterQueue          bool    `koanf:"enable_dead_letter_queue"`
}

// Paths locates dictionaries and output folders.
type Paths struct {
	// Dictionaries is a folder whose CSV files override the embedded ones
	// (alias key: paths.dict). Empty = embedded only.
	Dictionaries string `koanf:"dictionaries"`
	// Master and Facts are kept for compatibility; they must be <out>/master
	// and <out>/facts (the layout of SPEC §5.3). Empty = derived from output.dir.
	Master string `koanf:"master"`
	Facts  string `koanf:"facts"`
}

// Stream names the streaming destination.
type Stream struct {
	Hub string `koanf:"hub"`
}

// Historical sets the simulated date range.
type Historical struct {
	StartDate string `koanf:"start_date"` // YYYY-MM-DD
	EndDate   string `koanf:"end_date"`   // YYYY-MM-DD, inclusive; empty = start_date + days - 1
	Days      int    `koanf:"days"`
}

// Performance tunes parallelism.
type Performance struct {
	MaxWorkers int `koanf:"max_workers"` // 0 = number of CPUs
}

// Disruptions switches supply-chain disruptions at DCs on.
type Disruptions struct {
	Enabled      bool    `koanf:"enabled"`
	PerDCPerYear float64 `koanf:"per_dc_per_year"`
}

// MarketingCost gives per-channel cost ranges (dollars per impression) and
// device multipliers.
type MarketingCost struct {
	FacebookCostMin   float64 `koanf:"facebook_cost_min"`
	FacebookCostMax   float64 `koanf:"facebook_cost_max"`
	GoogleCostMin     float64 `koanf:"google_cost_min"`
	GoogleCostMax     float64 `koanf:"google_cost_max"`
	InstagramCostMin  float64 `koanf:"instagram_cost_min"`
	InstagramCostMax  float64 `koanf:"instagram_cost_max"`
	YoutubeCostMin    float64 `koanf:"youtube_cost_min"`
	YoutubeCostMax    float64 `koanf:"youtube_cost_max"`
	EmailCostMin      float64 `koanf:"email_cost_min"`
	EmailCostMax      float64 `koanf:"email_cost_max"`
	DisplayCostMin    float64 `koanf:"display_cost_min"`
	DisplayCostMax    float64 `koanf:"display_cost_max"`
	SearchCostMin     float64 `koanf:"search_cost_min"`
	SearchCostMax     float64 `koanf:"search_cost_max"`
	SocialCostMin     float64 `koanf:"social_cost_min"`
	SocialCostMax     float64 `koanf:"social_cost_max"`
	VideoCostMin      float64 `koanf:"video_cost_min"`
	VideoCostMax      float64 `koanf:"video_cost_max"`
	MobileMultiplier  float64 `koanf:"mobile_multiplier"`
	TabletMultiplier  float64 `koanf:"tablet_multiplier"`
	DesktopMultiplier float64 `koanf:"desktop_multiplier"`
}

// Storage holds object-storage credentials.
type Storage struct {
	AccountURI string `koanf:"account_uri"`
	AccountKey string `koanf:"account_key"` // secret
}

// Output selects where and how tables are written.
type Output struct {
	Dir         string `koanf:"dir"`         // output root (flag --out), default "data"
	Format      string `koanf:"format"`      // parquet | csv | jsonl
	Compression string `koanf:"compression"` // parquet: zstd|snappy|gzip|none; csv/jsonl: none|gzip; empty = format default
}

// Server configures `serve`, the HTTP API and web UI.
type Server struct {
	// AllowedOrigins are the browser origins (scheme://host[:port]) that may
	// call the API from another origin (CORS). Empty = same origin only.
	AllowedOrigins []string `koanf:"allowed_origins"`
}

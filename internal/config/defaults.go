package config

import "fmt"

// Scale preset names.
const (
	ScaleTiny    = "tiny"
	ScaleSmall   = "small"
	ScaleDefault = "default"
	ScaleLarge   = "large"
)

// Scales returns the names of the scale presets, smallest first.
func Scales() []string {
	return []string{ScaleTiny, ScaleSmall, ScaleDefault, ScaleLarge}
}

// Output formats and compression codecs accepted by output.format and
// output.compression.
const (
	FormatParquet = "parquet"
	FormatCSV     = "csv"
	FormatJSONL   = "jsonl"

	CompressionZstd   = "zstd"
	CompressionSnappy = "snappy"
	CompressionGzip   = "gzip"
	CompressionNone   = "none"
)

// Defaults returns the built-in configuration: the "default" scale preset
// (the seed project's example chain) and a default for every other key.
func Defaults() Config {
	return Config{
		Seed:  42,
		Scale: ScaleDefault,
		Volume: Volume{
			Stores:                        86,
			DCs:                           20,
			RefrigeratedTrucks:            60,
			NonRefrigeratedTrucks:         140,
			SupplierRefrigeratedTrucks:    20,
			SupplierNonRefrigeratedTrucks: 40,
			TruckDCAssignmentRate:         0.9,
			TrucksPerDC:                   0,
			TruckCapacity:                 5000,
			TotalGeographies:              500,
			TotalCustomers:                403000,
			TotalProducts:                 10000,
			CustomersPerDay:               427,
			ItemsPerTicketMean:            8.2,
			OnlineOrdersPerDay:            653,
			MarketingImpressionsPerDay:    8950,
			DCInitialInventoryMin:         500,
			DCInitialInventoryMax:         2000,
			StoreInitialInventoryMin:      20,
			StoreInitialInventoryMax:      100,
			DCReorderPointMin:             100,
			DCReorderPointMax:             300,
			StoreReorderPointMin:          5,
			StoreReorderPointMax:          20,
		},
		Realtime: Realtime{
			EmitIntervalMS:                 500,
			Burst:                          100,
			AzureConnectionString:          "",
			MaxBatchSize:                   256,
			BatchTimeoutMS:                 1000,
			RetryAttempts:                  3,
			BackoffMultiplier:              2.0,
			CircuitBreakerEnabled:          true,
			CircuitBreakerFailureThreshold: 5,
			CircuitBreakerRecoveryTimeout:  60,
			MonitoringInterval:             30,
			MaxBufferSize:                  10000,
			EnableDeadLetterQueue:          true,
		},
		Paths:  Paths{},
		Stream: Stream{Hub: "retail-events"},
		Historical: Historical{
			StartDate: "2025-01-01",
			EndDate:   "",
			Days:      30,
		},
		Performance: Performance{MaxWorkers: 0},
		Disruptions: Disruptions{Enabled: false, PerDCPerYear: 6},
		MarketingCost: MarketingCost{
			FacebookCostMin:   0.05,
			FacebookCostMax:   0.50,
			GoogleCostMin:     0.10,
			GoogleCostMax:     1.20,
			InstagramCostMin:  0.05,
			InstagramCostMax:  0.60,
			YoutubeCostMin:    0.08,
			YoutubeCostMax:    0.80,
			EmailCostMin:      0.01,
			EmailCostMax:      0.05,
			DisplayCostMin:    0.02,
			DisplayCostMax:    0.25,
			SearchCostMin:     0.25,
			SearchCostMax:     2.50,
			SocialCostMin:     0.04,
			SocialCostMax:     0.40,
			VideoCostMin:      0.10,
			VideoCostMax:      1.00,
			MobileMultiplier:  1.0,
			TabletMultiplier:  1.15,
			DesktopMultiplier: 1.3,
		},
		Storage: Storage{},
		Output: Output{
			Dir:         "data",
			Format:      FormatParquet,
			Compression: "",
		},
	}
}

// DefaultsFor returns Defaults with the volumes of the named scale preset
// applied and Scale set to name.
func DefaultsFor(scale string) (Config, error) {
	c := Defaults()
	v, ok := Preset(scale)
	if !ok {
		return Config{}, fmt.Errorf("config: unknown scale %q (want one of %s)", scale, quotedList(Scales()))
	}
	c.Volume = v
	c.Scale = scale
	return c, nil
}

// Preset returns the volumes of a scale preset. A preset sets only the keys
// that define the chain's size; the other volume keys keep their defaults.
// ok is false for an unknown name.
func Preset(name string) (v Volume, ok bool) {
	v = Defaults().Volume
	switch name {
	case ScaleTiny:
		v.DCs = 2
		v.Stores = 5
		v.TotalCustomers = 2000
		v.TotalProducts = 500
		v.TotalGeographies = 60
		v.CustomersPerDay = 80
		v.OnlineOrdersPerDay = 20
		v.MarketingImpressionsPerDay = 300
		v.RefrigeratedTrucks = 4
		v.NonRefrigeratedTrucks = 8
		v.SupplierRefrigeratedTrucks = 2
		v.SupplierNonRefrigeratedTrucks = 2
		v.TruckCapacity = 2000
	case ScaleSmall:
		v.DCs = 5
		v.Stores = 20
		v.TotalCustomers = 20000
		v.TotalProducts = 2000
		v.TotalGeographies = 150
		v.CustomersPerDay = 200
		v.OnlineOrdersPerDay = 150
		v.MarketingImpressionsPerDay = 2000
		v.RefrigeratedTrucks = 12
		v.NonRefrigeratedTrucks = 28
		v.SupplierRefrigeratedTrucks = 5
		v.SupplierNonRefrigeratedTrucks = 8
	case ScaleDefault:
		// The defaults are the default preset.
	case ScaleLarge:
		v.DCs = 60
		v.Stores = 1000
		v.TotalCustomers = 3000000
		v.TotalProducts = 25000
		v.TotalGeographies = 1500
		v.CustomersPerDay = 427
		v.OnlineOrdersPerDay = 5000
		v.MarketingImpressionsPerDay = 60000
		v.RefrigeratedTrucks = 300
		v.NonRefrigeratedTrucks = 700
		v.SupplierRefrigeratedTrucks = 80
		v.SupplierNonRefrigeratedTrucks = 160
	default:
		return Volume{}, false
	}
	return v, true
}

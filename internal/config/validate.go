package config

import (
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxDays bounds the simulated date range (about a century).
const MaxDays = 36525

// Validate checks every rule and reports all problems at once as
// ValidationErrors (nil when the configuration is valid).
func (c *Config) Validate() error {
	v := &validator{}
	v.volume(c.Volume)
	v.realtime(c.Realtime)
	v.paths(c.Paths, c.Output.Dir)
	if strings.TrimSpace(c.Stream.Hub) == "" {
		v.add("stream.hub", c.Stream.Hub, "must not be empty")
	}
	v.historical(c.Historical)
	v.nonNegative("performance.max_workers", c.Performance.MaxWorkers)
	if d := c.Disruptions.PerDCPerYear; math.IsNaN(d) || d < 0 || d > 365 {
		v.add("disruptions.per_dc_per_year", d, "must be a number from 0 to 365")
	}
	v.marketing(c.MarketingCost)
	if c.Storage.AccountURI != "" && !isAbsoluteURL(c.Storage.AccountURI) {
		v.add("storage.account_uri", c.Storage.AccountURI, "must be an absolute URL such as https://<account>.blob.core.windows.net")
	}
	v.output(c.Output)
	for _, o := range c.Server.AllowedOrigins {
		if rule := originRule(o); rule != "" {
			v.add("server.allowed_origins", o, rule)
		}
	}
	if !slices.Contains(Scales(), c.Scale) {
		v.add("scale", c.Scale, "must be one of "+strings.Join(Scales(), ", "))
	}
	if len(v.errs) == 0 {
		return nil
	}
	return v.errs
}

type validator struct {
	errs ValidationErrors
}

func (v *validator) add(key string, value any, rule string) {
	v.errs = append(v.errs, FieldError{Key: key, Value: display(key, value), Rule: rule})
}

func (v *validator) positive(key string, n int) bool {
	if n <= 0 {
		v.add(key, n, "must be a positive integer")
		return false
	}
	return true
}

func (v *validator) nonNegative(key string, n int) bool {
	if n < 0 {
		v.add(key, n, "must not be negative")
		return false
	}
	return true
}

// atLeastMin checks that a range's max is not below its min (when both
// were valid on their own).
func (v *validator) atLeastMin(minKey, maxKey string, minV, maxV int, minOK, maxOK bool) {
	if minOK && maxOK && maxV < minV {
		v.add(maxKey, maxV, fmt.Sprintf("must be at least %s (%d)", minKey, minV))
	}
}

// Limits of the id scheme (see package sim).
const (
	MaxStores          = 89_999
	MaxDCs             = 9_999
	MaxCustomersPerDay = 50_000
)

func (v *validator) volume(vol Volume) {
	stores := v.positive("volume.stores", vol.Stores)
	dcs := v.positive("volume.dcs", vol.DCs)
	if stores && dcs && vol.Stores < vol.DCs {
		v.add("volume.stores", vol.Stores, fmt.Sprintf("must be at least volume.dcs (%d): every DC supplies at least one store", vol.DCs))
	}
	// Receipt, order and shipment ids hold a 5-digit place (store id, or
	// 90000 + DC id) and a 6-digit daily sequence.
	if stores && vol.Stores > MaxStores {
		v.add("volume.stores", vol.Stores, fmt.Sprintf("must be at most %d (the id scheme's limit)", MaxStores))
	}
	if dcs && vol.DCs > MaxDCs {
		v.add("volume.dcs", vol.DCs, fmt.Sprintf("must be at most %d (the id scheme's limit)", MaxDCs))
	}
	if vol.CustomersPerDay > MaxCustomersPerDay {
		v.add("volume.customers_per_day", vol.CustomersPerDay, fmt.Sprintf("must be at most %d: a store's daily receipts are numbered with 6 digits", MaxCustomersPerDay))
	}

	refr := v.nonNegative("volume.refrigerated_trucks", vol.RefrigeratedTrucks)
	nonRefr := v.nonNegative("volume.non_refrigerated_trucks", vol.NonRefrigeratedTrucks)
	v.nonNegative("volume.supplier_refrigerated_trucks", vol.SupplierRefrigeratedTrucks)
	v.nonNegative("volume.supplier_non_refrigerated_trucks", vol.SupplierNonRefrigeratedTrucks)
	if v.nonNegative("volume.trucks_per_dc", vol.TrucksPerDC) && vol.TrucksPerDC == 0 {
		if refr && vol.RefrigeratedTrucks < 1 {
			v.add("volume.refrigerated_trucks", vol.RefrigeratedTrucks, "must be at least 1 when volume.trucks_per_dc is 0 (DC fleets need refrigerated trucks)")
		}
		if nonRefr && vol.NonRefrigeratedTrucks < 1 {
			v.add("volume.non_refrigerated_trucks", vol.NonRefrigeratedTrucks, "must be at least 1 when volume.trucks_per_dc is 0 (DC fleets need non-refrigerated trucks)")
		}
	}
	if r := vol.TruckDCAssignmentRate; !(r > 0 && r <= 1) {
		v.add("volume.truck_dc_assignment_rate", r, "must be in (0, 1]")
	}
	v.positive("volume.truck_capacity", vol.TruckCapacity)
	v.positive("volume.total_geographies", vol.TotalGeographies)
	v.positive("volume.total_customers", vol.TotalCustomers)
	v.positive("volume.total_products", vol.TotalProducts)
	v.positive("volume.customers_per_day", vol.CustomersPerDay)
	if m := vol.ItemsPerTicketMean; !(m >= 1 && m <= 100) {
		v.add("volume.items_per_ticket_mean", m, "must be between 1 and 100")
	}
	v.nonNegative("volume.online_orders_per_day", vol.OnlineOrdersPerDay)
	v.nonNegative("volume.marketing_impressions_per_day", vol.MarketingImpressionsPerDay)

	for _, loc := range []struct {
		name                           string
		initMin, initMax, rpMin, rpMax int
	}{
		{"dc", vol.DCInitialInventoryMin, vol.DCInitialInventoryMax, vol.DCReorderPointMin, vol.DCReorderPointMax},
		{"store", vol.StoreInitialInventoryMin, vol.StoreInitialInventoryMax, vol.StoreReorderPointMin, vol.StoreReorderPointMax},
	} {
		initMinKey := "volume." + loc.name + "_initial_inventory_min"
		initMaxKey := "volume." + loc.name + "_initial_inventory_max"
		rpMinKey := "volume." + loc.name + "_reorder_point_min"
		rpMaxKey := "volume." + loc.name + "_reorder_point_max"
		initMin := v.positive(initMinKey, loc.initMin)
		initMax := v.positive(initMaxKey, loc.initMax)
		v.atLeastMin(initMinKey, initMaxKey, loc.initMin, loc.initMax, initMin, initMax)
		rpMin := v.nonNegative(rpMinKey, loc.rpMin)
		rpMax := v.nonNegative(rpMaxKey, loc.rpMax)
		v.atLeastMin(rpMinKey, rpMaxKey, loc.rpMin, loc.rpMax, rpMin, rpMax)
		if initMax && rpMax && loc.rpMax >= loc.initMax {
			v.add(rpMaxKey, loc.rpMax, fmt.Sprintf("must be below %s (%d)", initMaxKey, loc.initMax))
		}
	}
}

func (v *validator) realtime(rt Realtime) {
	v.positive("realtime.emit_interval_ms", rt.EmitIntervalMS)
	v.positive("realtime.burst", rt.Burst)
	v.positive("realtime.max_batch_size", rt.MaxBatchSize)
	v.positive("realtime.batch_timeout_ms", rt.BatchTimeoutMS)
	v.nonNegative("realtime.retry_attempts", rt.RetryAttempts)
	if m := rt.BackoffMultiplier; !(m >= 1) || math.IsInf(m, 0) {
		v.add("realtime.backoff_multiplier", m, "must be a finite number of at least 1")
	}
	v.positive("realtime.circuit_breaker_failure_threshold", rt.CircuitBreakerFailureThreshold)
	v.positive("realtime.circuit_breaker_recovery_timeout", rt.CircuitBreakerRecoveryTimeout)
	v.positive("realtime.monitoring_interval", rt.MonitoringInterval)
	v.positive("realtime.max_buffer_size", rt.MaxBufferSize)
}

func (v *validator) paths(p Paths, outDir string) {
	if outDir == "" {
		return // reported by output
	}
	for _, sub := range []struct{ key, got, name string }{
		{"paths.master", p.Master, "master"},
		{"paths.facts", p.Facts, "facts"},
	} {
		want := joinOut(outDir, sub.name)
		if sub.got != "" && !samePath(sub.got, want) {
			v.add(sub.key, sub.got, fmt.Sprintf("must be <output.dir>/%s (%q) or empty", sub.name, want))
		}
	}
}

func (v *validator) historical(h Historical) {
	start, startOK := v.date("historical.start_date", h.StartDate)
	var end time.Time
	endOK := false
	if h.EndDate != "" {
		end, endOK = v.date("historical.end_date", h.EndDate)
	}
	switch {
	case h.Days < 0:
		v.add("historical.days", h.Days, "must not be negative")
	case h.Days > MaxDays:
		v.add("historical.days", h.Days, fmt.Sprintf("must be at most %d", MaxDays))
	case h.EndDate == "" && h.Days == 0:
		v.add("historical.days", h.Days, "must be at least 1 when historical.end_date is empty (the date range would be empty)")
	}
	if startOK && endOK {
		switch {
		case end.Before(start):
			v.add("historical.end_date", h.EndDate, fmt.Sprintf("must not be before historical.start_date (%s)", h.StartDate))
		case end.Sub(start) >= MaxDays*24*time.Hour:
			v.add("historical.end_date", h.EndDate, fmt.Sprintf("must be less than %d days after historical.start_date", MaxDays))
		}
	}
}

// date checks a YYYY-MM-DD calendar date.
func (v *validator) date(key, s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != len(time.DateOnly) {
		v.add(key, s, "must be a real calendar date written YYYY-MM-DD")
		return time.Time{}, false
	}
	return t, true
}

func (v *validator) marketing(m MarketingCost) {
	for _, ch := range []struct {
		name     string
		min, max float64
	}{
		{"facebook", m.FacebookCostMin, m.FacebookCostMax},
		{"google", m.GoogleCostMin, m.GoogleCostMax},
		{"instagram", m.InstagramCostMin, m.InstagramCostMax},
		{"youtube", m.YoutubeCostMin, m.YoutubeCostMax},
		{"email", m.EmailCostMin, m.EmailCostMax},
		{"display", m.DisplayCostMin, m.DisplayCostMax},
		{"search", m.SearchCostMin, m.SearchCostMax},
		{"social", m.SocialCostMin, m.SocialCostMax},
		{"video", m.VideoCostMin, m.VideoCostMax},
	} {
		minKey := "marketing_cost." + ch.name + "_cost_min"
		maxKey := "marketing_cost." + ch.name + "_cost_max"
		minOK := v.cost(minKey, ch.min)
		maxOK := v.cost(maxKey, ch.max)
		if minOK && maxOK && ch.max < ch.min {
			v.add(maxKey, ch.max, fmt.Sprintf("must be at least %s (%s)", minKey, formatFloat(ch.min)))
		}
	}
	for _, mu := range []struct {
		key string
		val float64
	}{
		{"marketing_cost.mobile_multiplier", m.MobileMultiplier},
		{"marketing_cost.tablet_multiplier", m.TabletMultiplier},
		{"marketing_cost.desktop_multiplier", m.DesktopMultiplier},
	} {
		if !(mu.val > 0) || math.IsInf(mu.val, 0) {
			v.add(mu.key, mu.val, "must be a positive number")
		}
	}
}

func (v *validator) cost(key string, f float64) bool {
	if !(f >= 0) || math.IsInf(f, 0) {
		v.add(key, f, "must be a finite number of at least 0")
		return false
	}
	return true
}

func (v *validator) output(o Output) {
	if strings.TrimSpace(o.Dir) == "" {
		v.add("output.dir", o.Dir, "must not be empty")
	}
	allowed, ok := compressions(o.Format)
	if !ok {
		v.add("output.format", o.Format, "must be one of parquet, csv, jsonl")
		return
	}
	if o.Compression != "" && !slices.Contains(allowed, o.Compression) {
		v.add("output.compression", o.Compression, fmt.Sprintf("must be one of %s for output.format %s (or empty for the default)", strings.Join(allowed, ", "), o.Format))
	}
}

// compressions lists the codecs valid for an output format, default first.
func compressions(format string) ([]string, bool) {
	switch format {
	case FormatParquet:
		return []string{CompressionZstd, CompressionSnappy, CompressionGzip, CompressionNone}, true
	case FormatCSV, FormatJSONL:
		return []string{CompressionNone, CompressionGzip}, true
	}
	return nil, false
}

// isURL reports whether an output location is a URL rather than a path.
func isURL(s string) bool {
	return strings.Contains(s, "://")
}

func isAbsoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != ""
}

// joinOut locates a sub-folder of the output root (a path or a URL).
func joinOut(dir, sub string) string {
	if isURL(dir) {
		return strings.TrimRight(dir, "/") + "/" + sub
	}
	return filepath.Join(dir, sub)
}

// parentDir is the output root that contains a master or facts folder.
func parentDir(p string) string {
	if isURL(p) {
		t := strings.TrimRight(p, "/")
		if i := strings.LastIndexByte(t, '/'); i > strings.Index(t, "://")+2 {
			return t[:i]
		}
		return t
	}
	return filepath.Dir(filepath.Clean(p))
}

// samePath compares two locations after cleaning.
func samePath(a, b string) bool {
	if isURL(a) || isURL(b) {
		return strings.TrimRight(a, "/") == strings.TrimRight(b, "/")
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

// originRule checks a CORS origin: scheme://host[:port] with scheme http or
// https and nothing after the port. It returns the broken rule, or "".
func originRule(o string) string {
	const rule = "must be an origin scheme://host[:port] (http or https, no path), e.g. http://localhost:5173"
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" ||
		u.User != nil || u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" ||
		strings.HasSuffix(o, "?") || strings.HasSuffix(o, "#") {
		return rule
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return rule
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return rule
	}
	return ""
}

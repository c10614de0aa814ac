package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

const (
	secretConn = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0LWtleQ=="
	secretKey  = "QUNDT1VOVC1LRVktU0VDUkVU"
	secretSAS  = "sv=2024-01-01&ss=b&sig=U0lHTkFUVVJF"
)

func TestRedacted(t *testing.T) {
	c := Defaults()
	c.Realtime.AzureConnectionString = secretConn
	c.Storage.AccountKey = secretKey
	c.Storage.AccountURI = "https://acct.blob.core.windows.net/?" + secretSAS
	r := c.Redacted()
	if r.Realtime.AzureConnectionString != "***" || r.Storage.AccountKey != "***" ||
		r.Storage.AccountURI != "https://acct.blob.core.windows.net/?***" {
		t.Errorf("Redacted() = %+v / %+v", r.Realtime, r.Storage)
	}
	if c.Storage.AccountKey != secretKey {
		t.Error("Redacted modified its receiver")
	}
	// Empty secrets and a URI without a signature stay as they are.
	d := Defaults()
	d.Storage.AccountURI = "https://acct.blob.core.windows.net/container?restype=container"
	if r := d.Redacted(); !reflect.DeepEqual(r, d) {
		t.Errorf("Redacted changed a config without secrets: %+v", r)
	}
}

func TestWriteToNeverShowsSecrets(t *testing.T) {
	c := Defaults()
	c.Realtime.AzureConnectionString = secretConn
	c.Storage.AccountKey = secretKey
	c.Storage.AccountURI = "https://acct.blob.core.windows.net/?" + secretSAS
	for _, format := range []string{"yaml", "json"} {
		var buf bytes.Buffer
		if err := c.WriteTo(&buf, format); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, s := range []string{secretConn, secretKey, "sig=", "U0lHTkFUVVJF"} {
			if strings.Contains(out, s) {
				t.Errorf("%s output contains secret %q:\n%s", format, s, out)
			}
		}
		if !strings.Contains(out, "***") {
			t.Errorf("%s output has no redaction marker", format)
		}
	}
	if err := c.WriteTo(&bytes.Buffer{}, "toml"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestErrorsNeverShowSecrets(t *testing.T) {
	file := writeFile(t, "c.json", `{
		"realtime": {"azure_connection_string": {"k": "`+secretConn+`"}},
		"storage": {"account_key": 12345, "account_uri": "not a url?`+secretSAS+`"}
	}`)
	ve := loadErrors(t, LoadOptions{File: file})
	if len(ve) != 3 {
		t.Fatalf("got %d problems, want 3:\n%v", len(ve), ve)
	}
	msg := ve.Error()
	for _, s := range []string{secretConn, "12345", "sig=", "U0lHTkFUVVJF"} {
		if strings.Contains(msg, s) {
			t.Errorf("error message contains secret %q:\n%s", s, msg)
		}
	}
	for _, key := range []string{"realtime.azure_connection_string", "storage.account_key"} {
		if e := findError(t, ve, key); e.Value != "***" {
			t.Errorf("%s value shown as %q, want ***", key, e.Value)
		}
	}
	if e := findError(t, ve, "storage.account_uri"); e.Value != `"not a url?***"` {
		t.Errorf("account_uri value shown as %q", e.Value)
	}
	// The same through Validate.
	c := Defaults()
	c.Storage.AccountURI = "relative?" + secretSAS
	if err := c.Validate(); err == nil || strings.Contains(err.Error(), "sig=") {
		t.Errorf("Validate() = %v", err)
	}
}

func TestInitFileRoundTrip(t *testing.T) {
	for _, scale := range append(Scales(), "") {
		for _, format := range []string{"yaml", "json"} {
			t.Run(scale+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := WriteInitFile(&buf, format, scale); err != nil {
					t.Fatal(err)
				}
				name := "init." + format
				c := mustLoad(t, LoadOptions{File: writeFile(t, name, buf.String())})
				wantScale := scale
				if wantScale == "" {
					wantScale = ScaleDefault
				}
				want, _ := DefaultsFor(wantScale)
				if !reflect.DeepEqual(*c, want) {
					t.Errorf("loaded %+v\nwant %+v", *c, want)
				}
				// Also as an extension-less, sniffed file.
				c = mustLoad(t, LoadOptions{File: writeFile(t, "init", buf.String())})
				if !reflect.DeepEqual(*c, want) {
					t.Errorf("sniffed: loaded %+v", *c)
				}
			})
		}
	}
	if err := WriteInitFile(&bytes.Buffer{}, "yaml", "huge"); err == nil {
		t.Error("unknown scale accepted")
	}
	if err := WriteInitFile(&bytes.Buffer{}, "ini", "tiny"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestInitFileCommentsEveryKey(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteInitFile(&buf, "yaml", ScaleTiny); err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	count := 0
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := joinKey(prefix, k.Value)
			if !strings.HasPrefix(k.HeadComment, "# ") {
				t.Errorf("YAML key %s has no comment above it", key)
			}
			if v.Kind == yaml.MappingNode {
				walk(v, key)
			} else {
				count++
			}
		}
	}
	walk(doc.Content[0], "")
	if count != len(Keys()) {
		t.Errorf("YAML init file has %d keys, want %d", count, len(Keys()))
	}

	buf.Reset()
	if err := WriteInitFile(&buf, "json", ScaleTiny); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatalf("JSON init file does not parse: %v", err)
	}
	if _, ok := m["_comment"]; !ok {
		t.Error("JSON init file has no _comment")
	}
	for _, k := range Keys() {
		parts := strings.Split(k.Key, ".")
		obj := m
		for _, p := range parts[:len(parts)-1] {
			obj, _ = obj[p].(map[string]any)
		}
		last := parts[len(parts)-1]
		if _, ok := obj[last]; !ok {
			t.Errorf("JSON init file lacks %s", k.Key)
		}
		if c, _ := obj["_comment_"+last].(string); c == "" {
			t.Errorf("JSON init file has no comment for %s", k.Key)
		}
	}
}

func TestWriteToLoadsBack(t *testing.T) {
	c := Defaults()
	c.Seed = 1 << 63
	c.Volume.ItemsPerTicketMean = 2
	c.Historical.EndDate = "2025-03-01"
	c.Stream.Hub = `he said "hi" & <bye>: yes`
	for _, format := range []string{"yaml", "json"} {
		var buf bytes.Buffer
		if err := c.WriteTo(&buf, format); err != nil {
			t.Fatal(err)
		}
		got := mustLoad(t, LoadOptions{File: writeFile(t, "show."+format, buf.String())})
		if !reflect.DeepEqual(*got, c) {
			t.Errorf("%s: loaded %+v\nwant %+v", format, *got, c)
		}
	}
}

func TestDateRange(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	c := Defaults()
	start, end := c.DateRange()
	if !start.Equal(day("2025-01-01")) || !end.Equal(day("2025-01-30")) {
		t.Errorf("default range %v..%v", start, end)
	}
	c.Historical.Days = 1
	if start, end = c.DateRange(); !start.Equal(end) {
		t.Errorf("one day: %v..%v", start, end)
	}
	c.Historical.EndDate = "2025-03-01"
	if start, end = c.DateRange(); !end.Equal(day("2025-03-01")) || !start.Equal(day("2025-01-01")) {
		t.Errorf("end_date: %v..%v", start, end)
	}
	c.Historical.StartDate = "bad"
	if start, end = c.DateRange(); !start.IsZero() || !end.IsZero() {
		t.Errorf("invalid: %v..%v", start, end)
	}
}

func TestFingerprint(t *testing.T) {
	base := Defaults()
	fp := base.Fingerprint()
	if len(fp) != 64 || fp != Defaults().Fingerprint() {
		t.Fatalf("fingerprint %q not a stable sha256 hex", fp)
	}
	same := []func(*Config){
		func(c *Config) {
			c.Output.Dir = "elsewhere"
			c.Output.Format = FormatCSV
			c.Output.Compression = "gzip"
		},
		func(c *Config) { c.Paths.Dictionaries = "d"; c.Paths.Master = "data/master" },
		func(c *Config) { c.Realtime.Burst = 1; c.Realtime.AzureConnectionString = "x" },
		func(c *Config) { c.Storage.AccountKey = "k" },
		func(c *Config) { c.Performance.MaxWorkers = 3 },
		func(c *Config) { c.Historical.Days = 400; c.Historical.EndDate = "2026-01-01" },
		func(c *Config) { c.Stream.Hub = "other" },
		func(c *Config) { c.Scale = ScaleLarge }, // the name alone; volumes decide
	}
	for i, m := range same {
		c := Defaults()
		m(&c)
		if c.Fingerprint() != fp {
			t.Errorf("case %d changed the fingerprint", i)
		}
	}
	differ := []func(*Config){
		func(c *Config) { c.Seed = 43 },
		func(c *Config) { c.Volume.Stores++ },
		func(c *Config) { c.Volume.ItemsPerTicketMean = 8.25 },
		func(c *Config) { c.Historical.StartDate = "2025-01-02" },
		func(c *Config) { c.MarketingCost.DesktopMultiplier = 1.31 },
	}
	for i, m := range differ {
		c := Defaults()
		m(&c)
		if c.Fingerprint() == fp {
			t.Errorf("case %d did not change the fingerprint", i)
		}
	}
	// A preset and the same values given explicitly are the same data.
	tiny, _ := DefaultsFor(ScaleTiny)
	explicit := Defaults()
	explicit.Volume, _ = Preset(ScaleTiny)
	if tiny.Fingerprint() != explicit.Fingerprint() {
		t.Error("preset and explicit volumes differ")
	}
}

func TestEffectiveCompressionAndDirs(t *testing.T) {
	for _, tt := range []struct{ format, comp, want string }{
		{FormatParquet, "", CompressionZstd},
		{FormatParquet, CompressionSnappy, CompressionSnappy},
		{FormatCSV, "", CompressionNone},
		{FormatJSONL, CompressionGzip, CompressionGzip},
	} {
		if got := (Output{Format: tt.format, Compression: tt.comp}).EffectiveCompression(); got != tt.want {
			t.Errorf("%s/%q: %q, want %q", tt.format, tt.comp, got, tt.want)
		}
	}
	c := Defaults()
	c.Output.Dir = "s3://bucket/x/"
	if c.MasterDir() != "s3://bucket/x/master" || c.FactsDir() != "s3://bucket/x/facts" {
		t.Errorf("URL dirs: %q %q", c.MasterDir(), c.FactsDir())
	}
}

func TestKeys(t *testing.T) {
	keys := Keys()
	desc := descriptions()
	if len(keys) != len(desc) {
		t.Errorf("%d keys but %d descriptions", len(keys), len(desc))
	}
	byKey := map[string]KeyInfo{}
	for _, k := range keys {
		byKey[k.Key] = k
		if k.Description == "" || strings.Contains(k.Description, "\n") {
			t.Errorf("%s: bad description %q", k.Key, k.Description)
		}
		if k.Type == "" || k.Type == "unknown" || len(k.Env) == 0 || k.Env[0] != EnvName(k.Key) {
			t.Errorf("%s: incomplete %+v", k.Key, k)
		}
	}
	for key := range desc {
		if _, ok := byKey[key]; !ok {
			t.Errorf("description for unknown key %s", key)
		}
	}
	for _, tt := range []struct{ key, typ, def string }{
		{"seed", "unsigned integer", "42"},
		{"volume.stores", "integer", "86"},
		{"volume.items_per_ticket_mean", "number", "8.2"},
		{"realtime.circuit_breaker_enabled", "boolean", "true"},
		{"output.format", "string", "parquet"},
		{"realtime.backoff_multiplier", "number", "2.0"},
	} {
		k := byKey[tt.key]
		if k.Type != tt.typ || k.Default != tt.def {
			t.Errorf("%s: type %q default %q, want %q %q", tt.key, k.Type, k.Default, tt.typ, tt.def)
		}
	}
	if k := byKey["realtime.azure_connection_string"]; !k.Secret || !reflect.DeepEqual(k.Env, []string{"RETAIL_REALTIME_AZURE_CONNECTION_STRING", "AZURE_EVENTHUB_CONNECTION_STRING"}) {
		t.Errorf("azure_connection_string: %+v", k)
	}
	if k := byKey["paths.dictionaries"]; !reflect.DeepEqual(k.Aliases, []string{"paths.dict"}) {
		t.Errorf("paths.dictionaries aliases: %v", k.Aliases)
	}
	if len(byKey) != len(keys) {
		t.Error("duplicate keys")
	}
}

func TestPresetsOnlySetVolumes(t *testing.T) {
	d := Defaults()
	if v, _ := Preset(ScaleDefault); v != d.Volume {
		t.Error("default preset differs from Defaults")
	}
	tiny, _ := Preset(ScaleTiny)
	if tiny.DCs != 2 || tiny.Stores != 5 || tiny.TotalCustomers != 2000 || tiny.TotalProducts != 500 || tiny.TruckCapacity != 2000 {
		t.Errorf("tiny: %+v", tiny)
	}
	if tiny.ItemsPerTicketMean != d.Volume.ItemsPerTicketMean || tiny.DCInitialInventoryMax != d.Volume.DCInitialInventoryMax {
		t.Error("tiny changed a key it does not list")
	}
	small, _ := Preset(ScaleSmall)
	if small.TruckCapacity != 5000 || small.SupplierNonRefrigeratedTrucks != 8 {
		t.Errorf("small: %+v", small)
	}
	large, _ := Preset(ScaleLarge)
	if large.Stores != 1000 || large.TotalCustomers != 3000000 || large.NonRefrigeratedTrucks != 700 {
		t.Errorf("large: %+v", large)
	}
	if _, ok := Preset("huge"); ok {
		t.Error("unknown preset accepted")
	}
	if _, err := DefaultsFor("huge"); err == nil {
		t.Error("DefaultsFor accepted an unknown preset")
	}
	ve := loadErrors(t, LoadOptions{Scale: "huge"})
	if len(ve) != 1 || ve[0].Key != "scale" {
		t.Errorf("unknown scale: %v", ve)
	}
	var target ValidationErrors
	if !errors.As(ve, &target) {
		t.Error("errors.As failed on ValidationErrors")
	}
}

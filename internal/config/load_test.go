package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeFile writes content to name in a fresh temporary folder.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// mustLoad loads and fails the test on error.
func mustLoad(t *testing.T, opts LoadOptions) *Config {
	t.Helper()
	c, err := Load(opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

// loadErrors loads, expects ValidationErrors and returns them.
func loadErrors(t *testing.T, opts LoadOptions) ValidationErrors {
	t.Helper()
	c, err := Load(opts)
	if err == nil {
		t.Fatalf("Load succeeded (%+v), want an error", c)
	}
	var ve ValidationErrors
	if !errors.As(err, &ve) {
		t.Fatalf("Load error %q (%T) is not ValidationErrors", err, err)
	}
	return ve
}

// findError returns the problem reported for key.
func findError(t *testing.T, ve ValidationErrors, key string) FieldError {
	t.Helper()
	for _, e := range ve {
		if e.Key == key {
			return e
		}
	}
	t.Fatalf("no problem reported for %s; got:\n%v", key, ve)
	return FieldError{}
}

func TestLoadNothingGivesDefaults(t *testing.T) {
	c := mustLoad(t, LoadOptions{})
	if !reflect.DeepEqual(*c, Defaults()) {
		t.Errorf("Load() = %+v, want Defaults()", *c)
	}
}

func TestPrecedenceEveryLayer(t *testing.T) {
	file := writeFile(t, "c.json", `{"seed": 1, "output": {"dir": "from-file"}, "historical": {"days": 7}}`)
	env := []string{"RETAIL_SEED=2", "RETAIL_OUTPUT_DIR=from-env"}
	over := map[string]string{"seed": "3"}

	tests := []struct {
		name     string
		opts     LoadOptions
		wantSeed uint64
		wantDir  string
		wantDays int
	}{
		{"defaults", LoadOptions{}, 42, "data", 30},
		{"file beats defaults", LoadOptions{File: file}, 1, "from-file", 7},
		{"env beats file", LoadOptions{File: file, Environ: env}, 2, "from-env", 7},
		{"env beats defaults", LoadOptions{Environ: env}, 2, "from-env", 30},
		{"overrides beat env", LoadOptions{File: file, Environ: env, Overrides: over}, 3, "from-env", 7},
		{"overrides beat file", LoadOptions{File: file, Overrides: over}, 3, "from-file", 7},
		{"overrides beat defaults", LoadOptions{Overrides: map[string]string{"output.dir": "o", "historical.days": "9"}}, 42, "o", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLoad(t, tt.opts)
			if c.Seed != tt.wantSeed || c.Output.Dir != tt.wantDir || c.Historical.Days != tt.wantDays {
				t.Errorf("seed, dir, days = %d, %q, %d; want %d, %q, %d",
					c.Seed, c.Output.Dir, c.Historical.Days, tt.wantSeed, tt.wantDir, tt.wantDays)
			}
		})
	}
}

func TestScaleResolution(t *testing.T) {
	file := writeFile(t, "c.yaml", "scale: small\n")
	tests := []struct {
		name string
		opts LoadOptions
		want string
	}{
		{"none", LoadOptions{}, ScaleDefault},
		{"file", LoadOptions{File: file}, ScaleSmall},
		{"env beats file", LoadOptions{File: file, Environ: []string{"RETAIL_SCALE=large"}}, ScaleLarge},
		{"opts beats env", LoadOptions{File: file, Scale: ScaleTiny, Environ: []string{"RETAIL_SCALE=large"}}, ScaleTiny},
		{"override beats opts", LoadOptions{File: file, Scale: ScaleTiny, Overrides: map[string]string{"scale": "large"}}, ScaleLarge},
		{"empty override falls through", LoadOptions{Scale: ScaleTiny, Overrides: map[string]string{"scale": ""}}, ScaleTiny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLoad(t, tt.opts)
			want, _ := DefaultsFor(tt.want)
			if c.Scale != tt.want || c.Volume != want.Volume {
				t.Errorf("scale %q volume %+v; want %q volume %+v", c.Scale, c.Volume, tt.want, want.Volume)
			}
		})
	}
}

func TestPresetThenExplicitKeysWin(t *testing.T) {
	file := writeFile(t, "c.json", `{"scale": "tiny", "volume": {"stores": 7}}`)
	c := mustLoad(t, LoadOptions{
		File:      file,
		Environ:   []string{"RETAIL_VOLUME_TOTAL_CUSTOMERS=3000"},
		Overrides: map[string]string{"volume.total_products": "600"},
	})
	tiny, _ := Preset(ScaleTiny)
	if c.Volume.Stores != 7 || c.Volume.TotalCustomers != 3000 || c.Volume.TotalProducts != 600 {
		t.Errorf("explicit keys lost: %+v", c.Volume)
	}
	if c.Volume.DCs != tiny.DCs || c.Volume.TruckCapacity != tiny.TruckCapacity {
		t.Errorf("preset not applied: %+v", c.Volume)
	}
	// The preset is applied below the file even when the scale comes from
	// a higher layer.
	c = mustLoad(t, LoadOptions{File: writeFile(t, "d.json", `{"volume": {"stores": 90}}`), Scale: ScaleLarge})
	if c.Volume.Stores != 90 || c.Volume.DCs != 60 {
		t.Errorf("large + stores 90: got stores %d dcs %d", c.Volume.Stores, c.Volume.DCs)
	}
}

func TestEnvMapping(t *testing.T) {
	c := mustLoad(t, LoadOptions{Environ: []string{
		"RETAIL_VOLUME_TOTAL_CUSTOMERS=1000",
		"RETAIL_SEED=18446744073709551615",
		"RETAIL_OUTPUT_FORMAT=csv",
		"RETAIL_OUTPUT_COMPRESSION=gzip",
		"RETAIL_REALTIME_CIRCUIT_BREAKER_ENABLED=false",
		"RETAIL_VOLUME_ITEMS_PER_TICKET_MEAN=3.5",
		"RETAIL_PATHS_DICT=dicts",
		"RETAIL_DATAGEN_HOME=/whatever", // reserved, ignored
		"AZURE_EVENTHUB_CONNECTION_STRING=Endpoint=sb://x/;SharedAccessKey=abc",
		"AZURE_STORAGE_ACCOUNT_URI=https://acct.blob.core.windows.net",
		"AZURE_STORAGE_ACCOUNT_KEY=key==",
		"PATH=/usr/bin",
		"MALFORMED",
	}})
	want := Defaults()
	want.Volume.TotalCustomers = 1000
	want.Seed = 18446744073709551615
	want.Output.Format = FormatCSV
	want.Output.Compression = CompressionGzip
	want.Realtime.CircuitBreakerEnabled = false
	want.Volume.ItemsPerTicketMean = 3.5
	want.Paths.Dictionaries = "dicts"
	want.Realtime.AzureConnectionString = "Endpoint=sb://x/;SharedAccessKey=abc"
	want.Storage.AccountURI = "https://acct.blob.core.windows.net"
	want.Storage.AccountKey = "key=="
	if !reflect.DeepEqual(*c, want) {
		t.Errorf("got  %+v\nwant %+v", *c, want)
	}

	// RETAIL_* beats the conventional Azure variable.
	c = mustLoad(t, LoadOptions{Environ: []string{
		"AZURE_STORAGE_ACCOUNT_KEY=azure",
		"RETAIL_STORAGE_ACCOUNT_KEY=retail",
	}})
	if c.Storage.AccountKey != "retail" {
		t.Errorf("account_key = %q, want the RETAIL_* value", c.Storage.AccountKey)
	}
}

func TestEnvUnknownVariable(t *testing.T) {
	ve := loadErrors(t, LoadOptions{Environ: []string{"RETAIL_X=1", "RETAIL_VOLUME_STORS=3"}})
	if len(ve) != 2 {
		t.Fatalf("got %d problems, want 2:\n%v", len(ve), ve)
	}
	e := findError(t, ve, "RETAIL_X")
	if !strings.Contains(e.Error(), "RETAIL_X") || !strings.Contains(e.Rule, "unknown environment variable") {
		t.Errorf("unexpected message %q", e)
	}
	e = findError(t, ve, "RETAIL_VOLUME_STORS")
	if !strings.Contains(e.Rule, "RETAIL_VOLUME_STORES") {
		t.Errorf("no suggestion in %q", e)
	}
}

func TestEnvBadValues(t *testing.T) {
	ve := loadErrors(t, LoadOptions{Environ: []string{
		"RETAIL_VOLUME_STORES=many",
		"RETAIL_SEED=-1",
		"RETAIL_REALTIME_CIRCUIT_BREAKER_ENABLED=maybe",
		"RETAIL_VOLUME_ITEMS_PER_TICKET_MEAN=NaN",
		"RETAIL_HISTORICAL_DAYS=",
	}})
	if len(ve) != 5 {
		t.Fatalf("got %d problems, want 5:\n%v", len(ve), ve)
	}
	e := findError(t, ve, "volume.stores")
	if e.Value != `"many"` || !strings.Contains(e.Rule, "integer") || !strings.Contains(e.Rule, "RETAIL_VOLUME_STORES") {
		t.Errorf("unexpected %q", e)
	}
	findError(t, ve, "seed")
	findError(t, ve, "realtime.circuit_breaker_enabled")
	findError(t, ve, "volume.items_per_ticket_mean")
	findError(t, ve, "historical.days")
}

func TestEnvNamesAreUnique(t *testing.T) {
	seen := map[string]string{}
	for _, k := range Keys() {
		for _, name := range k.Env {
			if other, dup := seen[name]; dup {
				t.Errorf("%s maps to both %s and %s", name, other, k.Key)
			}
			seen[name] = k.Key
			if strings.HasPrefix(name, ReservedEnvPrefix) {
				t.Errorf("%s uses the reserved prefix", name)
			}
		}
	}
}

func TestOverrides(t *testing.T) {
	c := mustLoad(t, LoadOptions{Overrides: map[string]string{
		"seed":                              "7",
		"output.dir":                        "out",
		"output.format":                     "jsonl",
		"historical.start_date":             "2024-02-29",
		"historical.end_date":               "2024-03-02",
		"performance.max_workers":           "4",
		"paths.dict":                        "d",
		"realtime.enable_dead_letter_queue": "false",
		"marketing_cost.tablet_multiplier":  "1.5",
	}})
	if c.Seed != 7 || c.Output.Dir != "out" || c.Output.Format != FormatJSONL ||
		c.Historical.StartDate != "2024-02-29" || c.Historical.EndDate != "2024-03-02" ||
		c.Performance.MaxWorkers != 4 || c.Paths.Dictionaries != "d" ||
		c.Realtime.EnableDeadLetterQueue || c.MarketingCost.TabletMultiplier != 1.5 {
		t.Errorf("overrides not applied: %+v", *c)
	}

	ve := loadErrors(t, LoadOptions{Overrides: map[string]string{"volume.nope": "1", "seed": "abc"}})
	if len(ve) != 2 {
		t.Fatalf("got %d problems, want 2:\n%v", len(ve), ve)
	}
	findError(t, ve, "volume.nope")
	if e := findError(t, ve, "seed"); e.Value != `"abc"` {
		t.Errorf("seed error value %q", e.Value)
	}
}

func TestUnknownKeysNameTheDottedKey(t *testing.T) {
	tests := []struct {
		name, file, key string
	}{
		{"nested", `{"volume": {"storez": 3}}`, "volume.storez"},
		{"top level", `{"colour": "blue"}`, "colour"},
		{"unknown section", `{"webhook": {"port": 80}}`, "webhook"},
		{"yaml nested", "realtime:\n  emit_interval: 5\n", "realtime.emit_interval"},
		{"dotted name in file", `{"volume.stores": 3}`, "volume.stores"},
		{"non-string yaml key", "volume:\n  1: 2\n", "volume.1"},
		{"odd characters are quoted", `{"volume": {"a\nb": 1}}`, `volume."a\nb"`},
		{"empty key", `{"": 1}`, `""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ext := ".json"
			if !strings.HasPrefix(tt.file, "{") {
				ext = ".yaml"
			}
			ve := loadErrors(t, LoadOptions{File: writeFile(t, "c"+ext, tt.file)})
			if len(ve) != 1 {
				t.Fatalf("got %d problems, want 1:\n%v", len(ve), ve)
			}
			if ve[0].Key != tt.key || !strings.Contains(ve[0].Rule, "unknown key") {
				t.Errorf("got %q, want unknown key %s", ve[0], tt.key)
			}
		})
	}
	ve := loadErrors(t, LoadOptions{File: writeFile(t, "c.json", `{"volume": {"storez": 3}}`)})
	if !strings.Contains(ve.Error(), "volume.storez: unknown key (did you mean volume.stores?)") {
		t.Errorf("message %q lacks a suggestion", ve.Error())
	}
}

func TestCommentKeysAreIgnored(t *testing.T) {
	c := mustLoad(t, LoadOptions{File: writeFile(t, "c.json", `{
		"_comment": "top",
		"_anything": {"deep": [1, 2]},
		"volume": {"_comment": "nested", "_note": 5, "stores": 90},
		"output": {"_x": null}
	}`)})
	if c.Volume.Stores != 90 {
		t.Errorf("stores = %d", c.Volume.Stores)
	}
	// JSON comment keys may repeat.
	c = mustLoad(t, LoadOptions{File: writeFile(t, "c.json", `{"_comment": "a", "_comment": "b", "volume": {"_comment": 1, "_comment": 2}}`)})
	if !reflect.DeepEqual(*c, Defaults()) {
		t.Errorf("repeated comments changed the config: %+v", *c)
	}
	c = mustLoad(t, LoadOptions{File: writeFile(t, "c.yaml", "_comment: top\nvolume:\n  _c: x\n  dcs: 3\n")})
	if c.Volume.DCs != 3 {
		t.Errorf("dcs = %d", c.Volume.DCs)
	}
}

func TestTypeErrors(t *testing.T) {
	tests := []struct {
		name, file, key, value, rule string
	}{
		{"string for int", `{"volume": {"stores": "many"}}`, "volume.stores", `"many"`, "must be an integer (got a string)"},
		{"numeric string for int", `{"volume": {"stores": "86"}}`, "volume.stores", `"86"`, "must be an integer (got a string)"},
		{"fraction for int", `{"volume": {"stores": 1.5}}`, "volume.stores", "1.5", "must be an integer"},
		{"huge int", `{"volume": {"stores": 1e30}}`, "volume.stores", "1e30", "out of range"},
		{"number for bool", `{"realtime": {"circuit_breaker_enabled": 3}}`, "realtime.circuit_breaker_enabled", "3", "must be a boolean (true or false) (got a number)"},
		{"string for bool", `{"realtime": {"circuit_breaker_enabled": "yes"}}`, "realtime.circuit_breaker_enabled", `"yes"`, "must be a boolean"},
		{"string for object", `{"volume": "big"}`, "volume", `"big"`, "must be an object of keys (got a string)"},
		{"array for object", `{"output": [1]}`, "output", "[...]", "must be an object of keys (got an array)"},
		{"object for leaf", `{"seed": {"a": 1}}`, "seed", "{...}", "must be a non-negative integer (got an object)"},
		{"negative seed", `{"seed": -1}`, "seed", "-1", "must be a non-negative integer"},
		{"number for string", `{"stream": {"hub": 5}}`, "stream.hub", "5", "must be a string (got a number)"},
		{"null leaf", `{"historical": {"end_date": null}}`, "historical.end_date", "null", "must be a string (got null)"},
		{"bool for float", `{"volume": {"items_per_ticket_mean": true}}`, "volume.items_per_ticket_mean", "true", "must be a finite number (got a boolean)"},
		{"yaml infinity", "volume:\n  items_per_ticket_mean: .inf\n", "volume.items_per_ticket_mean", "+Inf", "must be a finite number"},
		{"yaml bool word", "realtime:\n  burst: yes\n", "realtime.burst", `"yes"`, "must be an integer (got a string)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ext := ".json"
			if !strings.HasPrefix(tt.file, "{") {
				ext = ".yaml"
			}
			ve := loadErrors(t, LoadOptions{File: writeFile(t, "c"+ext, tt.file)})
			if len(ve) != 1 {
				t.Fatalf("got %d problems, want 1:\n%v", len(ve), ve)
			}
			e := ve[0]
			if e.Key != tt.key || e.Value != tt.value || !strings.Contains(e.Rule, tt.rule) {
				t.Errorf("got {%q %q %q}, want {%q %q ~%q}", e.Key, e.Value, e.Rule, tt.key, tt.value, tt.rule)
			}
		})
	}
}

func TestNumbersAcceptedExactly(t *testing.T) {
	c := mustLoad(t, LoadOptions{File: writeFile(t, "c.json",
		`{"seed": 18446744073709551615, "volume": {"stores": 1e2, "dcs": 20.0, "items_per_ticket_mean": 3}}`)})
	if c.Seed != 18446744073709551615 || c.Volume.Stores != 100 || c.Volume.DCs != 20 || c.Volume.ItemsPerTicketMean != 3 {
		t.Errorf("got seed %d stores %d dcs %d mean %v", c.Seed, c.Volume.Stores, c.Volume.DCs, c.Volume.ItemsPerTicketMean)
	}
	c = mustLoad(t, LoadOptions{File: writeFile(t, "c.yaml",
		"seed: 18446744073709551615\nhistorical:\n  start_date: 2024-06-01\n  end_date: 2024-06-03\n")})
	if c.Seed != 18446744073709551615 || c.Historical.StartDate != "2024-06-01" || c.Historical.EndDate != "2024-06-03" {
		t.Errorf("got seed %d dates %q..%q", c.Seed, c.Historical.StartDate, c.Historical.EndDate)
	}
}

func TestAllErrorsAtOnce(t *testing.T) {
	file := writeFile(t, "c.json", `{
		"volume": {"stores": -3, "storez": 1, "truck_dc_assignment_rate": 1.5},
		"historical": {"start_date": "2025-02-30"},
		"output": {"format": "xml"}
	}`)
	ve := loadErrors(t, LoadOptions{File: file})
	if len(ve) != 5 {
		t.Fatalf("got %d problems, want 5:\n%v", len(ve), ve)
	}
	for _, key := range []string{"volume.stores", "volume.storez", "volume.truck_dc_assignment_rate", "historical.start_date", "output.format"} {
		findError(t, ve, key)
	}
	lines := strings.Split(ve.Error(), "\n")
	if len(lines) != 6 || lines[0] != "configuration is not valid (5 problems):" {
		t.Errorf("Error() has %d lines, want a heading and 5 problems:\n%s", len(lines), ve.Error())
	}
	if !strings.Contains(ve.Error(), "volume.stores = -3: must be a positive integer") {
		t.Errorf("Error() = %q", ve.Error())
	}
}

func TestTypeAndRuleErrorsTogether(t *testing.T) {
	// A rejected value is reported once, not again by the rules, and other
	// layers' problems are reported alongside.
	ve := loadErrors(t, LoadOptions{
		File:    writeFile(t, "c.json", `{"volume": {"stores": "x", "dcs": 0}}`),
		Environ: []string{"RETAIL_NOPE=1"},
	})
	if len(ve) != 3 {
		t.Fatalf("got %d problems, want 3:\n%v", len(ve), ve)
	}
}

func TestUnknownKeyDoesNotHideRuleOnSameName(t *testing.T) {
	// "volume.stores" at the top level is an unknown key; the nested
	// volume.stores value still gets its own rule checked.
	ve := loadErrors(t, LoadOptions{File: writeFile(t, "c.json", `{"volume.stores": 1, "volume": {"stores": -3}}`)})
	if len(ve) != 2 {
		t.Fatalf("got %d problems, want 2:\n%v", len(ve), ve)
	}
}

func TestYAMLAndJSONAgree(t *testing.T) {
	j := `{"seed": 9, "volume": {"stores": 30, "items_per_ticket_mean": 4.5}, "realtime": {"circuit_breaker_enabled": false},
		"historical": {"start_date": "2024-01-01", "days": 10}, "output": {"format": "csv"}}`
	y := "seed: 9\nvolume:\n  stores: 30\n  items_per_ticket_mean: 4.5\nrealtime:\n  circuit_breaker_enabled: false\n" +
		"historical:\n  start_date: \"2024-01-01\"\n  days: 10\noutput:\n  format: csv\n"
	want := mustLoad(t, LoadOptions{File: writeFile(t, "c.json", j)})
	for _, name := range []string{"c.yaml", "c.yml", "c.YAML", "config"} {
		got := mustLoad(t, LoadOptions{File: writeFile(t, name, y)})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v\nwant %+v", name, got, want)
		}
	}
	// A file without a known extension holding JSON is sniffed.
	got := mustLoad(t, LoadOptions{File: writeFile(t, "config", j)})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sniffed JSON: %+v", got)
	}
	// Empty and comment-only files set nothing.
	for name, content := range map[string]string{"e.yaml": "", "c.yaml": "# nothing\n", "e.json": "  \n", "n.yaml": "~\n"} {
		got := mustLoad(t, LoadOptions{File: writeFile(t, name, content)})
		if !reflect.DeepEqual(*got, Defaults()) {
			t.Errorf("%s: not the defaults", name)
		}
	}
}

func TestFileProblems(t *testing.T) {
	_, err := Load(LoadOptions{File: filepath.Join(t.TempDir(), "missing.json")})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	for name, content := range map[string]string{
		"syntax.json":   `{"seed": 1,}`,
		"trailing.json": `{"seed": 1} {"seed": 2}`,
		"array.json":    `[1, 2]`,
		"scalar.yaml":   "just text\n",
		"syntax.yaml":   "volume:\n  stores: [1\n",
		"two.yaml":      "seed: 1\n---\nseed: 2\n",
		"dup.yaml":      "seed: 1\nseed: 2\n",
		"dup.json":      `{"volume": {"stores": 5}, "volume": {"dcs": 2}}`,
		"deep.json":     strings.Repeat("[", 100) + strings.Repeat("]", 100),
		"cut.json":      `{"volume": {"stores": 5}`,
	} {
		_, err := Load(LoadOptions{File: writeFile(t, name, content)})
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v should name the file", name, err)
		}
		var ve ValidationErrors
		if errors.As(err, &ve) {
			t.Errorf("%s: a parse error should not be ValidationErrors", name)
		}
	}
}

func TestJSONErrorPosition(t *testing.T) {
	_, err := Load(LoadOptions{File: writeFile(t, "c.json", "{\n  \"seed\": 1,\n}\n")})
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("error %v does not give the line", err)
	}
	_, err = Load(LoadOptions{File: writeFile(t, "c.json", "{\"volume\": {\"dcs\": 1,\n \"dcs\": 2}}")})
	if err == nil || !strings.Contains(err.Error(), "volume.dcs appears twice") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("duplicate: %v", err)
	}
}

func TestPathsDictAlias(t *testing.T) {
	c := mustLoad(t, LoadOptions{File: writeFile(t, "c.json", `{"paths": {"dict": "my/dicts"}}`)})
	if c.Paths.Dictionaries != "my/dicts" {
		t.Errorf("dictionaries = %q", c.Paths.Dictionaries)
	}
	c = mustLoad(t, LoadOptions{File: writeFile(t, "c.json", `{"paths": {"dict": "a", "dictionaries": "a"}}`)})
	if c.Paths.Dictionaries != "a" {
		t.Errorf("dictionaries = %q", c.Paths.Dictionaries)
	}
	ve := loadErrors(t, LoadOptions{File: writeFile(t, "c.json", `{"paths": {"dict": "a", "dictionaries": "b"}}`)})
	if len(ve) != 1 || ve[0].Key != "paths.dict" || !strings.Contains(ve[0].Rule, "paths.dictionaries") {
		t.Errorf("conflict: %v", ve)
	}
	ve = loadErrors(t, LoadOptions{Overrides: map[string]string{"paths.dict": "a", "paths.dictionaries": "b"}})
	if len(ve) != 1 || ve[0].Key != "paths.dict" {
		t.Errorf("override conflict: %v", ve)
	}
	// A higher layer's key beats a lower layer's alias.
	c = mustLoad(t, LoadOptions{
		File:    writeFile(t, "c.json", `{"paths": {"dict": "a"}}`),
		Environ: []string{"RETAIL_PATHS_DICTIONARIES=b"},
	})
	if c.Paths.Dictionaries != "b" {
		t.Errorf("dictionaries = %q, want the env value", c.Paths.Dictionaries)
	}
}

func TestSeedProjectFile(t *testing.T) {
	const seedFile = `{"seed":42,"volume":{"stores":86,"dcs":20,"total_customers":403000},"paths":{"dict":"data/dictionaries","master":"data/master","facts":"data/facts"},"realtime":{"emit_interval_ms":500},"stream":{"hub":"retail-events"}}`
	c := mustLoad(t, LoadOptions{File: writeFile(t, "config.json", seedFile)})
	want := Defaults()
	want.Paths = Paths{Dictionaries: "data/dictionaries", Master: "data/master", Facts: "data/facts"}
	if !reflect.DeepEqual(*c, want) {
		t.Errorf("got %+v\nwant %+v", *c, want)
	}
	if c.MasterDir() != "data/master" || c.FactsDir() != "data/facts" {
		t.Errorf("dirs %q %q", c.MasterDir(), c.FactsDir())
	}
}

func TestPathsMasterLocatesOutputDir(t *testing.T) {
	file := writeFile(t, "c.json", `{"paths": {"master": "out/run1/master", "facts": "out/run1/facts/"}}`)
	c := mustLoad(t, LoadOptions{File: file})
	if c.Output.Dir != filepath.Join("out", "run1") {
		t.Errorf("output.dir = %q, want derived from paths.master", c.Output.Dir)
	}
	// Only paths.facts given.
	c = mustLoad(t, LoadOptions{File: writeFile(t, "f.json", `{"paths": {"facts": "x/facts"}}`)})
	if c.Output.Dir != "x" {
		t.Errorf("output.dir = %q, want x", c.Output.Dir)
	}
	// An explicit output.dir is kept, so inconsistent paths are errors.
	ve := loadErrors(t, LoadOptions{File: file, Overrides: map[string]string{"output.dir": "elsewhere"}})
	if len(ve) != 2 {
		t.Fatalf("got %d problems, want 2:\n%v", len(ve), ve)
	}
	e := findError(t, ve, "paths.master")
	if !strings.Contains(e.Rule, filepath.Join("elsewhere", "master")) {
		t.Errorf("rule %q does not say what is expected", e.Rule)
	}
	// Consistent explicit values load.
	mustLoad(t, LoadOptions{File: file, Environ: []string{"RETAIL_OUTPUT_DIR=./out/run1/"}})
}

package config

import (
	"bytes"
	"errors"
	"testing"
)

// checkLoad asserts what every load must satisfy, valid input or not: no
// panic (the fuzzer reports one), a non-empty message for every error, and
// a valid configuration on success.
func checkLoad(t *testing.T, name string, data []byte, format fileFormat) {
	c, err := load(LoadOptions{}, &fileInput{name: name, data: data, format: format})
	if err != nil {
		if err.Error() == "" {
			t.Fatal("empty error message")
		}
		var ve ValidationErrors
		if errors.As(err, &ve) {
			if len(ve) == 0 {
				t.Fatal("empty ValidationErrors returned")
			}
			for _, e := range ve {
				if e.Key == "" || e.Rule == "" || e.Error() == "" {
					t.Fatalf("incomplete problem %+v", e)
				}
			}
		}
		return
	}
	if c == nil {
		t.Fatal("nil config without an error")
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Load returned an invalid config: %v", err)
	}
}

func FuzzLoadJSON(f *testing.F) {
	var init bytes.Buffer
	if err := WriteInitFile(&init, "json", ScaleTiny); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		init.String(),
		`{"seed":42,"volume":{"stores":86,"dcs":20,"total_customers":403000},"paths":{"dict":"data/dictionaries","master":"data/master","facts":"data/facts"},"realtime":{"emit_interval_ms":500},"stream":{"hub":"retail-events"}}`,
		`{}`,
		``,
		`{"volume": {"stores": "many"}}`,
		`{"volume": "x", "seed": -1, "realtime": {"circuit_breaker_enabled": 3}}`,
		`{"volume": {"stores": 1e400, "dcs": 1.5, "total_customers": -0}}`,
		`{"historical": {"start_date": "2025-02-30", "end_date": null}}`,
		`{"paths": {"dict": "a", "dictionaries": "b", "master": "x/master"}}`,
		`{"_comment": {"deep": [1, {"a": null}]}, "output": {"_x": 1, "format": "csv", "compression": "zstd"}}`,
		`{"seed": 18446744073709551616}`,
		`{"seed": 1} trailing`,
		`[1, 2, 3]`,
		`{"a":`,
		`"\ud800"`,
		`{"": {"": ""}}`,
		`{"storage": {"account_uri": "https://a.blob.core.windows.net/?sig=abc", "account_key": 5}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLoad(t, "fuzz.json", data, formatJSON)
		checkLoad(t, "fuzz", data, formatSniff)
	})
}

func FuzzLoadYAML(f *testing.F) {
	var init bytes.Buffer
	if err := WriteInitFile(&init, "yaml", ScaleSmall); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		init.String(),
		"seed: 42\nvolume:\n  stores: 86\n  dcs: 20\npaths:\n  dict: data/dictionaries\n",
		"",
		"# only a comment\n",
		"~\n",
		"volume:\n",
		"volume:\n  stores: many\n",
		"volume: [1, 2]\nseed: {a: 1}\n",
		"historical:\n  start_date: 2025-01-01\n  end_date: 2025-01-01T10:00:00Z\n",
		"realtime:\n  burst: yes\n  backoff_multiplier: .nan\n",
		"1: 2\ntrue: false\n~: x\n",
		"a: &a [*a]\n",
		"base: &b {stores: 3}\nvolume:\n  <<: *b\n",
		"seed: 1\n---\nseed: 2\n",
		"seed: 1\nseed: 2\n",
		"volume:\n  stores: [1\n",
		"!!binary aGVsbG8=",
		"scale: huge\nvolume:\n  _c: x\n  stores: 0x10\n",
		"seed: 18446744073709551616\n",
		"storage:\n  account_key: 5\n  account_uri: not a url?sig=x\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLoad(t, "fuzz.yaml", data, formatYAML)
	})
}

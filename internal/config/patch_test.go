package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestAllowedOrigins(t *testing.T) {
	f := writeFile(t, "c.yaml", "server:\n  allowed_origins: [\"http://localhost:5173\", \"https://example.com\"]\n")
	c := mustLoad(t, LoadOptions{File: f})
	if want := []string{"http://localhost:5173", "https://example.com"}; !reflect.DeepEqual(c.Server.AllowedOrigins, want) {
		t.Errorf("from file: %q, want %q", c.Server.AllowedOrigins, want)
	}

	c = mustLoad(t, LoadOptions{File: f, Environ: []string{"RETAIL_SERVER_ALLOWED_ORIGINS= http://a.test:8080 , ,http://b.test"}})
	if want := []string{"http://a.test:8080", "http://b.test"}; !reflect.DeepEqual(c.Server.AllowedOrigins, want) {
		t.Errorf("RETAIL_ variable replaces the file's list: %q, want %q", c.Server.AllowedOrigins, want)
	}

	c = mustLoad(t, LoadOptions{File: f, Environ: []string{"ALLOWED_ORIGINS=http://c.test,https://example.com"}})
	if want := []string{"http://localhost:5173", "https://example.com", "http://c.test"}; !reflect.DeepEqual(c.Server.AllowedOrigins, want) {
		t.Errorf("ALLOWED_ORIGINS adds to the list: %q, want %q", c.Server.AllowedOrigins, want)
	}

	if c := mustLoad(t, LoadOptions{}); c.Server.AllowedOrigins != nil {
		t.Errorf("default %q, want none", c.Server.AllowedOrigins)
	}

	ve := loadErrors(t, LoadOptions{
		File:    writeFile(t, "bad.json", `{"server":{"allowed_origins":["*","http://ok.test","ftp://x.test","http://x.test/path","http://x.test:99999"]}}`),
		Environ: []string{"ALLOWED_ORIGINS=example.com"},
	})
	if len(ve) != 5 {
		t.Fatalf("got %d problems, want 5:\n%v", len(ve), ve)
	}
	for _, e := range ve {
		if e.Key != "server.allowed_origins" && e.Key != AllowedOriginsEnv {
			t.Errorf("problem names %s", e.Key)
		}
		if !strings.Contains(e.Rule, "scheme://host[:port]") {
			t.Errorf("rule %q", e.Rule)
		}
	}
	ve = loadErrors(t, LoadOptions{File: writeFile(t, "bad2.json", `{"server":{"allowed_origins":"http://a.test"}}`)})
	if e := findError(t, ve, "server.allowed_origins"); !strings.Contains(e.Rule, "list of strings") {
		t.Errorf("rule %q", e.Rule)
	}
	ve = loadErrors(t, LoadOptions{File: writeFile(t, "bad3.json", `{"server":{"allowed_origins":["http://a.test", 3]}}`)})
	if e := findError(t, ve, "server.allowed_origins"); !strings.Contains(e.Rule, "item 2") {
		t.Errorf("rule %q", e.Rule)
	}
}

func TestParsePatch(t *testing.T) {
	p, err := ParsePatch([]byte(`{"_comment":"x","volume":{"stores":12},"output":{"format":"csv"},"server":{"allowed_origins":["http://a.test"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Keys(), []string{"output.format", "server.allowed_origins", "volume.stores"}; !reflect.DeepEqual(got, want) {
		t.Errorf("keys %q, want %q", got, want)
	}
	c := mustLoad(t, LoadOptions{Scale: ScaleTiny, Overrides: map[string]string{"volume.stores": "40"}, Patch: p})
	if c.Volume.Stores != 12 || c.Output.Format != "csv" || c.Volume.DCs != 2 || len(c.Server.AllowedOrigins) != 1 {
		t.Errorf("patch not applied above every source: %+v %+v", c.Volume, c.Output)
	}

	_, err = ParsePatch([]byte(`{"volume":{"stores":"many","storez":1},"seed":-1}`))
	var ve ValidationErrors
	if !errors.As(err, &ve) || len(ve) != 3 {
		t.Fatalf("got %v, want 3 problems", err)
	}
	for _, k := range []string{"volume.stores", "volume.storez", "seed"} {
		findError(t, ve, k)
	}

	for _, bad := range []string{`[1]`, `{"a":`, `{} {}`, `"x"`} {
		if _, err := ParsePatch([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}

	// Rules across keys are checked when the patch is applied.
	p, err = ParsePatch([]byte(`{"volume":{"store_reorder_point_min":500}}`))
	if err != nil {
		t.Fatal(err)
	}
	ve = loadErrors(t, LoadOptions{Patch: p})
	findError(t, ve, "volume.store_reorder_point_max")

	a, _ := ParsePatch([]byte(`{"seed":1,"volume":{"stores":29}}`))
	b, _ := ParsePatch([]byte(`{"seed":2}`))
	m := a.Merge(b)
	if c := mustLoad(t, LoadOptions{Patch: m}); c.Seed != 2 || c.Volume.Stores != 29 {
		t.Errorf("merge: seed %d stores %d", c.Seed, c.Volume.Stores)
	}
	if c := mustLoad(t, LoadOptions{Patch: a}); c.Seed != 1 {
		t.Error("Merge changed its receiver")
	}
}

func TestPatchUnredacted(t *testing.T) {
	c := Defaults()
	c.Storage.AccountKey = "k3y"
	c.Storage.AccountURI = "https://acct.blob.core.windows.net/?sv=1&sig=abc"
	red := c.Redacted()
	body := `{"storage":{"account_key":"***","account_uri":"` + red.Storage.AccountURI + `"},"realtime":{"azure_connection_string":"***"},"stream":{"hub":"h2"}}`
	p, err := ParsePatch([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	p = p.Unredacted(c)
	if got := p.Keys(); !reflect.DeepEqual(got, []string{"stream.hub"}) {
		t.Errorf("keys %q, want only stream.hub", got)
	}
	p, _ = ParsePatch([]byte(`{"storage":{"account_key":"new"}}`))
	if p.Unredacted(c).Len() != 1 || p.WithoutSecrets().Len() != 0 {
		t.Error("a new secret is kept by Unredacted and dropped by WithoutSecrets")
	}
}

func TestUpdateFile(t *testing.T) {
	p, err := ParsePatch([]byte(`{"volume":{"stores":12,"dcs":3},"paths":{"dictionaries":"dicts"},"storage":{"account_key":"s3cret"},"server":{"allowed_origins":["http://a.test"]},"disruptions":{"enabled":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, content string }{
		{"c.yaml", "# my comment\nseed: 7 # the seed\nvolume:\n  dcs: 3\npaths:\n  dict: old\ndisruptions:\n"},
		{"c.json", "{\n  \"_comment\": \"mine\",\n  \"seed\": 7,\n  \"volume\": {\"dcs\": 3},\n  \"paths\": {\"dict\": \"old\"}\n}\n"},
		{"c.json", ""},
		{"c.conf", "{\"seed\": 7}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.name, tt.content)
			if err := os.Chmod(path, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := UpdateFile(path, p); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), "s3cret") {
				t.Errorf("secret written:\n%s", b)
			}
			if strings.Contains(tt.content, "mine") && !strings.Contains(string(b), "mine") ||
				strings.Contains(tt.content, "my comment") && !strings.Contains(string(b), "# the seed") {
				t.Errorf("comments lost:\n%s", b)
			}
			if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", st.Mode().Perm())
			}
			c := mustLoad(t, LoadOptions{File: path})
			if c.Volume.Stores != 12 || c.Paths.Dictionaries != "dicts" || c.Storage.AccountKey != "" ||
				!c.Disruptions.Enabled || !reflect.DeepEqual(c.Server.AllowedOrigins, []string{"http://a.test"}) {
				t.Errorf("file after update:\n%s\nloads as %+v %+v", b, c.Volume, c.Paths)
			}
			if tt.content != "" && (c.Seed != 7) {
				t.Errorf("other keys lost:\n%s", b)
			}
			matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*.tmp"))
			if len(matches) > 0 {
				t.Errorf("temporary files left: %v", matches)
			}
		})
	}
}

func FuzzParsePatch(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"volume":{"stores":3}}`, `{"server":{"allowed_origins":["http://a.test"]}}`,
		`{"storage":{"account_key":"***"}}`, `{"volume":null}`, `{"seed":1e99}`, `[]`, `{"a":{"b":{"c":[{}]}}}`,
		`{"paths":{"dict":"a","dictionaries":"b"}}`, "\xef\xbb\xbf{}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePatch(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			var ve ValidationErrors
			if errors.As(err, &ve) {
				for _, e := range ve {
					if e.Key == "" || e.Rule == "" {
						t.Fatalf("incomplete problem %+v", e)
					}
				}
			}
			return
		}
		c, err := Load(LoadOptions{Patch: p})
		if err == nil {
			if verr := c.Validate(); verr != nil {
				t.Fatalf("Load returned an invalid config: %v", verr)
			}
		}
	})
}

package web

import (
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestStaticHasTheUIFiles(t *testing.T) {
	for _, name := range []string{"index.html", "app.js", "style.css"} {
		b, err := fs.ReadFile(Static(), name)
		if err != nil {
			t.Fatalf("embedded UI: %v", err)
		}
		if len(b) == 0 {
			t.Errorf("embedded UI: %s is empty", name)
		}
	}
}

// attrURL matches the value of a src or href attribute.
var attrURL = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`)

func TestIndexReferencesLocalAssetsOnly(t *testing.T) {
	ui := Static()
	b, err := fs.ReadFile(ui, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	matches := attrURL.FindAllStringSubmatch(string(b), -1)
	if len(matches) == 0 {
		t.Fatal("index.html has no src or href attribute; the pattern is wrong")
	}
	for _, m := range matches {
		ref := m[1] + m[2] + m[3]
		lower := strings.ToLower(ref)
		switch {
		case strings.HasPrefix(lower, "http:"), strings.HasPrefix(lower, "https:"), strings.HasPrefix(lower, "//"):
			t.Errorf("index.html references a remote URL: %s", ref)
		case ref == "", strings.HasPrefix(ref, "#"), strings.HasPrefix(ref, "/"):
			// An in-page anchor, or a path the server answers (API docs).
		case strings.Contains(ref, ":"):
			t.Errorf("index.html references %s: only relative paths are expected", ref)
		default:
			name := path.Clean(strings.SplitN(ref, "?", 2)[0])
			if _, err := fs.Stat(ui, name); err != nil {
				t.Errorf("index.html references %s, which is not embedded", ref)
			}
		}
	}
}

func TestStyleSheetLoadsNothingRemote(t *testing.T) {
	b, err := fs.ReadFile(Static(), "style.css")
	if err != nil {
		t.Fatal(err)
	}
	css := strings.ToLower(string(b))
	if strings.Contains(css, "@import") || regexp.MustCompile(`url\(\s*['"]?(https?:)?//`).MatchString(css) {
		t.Error("style.css loads a remote resource (@import or url(http...))")
	}
}

// TestScriptsParse checks the syntax of every embedded script with node.
// Without node the test is skipped, except in CI, where it fails.
func TestScriptsParse(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node is needed to check the web UI's scripts, and it is not on PATH")
		}
		t.Skip("node not on PATH")
	}
	ui := Static()
	dir := t.TempDir()
	scripts, err := fs.Glob(ui, "*.js")
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) == 0 {
		t.Fatal("no script embedded")
	}
	for _, name := range scripts {
		b, err := fs.ReadFile(ui, name)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.CommandContext(t.Context(), node, "--check", file).CombinedOutput()
		if err != nil {
			t.Errorf("node --check %s: %v\n%s", name, err, out)
		}
	}
}

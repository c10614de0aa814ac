package render

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestDocsAreCurrent fails when a committed reference document no longer
// matches the code it is derived from.
func TestDocsAreCurrent(t *testing.T) {
	docs, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range docs {
		path := filepath.Join("..", "..", "..", "..", "..", "docs", name)
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v (run: go generate ./internal/schema/...)", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("docs/%s is stale: run go generate ./internal/schema/...", name)
		}
	}
}

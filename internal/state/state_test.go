package state

import (
	"os"
	"path/filepath"
	"testing"
)

// TestClearRemovesTheStreamPosition: clearing a folder removes its state,
// manifests, data and stream position — a dataset generated there later
// must not resume a stream of this one — and keeps other files.
func TestClearRemovesTheStreamPosition(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{FileName, StreamPositionFile, "manifest.json", "state.shard-0-of-2.json",
		"master/stores.csv", "facts/receipts/dt=2025-01-01/part-1-0.csv", "notes.txt"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Clear(root); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{FileName, StreamPositionFile, "manifest.json", "state.shard-0-of-2.json", "master", "facts"} {
		if _, err := os.Stat(filepath.Join(root, p)); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "notes.txt")); err != nil {
		t.Errorf("a file that is not generated data was removed: %v", err)
	}
}

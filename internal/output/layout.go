package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

// ManifestName is the manifest's file name in the output root.
const ManifestName = "manifest.json"

// Layout maps tables to paths under an output root:
//
//	master/<table>.<ext>
//	facts/<table>/dt=YYYY-MM-DD/part-<shard>-<n>.<ext>
type Layout struct {
	Root string
	Opts Options
}

// MasterPath is the file of a dimension table.
func (l Layout) MasterPath(table string) string {
	return filepath.Join(l.Root, "master", table+l.Opts.Ext())
}

// PartitionDir is the folder of one day of a fact table.
func (l Layout) PartitionDir(table string, day civil.Date) string {
	return filepath.Join(l.Root, "facts", table, "dt="+day.String())
}

// FactPath is one file of one day of a fact table.
func (l Layout) FactPath(table string, day civil.Date, shard, n int) string {
	return filepath.Join(l.PartitionDir(table, day), fmt.Sprintf("part-%d-%d%s", shard, n, l.Opts.Ext()))
}

// Rel returns p relative to the root with forward slashes, as recorded in the
// manifest.
func (l Layout) Rel(p string) string {
	r, err := filepath.Rel(l.Root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

// Manifest lists what an output folder holds. It contains no wall-clock
// time, so identical runs give identical manifests.
type Manifest struct {
	Generator         string                 `json:"generator"`
	Version           string                 `json:"version"`
	Seed              uint64                 `json:"seed"`
	ConfigFingerprint string                 `json:"config_fingerprint"`
	Format            Format                 `json:"format"`
	Compression       string                 `json:"compression"`
	Tables            map[string]*TableEntry `json:"tables"`
}

// TableEntry lists one table's files; fact tables are grouped by partition.
type TableEntry struct {
	Kind       string                `json:"kind"` // master or fact
	Rows       int64                 `json:"rows"`
	Files      []FileInfo            `json:"files,omitempty"`
	Partitions map[string]*Partition `json:"partitions,omitempty"` // key: YYYY-MM-DD
}

// Partition is one day of a fact table.
type Partition struct {
	Rows  int64      `json:"rows"`
	Files []FileInfo `json:"files"`
}

// ShardManifestName is the manifest a shard k of n writes; `merge`
// combines the shards' manifests into manifest.json.
func ShardManifestName(k, n int) string { return fmt.Sprintf("manifest.shard-%d-of-%d.json", k, n) }

// ReadManifest loads root/manifest.json. A missing manifest gives (nil, nil).
func ReadManifest(root string) (*Manifest, error) { return ReadManifestFile(root, ManifestName) }

// ReadManifestFile loads the manifest root/name. A missing file gives (nil, nil).
func ReadManifestFile(root, name string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(root, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest %s is not valid JSON: %w", filepath.Join(root, name), err)
	}
	if m.Tables == nil {
		m.Tables = map[string]*TableEntry{}
	}
	return &m, nil
}

// SetMaster records the single file of a dimension table (paths relative to
// the root).
func (m *Manifest) SetMaster(table string, f FileInfo) {
	if m.Tables == nil {
		m.Tables = map[string]*TableEntry{}
	}
	m.Tables[table] = &TableEntry{Kind: "master", Rows: f.Rows, Files: []FileInfo{f}}
}

// SetPartition records the files of one day of a fact table, replacing what
// was recorded for that day.
func (m *Manifest) SetPartition(table string, day civil.Date, files []FileInfo) {
	if m.Tables == nil {
		m.Tables = map[string]*TableEntry{}
	}
	t := m.Tables[table]
	if t == nil {
		t = &TableEntry{Kind: "fact", Partitions: map[string]*Partition{}}
		m.Tables[table] = t
	}
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b FileInfo) int {
		if a.Path < b.Path {
			return -1
		}
		if a.Path > b.Path {
			return 1
		}
		return 0
	})
	p := &Partition{Files: files}
	for _, f := range files {
		p.Rows += f.Rows
	}
	if old := t.Partitions[day.String()]; old != nil {
		t.Rows -= old.Rows
	}
	t.Partitions[day.String()] = p
	t.Rows += p.Rows
}

// Write stores the manifest atomically as root/manifest.json.
func (m *Manifest) Write(root string) error { return m.WriteFile(root, ManifestName) }

// WriteFile stores the manifest atomically as root/name.
func (m *Manifest) WriteFile(root, name string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding manifest: %w", err)
	}
	return WriteFileAtomic(filepath.Join(root, name), append(b, '\n'))
}

// WriteFileAtomic writes data to path through a temporary file and a rename,
// so readers see either the old or the new content, never a partial file.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating folder %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("creating temporary file in %s: %w", dir, err)
	}
	cleanup := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return cleanup(err)
	}
	if err := tmp.Sync(); err != nil {
		return cleanup(err)
	}
	if err := tmp.Close(); err != nil {
		return cleanup(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return cleanup(err)
	}
	return syncDir(dir)
}

// Package state records how far generation has gone in an output folder:
// the configuration fingerprint, the simulated range and a checkpoint of
// the simulation at its end, enough to continue exactly where it stopped.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/sim"
)

// FileName is the state's file name in the output root.
const FileName = "state.json"

// ShardFileName is the state of shard k of n; `merge` combines the shards'
// states into state.json.
func ShardFileName(k, n int) string { return fmt.Sprintf("state.shard-%d-of-%d.json", k, n) }

// State is the content of state.json. It is written last, after every
// file it describes is durable, so it never runs ahead of the data.
type State struct {
	Generator         string `json:"generator"`
	Version           string `json:"version"`
	ConfigFingerprint string `json:"config_fingerprint"`
	Seed              uint64 `json:"seed"`
	// FirstDay and LastDay bound the simulated days written so far.
	FirstDay civil.Date `json:"first_day"`
	LastDay  civil.Date `json:"last_day"`
	// Networks is the checkpoint: every DC network's state at the start of
	// LastDay + 1, in DC order.
	Networks []*sim.NetworkState `json:"networks"`
}

// MarshalJSON writes days as YYYY-MM-DD.
func (s State) MarshalJSON() ([]byte, error) {
	type plain State
	return json.Marshal(struct {
		plain
		FirstDay string `json:"first_day"`
		LastDay  string `json:"last_day"`
	}{plain(s), s.FirstDay.String(), s.LastDay.String()})
}

// UnmarshalJSON reads days written as YYYY-MM-DD.
func (s *State) UnmarshalJSON(b []byte) error {
	type plain State
	var v struct {
		plain
		FirstDay string `json:"first_day"`
		LastDay  string `json:"last_day"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	first, err := civil.ParseDate(v.FirstDay)
	if err != nil {
		return fmt.Errorf("first_day: %w", err)
	}
	last, err := civil.ParseDate(v.LastDay)
	if err != nil {
		return fmt.Errorf("last_day: %w", err)
	}
	*s = State(v.plain)
	s.FirstDay, s.LastDay = first, last
	return nil
}

// Read returns the state of root, or nil when there is none.
func Read(root string) (*State, error) { return ReadFile(root, FileName) }

// ReadFile returns the state root/name, or nil when there is none.
func ReadFile(root, name string) (*State, error) {
	path := filepath.Join(root, name)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s is damaged (%v): remove it with `retail-datagen state clear` and generate again", path, err)
	}
	if s.LastDay < s.FirstDay || len(s.Networks) == 0 {
		return nil, fmt.Errorf("%s is damaged (empty range or no checkpoint): remove it with `retail-datagen state clear` and generate again", path)
	}
	return &s, nil
}

// Write stores the state atomically as root/state.json.
func (s *State) Write(root string) error { return s.WriteFile(root, FileName) }

// WriteFile stores the state atomically (temporary file, sync, rename) as
// root/name.
func (s *State) WriteFile(root, name string) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encoding the state: %w", err)
	}
	return output.WriteFileAtomic(filepath.Join(root, name), append(b, '\n'))
}

// StreamPositionFile records, next to the state, where a stream stopped
// within the day after the checkpoint.
const StreamPositionFile = "stream-position.json"

// Clear removes generated data from root: the states, the manifests (of
// the whole dataset and of shards) and the master and facts folders. Other
// files are left alone.
func Clear(root string) error {
	// The state goes first, then the stream position within it: a later
	// dataset must not resume a stream of this one.
	names := []string{FileName, StreamPositionFile, output.ManifestName}
	for _, pattern := range []string{"state.shard-*-of-*.json", "manifest.shard-*-of-*.json"} {
		m, _ := filepath.Glob(filepath.Join(root, pattern))
		for _, p := range m {
			names = append(names, filepath.Base(p))
		}
	}
	for _, name := range names {
		if err := os.Remove(filepath.Join(root, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing %s: %w", name, err)
		}
	}
	for _, dir := range []string{"master", "facts"} {
		if err := os.RemoveAll(filepath.Join(root, dir)); err != nil {
			return fmt.Errorf("removing %s: %w", dir, err)
		}
	}
	return nil
}

package generate

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/sim"
	"github.com/retail-datagen/retail-datagen/internal/state"
)

var shardManifest = regexp.MustCompile(`^manifest\.shard-(\d+)-of-(\d+)\.json$`)

// MergeShards combines the manifests (and states) written by the N shards
// of a dataset in root into manifest.json (and state.json), then removes the
// shards' files. Every shard must be there, made with the same
// configuration; the result is exactly what one process would have written.
func MergeShards(root string) (shards int, err error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", root, err)
	}
	n := 0
	found := map[int]bool{}
	for _, e := range entries {
		m := shardManifest.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		k, _ := strconv.Atoi(m[1])
		nn, _ := strconv.Atoi(m[2])
		if n != 0 && nn != n {
			return 0, fmt.Errorf("%s holds shards of %d and of %d: remove the stale ones", root, n, nn)
		}
		n = nn
		found[k] = true
	}
	if n == 0 {
		return 0, fmt.Errorf("%s holds no shard manifest (manifest.shard-K-of-N.json): run generate --shard K/N first", root)
	}
	var missing []int
	for k := range n {
		if !found[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return 0, fmt.Errorf("%s lacks shards %v of %d: run them before merging", root, missing, n)
	}

	var merged *output.Manifest
	for k := range n {
		m, err := output.ReadManifestFile(root, output.ShardManifestName(k, n))
		if err != nil {
			return 0, err
		}
		if merged == nil {
			merged = &output.Manifest{
				Generator: m.Generator, Version: m.Version, Seed: m.Seed, ConfigFingerprint: m.ConfigFingerprint,
				Format: m.Format, Compression: m.Compression, Tables: map[string]*output.TableEntry{},
			}
		} else if m.ConfigFingerprint != merged.ConfigFingerprint || m.Seed != merged.Seed || m.Format != merged.Format || m.Compression != merged.Compression {
			return 0, fmt.Errorf("shard %d of %d was generated with another configuration, seed or format than shard 0", k, n)
		}
		for name, t := range m.Tables {
			if t.Kind == "master" {
				merged.Tables[name] = t
				continue
			}
			for dt, p := range t.Partitions {
				day, err := civil.ParseDate(dt)
				if err != nil {
					return 0, fmt.Errorf("shard %d manifest: partition %q: %w", k, dt, err)
				}
				var files []output.FileInfo
				if e := merged.Tables[name]; e != nil && e.Partitions[dt] != nil {
					files = e.Partitions[dt].Files
				}
				merged.SetPartition(name, day, append(slices.Clone(files), p.Files...))
			}
		}
	}

	// States: all or none.
	var states []*state.State
	for k := range n {
		st, err := state.ReadFile(root, state.ShardFileName(k, n))
		if err != nil {
			return 0, err
		}
		if st != nil {
			states = append(states, st)
		}
	}
	var whole *state.State
	if len(states) == n {
		whole = &state.State{
			Generator: states[0].Generator, Version: states[0].Version, ConfigFingerprint: states[0].ConfigFingerprint,
			Seed: states[0].Seed, FirstDay: states[0].FirstDay, LastDay: states[0].LastDay,
		}
		for k, st := range states {
			if st.FirstDay != whole.FirstDay || st.LastDay != whole.LastDay || st.ConfigFingerprint != whole.ConfigFingerprint {
				return 0, fmt.Errorf("shard %d of %d stopped at %s, shard 0 at %s: run every shard over the same days", k, n, st.LastDay, whole.LastDay)
			}
			whole.Networks = append(whole.Networks, st.Networks...)
		}
		slices.SortFunc(whole.Networks, func(a, b *sim.NetworkState) int { return cmp.Compare(a.DCID, b.DCID) })
	} else if len(states) > 0 {
		return 0, fmt.Errorf("only %d of %d shards wrote a state: run every shard to the end", len(states), n)
	}

	if err := merged.Write(root); err != nil {
		return 0, err
	}
	if whole != nil {
		if err := whole.Write(root); err != nil {
			return 0, err
		}
	}
	for k := range n {
		for _, name := range []string{output.ShardManifestName(k, n), state.ShardFileName(k, n)} {
			if err := os.Remove(filepath.Join(root, name)); err != nil && !os.IsNotExist(err) {
				return 0, fmt.Errorf("removing %s: %w", name, err)
			}
		}
	}
	return n, nil
}

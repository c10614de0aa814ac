package cli

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/dict"
	"github.com/retail-datagen/retail-datagen/internal/generate"
	"github.com/retail-datagen/retail-datagen/internal/progress"
)

// runFlags are the flags shared by the generation commands.
type runFlags struct {
	configFile string
	out        string
	seed       string
	scale      string
	start      string
	end        string
	days       string
	format     string
	workers    string
	tables     string
	quiet      bool
	json       bool
	cpuProfile string
	memProfile string
	force      bool
	shard      string
	staging    string
}

func (f *runFlags) register(cmd *cobra.Command) {
	f.registerConfig(cmd)
	fs := cmd.Flags()
	fs.StringVar(&f.tables, "tables", "", "comma-separated tables to write (default: all)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "print nothing but errors")
	fs.BoolVar(&f.json, "json", false, "machine-readable progress and summary (JSON lines)")
	fs.StringVar(&f.shard, "shard", "", "generate only shard K/N of the dataset (its DC networks; shard 0 also writes master data); `merge` combines the shards")
	fs.BoolVar(&f.force, "force", false, "delete data of another configuration (or, for generate and master, any data) in --out and start over")
	fs.StringVar(&f.staging, "staging", "", "with --out s3://, azblob:// or gs://: local folder files are written to before upload (default: a temporary folder)")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the run to this file")
	_ = fs.MarkHidden("cpuprofile")
	fs.StringVar(&f.memProfile, "memprofile", "", "write an allocation profile (pprof) of the run to this file when it ends")
	_ = fs.MarkHidden("memprofile")
}

// registerConfig registers only the flags that set configuration keys.
func (f *runFlags) registerConfig(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVarP(&f.configFile, "config", "c", "", "configuration file (JSON or YAML); every key has a default")
	fs.StringVarP(&f.out, "out", "o", "", "output folder or object-storage URL: s3://, azblob://, abfss:// or gs://BUCKET/PREFIX (default \"data\"; config key output.dir)")
	fs.StringVar(&f.seed, "seed", "", "random seed (default 42); same seed and config give identical files")
	fs.StringVar(&f.scale, "scale", "", "volume preset: tiny, small, default or large; explicit volume keys win")
	fs.StringVar(&f.start, "start", "", "first simulated day, YYYY-MM-DD (config historical.start_date)")
	fs.StringVar(&f.end, "end", "", "last simulated day, YYYY-MM-DD, inclusive (config historical.end_date)")
	fs.StringVar(&f.days, "days", "", "number of simulated days when --end is not given (config historical.days)")
	fs.StringVar(&f.format, "format", "", "file format: parquet (default), csv or jsonl")
	fs.StringVar(&f.workers, "workers", "", "parallel workers (default: all CPUs); output does not depend on it")
}

// overrides maps the flags that were set to config keys.
func (f *runFlags) overrides(cmd *cobra.Command) map[string]string {
	m := map[string]string{}
	set := func(flag, key, val string) {
		if cmd.Flags().Changed(flag) {
			m[key] = val
		}
	}
	set("out", "output.dir", f.out)
	set("seed", "seed", f.seed)
	set("scale", "scale", f.scale)
	set("start", "historical.start_date", f.start)
	set("end", "historical.end_date", f.end)
	set("days", "historical.days", f.days)
	set("format", "output.format", f.format)
	set("workers", "performance.max_workers", f.workers)
	// --days without --end means "this many days": drop a configured end date.
	if cmd.Flags().Changed("days") && !cmd.Flags().Changed("end") {
		m["historical.end_date"] = ""
	}
	return m
}

func (a *app) loadConfig(cmd *cobra.Command, f *runFlags) (*config.Config, error) {
	cfg, err := config.Load(config.LoadOptions{
		File:      f.configFile,
		Environ:   a.environ,
		Overrides: f.overrides(cmd),
	})
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

func (f *runFlags) tableList() []string {
	if strings.TrimSpace(f.tables) == "" {
		return nil
	}
	var out []string
	for _, t := range strings.Split(f.tables, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func workerCount(cfg *config.Config) int {
	if cfg.Performance.MaxWorkers > 0 {
		return cfg.Performance.MaxWorkers
	}
	return runtime.GOMAXPROCS(0)
}

func (a *app) reporter(f *runFlags) progress.Reporter {
	switch {
	case f.quiet:
		return progress.Nop{}
	case f.json:
		return progress.NewLines(a.stderr, true, time.Second)
	}
	if a.stderrIsTerminal() {
		return progress.NewBars(a.stderr.(*os.File))
	}
	return progress.NewLines(a.stderr, false, 5*time.Second)
}

// stderrIsTerminal tells whether standard error is a terminal.
func (a *app) stderrIsTerminal() bool {
	file, ok := a.stderr.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (a *app) jobOptions(cfg *config.Config, f *runFlags) (generate.Options, error) {
	tables := f.tableList()
	if err := generate.CheckTables(tables); err != nil {
		return generate.Options{}, err
	}
	d, err := dict.Load(cfg.Paths.Dictionaries)
	if err != nil {
		return generate.Options{}, fmt.Errorf("loading dictionaries: %w", err)
	}
	shard, err := parseShard(f.shard)
	if err != nil {
		return generate.Options{}, err
	}
	return generate.Options{
		Config:  cfg,
		Dict:    d,
		Workers: workerCount(cfg),
		Version: a.version,
		Tables:  tables,
		Shard:   shard,
		// One job per process: it may cap the collector's heap growth.
		SoftMemoryLimit: true,
	}, nil
}

func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// parseShard reads --shard K/N.
func parseShard(s string) (generate.Shard, error) {
	if s == "" {
		return generate.Shard{}, nil
	}
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(strings.TrimSpace(ks))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 0 || k >= n {
		return generate.Shard{}, fmt.Errorf("--shard %q: must be K/N with 0 <= K < N, e.g. 0/4", s)
	}
	return generate.Shard{K: k, N: n}, nil
}

// startCPUProfile starts a pprof CPU profile into path; the returned stop
// ends it and closes the file. An empty path profiles nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// startProfiles starts the CPU profile and arranges the allocation profile
// (every allocation since the process started, sampled) to be written when
// stop is called. Empty paths profile nothing.
func startProfiles(cpuPath, memPath string) (stop func(), err error) {
	stopCPU, err := startCPUProfile(cpuPath)
	if err != nil {
		return nil, err
	}
	if memPath == "" {
		return stopCPU, nil
	}
	f, err := os.Create(memPath)
	if err != nil {
		stopCPU()
		return nil, fmt.Errorf("--memprofile: %w", err)
	}
	return func() {
		stopCPU()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			fmt.Fprintf(os.Stderr, "--memprofile: %v\n", err)
		}
		f.Close()
	}, nil
}

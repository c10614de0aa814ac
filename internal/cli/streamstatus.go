package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/retail-datagen/retail-datagen/internal/stream"
)

// statusPrinter shows a running stream's counters on the terminal: one line
// rewritten in place on a terminal, or a line every interval otherwise.
type statusPrinter struct {
	w     io.Writer
	tty   bool
	every time.Duration
	live  *stream.Live
	prev  stream.Snapshot
	prevT time.Time
}

// run prints until ctx ends, then returns.
func (p *statusPrinter) run(ctx context.Context) {
	p.prevT = time.Now()
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if p.tty {
				fmt.Fprint(p.w, "\r\033[K")
			}
			return
		case now := <-t.C:
			s := p.live.Snapshot()
			line := statusLine(p.prev, s, now.Sub(p.prevT))
			p.prev, p.prevT = s, now
			if p.tty {
				fmt.Fprintf(p.w, "\r\033[K%s", line)
			} else {
				fmt.Fprintln(p.w, line)
			}
		}
	}
}

// statusLine describes the stream between two snapshots taken el apart:
// total and rate, the busiest event types, the sink's counters, the
// breaker and the simulated clock's lag.
func statusLine(prev, cur stream.Snapshot, el time.Duration) string {
	secs := max(el.Seconds(), 1e-9)
	var b strings.Builder
	fmt.Fprintf(&b, "%d events, %.0f/s", cur.Events, float64(cur.Events-prev.Events)/secs)
	type rate struct {
		typ string
		n   int64
	}
	var rates []rate
	for t, n := range cur.ByType {
		if d := n - prev.ByType[t]; d > 0 {
			rates = append(rates, rate{t, d})
		}
	}
	slices.SortFunc(rates, func(a, b rate) int { return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.typ, b.typ)) })
	for i, r := range rates {
		if i == 3 {
			b.WriteString(" …")
			break
		}
		sep := " ("
		if i > 0 {
			sep = ", "
		}
		fmt.Fprintf(&b, "%s%s %.0f/s", sep, r.typ, float64(r.n)/secs)
		if i == len(rates)-1 || i == 2 {
			b.WriteString(")")
		}
	}
	fmt.Fprintf(&b, " | retried %d, failed %d, DLQ %d", cur.Retried, cur.Failed, cur.DeadLettered)
	if cur.BreakerOpen {
		b.WriteString(" | breaker OPEN (sink down, paused)")
	} else {
		b.WriteString(" | breaker closed")
	}
	if !cur.SimulatedTime.IsZero() {
		fmt.Fprintf(&b, " | simulated %s, lag %s", cur.SimulatedTime.Format("2006-01-02 15:04:05"), lagString(cur.Lag))
	}
	return b.String()
}

// serveMetrics serves the stream's counters, with the Go runtime and
// process metrics, in Prometheus format at http://addr/metrics until ctx
// ends. It returns the address listened on.
func serveMetrics(ctx context.Context, addr string, live *stream.Live, wg *sync.WaitGroup) (string, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(live.Collector(), collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("--metrics-addr %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	wg.Add(2)
	go func() {
		defer wg.Done()
		// Serve ends with ErrServerClosed at shutdown.
		_ = srv.Serve(ln)
	}()
	go func() {
		defer wg.Done()
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return ln.Addr().String(), nil
}

// lagString writes a lag in days and hours when it is long.
func lagString(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	if d < 48*time.Hour {
		return sign + d.Round(time.Second).String()
	}
	days := d / (24 * time.Hour)
	return fmt.Sprintf("%s%dd%dh", sign, days, (d-days*24*time.Hour)/time.Hour)
}

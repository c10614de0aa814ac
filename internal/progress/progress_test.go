package progress

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestLines(asJSON bool) (*Lines, *bytes.Buffer, *clock) {
	var buf bytes.Buffer
	c := &clock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewLines(&buf, asJSON, 5*time.Second)
	l.now = c.now
	l.last = c.t
	return l, &buf, c
}

func TestLinesQuietOnShortRuns(t *testing.T) {
	l, buf, c := newTestLines(false)
	l.Start("customers", 100)
	l.Add("customers", 100)
	c.t = c.t.Add(time.Second)
	l.Finish("customers")
	l.Close()
	if buf.Len() != 0 {
		t.Errorf("a one-second run printed progress:\n%s", buf)
	}
}

func TestLinesPeriodicWithRateAndETA(t *testing.T) {
	l, buf, c := newTestLines(false)
	l.Start("sales", 1000)
	c.t = c.t.Add(10 * time.Second)
	l.Add("sales", 250) // 25 rows/s, 750 left: 30 s
	out := buf.String()
	if !strings.Contains(out, "250/1000") || !strings.Contains(out, "25 rows/s") || !strings.Contains(out, "eta    30s") {
		t.Errorf("progress line %q", out)
	}
	buf.Reset()
	c.t = c.t.Add(time.Second)
	l.Add("sales", 10) // within the interval: silent
	if buf.Len() != 0 {
		t.Errorf("printed within the interval: %q", buf)
	}
	l.Finish("sales")
	if !strings.Contains(buf.String(), "done") {
		t.Errorf("long task finished silently: %q", buf)
	}
}

func TestLinesJSON(t *testing.T) {
	l, buf, c := newTestLines(true)
	l.Start("stores", 4)
	c.t = c.t.Add(2 * time.Second)
	l.Add("stores", 4)
	l.Finish("stores")
	var ev Event
	if err := json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &ev); err != nil {
		t.Fatalf("%q: %v", buf, err)
	}
	if ev.Task != "stores" || ev.Rows != 4 || ev.Total != 4 || !ev.Done || ev.RowsPerSec != 2 {
		t.Errorf("event %+v", ev)
	}
}

func TestLinesConcurrent(t *testing.T) {
	var buf bytes.Buffer
	l := NewLines(&buf, true, 0)
	l.Start("a", 0)
	done := make(chan struct{})
	for range 4 {
		go func() {
			for range 100 {
				l.Add("a", 1)
			}
			done <- struct{}{}
		}()
	}
	for range 4 {
		<-done
	}
	l.Finish("a")
	if !strings.Contains(buf.String(), `"rows":400`) {
		t.Errorf("final event lacks 400 rows: %s", buf.String()[max(0, buf.Len()-200):])
	}
}

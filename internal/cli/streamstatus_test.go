package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/stream"
)

func TestStatusLine(t *testing.T) {
	prev := stream.Snapshot{Events: 1000, ByType: map[string]int64{"receipt_created": 100, "ble_ping_detected": 900}}
	cur := stream.Snapshot{
		Events: 3000, Retried: 2, Failed: 3, DeadLettered: 10, BreakerOpen: true,
		ByType:        map[string]int64{"receipt_created": 300, "ble_ping_detected": 2300, "store_opened": 100, "ad_impression": 300},
		SimulatedTime: time.Date(2025, 2, 3, 10, 0, 0, 0, time.Local), Lag: 72*time.Hour + 5*time.Hour,
	}
	got := statusLine(prev, cur, 2*time.Second)
	for _, want := range []string{
		"3000 events, 1000/s (ble_ping_detected 700/s, ad_impression 150/s, receipt_created 100/s) …",
		"retried 2, failed 3, DLQ 10", "breaker OPEN", "simulated 2025-02-03 10:00:00, lag 3d5h",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("status line %q lacks %q", got, want)
		}
	}
	if got := lagString(90 * time.Second); got != "1m30s" {
		t.Errorf("lag %s", got)
	}
	if got := lagString(-50 * time.Hour); got != "-2d2h" {
		t.Errorf("lag %s", got)
	}
}

package stream

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

// amqpEndpointDir holds the AMQP 1.0 endpoint that stands in for Event Hubs.
const amqpEndpointDir = "testdata/amqp-endpoint"

// amqpEndpoint is a running test endpoint.
type amqpEndpoint struct {
	port int
	out  string // the JSON Lines file of received events
}

// connString is a connection string for the endpoint's hub (or another).
func (ep *amqpEndpoint) connString(hub string) string {
	return fmt.Sprintf("Endpoint=sb://127.0.0.1:%d;SharedAccessKeyName=k;SharedAccessKey=ZmFrZQ==;EntityPath=%s;UseDevelopmentEmulator=true", ep.port, hub)
}

// lockedBuffer collects the endpoint's standard error.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startAMQPEndpoint runs `node server.js ARGS OUTFILE` and stops it when the
// test ends. Without node or the endpoint's npm packages the test is skipped
// (it fails under CI).
func startAMQPEndpoint(t *testing.T, args ...string) *amqpEndpoint {
	t.Helper()
	missing := func(what string) {
		t.Helper()
		msg := what + ": run ./scripts/test.sh, which installs it"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := os.Stat(filepath.Join(amqpEndpointDir, "node_modules", "rhea", "package.json")); err != nil {
		missing("the AMQP test endpoint needs the npm package rhea in " + amqpEndpointDir + "/node_modules")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("the AMQP test endpoint needs node")
	}
	ep := &amqpEndpoint{out: filepath.Join(t.TempDir(), "events.jsonl")}
	cmd := exec.Command(node, append(append([]string{"server.js"}, args...), ep.out)...)
	cmd.Dir = amqpEndpointDir
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	// The endpoint exits when its standard input closes, so it does not
	// outlive a test binary that dies.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the AMQP endpoint: %v", err)
	}
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if s := stderr.String(); s != "" && t.Failed() {
			t.Logf("AMQP endpoint stderr:\n%s", s)
		}
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case s := <-line:
		ep.port, err = strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			t.Fatalf("the AMQP endpoint printed %q instead of its port; stderr:\n%s", s, stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the AMQP endpoint did not start; stderr:\n%s", stderr)
	}
	return ep
}

// received is one event as the endpoint recorded it.
type received struct {
	Address      string            `json:"address"`
	PartitionKey *string           `json:"partition_key"`
	Batch        int               `json:"batch"`
	Body         string            `json:"body"`
	MessageID    *string           `json:"message_id"`
	ContentType  *string           `json:"content_type"`
	Properties   map[string]string `json:"properties"`
	Bytes        int               `json:"bytes"`
}

func (ep *amqpEndpoint) received(t *testing.T) []received {
	t.Helper()
	b, err := os.ReadFile(ep.out)
	if err != nil {
		t.Fatal(err)
	}
	var out []received
	for line := range bytes.Lines(b) {
		var r received
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("endpoint record %q: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

// keyCounter passes batches on and counts the partition keys of each.
type keyCounter struct {
	Sink
	keys int // sum over batches of their distinct keys
}

func (k *keyCounter) Send(ctx context.Context, batch []*Event) error {
	seen := map[string]bool{}
	for _, e := range batch {
		seen[e.PartitionKey()] = true
	}
	k.keys += len(seen)
	return k.Sink.Send(ctx, batch)
}

// firstBatch is a sink that hands its first batch to f and acknowledges
// every batch.
func firstBatch(f func([]*Event)) Sink { return &firstBatchSink{f: f} }

type firstBatchSink struct {
	f    func([]*Event)
	done bool
}

func (s *firstBatchSink) Send(_ context.Context, b []*Event) error {
	if !s.done {
		s.done = true
		s.f(b)
	}
	return nil
}

func (s *firstBatchSink) Close() error { return nil }

// streamInto streams n events of a small model into sink.
func streamInto(t *testing.T, sink Sink, n int64, batchSize int) *Result {
	t.Helper()
	start := civil.DaysFromCivil(2025, 8, 4)
	m := newModel(t, nil, start, start+2)
	eng, err := NewEngine(m, initial(m), nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Run(ctx, eng, sink, Position{Day: start}, Options{MaxEvents: n, BatchSize: batchSize}, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func newTestEventHubsSink(t *testing.T, ep *amqpEndpoint, spec string, maxBatchEvents int) *EventHubsSink {
	t.Helper()
	cfg, err := ParseEventHubsSpec(spec, ep.connString("retail-events"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sink, err := NewEventHubsSink(ctx, cfg, maxBatchEvents)
	if err != nil {
		t.Fatal(err)
	}
	return sink
}

// TestEventHubsSink streams into the AMQP endpoint through the SDK and
// checks what arrived: every event once, with its partition key as the
// batch's x-opt-partition-key, batched by key (and split where the
// endpoint's maximum message size demands), each key's events in
// event-time order.
func TestEventHubsSink(t *testing.T) {
	const maxMessage = 16 << 10
	ep := startAMQPEndpoint(t, "--max-message-size", strconv.Itoa(maxMessage))
	sink := newTestEventHubsSink(t, ep, "eventhubs", 0)
	counter := &keyCounter{Sink: sink}
	const n = 5000
	res := streamInto(t, counter, n, 500)
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if res.Events != n {
		t.Fatalf("%d events produced", res.Events)
	}

	recs := ep.received(t)
	seen := map[string]bool{}
	last := map[string]string{}
	keyOf := map[int]string{} // delivery → its partition key
	for _, r := range recs {
		var e struct {
			Type      string          `json:"event_type"`
			Schema    string          `json:"schema_version"`
			ID        string          `json:"event_id"`
			Key       string          `json:"partition_key"`
			TS        string          `json:"event_ts"`
			Ingest    string          `json:"ingest_timestamp"`
			Payload   json.RawMessage `json:"payload"`
			Source    string          `json:"source"`
			TraceID   string          `json:"trace_id"`
			Correlate string          `json:"correlation_id"`
		}
		if err := json.Unmarshal([]byte(r.Body), &e); err != nil {
			t.Fatalf("event body %q: %v", r.Body, err)
		}
		if e.ID == "" || e.Type == "" || e.Key == "" || e.TS == "" || e.Ingest == "" || len(e.Payload) == 0 || e.Schema != "1.0" {
			t.Fatalf("incomplete envelope %s", r.Body)
		}
		if r.Address != "retail-events" {
			t.Fatalf("event sent to %q", r.Address)
		}
		if r.PartitionKey == nil || *r.PartitionKey != e.Key {
			t.Fatalf("event %s: x-opt-partition-key %v, partition_key %q", e.ID, r.PartitionKey, e.Key)
		}
		if r.MessageID == nil || *r.MessageID != e.ID {
			t.Fatalf("event %s: message id %v", e.ID, r.MessageID)
		}
		if r.ContentType == nil || *r.ContentType != "application/json" || r.Properties["event_type"] != e.Type {
			t.Fatalf("event %s: content type %v, properties %v", e.ID, r.ContentType, r.Properties)
		}
		if seen[e.ID] {
			t.Fatalf("event %s twice", e.ID)
		}
		seen[e.ID] = true
		if k, ok := keyOf[r.Batch]; ok && k != e.Key {
			t.Fatalf("delivery %d holds keys %s and %s", r.Batch, k, e.Key)
		}
		keyOf[r.Batch] = e.Key
		if e.TS < last[e.Key] {
			t.Fatalf("%s: %s after %s", e.Key, e.TS, last[e.Key])
		}
		last[e.Key] = e.TS
		if r.Bytes > maxMessage {
			t.Fatalf("delivery %d is %d bytes, over the endpoint's %d", r.Batch, r.Bytes, maxMessage)
		}
	}
	if len(seen) != n {
		t.Fatalf("%d events received, want %d", len(seen), n)
	}
	if len(keyOf) >= n/10 {
		t.Errorf("%d deliveries for %d events: not batched", len(keyOf), n)
	}
	// One delivery per key and batch unless the size limit split some.
	if len(keyOf) <= counter.keys {
		t.Errorf("%d deliveries for %d key groups: no batch was split at %d bytes", len(keyOf), counter.keys, maxMessage)
	}
	t.Logf("%d events in %d deliveries (%d key groups in %d batches); %d keys", n, len(keyOf), counter.keys, n/500, len(last))
}

// TestEventHubsMaxBatchEvents caps the events of one EventDataBatch.
func TestEventHubsMaxBatchEvents(t *testing.T) {
	ep := startAMQPEndpoint(t)
	sink := newTestEventHubsSink(t, ep, "eventhubs://retail-events", 7)
	streamInto(t, sink, 600, 200)
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	per := map[int]int{}
	recs := ep.received(t)
	for _, r := range recs {
		per[r.Batch]++
	}
	full := 0
	for b, k := range per {
		if k > 7 {
			t.Fatalf("delivery %d holds %d events", b, k)
		}
		if k == 7 {
			full++
		}
	}
	if len(recs) != 600 || full == 0 {
		t.Errorf("%d events, %d full deliveries", len(recs), full)
	}
}

// TestEventHubsHubProperties reads the hub's properties through the
// endpoint's $management node.
func TestEventHubsHubProperties(t *testing.T) {
	ep := startAMQPEndpoint(t, "--partitions", "4")
	sink := newTestEventHubsSink(t, ep, "eventhubs", 0)
	defer sink.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	props, err := sink.client.GetEventHubProperties(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if props.Name != "retail-events" || len(props.PartitionIDs) != 4 || props.CreatedOn.IsZero() {
		t.Errorf("%+v", props)
	}
}

// TestEventHubsUnknownHub: a hub the namespace does not have is reported at
// start, with a hint.
func TestEventHubsUnknownHub(t *testing.T) {
	ep := startAMQPEndpoint(t)
	cfg, err := ParseEventHubsSpec("eventhubs://no-such-hub", ep.connString("retail-events"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sink, err := NewEventHubsSink(ctx, cfg, 0)
	if err == nil {
		sink.Close()
		t.Fatal("connected to a hub that does not exist")
	}
	if !strings.Contains(err.Error(), `"no-such-hub" exists`) {
		t.Errorf("error without a hint: %v", err)
	}
}

// TestEventHubsTooLarge: an event larger than the hub's maximum message
// size is rejected permanently (before anything is sent), so the
// resilience layer dead-letters it.
func TestEventHubsTooLarge(t *testing.T) {
	ep := startAMQPEndpoint(t, "--max-message-size", "300")
	sink := newTestEventHubsSink(t, ep, "eventhubs", 0)
	var perr *PermanentError
	var sendErr error
	probe := firstBatch(func(b []*Event) {
		sendErr = sink.Send(context.Background(), b)
	})
	streamInto(t, probe, 50, 50)
	if !errors.As(sendErr, &perr) || !strings.Contains(sendErr.Error(), "maximum message size") {
		t.Fatalf("want a permanent error, got %v", sendErr)
	}

	dlq := t.TempDir()
	r, err := NewResilient(sink, ResilienceOptions{DLQDir: dlq})
	if err != nil {
		t.Fatal(err)
	}
	streamInto(t, r, 120, 40)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if got := r.Stats.DeadLettered.Load(); got != 120 {
		t.Errorf("%d events dead-lettered, want 120", got)
	}
	if recs := ep.received(t); len(recs) != 0 {
		t.Errorf("%d events reached the hub", len(recs))
	}
}

// TestEventHubsRejected: a batch the service rejects for its size is a
// permanent error; a missing entity is not (it is a configuration error the
// resilience layer retries).
func TestEventHubsRejected(t *testing.T) {
	for _, c := range []struct {
		condition string
		permanent bool
	}{
		{"amqp:link:message-size-exceeded", true},
		{"amqp:not-found", false},
	} {
		t.Run(c.condition, func(t *testing.T) {
			ep := startAMQPEndpoint(t, "--reject", c.condition)
			sink := newTestEventHubsSink(t, ep, "eventhubs", 0)
			defer sink.Close()
			var sendErr error
			streamInto(t, firstBatch(func(b []*Event) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				sendErr = sink.Send(ctx, b)
			}), 30, 30)
			var perr *PermanentError
			if sendErr == nil || errors.As(sendErr, &perr) != c.permanent {
				t.Fatalf("permanent: %v, error: %v", c.permanent, sendErr)
			}
			if !strings.Contains(sendErr.Error(), c.condition) {
				t.Errorf("the error does not name the condition: %v", sendErr)
			}
		})
	}
}

// TestEventHubsSendRaw resends encoded events under their keys.
func TestEventHubsSendRaw(t *testing.T) {
	ep := startAMQPEndpoint(t)
	sink := newTestEventHubsSink(t, ep, "eventhubs", 0)
	var recs []RawRecord
	for i := range 30 {
		key := fmt.Sprintf("store_%d", i%3)
		recs = append(recs, RawRecord{Key: []byte(key), Value: fmt.Appendf(nil, `{"n":%d,"partition_key":%q}`, i, key)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sink.SendRaw(ctx, recs); err != nil {
		t.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	got := ep.received(t)
	if len(got) != len(recs) {
		t.Fatalf("%d records received, want %d", len(got), len(recs))
	}
	next := map[string]int{}
	batches := map[int]bool{}
	for _, r := range got {
		var v struct {
			N   int    `json:"n"`
			Key string `json:"partition_key"`
		}
		if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
			t.Fatal(err)
		}
		if r.PartitionKey == nil || *r.PartitionKey != v.Key {
			t.Fatalf("record %d: key %v, want %s", v.N, r.PartitionKey, v.Key)
		}
		if v.N < next[v.Key] {
			t.Fatalf("%s: record %d out of order", v.Key, v.N)
		}
		next[v.Key] = v.N + 1
		batches[r.Batch] = true
	}
	if len(batches) != 3 {
		t.Errorf("%d deliveries for 3 keys", len(batches))
	}
}

// TestParseEventHubsSpec reads the three forms of the sink, and never puts
// the key in an error.
func TestParseEventHubsSpec(t *testing.T) {
	const secret = "c2VjcmV0LWtleQ=="
	withPath := "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + secret + ";EntityPath=retail-events"
	noPath := "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + secret
	for _, c := range []struct {
		spec, conn string
		want       EventHubsConfig
		err        string // part of the error; "" for success
	}{
		{spec: "eventhubs", conn: withPath, want: EventHubsConfig{ConnectionString: withPath, Namespace: "ns.servicebus.windows.net", Hub: "retail-events"}},
		{spec: "eventhubs", conn: noPath, err: "no EntityPath"},
		{spec: "eventhubs", conn: "", err: "AZURE_EVENTHUB_CONNECTION_STRING"},
		{spec: "eventhubs://other-hub", conn: withPath, want: EventHubsConfig{ConnectionString: withPath, Namespace: "ns.servicebus.windows.net", Hub: "other-hub"}},
		{spec: "eventhubs://other-hub", conn: noPath, want: EventHubsConfig{ConnectionString: noPath, Namespace: "ns.servicebus.windows.net", Hub: "other-hub"}},
		{spec: "eventhubs://other-hub", conn: "", err: "AZURE_EVENTHUB_CONNECTION_STRING"},
		{spec: "eventhubs://ns.servicebus.windows.net/hub", conn: "", want: EventHubsConfig{Namespace: "ns.servicebus.windows.net", Hub: "hub"}},
		{spec: "eventhubs://ns.servicebus.windows.net/hub/", conn: withPath, want: EventHubsConfig{Namespace: "ns.servicebus.windows.net", Hub: "hub"}},
		{spec: "eventhubs://ns/hub", err: "fully qualified"},
		{spec: "eventhubs://ns.servicebus.windows.net/a/b", err: "one hub"},
		{spec: "eventhubs://ns.servicebus.windows.net/a*b", err: "not an event hub name"},
		{spec: "eventhubs://", conn: withPath, err: "name the hub"},
		{spec: "eventhubs:hub", conn: withPath, err: "an Event Hubs sink is"},
		{spec: "eventhub", conn: withPath, err: "an Event Hubs sink is"},
		{spec: "kafka://b:9092/t", conn: withPath, err: "an Event Hubs sink is"},
		{spec: "eventhubs://hub?partitions=4", conn: withPath, err: "no options"},
		{spec: "eventhubs://send:" + secret + "@ns.servicebus.windows.net/hub", err: "credentials do not belong"},
		{spec: "eventhubs", conn: "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + secret + ";UseDevelopmentEmulator=perhaps", err: "malformed"},
		{spec: "eventhubs", conn: "sb://ns.servicebus.windows.net/;" + secret, err: "malformed"},
		{spec: "eventhubs", conn: "SharedAccessKey=" + secret, err: "malformed"},
	} {
		got, err := ParseEventHubsSpec(c.spec, c.conn)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.spec, err)
		case c.err == "" && got != c.want:
			t.Errorf("%s: %v, want %v", c.spec, got, c.want)
		case c.err != "" && err == nil:
			t.Errorf("%s with %q accepted: %v", c.spec, c.conn, got)
		case c.err != "" && !strings.Contains(err.Error(), c.err):
			t.Errorf("%s: error %q does not say %q", c.spec, err, c.err)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error shows the key: %v", c.spec, err)
		}
	}
	cfg, err := ParseEventHubsSpec("eventhubs", withPath)
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg); strings.Contains(s, secret) {
		t.Errorf("formatting the configuration shows the key: %s", s)
	}
}

// TestNewEventHubsSinkConfig: a configuration that names no hub or no way
// to authenticate fails before connecting.
func TestNewEventHubsSinkConfig(t *testing.T) {
	ctx := context.Background()
	if _, err := NewEventHubsSink(ctx, EventHubsConfig{Namespace: "ns.servicebus.windows.net"}, 0); err == nil || !strings.Contains(err.Error(), "no event hub") {
		t.Errorf("no hub: %v", err)
	}
	if _, err := NewEventHubsSink(ctx, EventHubsConfig{Hub: "h"}, 0); err == nil || !strings.Contains(err.Error(), "AZURE_EVENTHUB_CONNECTION_STRING") {
		t.Errorf("no credentials: %v", err)
	}
	if got := withoutEntityPath("Endpoint=sb://x/;SharedAccessKeyName=k;entitypath=a;SharedAccessKey=s"); got != "Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=s" {
		t.Errorf("withoutEntityPath: %s", got)
	}
}

// TestEventHubsLive sends a few batches to a real event hub named by
// AZURE_EVENTHUB_CONNECTION_STRING (and AZURE_EVENTHUB_NAME when the
// connection string has no EntityPath).
func TestEventHubsLive(t *testing.T) {
	conn := os.Getenv("AZURE_EVENTHUB_CONNECTION_STRING")
	if conn == "" {
		t.Skip("set AZURE_EVENTHUB_CONNECTION_STRING (and AZURE_EVENTHUB_NAME if it has no EntityPath) to test against Azure Event Hubs")
	}
	spec := "eventhubs"
	if hub := os.Getenv("AZURE_EVENTHUB_NAME"); hub != "" {
		spec = "eventhubs://" + hub
	}
	cfg, err := ParseEventHubsSpec(spec, conn)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sink, err := NewEventHubsSink(ctx, cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	res := streamInto(t, sink, n, 100)
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if res.Events != n {
		t.Errorf("%d events sent, want %d", res.Events, n)
	}
}

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStreamToEventHubs streams through the Event Hubs SDK to a local AMQP
// 1.0 endpoint (the one of internal/stream's tests), configured only by
// AZURE_EVENTHUB_CONNECTION_STRING, as a user would.
func TestStreamToEventHubs(t *testing.T) {
	dir := filepath.Join("..", "..", "internal", "stream", "testdata", "amqp-endpoint")
	node, err := exec.LookPath("node")
	if _, serr := os.Stat(filepath.Join(dir, "node_modules", "rhea")); err != nil || serr != nil {
		msg := "the AMQP test endpoint needs node and the npm package rhea: run ./scripts/test.sh, which installs it"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	out := filepath.Join(t.TempDir(), "received.jsonl")
	ep := exec.Command(node, "server.js", out)
	ep.Dir = dir
	stdin, _ := ep.StdinPipe() // the endpoint exits when its input closes
	stdout, _ := ep.StdoutPipe()
	if err := ep.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = ep.Process.Kill(); _ = ep.Wait() })
	portc := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		portc <- strings.TrimSpace(l)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var port string
	select {
	case port = <-portc:
	case <-time.After(30 * time.Second):
		t.Fatal("the AMQP endpoint did not start")
	}

	base := []string{"--scale", "tiny", "--start", "2025-02-01"}
	data := t.TempDir()
	mustRun(t, append([]string{"generate", "-o", data, "--days", "1", "--quiet"}, base...)...)
	conn := "Endpoint=sb://127.0.0.1:" + port + ";SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0LWtleQ==;EntityPath=retail-events;UseDevelopmentEmulator=true"
	r := run(t, []string{"AZURE_EVENTHUB_CONNECTION_STRING=" + conn},
		append([]string{"stream", "-o", data, "--sink", "eventhubs", "--max-events", "3000", "--rate", "0", "--quiet"}, base...)...)
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "c2VjcmV0LWtleQ==") {
		t.Errorf("the key is printed:\n%s", r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var rec struct {
			Key  string `json:"partition_key"`
			Body string `json:"body"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		var e struct {
			ID  string `json:"event_id"`
			Key string `json:"partition_key"`
		}
		if err := json.Unmarshal([]byte(rec.Body), &e); err != nil {
			t.Fatal(err)
		}
		if e.Key != rec.Key || ids[e.ID] {
			t.Fatalf("event %s: partition key %q sent as %q, or twice", e.ID, e.Key, rec.Key)
		}
		ids[e.ID] = true
	}
	if len(ids) != 3000 || !strings.Contains(r.stderr, "streamed "+strconv.Itoa(3000)+" events") {
		t.Fatalf("%d events received\n%s", len(ids), r.stderr)
	}
}

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServe runs `serve` on a generated folder, asks it for the tables and
// stops it with SIGTERM.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "generate", "--scale", "tiny", "--days", "2", "-o", dir, "-q")

	cmd := exec.Command(binary, "serve", "--scale", "tiny", "-o", dir, "--addr", "127.0.0.1:0")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RETAIL_") && !strings.HasPrefix(kv, "AZURE_") && !strings.HasPrefix(kv, "ALLOWED_ORIGINS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var base string
	select {
	case line := <-lines:
		m := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("no address in %q", line)
		}
		base = "http://" + m[1]
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start; stderr:\n%s", stderr.String())
	}

	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(base + "/api/v1/tables")
	if err != nil {
		t.Fatal(err)
	}
	var tables []struct {
		Name string `json:"name"`
		Rows int64  `json:"rows"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tables)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/api/v1/tables: %d %v", resp.StatusCode, err)
	}
	man := readManifest(t, dir)
	if len(tables) != len(man.Tables) {
		t.Errorf("%d tables served, the manifest has %d", len(tables), len(man.Tables))
	}
	for _, tb := range tables {
		if man.Tables[tb.Name].Rows != tb.Rows {
			t.Errorf("%s: %d rows served, the manifest has %d", tb.Name, tb.Rows, man.Tables[tb.Name].Rows)
		}
	}
	req, _ := http.NewRequest(http.MethodDelete, base+"/api/v1/state", nil)
	req.Header.Set("Origin", "http://evil.test")
	if resp, err := client.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin DELETE without a token: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	log := stderr.String()
	for _, want := range []string{"method=GET path=/api/v1/tables status=200", "shutting down"} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr lacks %q:\n%s", want, log)
		}
	}
}

func TestServeRefusesOpenBindWithoutToken(t *testing.T) {
	r := run(t, nil, "serve", "--addr", "0.0.0.0:0", "-o", t.TempDir())
	if r.code != 1 || !strings.Contains(r.stderr, "RETAIL_DATAGEN_API_TOKEN") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

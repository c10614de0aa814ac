package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
	"github.com/ysmood/gson"
)

// browserWait bounds each wait for the page to reach a state. The race
// detector slows the server several times, hence the margin.
const browserWait = 30 * time.Second

// TestBrowserUI drives the web UI of `serve` in headless Chromium: a
// generation job, the dashboard, the data browser, a stream to a file sink
// and the configuration editor, failing on any console error or warning.
// It needs Debian's chromium (scripts/install-chromium.sh); screenshots of
// each page go to $ARTIFACTS_DIR/browser (or browser-race), else to a
// temporary folder.
func TestBrowserUI(t *testing.T) {
	chromium := findChromium(t)
	out := t.TempDir()
	base := startServer(t, out)
	shots := artifactsDir(t)
	u := openBrowser(t, chromium, shots)

	u.step("open")
	u.navigate(base + "/")
	u.waitFor("the dashboard", `() => !document.getElementById('page-dashboard').hidden`)
	u.waitFor("an empty table list", `() => document.querySelector('#tables-body td.muted a[href="#/generate"]') !== null`)
	u.wantHidden("server-status")
	u.wantHidden("auth-message")
	u.screenshot("empty-dashboard")

	// Generate: master data and facts for three days.
	u.step("generate")
	u.nav("generate")
	u.click(`input[name="kind"][value="all"]`)
	u.input("#job-days", "3")
	u.click(`[data-testid="job-start"]`)
	u.waitFor("the job to show", `() => !document.getElementById('job-detail').hidden`)
	// Every value the progress bar takes from now on.
	u.eval(`() => {
		const bar = document.querySelector('[data-testid="job-progress"]');
		window.progressSeen = [Number(bar.dataset.percent)];
		new MutationObserver(() => window.progressSeen.push(Number(bar.dataset.percent)))
			.observe(bar, {attributes: true, attributeFilter: ['data-percent']});
	}`)
	u.waitFor("job-progress at 100% and succeeded", `() => {
		const bar = document.querySelector('[data-testid="job-progress"]');
		return bar.dataset.percent === '100' && bar.dataset.state === 'succeeded';
	}`)
	if seen := u.eval(`() => window.progressSeen`).Arr(); len(seen) == 0 {
		t.Error("no progress seen")
	} else {
		for i := 1; i < len(seen); i++ {
			if seen[i].Int() < seen[i-1].Int() {
				t.Errorf("job progress went back: %v", seen)
				break
			}
		}
	}
	if s := u.text("job-state"); s != "succeeded" {
		t.Errorf("job-state %q", s)
	}
	if s := u.text("job-percent"); s != "100%" {
		t.Errorf("job-percent %q", s)
	}
	u.wantHidden("job-failure")
	u.wantHidden("job-error")
	jobRows := u.dataNumber("job-rows")
	if jobRows <= 0 {
		t.Errorf("job-rows %v", jobRows)
	}
	for _, table := range []string{"stores", "receipts", "receipt_lines"} {
		if p := u.attr(`[data-testid="table-progress-`+table+`"]`, "data-percent"); p != "100" {
			t.Errorf("table-progress-%s at %q%%", table, p)
		}
	}
	u.waitFor("the job in the list", `() => document.querySelector('#jobs-body tr[data-job] .state-succeeded') !== null`)
	t.Logf("job progress seen: %v", u.eval(`() => window.progressSeen`))
	u.screenshot("generate")

	// Dashboard: the sales chart and the tables of the new data.
	u.step("dashboard")
	u.nav("dashboard")
	u.waitFor("sales-chart with data", `() => {
		const svg = document.querySelector('[data-testid="sales-chart"]');
		return Number(svg.dataset.points) > 0 && svg.dataset.empty === undefined && svg.querySelectorAll('rect').length > 0;
	}`)
	if n := u.attr(`[data-testid="sales-chart"]`, "data-points"); n != "3" {
		t.Errorf("sales-chart has %s days, want 3", n)
	}
	u.waitFor("the tables table", `() => document.querySelectorAll('#tables-body tr[data-table]').length > 0`)
	tables := u.eval(`() => document.querySelectorAll('#tables-body tr[data-table]').length`).Int()
	if got := int(u.dataNumber("table-count")); got != tables || tables < 20 {
		t.Errorf("table-count %d, %d rows in tables-table", got, tables)
	}
	if got := u.dataNumber("total-rows"); got != jobRows {
		t.Errorf("total-rows %v, the job wrote %v", got, jobRows)
	}
	if got := u.attr(`[data-testid="date-range"]`, "data-value"); got != "2025-01-01 – 2025-01-03" {
		t.Errorf("date-range %q", got)
	}
	if got := u.eval(`() => Number(document.querySelector('#tables-body tr[data-table="receipts"] td[data-value]').dataset.value)`).Int(); got <= 0 {
		t.Errorf("receipts rows %d in tables-table", got)
	}
	u.wantHidden("dashboard-error")
	u.screenshot("dashboard")

	// Data browser: ten receipts of the first day.
	u.step("data")
	u.nav("data")
	// Entering the page lists the manifest's tables and previews the first.
	u.waitFor("the preview of the first table", `() => {
		const count = document.querySelector('[data-testid="data-row-count"]').dataset.value;
		return count !== undefined && count !== '';
	}`)
	if n := u.eval(`() => document.querySelectorAll('[data-testid="data-table-select"] option').length`).Int(); n != tables {
		t.Errorf("data-table-select offers %d tables, the manifest has %d", n, tables)
	}
	u.selectOption(`[data-testid="data-table-select"]`, "receipts")
	if d := u.prop(`[data-testid="data-date"]`, "value"); d != "2025-01-01" {
		t.Errorf("data-date %q after picking receipts", d)
	}
	u.selectAll(`[data-testid="data-limit"]`)
	u.input(`[data-testid="data-limit"]`, "10")
	u.click(`[data-testid="data-show"]`)
	u.waitFor("ten receipts in data-table", `() =>
		document.querySelector('[data-testid="data-row-count"]').dataset.value === '10' &&
		document.querySelectorAll('#data-body tr').length === 10 &&
		[...document.querySelectorAll('#data-head th')].some((th) => th.textContent === 'receipt_id')`)
	if s := u.text("data-row-count"); s != "10 rows of receipts on 2025-01-01" {
		t.Errorf("data-row-count %q", s)
	}
	if href := u.attr(`[data-testid="data-download"]`, "href"); href != "/api/v1/tables/receipts/partitions/2025-01-01" {
		t.Errorf("data-download href %q", href)
	}
	u.wantHidden("data-error")
	u.screenshot("data")

	// Streaming to file:events at 2000 events/s, then stopped.
	u.step("stream")
	u.nav("stream")
	u.selectOption("#sink-kind", "file")
	u.input("#sink-target", "events")
	if s := u.text("sink-spec"); s != "file:events" {
		t.Errorf("sink-spec %q", s)
	}
	u.input("#stream-rate-input", "2000")
	u.click(`[data-testid="stream-start"]`)
	u.waitFor("the stream running with events", `() =>
		document.querySelector('[data-testid="stream-state"]').dataset.value === 'running' &&
		Number(document.querySelector('[data-testid="stream-events"]').dataset.value) > 0`)
	first := u.dataNumber("stream-events")
	u.waitFor("stream-events to rise", `(n) => Number(document.querySelector('[data-testid="stream-events"]').dataset.value) > n + 500`, first)
	u.waitFor("stream-rate above 0", `() => Number(document.querySelector('[data-testid="stream-rate"]').dataset.value) > 0`)
	u.waitFor("events and rates by type", `() => [...document.querySelectorAll('#by-type-body tr[data-type] td:nth-child(3)')].some((td) => Number(td.textContent.replace(/,/g, '')) > 0)`)
	u.waitFor("the stream throughput chart", `() => Number(document.querySelector('[data-testid="stream-throughput-chart"]').dataset.points) > 0`)
	if s := u.text("stream-breaker"); s != "closed" {
		t.Errorf("stream-breaker %q", s)
	}
	if s := u.text("stream-sink"); !strings.HasSuffix(s, "events") {
		t.Errorf("stream-sink %q", s)
	}
	u.wantHidden("stream-error")
	u.wantHidden("stream-failure")
	u.screenshot("stream-running")
	u.click(`[data-testid="stream-stop"]`)
	u.waitFor("the stream stopped", `() => document.querySelector('[data-testid="stream-state"]').dataset.value === 'stopped'`)
	u.waitFor("start enabled again", `() => !document.querySelector('[data-testid="stream-start"]').disabled`)
	// The file sink is closed once the stream has stopped: the UI shows as
	// many events as it holds (a status may lag by one update).
	lines := countLines(t, filepath.Join(out, "events"))
	if float64(lines) <= first {
		t.Errorf("the file sink holds %d events, %v were counted at first", lines, first)
	}
	u.waitValue("stream-events (the events in the file sink)", lines, `() => Number(document.querySelector('[data-testid="stream-events"]').dataset.value)`)
	u.wantHidden("stream-failure")
	u.screenshot("stream-stopped")

	u.step("dashboard after the stream")
	u.nav("dashboard")
	u.waitFor("throughput-chart with points", `() => Number(document.querySelector('[data-testid="throughput-chart"]').dataset.points) > 1`)
	if s := u.attr(`[data-testid="dash-stream-state"]`, "data-value"); s != "stopped" {
		t.Errorf("dash-stream-state %q", s)
	}

	// Config editor: an invalid number of stores is flagged at its field;
	// a valid one clears the error and is saved.
	u.step("config")
	u.nav("config")
	field := `[data-testid="config-input-volume.stores"]`
	u.waitFor("the configuration form", `(s) => document.querySelector(s) !== null`, field)
	u.selectAll(field)
	u.input(field, "-1")
	u.waitFor("config-error-volume.stores", `() => {
		const p = document.querySelector('[data-testid="config-error-volume.stores"]');
		return !p.hidden && p.textContent.trim() !== '' && p.offsetParent !== null;
	}`)
	if msg := u.text("config-error-volume.stores"); !strings.Contains(msg, "positive") {
		t.Errorf("config-error-volume.stores %q", msg)
	}
	if inv := u.attr(field, "aria-invalid"); inv != "true" {
		t.Errorf("aria-invalid %q on the field", inv)
	}
	if s := u.text("config-status"); s != "1 unsaved change" {
		t.Errorf("config-status %q", s)
	}
	u.screenshot("config-invalid")
	u.selectAll(field)
	u.input(field, "7")
	u.waitFor("the error to clear", `() => document.querySelector('[data-testid="config-error-volume.stores"]').hidden`)
	u.click(`[data-testid="config-save"]`)
	u.waitFor("the configuration saved", `() => document.querySelector('[data-testid="config-status"]').textContent === 'Saved.'`)
	if v := u.prop(field, "value"); v != "7" {
		t.Errorf("volume.stores shows %q after saving", v)
	}
	if stores := getJSON(t, base+"/api/v1/config")["volume"].(map[string]any)["stores"]; stores != 7.0 {
		t.Errorf("the server has volume.stores = %v after saving 7", stores)
	}
	u.wantHidden("config-errors")
	u.screenshot("config-saved")

	u.step("end")
	u.checkConsole()
}

// findChromium returns the path of chromium; without it the test fails on
// CI and is skipped elsewhere.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "chromium is not on PATH: install it with scripts/install-chromium.sh"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// artifactsDir is where the screenshots go: $ARTIFACTS_DIR/browser (or
// browser-race) when ARTIFACTS_DIR is set, else a temporary folder.
func artifactsDir(t *testing.T) string {
	t.Helper()
	root := os.Getenv("ARTIFACTS_DIR")
	if root == "" {
		return t.TempDir()
	}
	name := "browser"
	if raceEnabled {
		name += "-race"
	}
	dir, err := filepath.Abs(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// lockedBuffer is a bytes.Buffer safe for a writer and readers in other
// goroutines.
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

// startServer runs `serve` on dir at a free loopback port and returns its
// base URL. It is stopped with SIGTERM at the end of the test, which fails
// unless it then exits cleanly.
func startServer(t *testing.T, dir string) string {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--scale", "tiny", "--addr", "127.0.0.1:0", "-o", dir)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RETAIL_") && !strings.HasPrefix(kv, "AZURE_") && !strings.HasPrefix(kv, "ALLOWED_ORIGINS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		_, _ = io.Copy(io.Discard, stdout)
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Errorf("stopping serve: %v", err)
		}
		select {
		case <-exited:
			if waitErr != nil {
				t.Errorf("serve: %v\nstderr:\n%s", waitErr, stderr.String())
			}
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("serve did not stop after SIGTERM\nstderr:\n%s", stderr.String())
		}
		if log := stderr.String(); strings.Contains(log, "level=ERROR") || strings.Contains(log, "DATA RACE") || strings.Contains(log, "panic:") {
			t.Errorf("serve logged errors:\n%s", log)
		}
	})
	select {
	case line := <-lines:
		m := regexp.MustCompile(`^serving .* on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("serve printed %q, not its address", line)
		}
		return m[1]
	case <-exited:
		t.Fatalf("serve exited: %v\nstderr:\n%s", waitErr, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start\nstderr:\n%s", stderr.String())
	}
	return ""
}

// browserUI is a page of the UI in headless Chromium, with what it logged.
type browserUI struct {
	t     *testing.T
	page  *rod.Page
	shots string
	shot  int

	mu       sync.Mutex
	where    string
	problems []string // console errors and warnings, exceptions
}

// expectedConsole matches console messages that are not faults of the UI.
// None is expected at the moment.
var expectedConsole []*regexp.Regexp

func openBrowser(t *testing.T, bin, shots string) *browserUI {
	t.Helper()
	l := launcher.New().
		Bin(bin).
		Headless(true).
		NoSandbox(true).
		UserDataDir(filepath.Join(t.TempDir(), "profile")).
		Set("disable-gpu").
		Set("disable-background-networking").
		Set("disable-component-update").
		Set("disable-sync").
		Set("disable-quic")
	wsURL, err := l.Launch()
	if err != nil {
		t.Fatalf("launching %s: %v", bin, err)
	}
	u := &browserUI{t: t, shots: shots}
	fail := func(v any) {
		u.failShot()
		t.Fatalf("browser (%s): %v", u.step(""), v)
	}
	browser := rod.New().ControlURL(wsURL).WithPanic(fail)
	if err := browser.Connect(); err != nil {
		l.Kill()
		t.Fatalf("connecting to %s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = browser.Close()
		done := make(chan struct{})
		go func() {
			l.Cleanup()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			l.Kill()
		}
	})
	page, err := browser.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		t.Fatal(err)
	}
	if err := page.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1280, Height: 900, DeviceScaleFactor: 1}); err != nil {
		t.Fatal(err)
	}
	u.page = page
	go page.EachEvent(
		func(e *proto.RuntimeConsoleAPICalled) {
			if e.Type != proto.RuntimeConsoleAPICalledTypeError && e.Type != proto.RuntimeConsoleAPICalledTypeWarning &&
				e.Type != proto.RuntimeConsoleAPICalledTypeAssert {
				return
			}
			var parts []string
			for _, a := range e.Args {
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else {
					parts = append(parts, a.Value.String())
				}
			}
			u.problem("console." + string(e.Type) + ": " + strings.Join(parts, " "))
		},
		func(e *proto.RuntimeExceptionThrown) {
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
			u.problem(fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
		},
		func(e *proto.LogEntryAdded) {
			if e.Entry.Level != proto.LogLogEntryLevelError && e.Entry.Level != proto.LogLogEntryLevelWarning {
				return
			}
			u.problem(fmt.Sprintf("log %s (%s): %s %s", e.Entry.Level, e.Entry.Source, e.Entry.Text, e.Entry.URL))
		},
	)()
	return u
}

// step names the part of the test that runs (for messages) and returns
// the previous name; "" only reads it.
func (u *browserUI) step(name string) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	prev := u.where
	if name != "" {
		u.where = name
	}
	return prev
}

func (u *browserUI) problem(msg string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, re := range expectedConsole {
		if re.MatchString(msg) {
			return
		}
	}
	u.problems = append(u.problems, u.where+": "+msg)
}

// checkConsole fails the test on the console errors and warnings seen so
// far.
func (u *browserUI) checkConsole() {
	u.t.Helper()
	// A round trip, so that events sent before it have arrived.
	u.eval(`() => true`)
	time.Sleep(100 * time.Millisecond)
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, p := range u.problems {
		u.t.Errorf("browser console: %s", p)
	}
}

func (u *browserUI) timed() *rod.Page { return u.page.Timeout(browserWait) }

func (u *browserUI) navigate(url string) {
	u.t.Helper()
	p := u.timed()
	p.MustNavigate(url)
	p.MustWaitLoad()
}

// nav opens a page of the UI with its link in the navigation bar.
func (u *browserUI) nav(name string) {
	u.t.Helper()
	u.click(`[data-testid="nav-` + name + `"]`)
	u.waitFor("page "+name, `(n) => !document.getElementById('page-' + n).hidden && location.hash === '#/' + n`, name)
}

func (u *browserUI) click(selector string) {
	u.t.Helper()
	u.timed().MustElement(selector).MustClick()
}

func (u *browserUI) input(selector, text string) {
	u.t.Helper()
	u.timed().MustElement(selector).MustInput(text)
}

func (u *browserUI) selectAll(selector string) {
	u.t.Helper()
	u.timed().MustElement(selector).MustSelectAllText()
}

// selectOption picks the option of a <select> with the given value.
func (u *browserUI) selectOption(selector, value string) {
	u.t.Helper()
	el := u.timed().MustElement(selector)
	if err := el.Select([]string{`option[value="` + value + `"]`}, true, rod.SelectorTypeCSSSector); err != nil {
		u.failShot()
		u.t.Fatalf("%s: selecting %q: %v", selector, value, err)
	}
}

func (u *browserUI) eval(js string, args ...any) gson.JSON {
	u.t.Helper()
	return u.timed().MustEval(js, args...)
}

// waitFor waits until js (a function) returns true.
func (u *browserUI) waitFor(what, js string, args ...any) {
	u.t.Helper()
	if err := u.timed().Wait(rod.Eval(js, args...)); err != nil {
		u.failShot()
		u.t.Fatalf("%s: waiting for %s: %v", u.step(""), what, err)
	}
}

// waitValue waits until js (a function) returns want.
func (u *browserUI) waitValue(what string, want any, js string, args ...any) {
	u.t.Helper()
	wantJSON, err := json.Marshal(want)
	if err != nil {
		u.t.Fatal(err)
	}
	deadline := time.Now().Add(browserWait)
	for {
		got := u.eval(js, args...).JSON("", "")
		if got == string(wantJSON) {
			return
		}
		if time.Now().After(deadline) {
			u.failShot()
			u.t.Fatalf("%s: %s is %s, want %s", u.step(""), what, got, wantJSON)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (u *browserUI) attr(selector, name string) string {
	u.t.Helper()
	return u.eval(`(s, n) => { const e = document.querySelector(s); return e ? e.getAttribute(n) ?? '' : '<no element>'; }`, selector, name).Str()
}

func (u *browserUI) prop(selector, name string) string {
	u.t.Helper()
	return u.eval(`(s, n) => String(document.querySelector(s)[n])`, selector, name).Str()
}

// text is the trimmed text of the element with that data-testid.
func (u *browserUI) text(testid string) string {
	u.t.Helper()
	return u.eval(`(id) => document.querySelector('[data-testid="' + id + '"]').textContent.trim()`, testid).Str()
}

// dataNumber is the data-value of the element with that data-testid.
func (u *browserUI) dataNumber(testid string) float64 {
	u.t.Helper()
	return u.eval(`(id) => Number(document.querySelector('[data-testid="' + id + '"]').dataset.value)`, testid).Num()
}

// wantHidden checks that the element with that data-testid is hidden.
func (u *browserUI) wantHidden(testid string) {
	u.t.Helper()
	if text := u.eval(`(id) => { const e = document.querySelector('[data-testid="' + id + '"]'); return e.hidden ? '' : e.textContent.trim() || '(empty)'; }`, testid).Str(); text != "" {
		u.t.Errorf("%s: %s is shown: %s", u.step(""), testid, text)
	}
}

// screenshot saves the whole page as NN-name.png.
func (u *browserUI) screenshot(name string) {
	u.t.Helper()
	u.shot++
	if w := u.eval(`() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]`).Arr(); w[0].Int() > w[1].Int() {
		u.t.Errorf("%s: the page is %dpx wide, wider than the %dpx window", u.step(""), w[0].Int(), w[1].Int())
	}
	b, err := u.timed().Screenshot(true, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
	if err != nil {
		u.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(u.shots, fmt.Sprintf("%02d-%s.png", u.shot, name)), b, 0o644); err != nil {
		u.t.Error(err)
	}
}

// failShot saves the page as it is when a step fails.
func (u *browserUI) failShot() {
	u.t.Helper()
	if u.page == nil {
		return
	}
	b, err := u.page.Timeout(10*time.Second).Screenshot(true, nil)
	if err == nil {
		_ = os.WriteFile(filepath.Join(u.shots, "failure.png"), b, 0o644)
		u.t.Logf("screenshot of the failure in %s", filepath.Join(u.shots, "failure.png"))
	}
}

// countLines counts the lines of the files in dir.
func countLines(t *testing.T, dir string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in %s (%v)", dir, err)
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n += bytes.Count(b, []byte("\n"))
	}
	return n
}

func getJSON(t *testing.T, url string) map[string]any {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return v
}

#!/usr/bin/env bash
# Runs the whole test suite: formatting, vet, staticcheck, and every test
# with the race detector. Installs what it needs (a pinned staticcheck; the
# services later test stages use). Exits non-zero when anything fails.
#
#   ./scripts/test.sh            # everything
#   ./scripts/test.sh -short     # extra arguments go to `go test`
set -euo pipefail

cd "$(dirname "$0")/.."

STATICCHECK_VERSION=v0.8.2
GOBIN="$(go env GOPATH)/bin"
export PATH="$GOBIN:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "go mod verify"
go mod verify

step "gofmt"
unformatted="$(gofmt -l cmd internal)"
if [[ -n "$unformatted" ]]; then
	echo "files not gofmt-formatted:" >&2
	echo "$unformatted" >&2
	exit 1
fi

step "go vet"
go vet ./...

step "staticcheck $STATICCHECK_VERSION"
if ! staticcheck -version 2>/dev/null | grep -q "${STATICCHECK_VERSION#v}"; then
	go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
fi
staticcheck ./...

# npm_install DIR MARKER installs the npm packages of DIR when MARKER (a
# file under DIR/node_modules) is missing or the packages are older than
# DIR's package.json / package-lock.json.
npm_install() {
	local dir=$1 marker=$2 stamp="$1/node_modules/.package-lock.json"
	if [[ ! -f "$stamp" || ! -e "$dir/node_modules/$marker" ||
		"$dir/package.json" -nt "$stamp" || "$dir/package-lock.json" -nt "$stamp" ]]; then
		./scripts/ensure-command.sh npm nodejs npm
		(cd "$dir" && npm install --no-audit --no-fund)
		touch "$stamp"
	else
		echo "up to date"
	fi
}

# The Event Hubs sink is tested against a small AMQP 1.0 endpoint written
# for node with the npm package rhea.
step "AMQP test endpoint (npm packages)"
npm_install internal/stream/testdata/amqp-endpoint rhea

# The object-storage tests run Azurite, the Azure Blob Storage emulator,
# from the npm package azurite.
step "Azurite (npm packages)"
npm_install internal/blobstore/testdata/azurite .bin/azurite-blob

# The browser test of the web UI (cmd/retail-datagen/browser_test.go) runs
# headless Chromium; it saves screenshots of each page in
# test-artifacts/browser (browser-race for the race-enabled run).
step "chromium (browser test)"
./scripts/install-chromium.sh
chromium --version 2>/dev/null || true
export ARTIFACTS_DIR="$PWD/test-artifacts"

# The tests of `load` talk to a throw-away PostgreSQL server (installed with
# apt-get when missing), stopped and deleted when this script exits.
step "PostgreSQL (load tests)"
pg_dir="$(mktemp -d /tmp/retail-datagen-pg.XXXXXX)"
chmod 755 "$pg_dir"
trap './scripts/postgres.sh stop "$pg_dir/data"; rm -rf "$pg_dir"' EXIT
RETAIL_DATAGEN_TEST_POSTGRES="$(./scripts/postgres.sh start "$pg_dir/data" "${RETAIL_DATAGEN_TEST_POSTGRES_PORT:-55432}")"
export RETAIL_DATAGEN_TEST_POSTGRES
echo "$RETAIL_DATAGEN_TEST_POSTGRES"

# The race detector slows code five to ten times: it runs on every test but
# the long statistical simulations (skipped by -short), which then run in
# full, without it.
step "go test -race -short"
go test -race -short -count=1 -timeout 30m "$@" ./...

step "go test (full)"
go test -count=1 -timeout 30m "$@" ./...

# The DuckDB loader needs cgo and is built only with the duckdb tag, so the
# default binary stays static; this builds, checks and tests that variant of
# the packages it touches (the first cgo build takes a minute).
step "duckdb build tag: vet, staticcheck, tests"
CGO_ENABLED=1 go vet -tags duckdb ./...
CGO_ENABLED=1 staticcheck -tags duckdb ./...
CGO_ENABLED=1 go test -tags duckdb -count=1 -timeout 30m "$@" ./internal/load/... ./internal/cli/...
CGO_ENABLED=1 go test -tags duckdb -count=1 -timeout 30m -run 'Load' "$@" ./cmd/...

step "static default binary (CGO_ENABLED=0)"
static_bin="$(mktemp -d)/retail-datagen"
CGO_ENABLED=0 go build -o "$static_bin" ./cmd/retail-datagen
"$static_bin" version
rm -rf "$(dirname "$static_bin")"

printf '\nall checks passed\n'

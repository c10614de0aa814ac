#!/usr/bin/env bash
# Measures a full run: rows/s, MB/s and peak RSS of `generate` at a scale,
# in CSV and Parquet, for two range lengths (memory must not grow with the
# number of days), then the engine's per-core benchmark.
#
#   ./scripts/bench.sh                   # default scale, 7 and 60 days
#   SCALE=small DAYS="7 30" ./scripts/bench.sh
#   FORMATS=csv ./scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=${SCALE:-default}
DAYS=${DAYS:-"7 60"}
FORMATS=${FORMATS:-"csv parquet"}
WORKERS=${WORKERS:-0}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

go build -o "$OUT/retail-datagen" ./cmd/retail-datagen
workers_flag=()
if [[ "$WORKERS" != 0 ]]; then workers_flag=(--workers "$WORKERS"); fi

printf '%-8s %-8s %5s %8s %14s %12s %10s %9s %11s\n' scale format days workers rows rows/s rows/s/core MB/s peak_RSS_MB
for format in $FORMATS; do
	for days in $DAYS; do
		rm -rf "$OUT/data"
		json=$("$OUT/retail-datagen" generate --scale "$SCALE" --days "$days" --format "$format" \
			-o "$OUT/data" --json "${workers_flag[@]}" 2>/dev/null | tail -1)
		field() { sed -E "s/.*\"$1\":([0-9.e+]+).*/\1/" <<<"$json"; }
		awk -v s="$SCALE" -v f="$format" -v d="$days" -v w="$(field workers)" -v r="$(field rows)" \
			-v rs="$(field rows_per_sec)" -v mb="$(field mb_per_sec)" -v rss="$(field peak_rss_mb)" \
			'BEGIN { printf "%-8s %-8s %5d %8d %14d %12.0f %10.0f %9.1f %11.0f\n", s, f, d, w, r, rs, rs / w, mb, rss }'
	done
done

echo
echo "Engine alone, one core (simulation + CSV encoding, no disk):"
go test ./internal/sim -run '^$' -bench NetworkDayCSV -benchtime 30x | grep -E '^Benchmark'
echo
echo "Writers, one core:"
go test ./internal/output -run '^$' -bench Writer -benchmem | grep -E '^Benchmark'

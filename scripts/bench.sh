#!/usr/bin/env bash
# Measures full runs of the binary and prints, per scale and format: rows,
# bytes, wall and CPU seconds, rows/s and MB/s per core, and peak RSS; then
# the 1 → 2 worker speed-up, peak RSS over a longer range (memory must not
# grow with the number of days), streaming to files, and the per-core Go
# benchmarks of the hot paths. Results are recorded in docs/performance.md.
#
#   ./scripts/bench.sh                          # everything (about 6 minutes on 2 cores)
#   SCALES=default FORMATS=csv ./scripts/bench.sh
#   DAYS=30 LONG_DAYS=365 ./scripts/bench.sh    # longer ranges
#   BENCH_DIR=/dev/shm ./scripts/bench.sh       # write to memory, not disk
#   SKIP_GO_BENCH=1 ./scripts/bench.sh
#
# "Per core" divides by the cores the run was given (GOMAXPROCS = --workers),
# so it charges the run for its idle time too; CPU seconds are user + system
# time as the kernel counted them.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALES=${SCALES:-"tiny default"}
FORMATS=${FORMATS:-"csv parquet"}
DAYS=${DAYS:-14}               # days per run
LONG_DAYS=${LONG_DAYS:-60}     # the memory check's range (0 skips it)
CORES=${CORES:-$(nproc)}
STREAM_EVENTS=${STREAM_EVENTS:-2000000}
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/retail-datagen-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [[ ! -x /usr/bin/time ]]; then
	./scripts/ensure-command.sh /usr/bin/time time
fi
go build -o "$WORK/retail-datagen" ./cmd/retail-datagen
bin="$WORK/retail-datagen"

echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ {print $2}') GiB RAM; $(go version | cut -d' ' -f3); output in $WORK"
echo

# run SCALE FORMAT DAYS WORKERS: one generation; sets WALL CPU RSS ROWS BYTES.
run() {
	local scale=$1 format=$2 days=$3 workers=$4
	rm -rf "$WORK/data"
	sync # the previous run's write-back must not slow this one
	local json
	json=$(GOMAXPROCS=$workers /usr/bin/time -o "$WORK/time" -f '%e %U %S %M' \
		"$bin" generate --scale "$scale" --days "$days" --format "$format" --workers "$workers" \
		--start 2025-01-01 -o "$WORK/data" --json 2>/dev/null | tail -1)
	read -r WALL user sys RSS <"$WORK/time"
	CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
	ROWS=$(sed -E 's/.*"rows":([0-9]+).*/\1/' <<<"$json")
	BYTES=$(sed -E 's/.*"bytes":([0-9]+).*/\1/' <<<"$json")
}

header='%-8s %-8s %5s %5s %12s %10s %8s %8s %12s %13s %10s %9s\n'
line='%-8s %-8s %5d %5d %12d %10.1f %8.2f %8.2f %12.0f %13.0f %10.1f %9.0f\n'
# shellcheck disable=SC2059
printf "$header" scale format days cores rows MB wall_s cpu_s rows/s rows/s/core MB/s/core peak_MB
for scale in $SCALES; do
	for format in $FORMATS; do
		run "$scale" "$format" "$DAYS" "$CORES"
		# shellcheck disable=SC2059
		printf "$line" "$scale" "$format" "$DAYS" "$CORES" "$ROWS" "$(awk -v b="$BYTES" 'BEGIN { print b / 1e6 }')" \
			"$WALL" "$CPU" "$(awk -v r="$ROWS" -v w="$WALL" 'BEGIN { print r / w }')" \
			"$(awk -v r="$ROWS" -v w="$WALL" -v c="$CORES" 'BEGIN { print r / w / c }')" \
			"$(awk -v b="$BYTES" -v w="$WALL" -v c="$CORES" 'BEGIN { print b / 1e6 / w / c }')" \
			"$(awk -v k="$RSS" 'BEGIN { print k / 1024 }')"
	done
done

scale_last=${SCALES##* }
format_first=${FORMATS%% *}
if [[ "$CORES" -ge 2 ]]; then
	echo
	echo "Scaling, $scale_last $format_first, $DAYS days:"
	run "$scale_last" "$format_first" "$DAYS" 1
	one=$WALL
	run "$scale_last" "$format_first" "$DAYS" 2
	two=$WALL
	awk -v a="$one" -v b="$two" 'BEGIN { printf "  1 worker %.2f s, 2 workers %.2f s: speed-up %.2fx\n", a, b, a / b }'
fi

if [[ "$LONG_DAYS" != 0 ]]; then
	echo
	echo "Memory over a longer range, $scale_last, $CORES cores:"
	for format in $FORMATS; do
		run "$scale_last" "$format" "$LONG_DAYS" "$CORES"
		awk -v f="$format" -v d="$LONG_DAYS" -v r="$ROWS" -v w="$WALL" -v k="$RSS" \
			'BEGIN { printf "  %-8s %4d days: %d rows in %.1f s, peak RSS %.0f MB\n", f, d, r, w, k / 1024 }'
	done
fi

echo
echo "Streaming to files, $scale_last, --rate 0, $STREAM_EVENTS events, $CORES cores:"
rm -rf "$WORK/data"
"$bin" generate --scale "$scale_last" --days 1 --start 2025-01-01 -o "$WORK/data" --quiet
GOMAXPROCS=$CORES /usr/bin/time -o "$WORK/time" -f '%e %U %S %M' "$bin" stream --scale "$scale_last" -o "$WORK/data" \
	--sink "file:$WORK/data/events" --rate 0 --max-events "$STREAM_EVENTS" --quiet >/dev/null 2>&1
read -r WALL user sys RSS <"$WORK/time"
awk -v n="$STREAM_EVENTS" -v w="$WALL" -v u="$user" -v s="$sys" -v c="$CORES" -v k="$RSS" \
	'BEGIN { printf "  %.0f events/s, %.0f per core, %.0f per CPU-second, peak RSS %.0f MB\n", n / w, n / w / c, n / (u + s), k / 1024 }'

if [[ -z "${SKIP_GO_BENCH:-}" ]]; then
	echo
	echo "Hot paths, one core (go test -bench):"
	go test -run '^$' -cpu 1 -benchmem -bench 'NetworkDayCSV' -benchtime 30x ./internal/sim | grep -E '^Benchmark'
	go test -run '^$' -cpu 1 -benchmem -bench 'Writer' ./internal/output | grep -E '^Benchmark'
	go test -run '^$' -cpu 1 -benchmem -bench 'BLEPing|CustomerCSV' ./internal/rows | grep -E '^Benchmark'
	go test -run '^$' -cpu 1 -benchmem -bench 'Weighted' ./internal/rng | grep -E '^Benchmark'
	go test -run '^$' -cpu 1 -bench 'StreamToFiles' -benchtime 10x ./internal/stream | grep -E '^Benchmark'
fi

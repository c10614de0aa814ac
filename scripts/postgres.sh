#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL server for the tests of `load`:
# trust authentication, user postgres, listening on 127.0.0.1 only, its
# socket in /tmp. Installs Debian's postgresql with apt-get when no server
# binaries are found. When run as root the server runs as the postgres OS
# user (initdb refuses to run as root).
#
#   ./scripts/postgres.sh start DIR [PORT]   # prints the server's URL
#   ./scripts/postgres.sh stop DIR
#
# PORT defaults to 55432; when it is taken the next free one up to +20 is used.
set -euo pipefail

usage() {
	echo "usage: $0 start DIR [PORT] | $0 stop DIR" >&2
	exit 2
}
[[ $# -ge 2 ]] || usage
action=$1
dir=$2
port=${3:-55432}

bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
			echo "$d"
			return
		fi
	done
	if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
		pg_config --bindir
	fi
}

# as_owner runs a command as the user that owns the data folder.
as_owner() {
	if [[ "$(id -u)" -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

bin="$(bindir)"
if [[ -z "$bin" ]]; then
	"$(dirname "$0")/ensure-command.sh" pg_lsclusters postgresql >&2
	bin="$(bindir)"
fi
if [[ -z "$bin" ]]; then
	echo "PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql" >&2
	exit 1
fi

case "$action" in
start)
	mkdir -p "$dir"
	if [[ "$(id -u)" -eq 0 ]]; then
		if ! id postgres >/dev/null 2>&1; then
			useradd --system --home-dir "$dir" --shell /usr/sbin/nologin postgres
		fi
		chown postgres "$dir"
	fi
	if [[ ! -f "$dir/PG_VERSION" ]]; then
		as_owner "$bin/initdb" -D "$dir" -A trust -U postgres --no-sync -E UTF8 >"$dir.initdb.log" 2>&1 || {
			cat "$dir.initdb.log" >&2
			exit 1
		}
	fi
	last=$((port + 20))
	while ((port <= last)); do
		if as_owner "$bin/pg_ctl" -D "$dir" -w -t 30 -l "$dir/log" \
			-o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
			start >/dev/null; then
			echo "postgres://postgres@127.0.0.1:$port/postgres"
			exit 0
		fi
		port=$((port + 1))
	done
	echo "PostgreSQL did not start; its log:" >&2
	cat "$dir/log" >&2 || true
	exit 1
	;;
stop)
	if [[ -f "$dir/postmaster.pid" ]]; then
		as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
	fi
	rm -rf "$dir" "$dir.initdb.log"
	;;
*)
	usage
	;;
esac

#!/usr/bin/env bash
# Makes sure a command is on PATH, installing Debian packages with apt-get
# when it is not. Safe to run again: it then does nothing and prints
# nothing. Uses sudo only when not running as root.
#
#   ./scripts/ensure-command.sh COMMAND PACKAGE [PACKAGE...]
#   ./scripts/ensure-command.sh npm nodejs npm
set -euo pipefail

if [[ $# -lt 2 ]]; then
	echo "usage: $0 COMMAND PACKAGE [PACKAGE...]" >&2
	exit 2
fi
cmd=$1
shift

if command -v "$cmd" >/dev/null 2>&1; then
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "$cmd is missing and apt-get is not available: install $* with your package manager" >&2
	exit 1
fi

as_root=()
if [[ "$(id -u)" -ne 0 ]]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "$cmd is missing; not root and sudo is missing: install $* as root" >&2
		exit 1
	fi
	as_root=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
echo "installing $* (apt-get) for $cmd..." >&2
"${as_root[@]}" apt-get update -qq >/dev/null
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null

if ! command -v "$cmd" >/dev/null 2>&1; then
	echo "$cmd is still not on PATH after installing $*" >&2
	exit 1
fi

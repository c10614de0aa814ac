#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests of the web UI, unless a
# `chromium` is already on PATH. Safe to run again: it then does nothing and
# prints nothing. Uses sudo only when not running as root.
#
#   ./scripts/install-chromium.sh
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-chromium: apt-get not found; install chromium with your package manager" >&2
	exit 1
fi

as_root=()
if [[ "$(id -u)" -ne 0 ]]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "install-chromium: not root and sudo is missing; install chromium as root" >&2
		exit 1
	fi
	as_root=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
echo "installing chromium (apt-get)..." >&2
"${as_root[@]}" apt-get update -qq >/dev/null
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null

if ! command -v chromium >/dev/null 2>&1; then
	echo "install-chromium: chromium is still not on PATH after installing it" >&2
	exit 1
fi

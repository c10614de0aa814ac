#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests of the web UI, unless a
# `chromium` is already on PATH. Safe to run again: it then does nothing and
# prints nothing. Uses sudo only when not running as root.
#
#   ./scripts/install-chromium.sh
set -euo pipefail
exec "$(dirname "$0")/ensure-command.sh" chromium chromium

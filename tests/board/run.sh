#!/usr/bin/env bash
# The board's browser tests: installs what a fresh machine lacks (Debian's chromium, a venv
# with Playwright and pytest; Playwright's own browser download is not used), then runs
# pytest against target/release/fieldplan (build it first: cargo build --release).
# Screenshots go to bench-out/board/.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${BOARD_VENV:-/opt/board-venv}
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
if ! "$VENV/bin/python" -c 'import playwright, pytest' >/dev/null 2>&1; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q playwright pytest
fi
[ -x target/release/fieldplan ] || cargo build --release
mkdir -p bench-out/board
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/board "$@"

#!/usr/bin/env bash
# The OpenAPI document against the server: schemathesis (from PyPI, in a venv) fuzzes a live
# `fieldplan serve` on the bundled data and a manual clock, once for each role that writes
# (dispatcher, planner, manager, engineer), with a fixed seed and a bounded number of examples.
# Every check is on (tests/schema/schemathesis.toml says which statuses are answers by design).
# Build first: cargo build --release. SCHEMA_EXAMPLES sets the examples per operation.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${SCHEMA_VENV:-/opt/schema-venv}
if ! "$VENV/bin/st" --version >/dev/null 2>&1; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'schemathesis==4.32.5'
fi
[ -x target/release/fieldplan ] || cargo build --release
bin=$PWD/target/release/fieldplan
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --db "$dir/st.db" --listen "127.0.0.1:$port" --max-solves 1 \
  --now 2026-11-30T09:00:00+08:00 --manual-clock >"$dir/serve.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 1
done
status=0
for role in dispatcher planner manager engineer; do
  extra=()
  [ "$role" = engineer ] && extra=(--engineer E-06)
  token=$("$bin" token create --db "$dir/st.db" --role "$role" "${extra[@]}" 2>/dev/null)
  echo "== schemathesis as $role"
  "$VENV/bin/st" --no-color --config-file tests/schema/schemathesis.toml run \
    "http://127.0.0.1:$port/openapi.json" -H "Authorization: Bearer $token" \
    --checks all --max-examples "${SCHEMA_EXAMPLES:-10}" --seed 1 || status=1
done
if ! kill -0 "$pid" 2>/dev/null; then
  echo "the server died:"; tail -20 "$dir/serve.log"; status=1
fi
exit "$status"

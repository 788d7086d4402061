#!/usr/bin/env bash
# Load run, one instance against two on one PostgreSQL (a developer's tool, not a test):
#   eval "$(bash tests/pg/cluster.sh start)"; cargo build --release
#   bash tests/pg/load.sh [SECONDS]
# Prints GET /v1/plans/{date} throughput (wrk, 32 connections in all) and POST /v1/faults
# latency (sequential, alternating between the instances) for 1 and for 2 instances.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
bin=${CARGO_TARGET_DIR:-target}/release/fieldplan
: "${FIELDPLAN_TEST_PG:?start a cluster first: eval \"\$(bash tests/pg/cluster.sh start)\"}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
now=2026-11-30T12:00:00+08:00
day=2026-11-30

run() {  # run N: N instances on a fresh schema
  local n=$1 schema db pids=() addrs=() i
  schema=load_$RANDOM$RANDOM
  psql -q "$FIELDPLAN_TEST_PG" -c "CREATE SCHEMA $schema"
  db="$FIELDPLAN_TEST_PG?options=-csearch_path%3D$schema"
  local planner dispatcher
  planner=$("$bin" token create --role planner --db "$db")
  dispatcher=$("$bin" token create --role dispatcher --db "$db")
  for i in $(seq 1 "$n"); do
    local log; log=$(mktemp)
    FIELDPLAN_LOG=warn,fieldplan=info "$bin" serve --listen 127.0.0.1:0 --manual-clock --now "$now" \
      --db "$db" 2>"$log" & pids+=($!)
    until grep -q "listening on" "$log"; do sleep 0.2; done
    addrs+=("$(grep -o 'listening on http://[0-9.:]*' "$log" | sed 's|listening on http://||')")
  done
  curl -sf -X POST "http://${addrs[0]}/v1/plans" -H "Authorization: Bearer $planner" \
    -H 'Content-Type: application/json' -d "{\"date\":\"$day\",\"timeLimitMs\":2000}" >/dev/null
  sleep 1
  local c=$((32 / n)) t=$((2 / n > 0 ? 2 / n : 1)) outs=() wrks=()
  for a in "${addrs[@]}"; do
    local o; o=$(mktemp); outs+=("$o")
    wrk -t"$t" -c"$c" -d"${secs}s" -H "Authorization: Bearer $planner" "http://$a/v1/plans/$day" >"$o" &
    wrks+=($!)
  done
  wait "${wrks[@]}"
  local total=0
  for o in "${outs[@]}"; do
    total=$(python3 -c "import re,sys; t=open('$o').read(); print($total + float(re.search(r'Requests/sec:\s+([\d.]+)', t).group(1)))")
  done
  # 20 faults, alternating between the instances, one at a time.
  local lat=()
  for i in $(seq 0 19); do
    local a=${addrs[$((i % n))]} dev site
    dev=$(printf 'D-%04d' $((100 + i * 7))); site=$(python3 -c "import json; print(next(d['site'] for d in json.load(open('data/nanchang/devices.json')) if d['id']=='$dev'))")
    lat+=("$(curl -s -o /dev/null -w '%{http_code}:%{time_total}' -X POST "http://$a/v1/faults" \
      -H "Authorization: Bearer $dispatcher" -H 'Content-Type: application/json' \
      -d "{\"siteId\":\"$site\",\"deviceId\":\"$dev\",\"level\":2,\"reportedAt\":\"2026-11-30T11:$(printf %02d $((10 + i))):00+08:00\"}")")
  done
  python3 - "$n" "$total" "${lat[@]}" <<'PY'
import statistics, sys
n, total = sys.argv[1], float(sys.argv[2])
answers = [x.split(":") for x in sys.argv[3:]]
lat = sorted(float(t) * 1000 for _, t in answers)
created = sum(code == "201" for code, _ in answers)
print(f"{n} instance(s): GET /v1/plans/{{date}} {total:,.0f} req/s; POST /v1/faults "
      f"({created}/{len(answers)} answered 201) median {statistics.median(lat):.0f} ms, "
      f"p90 {lat[int(0.9 * len(lat)) - 1]:.0f} ms, max {lat[-1]:.0f} ms")
PY
  kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
}

run 1
run 2

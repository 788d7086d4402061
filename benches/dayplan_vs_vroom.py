#!/usr/bin/env python3
"""The day plan against VROOM, on the same problem and time budget, scored one way.

For each date:
1. `fieldplan plan --date D --export vroom problem.json` writes the day's routing problem (the
   one our search solves) as VROOM input (see `src/plan/vroom.rs` for the mapping);
2. VROOM (pyvroom, from shared/peers: venv /opt/peers/venv) solves it on one thread with the
   budget as its timeout (exploration level 5, its highest);
3. `fieldplan plan --date D --routes vroom solution.json --check` makes the day plan on VROOM's
   routes instead of our search's: the same second pass (mandatory visits left out inserted
   with overtime), diagnosis and KPIs, then our independent plan checker (`plan::check`);
4. `fieldplan plan --date D --time-limit S --check` makes and checks our own day plan.

Both plans are scored from their JSON the same way, lexicographically: unassigned work
weighted by priority (mandatory visits left out, then the sum of the drop penalties of the
optional visits left out), then travel time, then overtime. A plan the checker rejects scores
nothing. The search columns give VROOM's own answer before our second pass (its unassigned
jobs) and our search's.

Example (from the repository root, after `cargo build --release`):
    python3 benches/dayplan_vs_vroom.py --dates 2026-11-30,2026-12-01 --seconds 10
    python3 benches/dayplan_vs_vroom.py --data /tmp/nanchang-5000 --dates 2026-11-30 --seconds 30
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Run by the peers' python in a child process: solve one VROOM input, write the solution.
VROOM_CHILD = r"""
import datetime, json, sys, time
import vroom
problem, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
started = time.monotonic()
p = vroom.Input.from_json(problem)
loaded = time.monotonic()
s = p.solve(exploration_level=5, nb_threads=1, timeout=datetime.timedelta(seconds=seconds))
done = time.monotonic()
d = s.to_dict()
d["bench"] = {"load_seconds": loaded - started, "solve_seconds": done - loaded}
json.dump(d, open(out, "w"))
"""


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dates", required=True, help="comma-separated dates YYYY-MM-DD")
    ap.add_argument("--data", default=os.path.join(REPO, "data", "nanchang"))
    ap.add_argument("--config", default=os.path.join(REPO, "config"))
    ap.add_argument("--seconds", type=float, default=10.0,
                    help="time budget of each solver per day (default 10)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--peers-python", default="/opt/peers/venv/bin/python",
                    help="python with pyvroom (default /opt/peers/venv/bin/python; "
                         "shared/peers/setup.sh makes it)")
    ap.add_argument("--binary", default=os.path.join(REPO, "target", "release", "fieldplan"))
    ap.add_argument("--keep", default=None, help="keep the problem, solutions and plans here")
    a = ap.parse_args(argv)
    a.dates = [d.strip() for d in a.dates.split(",") if d.strip()]
    if a.seconds <= 0:
        ap.error("--seconds must be positive")
    return a


def run(cmd):
    t = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p, time.monotonic() - t


def plan_cmd(a, date, *extra):
    return [a.binary, "plan", "--date", date, "--data", a.data, "--config", a.config,
            "--seed", str(a.seed), "--threads", "1", *extra]


def score(plan_path, checked):
    """(mandatory left, penalty left, travel s, overtime s) and counts, from a plan's JSON."""
    plan = json.load(open(plan_path))
    left = plan["unassigned"]
    mandatory = sum(1 for u in left if u.get("dropPenalty") is None)
    penalty = sum(u.get("dropPenalty", 0) for u in left)
    k = plan["kpis"]
    return {
        "key": (mandatory, penalty, k["travelSeconds"], k["overtimeSeconds"]),
        "stops": k["stops"],
        "unassigned": len(left),
        "checked": checked,
    }


def one_day(a, date, work):
    row = {"date": date}
    problem = os.path.join(work, f"{date}.vroom.json")
    p, _ = run(plan_cmd(a, date, "--export", "vroom", problem))
    if p.returncode != 0:
        raise SystemExit(f"export failed for {date}: {p.stderr.strip()}")
    inp = json.load(open(problem))
    row["jobs"] = len(inp["jobs"]) + 2 * len(inp["shipments"])
    row["vehicles"] = len(inp["vehicles"])
    solution = os.path.join(work, f"{date}.vroom-solution.json")
    p, wall = run([a.peers_python, "-c", VROOM_CHILD, problem, solution, str(a.seconds)])
    if p.returncode != 0:
        raise SystemExit(f"VROOM failed on {date}: {p.stderr.strip()[-2000:]}")
    sol = json.load(open(solution))
    row["vroom_seconds"] = sol["bench"]["solve_seconds"]
    row["vroom_search_unassigned"] = len(sol.get("unassigned", []))
    vroom_plan = os.path.join(work, f"{date}.vroom-plan.json")
    p, _ = run(plan_cmd(a, date, "--time-limit", str(a.seconds), "--routes", "vroom", solution,
                        "--check", "--out", vroom_plan))
    if p.returncode != 0 and not os.path.exists(vroom_plan):
        raise SystemExit(f"planning on VROOM's routes failed for {date}: {p.stderr.strip()}")
    row["vroom"] = score(vroom_plan, p.returncode == 0)
    ours = os.path.join(work, f"{date}.fieldplan-plan.json")
    p, wall = run(plan_cmd(a, date, "--time-limit", str(a.seconds), "--check", "--out", ours))
    if p.returncode != 0 and not os.path.exists(ours):
        raise SystemExit(f"fieldplan failed for {date}: {p.stderr.strip()}")
    row["ours"] = score(ours, p.returncode == 0)
    row["ours_seconds"] = json.load(open(ours))["stats"]["solverSeconds"]
    return row


def verdict(row):
    v, o = row["vroom"], row["ours"]
    if not o["checked"]:
        return "fieldplan REJECTED by the checker"
    if not v["checked"]:
        return "VROOM rejected by the checker"
    if o["key"] < v["key"]:
        return "fieldplan better"
    return "same" if o["key"] == v["key"] else "VROOM better"


def table(rows):
    out = ["| date | jobs | engineers | solver | search s | mandatory left | penalty left "
           "| travel h | overtime min | stops | check | verdict |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        for name, key, secs in (("VROOM", "vroom", r["vroom_seconds"]),
                                ("fieldplan", "ours", r["ours_seconds"])):
            s = r[key]
            m, pen, travel, ot = s["key"]
            out.append(f"| {r['date']} | {r['jobs']} | {r['vehicles']} | {name} | {secs:.1f} "
                       f"| {m} | {pen:,} | {travel / 3600:.2f} | {ot / 60:.0f} | {s['stops']} "
                       f"| {'ok' if s['checked'] else 'FAILED'} "
                       f"| {verdict(r) if key == 'ours' else ''} |")
    return "\n".join(out)


def main(argv):
    a = parse_args(argv)
    if not os.path.exists(a.binary):
        raise SystemExit(f"error: {a.binary} not found: run `cargo build --release` first")
    if not os.path.exists(a.peers_python):
        raise SystemExit(f"error: {a.peers_python} not found: run shared/peers/setup.sh")
    work = a.keep or tempfile.mkdtemp(prefix="dayplan-vroom-")
    os.makedirs(work, exist_ok=True)
    rows = []
    for date in a.dates:
        row = one_day(a, date, work)
        print(f"{date}: VROOM {row['vroom']['key']} (its search left "
              f"{row['vroom_search_unassigned']} jobs), fieldplan {row['ours']['key']}: "
              f"{verdict(row)}", file=sys.stderr)
        rows.append(row)
    print(f"budget {a.seconds:g} s per solver per day, seed {a.seed}, one thread; "
          f"data {a.data}")
    print(table(rows))
    wins = sum(1 for r in rows if verdict(r) in ("fieldplan better", "same"))
    print(f"\nfieldplan no worse than VROOM on {wins}/{len(rows)} days")
    return 0 if wins == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

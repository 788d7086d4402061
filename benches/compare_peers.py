#!/usr/bin/env python3
"""Side-by-side comparison of fieldplan with peer VRPTW solvers on Solomon instances.

For every instance of a directory, runs our release binary
(`target/release/fieldplan solve INSTANCE ...`) and each peer through the shared runner
(`PEERS_PYTHON PEERS_DIR/run_peer.py SOLVER INSTANCE SECONDS --seed N --objective O`), scores
our routes with the same reference scorer the runner uses (`PEERS_DIR/check_solution.py`), and
prints a markdown table (vehicles, distance, gap to the best-known value, feasible) with means,
then writes every result to a CSV file.

Best-known values come from `bks.csv` in the instance directory (same rules as
`fieldplan bench solomon`): `hierarchical_double` for --objective hierarchical; for distance the
smaller of `distance_double_literature` and `distance_double_dimacs_routes`, ignoring the
literature values of R109 and RC103 (see shared/bench/SOURCES.md), or for the Gehring &
Homberger set, which has no other, `distance_dimacs_trunc1` (arcs truncated to one decimal: a gap against it is a
little pessimistic; see shared/bench/gh/SOURCES.md).

Python 3 standard library only. Example (from the repository root):
    python3 benches/compare_peers.py --instances 'C101,R101' --seconds 1 --solvers pyvrp
"""
import argparse
import csv
import fnmatch
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WRONG_LITERATURE = {"R109", "RC103"}


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default=os.path.join(REPO, "data", "solomon"),
                    help="directory of Solomon instances *.txt (and bks.csv); "
                         "default: the bundled data/solomon")
    ap.add_argument("--instances", default="*",
                    help="comma-separated names or globs of instances, without .txt "
                         "(default: all), e.g. 'C1*,R101'")
    ap.add_argument("--seconds", type=float, default=1.0, help="time budget per run (default 1)")
    ap.add_argument("--threads", type=int, default=1, help="threads for fieldplan (peers: 1)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=int, default=None,
                    help="fieldplan's deterministic work budget per thread (`solve --work`): "
                         "the same answer on a loaded machine; --seconds still caps the run")
    ap.add_argument("--objective", choices=["hierarchical", "distance"], default="hierarchical")
    ap.add_argument("--solvers", default="pyvrp",
                    help="comma-separated peers: pyvrp, vroom, ortools, vrp-cli (default pyvrp); "
                         "'none' runs fieldplan alone")
    ap.add_argument("--peers-dir", default=os.path.join(REPO, "..", "shared", "peers"),
                    help="directory of run_peer.py and check_solution.py "
                         "(default ../shared/peers relative to the repository root)")
    ap.add_argument("--peers-python", default="/opt/peers/venv/bin/python",
                    help="python of the peers' venv (default /opt/peers/venv/bin/python)")
    ap.add_argument("--binary", default=os.path.join(REPO, "target", "release", "fieldplan"))
    ap.add_argument("--no-build", action="store_true",
                    help="do not run `cargo build --release` first")
    ap.add_argument("--out", default=None,
                    help="CSV file (default bench-out/compare_<objective>_<seconds>s.csv)")
    a = ap.parse_args(argv)
    a.solvers = [s for s in (x.strip() for x in a.solvers.split(",")) if s and s != "none"]
    if a.seconds <= 0 or a.threads < 1:
        ap.error("--seconds must be positive and --threads at least 1")
    return a


def select_instances(directory, patterns):
    if not os.path.isdir(directory):
        raise SystemExit(f"error: {directory}: not a directory")
    names = sorted(f[:-4] for f in os.listdir(directory) if f.endswith(".txt"))
    globs = [p.strip() for p in patterns.split(",") if p.strip()]
    chosen = [n for n in names if any(fnmatch.fnmatchcase(n, g) for g in globs)]
    if not chosen:
        raise SystemExit(f"error: no instance in {directory} matches {patterns!r}")
    return chosen


def read_bks(directory):
    path = os.path.join(directory, "bks.csv")
    table = {}
    if not os.path.isfile(path):
        return table
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            table[(row["instance"], row["objective_convention"])] = (
                int(row["bks_vehicles"]), float(row["bks_distance"]))
    return table


def reference(table, name, objective):
    if objective == "hierarchical":
        return table.get((name, "hierarchical_double"))
    candidates = [table.get((name, "distance_double_dimacs_routes"))]
    if name not in WRONG_LITERATURE:
        candidates.append(table.get((name, "distance_double_literature")))
    candidates = [c for c in candidates if c]
    if not candidates and table.get((name, "distance_dimacs_trunc1")):
        # Gehring & Homberger: only the truncated convention is published.
        candidates = [table[(name, "distance_dimacs_trunc1")]]
    return min(candidates, key=lambda c: c[1]) if candidates else None


def last_json_line(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    return None


def run_ours(a, path, checker):
    """Runs fieldplan, then scores its routes with check_solution.py."""
    cmd = [a.binary, "solve", path, "--time-limit", str(a.seconds), "--threads", str(a.threads),
           "--seed", str(a.seed), "--objective", a.objective]
    if a.work is not None:
        cmd += ["--work", str(a.work)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=a.seconds * 3 + 120)
    wall = time.perf_counter() - t0
    out = last_json_line(proc.stdout)
    if proc.returncode != 0 or out is None:
        return {"error": (proc.stderr or proc.stdout).strip()[-300:] or f"exit {proc.returncode}",
                "seconds": wall}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"routes": out["routes"]}, fh)
        solution = fh.name
    try:
        score = subprocess.run([sys.executable, checker, path, solution],
                               capture_output=True, text=True, timeout=120)
    finally:
        os.unlink(solution)
    scored = last_json_line(score.stdout)
    if scored is None or "error" in scored:
        return {"error": f"check_solution.py: {score.stdout.strip() or score.stderr.strip()}",
                "seconds": wall}
    return {"vehicles": scored["vehicles"], "distance": scored["distance"],
            "feasible": scored["feasible"], "seconds": out.get("seconds", wall),
            "first_violation": scored.get("first_violation")}


def run_peer(a, solver, path, runner):
    cmd = [a.peers_python, runner, solver, path, str(a.seconds), "--seed", str(a.seed),
           "--objective", a.objective]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=a.seconds * 3 + 180)
    except subprocess.TimeoutExpired:
        return {"error": "timed out"}
    out = last_json_line(proc.stdout)
    if out is None:
        return {"error": (proc.stderr or proc.stdout).strip()[-300:] or f"exit {proc.returncode}"}
    if out.get("vehicles") is None:
        return {"error": out.get("status") or "no solution", "seconds": out.get("seconds")}
    return {"vehicles": out["vehicles"], "distance": out["distance"],
            "feasible": bool(out.get("feasible")), "seconds": out.get("seconds"),
            "first_violation": out.get("first_violation")}


def gap(result, bks):
    if bks is None or result.get("distance") is None:
        return None
    return (result["distance"] - bks[1]) / bks[1] * 100.0


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def markdown(a, names, table, results, solvers):
    head = ["instance", "BKS veh", "BKS dist"]
    for s in solvers:
        head += [f"{s} veh", f"{s} dist", f"{s} gap %", f"{s} ok"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        bks = reference(table, name, a.objective)
        cells = [name, fmt(bks and bks[0], "d"), fmt(bks and bks[1], ".2f")]
        for s in solvers:
            r = results[(name, s)]
            if "error" in r:
                cells += ["-", "-", "-", "error"]
                continue
            cells += [str(r["vehicles"]), f"{r['distance']:.2f}", fmt(gap(r, bks), ".2f"),
                      "yes" if r["feasible"] else "NO"]
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**mean**", "", ""]
    for s in solvers:
        ok = [results[(n, s)] for n in names
              if "error" not in results[(n, s)] and results[(n, s)]["feasible"]]
        gaps = [gap(results[(n, s)], reference(table, n, a.objective)) for n in names
                if "error" not in results[(n, s)] and results[(n, s)]["feasible"]]
        cells += [fmt(mean([r["vehicles"] for r in ok]), ".2f"),
                  fmt(mean([r["distance"] for r in ok]), ".2f"),
                  fmt(mean(gaps), ".2f"), f"{len(ok)}/{len(names)}"]
    lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv):
    a = parse_args(argv)
    peers_dir = os.path.abspath(a.peers_dir)
    checker = os.path.join(peers_dir, "check_solution.py")
    runner = os.path.join(peers_dir, "run_peer.py")
    for f in [checker] + ([runner] if a.solvers else []):
        if not os.path.isfile(f):
            raise SystemExit(f"error: {f} not found (set --peers-dir)")
    if a.solvers and not os.path.exists(a.peers_python):
        raise SystemExit(f"error: {a.peers_python} not found (run shared/peers/setup.sh, "
                         "or set --peers-python)")
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    if not os.path.exists(a.binary):
        raise SystemExit(f"error: {a.binary} not found (build with cargo build --release)")
    names = select_instances(a.dir, a.instances)
    table = read_bks(a.dir)
    solvers = ["fieldplan"] + a.solvers
    results = {}
    rows = []
    for i, name in enumerate(names, 1):
        path = os.path.join(a.dir, name + ".txt")
        bks = reference(table, name, a.objective)
        for s in solvers:
            print(f"[{i}/{len(names)}] {name} {s} ...", file=sys.stderr, flush=True)
            r = run_ours(a, path, checker) if s == "fieldplan" else run_peer(a, s, path, runner)
            results[(name, s)] = r
            rows.append({
                "instance": name, "solver": s, "objective": a.objective, "budget_s": a.seconds,
                "seed": a.seed, "threads": a.threads if s == "fieldplan" else 1,
                "vehicles": r.get("vehicles"), "distance": r.get("distance"),
                "bks_vehicles": bks and bks[0], "bks_distance": bks and bks[1],
                "gap_percent": None if gap(r, bks) is None else round(gap(r, bks), 4),
                "feasible": r.get("feasible", False), "seconds": r.get("seconds"),
                "error": r.get("error") or r.get("first_violation") or "",
            })
    print(f"\nobjective {a.objective}, {a.seconds:g} s per run, seed {a.seed}, "
          f"fieldplan threads {a.threads}; means over feasible runs\n")
    print(markdown(a, names, table, results, solvers))
    out = a.out or os.path.join(REPO, "bench-out", f"compare_{a.objective}_{a.seconds:g}s.csv")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    print(f"\nCSV: {out}")
    failed = [k for k, r in results.items() if "error" in r and r.get("vehicles") is None]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

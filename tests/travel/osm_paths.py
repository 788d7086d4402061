#!/usr/bin/env python3
"""Independent fastest paths on an OpenStreetMap extract, for tests/travel/helsinki.rs.

Reads the extract with pyosmium (not the osmpbf crate fieldplan uses), builds the full
segment graph with networkx (every node of every way, no contraction), and runs networkx's
Dijkstra. The road rules are written here again from fieldplan's documentation (module doc
of src/travel/road/osm.rs): which ways a car may use, their direction, and their speed; a
mismatch in either implementation shows as a wrong travel time.

stdin: JSON {"pbf": PATH, "sources": [OSM node id, ...], "targets": [OSM node id, ...]}
stdout: JSON {"seconds": [[...]], "metres": [[...]], "segments": [[...]]}, one row per
source, one column per target: the fastest path's exact time (float seconds), its length
(metres, the shorter of equally fast paths is not guaranteed) and its number of segments;
null where a target is unreachable.
"""

import json
import math
import sys

import networkx as nx
import osmium

# GRS80 mean radius (Moritz 2000, R1), the sphere fieldplan's haversine uses.
EARTH_RADIUS_M = 6_371_008.8

# Free-flow speed (km/h) of each drivable highway class when maxspeed does not parse.
DEFAULT_KMH = {
    "motorway": 100, "motorway_link": 60, "trunk": 80, "trunk_link": 50,
    "primary": 60, "primary_link": 40, "secondary": 50, "secondary_link": 35,
    "tertiary": 40, "tertiary_link": 30, "unclassified": 30, "residential": 25,
    "living_street": 10, "service": 15,
}


def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def maxspeed_kmh(value):
    """'60', '60 km/h', '30 mph', '50;60' (the first); None for the rest."""
    first = value.split(";")[0].strip()
    i = 0
    while i < len(first) and (first[i].isdigit() or first[i] == "."):
        i += 1
    try:
        number = float(first[:i])
    except ValueError:
        return None
    unit = first[i:].strip()
    factor = {"": 1.0, "km/h": 1.0, "kmh": 1.0, "kph": 1.0, "mph": 1.609344}.get(unit)
    if factor is None or not number * factor > 0:
        return None
    return number * factor


def way_rule(tags):
    """(km/h, direction) of a drivable way, or None. direction: 1 forward, -1 backward, 0 both."""
    highway = tags.get("highway")
    if highway not in DEFAULT_KMH:
        return None
    for key in ("access", "motor_vehicle", "motorcar"):
        if tags.get(key) in ("no", "private"):
            return None
    if tags.get("area") == "yes":
        return None
    oneway = tags.get("oneway")
    if oneway in ("yes", "true", "1"):
        direction = 1
    elif oneway in ("-1", "reverse"):
        direction = -1
    elif oneway is not None:
        direction = 0
    elif tags.get("junction") in ("roundabout", "circular") or highway in ("motorway", "motorway_link"):
        direction = 1
    else:
        direction = 0
    kmh = DEFAULT_KMH[highway]
    if "maxspeed" in tags:
        parsed = maxspeed_kmh(tags["maxspeed"])
        if parsed is not None:
            kmh = min(max(parsed, 5.0), 130.0)
    return kmh, direction


class Roads(osmium.SimpleHandler):
    def __init__(self):
        super().__init__()
        self.graph = nx.DiGraph()

    def add(self, a, b, metres, seconds):
        old = self.graph.get_edge_data(a, b)
        if old is None or seconds < old["seconds"]:
            self.graph.add_edge(a, b, seconds=seconds, metres=metres)

    def way(self, w):
        rule = way_rule({t.k: t.v for t in w.tags})
        if rule is None:
            return
        kmh, direction = rule
        prev = None
        for n in w.nodes:
            if not n.location.valid():
                prev = None  # clipped at the extract's border
                continue
            here = (n.ref, n.location.lat, n.location.lon)
            if prev is not None and prev[0] != here[0]:
                metres = haversine(prev[1], prev[2], here[1], here[2])
                seconds = metres / (kmh / 3.6)
                if direction >= 0:
                    self.add(prev[0], here[0], metres, seconds)
                if direction <= 0:
                    self.add(here[0], prev[0], metres, seconds)
            prev = here


def main():
    job = json.load(sys.stdin)
    roads = Roads()
    roads.apply_file(job["pbf"], locations=True)
    g = roads.graph
    out = {"seconds": [], "metres": [], "segments": [], "nodes": g.number_of_nodes(),
           "edges": g.number_of_edges()}
    for s in job["sources"]:
        _, paths = nx.single_source_dijkstra(g, s, weight="seconds")
        row_s, row_m, row_k = [], [], []
        for t in job["targets"]:
            path = paths.get(t)
            if path is None:
                row_s.append(None), row_m.append(None), row_k.append(None)
                continue
            edges = list(zip(path, path[1:]))
            row_s.append(sum(g[a][b]["seconds"] for a, b in edges))
            row_m.append(sum(g[a][b]["metres"] for a, b in edges))
            row_k.append(len(edges))
        out["seconds"].append(row_s)
        out["metres"].append(row_m)
        out["segments"].append(row_k)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

// The map: sites, service points and the day's routes, drawn from lat/lon with Leaflet and no
// tile layer (it works offline). The data has no district outlines, so none are drawn.
import { name, t } from "./i18n.js";
import { ctx, hhmm } from "./common.js";

let map = null;
let routes = null;
let fitted = false;

export const colour = (i) => `hsl(${Math.round((i * 137.508) % 360)} 65% 42%)`;
const KIND = { inspection: "#4f7fc7", onSiteCallback: "#3a9e6f", faultRepair: "#c77a1f" };
const at = (p) => [p.lat, p.lon];

export function init(element) {
  map = L.map(element, { attributionControl: false, zoomSnap: 0.25, keyboard: true });
  map.setView([28.68, 115.89], 10);
  L.control.scale({ imperial: false }).addTo(map);
  const base = L.layerGroup().addTo(map);
  for (const s of ctx.sites.values()) {
    L.circleMarker(at(s.location), { radius: 2.5, color: "#7d8793", weight: 1, fillOpacity: 0.5 })
      .bindTooltip(`${s.id} ${name(s.name)}`)
      .addTo(base);
  }
  for (const p of ctx.servicePoints.values()) {
    L.circleMarker(at(p.location), { radius: 6, color: "#1f3b57", weight: 2, fillColor: "#fff", fillOpacity: 1 })
      .bindTooltip(`${p.id} ${name(p.name)}`)
      .addTo(base);
  }
  routes = L.layerGroup().addTo(map);
  const all = [...ctx.sites.values()].map((s) => at(s.location));
  if (all.length) map.fitBounds(all, { padding: [10, 10] });
}

export function resize() {
  map?.invalidateSize();
}

function late(s) {
  return s.flags?.includes("DEADLINE_MISSED") || (s.deadline && new Date(s.arrival) > new Date(s.deadline));
}

export function draw(plan) {
  if (!map) return;
  routes.clearLayers();
  const bounds = [];
  plan.routes.forEach((r, i) => {
    if (!r.stops.length) return;
    const c = colour(i);
    const pts = [at(r.homeLocation), ...r.stops.map((s) => at(s.location)), at(r.homeLocation)];
    bounds.push(...pts);
    const who = `${r.engineer} ${name(ctx.engineers.get(r.engineer)?.name) || r.name}`;
    L.polyline(pts, { color: c, weight: 2.5, opacity: 0.8 }).bindTooltip(who).addTo(routes);
    for (const s of r.stops) {
      const bad = late(s);
      L.circleMarker(at(s.location), {
        radius: 5, color: bad ? "#d62828" : c, weight: bad ? 3 : 2, fillColor: KIND[s.kind] || "#666", fillOpacity: 1,
      })
        .bindTooltip(`${who}<br>${hhmm(s.start)}–${hhmm(s.end)} ${t(s.kind)} ${s.site}<br>${s.task}`)
        .addTo(routes);
    }
  });
  if (!fitted && bounds.length) {
    map.fitBounds(bounds, { padding: [10, 10] });
    fitted = true;
  }
}

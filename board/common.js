// What the pages share: the session's role and clock, master data, small helpers.
import { t } from "./i18n.js";

export const ctx = {
  role: null,
  // The service's clock minus the browser's, in ms (the service may run on --now).
  offsetMs: 0,
  today: null,
  sites: new Map(),
  engineers: new Map(),
  servicePoints: new Map(),
  devices: [],
};

// Now by the service's clock.
export function now() {
  return new Date(Date.now() + ctx.offsetMs);
}

// An instant as RFC 3339 in Asia/Shanghai (+08:00), to the second.
export function shanghai(date) {
  const local = new Date(date.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19);
  return `${local}+08:00`;
}

// HH:MM of an RFC 3339 instant written in +08:00 (as the API writes them).
export function hhmm(iso) {
  if (!iso) return "–";
  return shanghai(new Date(iso)).slice(11, 16);
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

let toastTimer = 0;
export function toast(message, bad = false) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.classList.toggle("bad", bad);
  box.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove("show"), bad ? 7000 : 3500);
}

export function allowed(roles) {
  return !roles || roles.split(" ").includes(ctx.role);
}

// Hides what the role may not do (elements with data-roles="a b").
export function applyRoles(root = document) {
  for (const e of root.querySelectorAll("[data-roles]")) e.hidden = !allowed(e.dataset.roles);
}

export function kindLabel(kind) {
  return t(kind);
}

// A short duration: 1 h 05 min, or −12 min when past.
export function countdown(ms) {
  const sign = ms < 0 ? "−" : "";
  let m = Math.floor(Math.abs(ms) / 60000);
  const h = Math.floor(m / 60);
  m %= 60;
  const s = Math.floor((Math.abs(ms) % 60000) / 1000);
  return h ? `${sign}${h} h ${String(m).padStart(2, "0")} min` : `${sign}${m}:${String(s).padStart(2, "0")}`;
}

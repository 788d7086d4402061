// The board: login, role, pages, live updates.
import { session, get, all, listen, ApiError } from "./api.js";
import { t, apply, setLanguage, language } from "./i18n.js";
import { ctx, applyRoles, allowed, toast } from "./common.js";
import * as day from "./day.js";
import * as faults from "./faults.js";
import * as planner from "./planner.js";
import * as manager from "./manager.js";

const $ = (id) => document.getElementById(id);
let stream = null;
let connected = null;

function show(page) {
  for (const p of document.querySelectorAll(".page")) p.hidden = p.id !== page;
  for (const b of document.querySelectorAll("#tabs button")) {
    if (b.dataset.tab === page) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  }
  if (page === "day") day.shown();
  if (page === "faults") faults.shown();
  if (page === "planner") planner.shown();
  if (page === "manager") manager.shown();
}

async function loadMaster() {
  const [sites, engineers, points] = await Promise.all([
    all("/v1/sites"), all("/v1/engineers"), all("/v1/service-points"),
  ]);
  ctx.sites = new Map(sites.map((s) => [s.id, s]));
  ctx.engineers = new Map(engineers.map((e) => [e.id, e]));
  ctx.servicePoints = new Map(points.map((p) => [p.id, p]));
}

function setLive(on) {
  connected = on;
  const live = $("live");
  live.hidden = false;
  live.textContent = on ? t("live") : t("offline");
  live.classList.toggle("off", !on);
}

function onEvent(name, data) {
  if (name === "planPublished") {
    day.published(data);
    faults.published(data);
  } else if (name !== "lagged") {
    // Fault alerts and whatever else the service announces.
    faults.alert(name, data);
  }
}

async function start() {
  const me = await get("/v1/me");
  ctx.role = me.role;
  ctx.offsetMs = new Date(me.now).getTime() - Date.now();
  ctx.today = me.today;
  await loadMaster();
  $("login").hidden = true;
  $("tabs").hidden = false;
  $("logout").hidden = false;
  $("who").textContent = `${t("role")}: ${ctx.role}`;
  applyRoles();
  for (const b of document.querySelectorAll("#tabs button")) b.hidden = !allowed(b.dataset.roles);
  // The day page is shown before its map and Gantt are made: they measure their boxes.
  show("day");
  day.init();
  if (allowed("dispatcher")) faults.init();
  if (allowed("planner")) planner.init();
  if (allowed("manager")) manager.init();
  stream = new AbortController();
  listen(onEvent, setLive, stream.signal);
}

async function login(ev) {
  ev.preventDefault();
  const token = $("token").value.trim();
  if (!token) return;
  session.set(token);
  $("login-error").textContent = "";
  try {
    await start();
  } catch (e) {
    session.clear();
    $("login-error").textContent = e instanceof ApiError && e.status === 401 ? t("badToken") : String(e.message || e);
  }
}

function logout() {
  session.clear();
  stream?.abort();
  location.reload();
}

function boot() {
  $("lang").value = language();
  apply(document);
  $("lang").addEventListener("change", (e) => {
    setLanguage(e.target.value);
    if (ctx.role) {
      $("who").textContent = `${t("role")}: ${ctx.role}`;
      if (connected !== null) setLive(connected);
      day.relabel();
    }
  });
  $("login-form").addEventListener("submit", login);
  $("logout").addEventListener("click", logout);
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => show(b.dataset.tab));
  if (session.token()) {
    start().catch(() => {
      session.clear();
      toast(t("badToken"), true);
    });
  } else {
    $("token").focus();
  }
}

boot();

// The dispatcher's day: a Gantt row per engineer on duty (vis-timeline), the map, the
// unassigned tasks; moves by drag and drop or by the keyboard form.
import { get, post, ApiError } from "./api.js";
import { t, name } from "./i18n.js";
import { ctx, el, hhmm, toast, allowed, now } from "./common.js";
import * as map from "./map.js";

const $ = (id) => document.getElementById(id);
let timeline = null;
let groups = null;
let items = null;
let plan = null;
let version = 0;
let date = null;
// vis-timeline measures its box when it draws: a plan drawn while the page is hidden is drawn
// with no width (its visits two pixels wide), so it is drawn again when the page is shown.
let drawnHidden = false;

export function init() {
  const input = $("day-date");
  input.value = ctx.today;
  input.min = ctx.today;
  date = ctx.today;
  input.addEventListener("change", () => {
    if (!input.value) return;
    date = input.value;
    version = 0;
    load();
  });
  $("optimise").addEventListener("click", optimise);
  $("move-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    move(String(f.get("taskId")).trim(), String(f.get("engineerId")));
  });
  map.init($("map"));
  makeTimeline();
  load();
  setInterval(markNow, 30000);
}

export function shown() {
  if (drawnHidden && plan) render();
  else timeline?.redraw();
  map.resize();
}

export function relabel() {
  if (plan) render();
}

export const current = () => ({ date, version, plan });

// A newer version of the shown day: fetch it (no reload).
export function published(ev) {
  if (ev.date === date && ev.version > version) load();
}

function makeTimeline() {
  groups = new vis.DataSet();
  items = new vis.DataSet();
  const editable = allowed("dispatcher planner");
  timeline = new vis.Timeline($("gantt"), items, groups, {
    moment: (d) => vis.moment(d).utcOffset(480),
    stack: false,
    orientation: "top",
    maxHeight: 470,
    verticalScroll: true,
    zoomKey: "ctrlKey",
    showCurrentTime: false,
    margin: { item: 1, axis: 2 },
    editable: editable ? { updateGroup: true, updateTime: false, add: false, remove: false, overrideItems: false } : false,
    onMove,
    itemsAlwaysDraggable: { item: true, range: true },
    tooltip: { followMouse: false, overflowMethod: "cap" },
  });
}

function dayWindow() {
  return { start: new Date(`${date}T07:30:00+08:00`), end: new Date(`${date}T19:30:00+08:00`) };
}

async function load() {
  try {
    setPlan(await get(`/v1/plans/${date}`));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      plan = null;
      version = 0;
      $("no-plan").hidden = false;
      $("plan-version").textContent = "–";
      $("plan-version").dataset.version = "";
      groups.clear();
      items.clear();
    } else {
      toast(`${t("error")}: ${e instanceof ApiError ? e.text() : e}`, true);
    }
  }
}

function setPlan(v) {
  if (v.date !== date || v.version < version) return;
  plan = v.plan;
  version = v.version;
  $("no-plan").hidden = true;
  const out = $("plan-version");
  out.textContent = `v${v.version} · ${v.reason}`;
  out.dataset.version = String(v.version);
  render();
}

async function optimise() {
  const button = $("optimise");
  button.disabled = true;
  toast(t("busy"));
  try {
    const r = await post("/v1/plans", { date, timeLimitMs: 2000 });
    if (r.plan) setPlan(r);
  } catch (e) {
    toast(`${t("error")}: ${e instanceof ApiError ? e.text() : e}`, true);
  } finally {
    button.disabled = false;
  }
}

function engineerName(r) {
  return name(ctx.engineers.get(r.engineer)?.name) || r.name;
}

function render() {
  drawnHidden = $("day").hidden;
  const routes = plan.routes;
  groups.clear();
  items.clear();
  groups.add(
    routes.map((r, i) => ({
      id: r.engineer,
      order: i,
      content: el("span", { class: "eng", dataset: { engineerId: r.engineer } }, engineerName(r), " ", el("small", {}, r.engineer),
        r.role === "customerService" ? el("small", { class: "role" }, ` ${t("customerService")}`) : ""),
    })),
  );
  items.add(routes.flatMap(routeItems));
  timeline.setWindow(dayWindow().start, dayWindow().end, { animation: false });
  markNow();
  renderKpis();
  renderUnassigned();
  renderMoveForm();
  map.draw(plan);
}

function late(s) {
  return s.flags?.includes("DEADLINE_MISSED") || (s.deadline && new Date(s.arrival) > new Date(s.deadline));
}

function atRisk(s) {
  return !late(s) && s.deadline && new Date(s.arrival).getTime() > new Date(s.deadline).getTime() - 30 * 60000;
}

const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function stopItem(r, s) {
  const pickup = s.stopKind === "PART_PICKUP";
  const site = ctx.sites.get(s.site);
  const classes = [`kind-${s.kind}`];
  if (pickup) classes.push("pickup");
  if (late(s)) classes.push("late");
  else if (atRisk(s)) classes.push("risk");
  if (s.status !== "planned") classes.push("done");
  const title = [
    `${s.task} · ${t(s.kind)}${pickup ? " (part)" : ""}${(s.companions || []).length ? ` · ${t("team")} ${1 + s.companions.length}` : ""}`,
    `${s.site} ${name(site?.name)}`,
    `${hhmm(s.arrival)} → ${hhmm(s.start)}–${hhmm(s.end)} · ${s.status}`,
    s.deadline ? `${t("deadline")}: ${hhmm(s.deadline)} ${s.deadline.slice(0, 10)}` : "",
    (s.flags || []).join(" "),
  ].filter(Boolean).map(escape).join("<br>");
  const data = pickup ? { pickupTaskId: s.task } : { taskId: s.task, engineerId: r.engineer };
  // A two-person visit is a stop on each person's row: the lead's stop carries the task id,
  // a companion's its member number; only the lead's stop moves (the planner picks companions).
  const companion = (s.member || 0) > 0;
  if (companion) data.member = String(s.member);
  return {
    id: pickup ? `pickup:${s.task}` : companion ? `${s.task}#${s.member}` : s.task,
    group: r.engineer,
    start: new Date(s.start),
    end: new Date(s.end),
    content: el("span", { dataset: data }, site?.name ? s.site.replace("S-", "") : s.site),
    title,
    className: classes.join(" "),
    editable: !pickup && !companion && s.status === "planned" && !s.frozen ? { updateGroup: true, updateTime: false, remove: false } : false,
  };
}

function background(id, group, start, end, className, title) {
  return { id, group, start: new Date(start), end: new Date(end), type: "background", className, title };
}

function routeItems(r) {
  const out = [];
  for (const s of r.stops) {
    out.push(stopItem(r, s));
    if (s.travelSeconds > 0) {
      const arrival = new Date(s.arrival).getTime();
      out.push(background(`travel:${r.engineer}:${s.task}:${s.stopKind || ""}:${s.member || 0}`, r.engineer, arrival - s.travelSeconds * 1000, arrival, "travel"));
    }
    // A pickup stop shares its task (and deadline) with its delivery, a companion's stop with
    // the lead's: one deadline mark.
    if (s.deadline && !s.stopKind && !s.member) {
      const d = new Date(s.deadline).getTime();
      out.push(background(`deadline:${s.task}`, r.engineer, d, d + 120000, "deadline", `${t("deadline")} ${s.task}`));
    }
  }
  if (r.stops.length && r.returnTravelSeconds > 0) {
    const back = new Date(r.returnAt).getTime();
    out.push(background(`travel:${r.engineer}:home`, r.engineer, back - r.returnTravelSeconds * 1000, back, "travel"));
  }
  if (r.lunch) out.push(background(`lunch:${r.engineer}`, r.engineer, r.lunch.start, r.lunch.end, "lunch", t("lunch")));
  if (new Date(r.returnAt) > new Date(r.shiftEnd)) {
    out.push(background(`overtime:${r.engineer}`, r.engineer, r.shiftEnd, r.returnAt, "overtime", t("overtime")));
  }
  return out;
}

function markNow() {
  if (!items || !plan) return;
  const n = now();
  const item = { id: "now", start: n, end: new Date(n.getTime() + 60000), type: "background", className: "now", title: "now" };
  if (date === ctx.today) items.update(item);
}

function renderKpis() {
  const k = plan.kpis || {};
  const overtime = Math.round((k.overtimeSeconds || 0) / 60);
  $("plan-kpis").textContent =
    `${t("engineers")} ${k.engineersOnShift ?? plan.routes.length} · ${k.stops ?? "?"} stops · ${Math.round(k.travelKm || 0)} km · ` +
    `${t("overtime")} ${overtime} min · ${t("unassigned")} ${plan.unassigned.length}`;
}

function renderUnassigned() {
  $("unassigned-count").textContent = String(plan.unassigned.length);
  const body = $("unassigned").tBodies[0];
  body.replaceChildren(
    ...plan.unassigned.map((u) =>
      el("tr", { dataset: { unassignedTaskId: u.task } },
        el("td", {}, u.task), el("td", {}, t(u.kind)),
        el("td", {}, `${u.site} ${name(ctx.sites.get(u.site)?.name)}`),
        el("td", {}, el("code", {}, u.reason)), el("td", {}, u.detail)),
    ),
  );
}

function renderMoveForm() {
  const list = $("task-list");
  const tasks = plan.routes.flatMap((r) => r.stops.filter((s) => !s.stopKind && !s.member).map((s) => [s.task, r.engineer]));
  list.replaceChildren(
    ...tasks.map(([task, e]) => el("option", { value: task }, e)),
    ...plan.unassigned.map((u) => el("option", { value: u.task }, u.reason)),
  );
  const select = $("move-form").elements.engineerId;
  const keep = select.value;
  const movable = plan.routes.filter((r) => r.role !== "customerService");
  select.replaceChildren(...movable.map((r) => el("option", { value: r.engineer }, `${r.engineer} ${engineerName(r)}`)));
  if (keep) select.value = keep;
}

function onMove(item, callback) {
  const before = items.get(item.id);
  // The day is re-planned; the answer redraws the rows. Time moves are not offered.
  callback(null);
  if (before && item.group !== before.group) move(String(item.id), String(item.group));
}

export async function move(taskId, engineerId) {
  toast(t("busy"));
  try {
    const v = await post(`/v1/plans/${date}/moves`, { taskId, engineerId });
    setPlan(v);
    toast(`${t("moved")} v${v.version}`);
    return v;
  } catch (e) {
    toast(`${t("refused")}: ${e instanceof ApiError ? e.text() : e}`, true);
    return null;
  }
}

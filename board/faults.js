// Faults: report one (fields named as in the API), see the recommendations and commit the
// one chosen (a move of the repair to that engineer); the open faults with live SLA clocks
// and buttons to record their events (hidden while the service has no fault list).
import { get, post, ApiError } from "./api.js";
import { t, name } from "./i18n.js";
import { ctx, el, hhmm, toast, now, shanghai, countdown } from "./common.js";
import * as day from "./day.js";

const $ = (id) => document.getElementById(id);
let form = null;
let lastFault = null;
let open = [];
let listAvailable = true;

const EVENTS = {
  responded: [], remoteAttempted: [], remoteFailed: [], solutionGiven: [],
  partRequested: ["partNumber"], onSite: [], resolved: ["confirmedBy"], closed: [], escalated: ["to", "reason"],
};

export function init() {
  form = $("fault-form");
  const sites = $("site-list");
  sites.replaceChildren(...[...ctx.sites.values()].map((s) => el("option", { value: s.id }, name(s.name))));
  form.elements.siteId.addEventListener("change", fillDevices);
  form.addEventListener("submit", report);
  setInterval(tick, 1000);
}

export function shown() {
  form.elements.reportedAt.value = shanghai(now());
  refresh();
}

export function published() {
  /* the day page follows plan versions */
}

export function alert(kind, data) {
  const what = data?.faultId || data?.fault || "";
  toast(`${kind} ${what}`.trim(), /escalat|breach|alert/i.test(kind));
  refresh();
}

async function devicesOf(site) {
  if (!ctx.devices.length) {
    const { all } = await import("./api.js");
    ctx.devices = await all("/v1/devices");
  }
  return ctx.devices.filter((d) => d.site === site);
}

async function fillDevices() {
  const site = form.elements.siteId.value.trim();
  const select = form.elements.deviceId;
  const list = ctx.sites.has(site) ? await devicesOf(site) : [];
  select.replaceChildren(...list.map((d) => el("option", { value: d.id }, `${d.id} ${d.model} (${d.family})`)));
}

async function report(ev) {
  ev.preventDefault();
  $("fault-error").textContent = "";
  const f = form.elements;
  const body = {
    siteId: f.siteId.value.trim(),
    deviceId: f.deviceId.value,
    level: Number(f.level.value),
    reportedAt: f.reportedAt.value.trim() || shanghai(now()),
  };
  if (f.description.value.trim()) body.description = f.description.value.trim();
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const outcome = await post("/v1/faults", body);
    lastFault = outcome;
    showOutcome(outcome);
    await recommend(outcome.faultId);
    refresh();
  } catch (e) {
    $("fault-error").textContent = e instanceof ApiError ? e.text() : String(e);
  } finally {
    button.disabled = false;
  }
}

// HH:MM, with the date when it is not today.
function when(iso) {
  const local = shanghai(new Date(iso));
  return local.slice(0, 10) === ctx.today ? local.slice(11, 16) : `${local.slice(5, 10)} ${local.slice(11, 16)}`;
}

function showOutcome(o) {
  $("fault-outcome").hidden = false;
  const rows = [
    ["faultRecorded", `${o.faultId} · ${t("level")} ${o.level} · ${o.siteId} / ${o.deviceId}`],
    ["engineer", o.engineerId || t("none")],
    ["eta", o.eta ? when(o.eta) : "–"],
    ["deadlines", o.deadlines.map((d) => `${d.milestone} ${when(d.deadline)}`).join(" · ")],
    ["version", o.plan ? `${o.plan.date} v${o.plan.version}` : `${t("notPlanned")}: ${o.notPlanned || ""}`],
  ];
  $("fault-summary").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, t(k)), el("dd", {}, v)]));
}

async function recommend(faultId) {
  const body = $("recommendations").tBodies[0];
  body.replaceChildren();
  const r = await get(`/v1/faults/${faultId}/recommendations`);
  body.replaceChildren(
    ...r.recommendations.map((rec) =>
      el("tr", { dataset: { engineerId: rec.engineer, rank: rec.rank } },
        el("td", {}, rec.rank),
        el("td", {}, `${rec.engineer} ${name(ctx.engineers.get(rec.engineer)?.name)}`),
        el("td", {}, hhmm(rec.eta)), el("td", {}, hhmm(rec.start)),
        el("td", { class: rec.deadlineMet ? "ok" : "bad" }, rec.deadlineMet ? t("yes") : t("no")),
        el("td", {}, rec.cost),
        el("td", {}, rec.displaced.length ? rec.displaced.join(", ") : t("none")),
        el("td", {}, el("button", { type: "button", name: "choose", onclick: (e) => choose(faultId, rec.engineer, e.target) }, t("choose"))),
      ),
    ),
  );
}

// Commits a recommendation: the repair moves to that engineer (unless it is there already).
async function choose(faultId, engineer, button) {
  const { plan } = day.current();
  const status = plan?.faults?.find((f) => f.fault === faultId);
  const task = status?.task || `T-REP-${faultId}`;
  const onRoute = plan?.routes.find((r) => r.stops.some((s) => s.task === task && !s.stopKind));
  button.disabled = true;
  if (onRoute?.engineer !== engineer) {
    const v = await day.move(task, engineer);
    if (!v) {
      button.disabled = false;
      return;
    }
  }
  for (const b of $("recommendations").querySelectorAll("button")) b.textContent = t("choose");
  button.textContent = t("chosen");
  button.disabled = false;
}

async function refresh() {
  if (!listAvailable) return;
  try {
    const r = await get("/v1/faults?status=open");
    open = r.items || [];
    $("open-faults-box").hidden = false;
    renderOpen();
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) {
      listAvailable = false;
      $("open-faults-box").hidden = true;
    }
  }
}

function clockClass(ms, status) {
  if (status && status !== "open" && status !== "pending") return "ok";
  if (ms < 0) return "bad";
  return ms < 2 * 3600000 ? "warn" : "ok";
}

function tick() {
  const n = now().getTime();
  for (const c of document.querySelectorAll(".clock[data-deadline]")) {
    const ms = new Date(c.dataset.deadline).getTime() - n;
    c.textContent = countdown(ms);
    c.className = `clock ${clockClass(ms, c.dataset.status)}`;
  }
}

function renderOpen() {
  const box = $("open-faults");
  if (!open.length) {
    box.replaceChildren(el("p", {}, t("noOpenFaults")));
    return;
  }
  box.replaceChildren(...open.map(faultRow));
  tick();
}

function faultRow(item) {
  const f = item.fault || {};
  const site = typeof item.site === "object" ? item.site : ctx.sites.get(item.site);
  const milestones = (item.milestones || []).map((m) =>
    el("li", {}, `${m.milestone} ${when(m.deadline)} `,
      el("span", { class: "clock", dataset: { deadline: m.deadline, status: m.status || "" } }), ` ${m.status || ""}`));
  return el("div", { class: "fault", dataset: { faultId: f.id } },
    el("strong", {}, `${f.id} · L${f.level} · ${site?.id || ""} ${name(site?.name)} · ${f.device || ""} · ${item.status || ""}`),
    f.description ? el("div", {}, f.description) : null,
    el("ul", {}, milestones),
    eventForm(f.id));
}

function eventForm(id) {
  const kind = el("select", { name: "kind" }, ...Object.keys(EVENTS).map((k) => el("option", { value: k }, k)));
  const extras = el("span", {});
  const fill = () => extras.replaceChildren(...EVENTS[kind.value].map((x) =>
    el("label", {}, `${t({ partNumber: "partNumber", confirmedBy: "confirmedBy", to: "escalateTo", reason: "escalateReason" }[x])} `,
      el("input", { name: x, required: true, size: 10 }))));
  kind.addEventListener("change", fill);
  const f = el("form", { class: "events" }, el("label", {}, `${t("event")} `, kind), extras, el("button", { type: "submit" }, t("record")));
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { kind: kind.value, at: shanghai(now()) };
    for (const x of EVENTS[kind.value]) body[x] = f.elements[x].value.trim();
    try {
      await post(`/v1/faults/${id}/events`, body);
      toast(`${id}: ${kind.value}`);
      refresh();
    } catch (err) {
      toast(err instanceof ApiError ? err.text() : String(err), true);
    }
  });
  return f;
}

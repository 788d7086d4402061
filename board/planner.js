// The planner's page: build a roster (a job), its KPIs, the roster as a calendar per
// engineer (rows) and day (columns), publish it, and each engineer's calendar feed.
import { get, post, api, ApiError } from "./api.js";
import { t, name } from "./i18n.js";
import { ctx, el, toast } from "./common.js";

const $ = (id) => document.getElementById(id);
let roster = null;

export function init() {
  const f = $("roster-form");
  f.elements.from.value = ctx.today;
  f.elements.to.value = addDays(ctx.today, 4);
  f.addEventListener("submit", build);
  $("roster-publish").addEventListener("click", publish);
}

export function shown() {}

function addDays(date, n) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function build(ev) {
  ev.preventDefault();
  const f = ev.target.elements;
  const status = $("roster-status");
  status.textContent = t("building");
  $("roster-publish").hidden = true;
  try {
    let job = await post("/v1/rosters", { from: f.from.value, to: f.to.value, timeLimitMs: 3000 });
    while (job.status === "queued" || job.status === "running") {
      await sleep(700);
      job = await get(`/v1/jobs/${job.id}`);
    }
    if (job.status !== "succeeded") throw new Error(job.error || job.status);
    roster = await get(job.result.location);
    status.textContent = `${roster.id} (${roster.from} – ${roster.to})`;
    render();
  } catch (e) {
    status.textContent = "";
    toast(`${t("error")}: ${e instanceof ApiError ? e.text() : e.message || e}`, true);
  }
}

async function publish() {
  try {
    const p = await post(`/v1/rosters/${roster.id}/publish`, {});
    $("roster-status").textContent = `${roster.id} · ${t("published")} #${p.version}`;
    $("roster-publish").hidden = true;
    toast(`${t("published")} #${p.version}`);
  } catch (e) {
    toast(`${t("error")}: ${e instanceof ApiError ? e.text() : e}`, true);
  }
}

function fmt(v) {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(1);
  if (v && typeof v === "object") return Object.entries(v).map(([k, x]) => `${k} ${fmt(x)}`).join(", ") || "–";
  return String(v);
}

function render() {
  $("roster-publish").hidden = false;
  const kpis = $("roster-kpis");
  kpis.hidden = false;
  kpis.replaceChildren(el("h2", {}, t("kpis")),
    el("dl", { class: "kpi-list" }, ...Object.entries(roster.kpis).flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, fmt(v))])));
  renderCalendar();
}

function renderCalendar() {
  const days = roster.roster.days;
  const dates = [...new Set(days.map((d) => d.date))].sort();
  const engineers = [...new Set(days.map((d) => d.engineer))].sort();
  const cell = new Map(days.map((d) => [`${d.engineer} ${d.date}`, d]));
  const head = el("tr", {}, el("th", {}, t("engineer")), ...dates.map((d) => el("th", { scope: "col" }, d)), el("th", {}, t("calendar")));
  const rows = engineers.map((e) => {
    const label = name(ctx.engineers.get(e)?.name) || e;
    return el("tr", { dataset: { engineerId: e } },
      el("th", { scope: "row" }, `${label} ${e}`),
      ...dates.map((d) => {
        const day = cell.get(`${e} ${d}`);
        const onSite = day ? day.visits.filter((v) => v.onSite) : [];
        return el("td", { class: onSite.length ? "busy" : "", title: onSite.map((v) => `${v.start.slice(11, 16)} ${v.task}`).join("\n") },
          day ? `${onSite.length} ${t("visits")} · ${day.shift}` : "");
      }),
      el("td", {}, feedLink(e)));
  });
  const box = $("roster-calendar");
  box.hidden = false;
  box.replaceChildren(el("table", { class: "calendar" }, el("thead", {}, head), el("tbody", {}, rows)));
}

// The feed needs the bearer token, so a plain link would not open: the button fetches it.
function feedLink(engineer) {
  const url = `/v1/engineers/${engineer}/calendar.ics`;
  return el("span", {}, el("code", {}, url), " ",
    el("button", { type: "button", "aria-label": `${t("download")} ${url}`, onclick: () => download(url, `${engineer}.ics`) }, t("download")));
}

async function download(url, file) {
  try {
    const blob = await api("GET", url);
    const a = el("a", { href: URL.createObjectURL(blob), download: file });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (e) {
    toast(`${t("error")}: ${e instanceof ApiError ? e.text() : e}`, true);
  }
}

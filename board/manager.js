// The manager's page: a staffing sweep (a job): progress, the headcounts finished, the
// smallest headcount meeting the target, and the chart.
import { get, post, api, ApiError } from "./api.js";
import { t } from "./i18n.js";
import { el, toast } from "./common.js";

const $ = (id) => document.getElementById(id);

export function init() {
  $("sweep-form").addEventListener("submit", start);
}

export function shown() {}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (s) => (s && typeof s.mean === "number" ? `${(s.mean * 100).toFixed(1)} %` : "–");

async function start(ev) {
  ev.preventDefault();
  const f = ev.target.elements;
  const staff = String(f.staff.value).split(/[,\s]+/).filter(Boolean).map(Number);
  const body = { staff, reps: Number(f.reps.value), seed: Number(f.seed.value), sim: { days: Number(f.days.value) }, policy: f.policy.value };
  $("sweep-out").hidden = false;
  $("sweep-smallest").textContent = "";
  $("sweep-chart").hidden = true;
  $("sweep-levels").tBodies[0].replaceChildren();
  try {
    let sim = await post("/v1/simulations", body);

    while (sim.status === "queued" || sim.status === "running") {
      $("sweep-progress").value = sim.share || 0;
      levels(sim.partial || []);
      await sleep(800);
      sim = await get(`/v1/simulations/${sim.id}`);
    }
    $("sweep-progress").value = sim.share || 0;
    if (!sim.result) throw new Error(sim.error || sim.status);
    finish(sim);
  } catch (e) {
    toast(`${t("error")}: ${e instanceof ApiError ? e.text() : e.message || e}`, true);
  }
}

function levels(list) {
  $("sweep-levels").tBodies[0].replaceChildren(
    el("tr", {}, el("th", {}, t("headcount")), el("th", {}, "L1 on site"), el("th", {}, "SLA L1"), el("th", {}, "inspections"), el("th", {}, "utilisation"), el("th", {}, "target")),
    ...list.map((l) => el("tr", { dataset: { headcount: l.headcount } },
      el("td", {}, l.headcount), el("td", {}, pct(l.onSite?.[0])), el("td", {}, pct(l.sla?.[0])),
      el("td", {}, pct(l.inspections)), el("td", {}, pct(l.utilisation)), el("td", {}, l.meetsTarget ? t("yes") : t("no")))),
  );
}

async function finish(sim) {
  levels(sim.result.levels);
  const n = sim.result.smallestMeetingTarget;
  const out = $("sweep-smallest");
  out.dataset.smallest = n ?? "";
  out.textContent = n ? `${t("smallest")}: ${n}` : t("noneMeets");
  if (sim.chart) {
    const blob = await api("GET", sim.chart);
    const img = $("sweep-chart");
    img.src = URL.createObjectURL(blob);
    img.alt = t("chart");
    img.hidden = false;
  }
}

//! Managers' reports over a date range, as JSON or as CSV (`?format=csv`, UTF-8 with a BOM
//! so Excel opens it):
//! - `GET /v1/reports/sla`: per fault level and milestone, the deadlines falling in the
//!   range and how many were met, late, missed (and still pending or not needed), judged by
//!   the SLA table at the clock's now; `shareMet` is met over met + late + missed.
//! - `GET /v1/reports/remote-promise`: per site on `?date=` (default today), whether the
//!   promise "on site within 30 minutes after phone and remote support failed" can
//!   physically be kept: the nearest service point with an engineer on duty (shift or on
//!   call) and its drive time, farthest first ([`crate::plan::reach`]).
//! - `GET /v1/reports/inspections`: per district, the inspection slots due in the range on
//!   the schedule the service keeps ([`inspection_compliance`]): on time, late, missed, open.
//! - `GET /v1/reports/engineers`: per engineer, from each day's latest published plan and
//!   the engineers' own reports: visits planned and done, arrivals on time (reported by the
//!   planned arrival plus [`ON_TIME_TOLERANCE_MIN`]), planned km and overtime.

use super::AppState;
use super::error::ApiResult;
use super::fault_handling::MilestoneState;
use super::query::QueryFields;
use crate::domain::cadence::{SlotOutcome, inspection_compliance};
use crate::domain::sla::Milestone;
use crate::export::csv::table_csv;
use crate::plan::{Plan, ProgressEvent};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, TimeDelta};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// Longest range of a report, in days.
const MAX_REPORT_DAYS: i64 = 366;
/// Longest range of the engineers' report (one plan read per day).
const MAX_ENGINEER_DAYS: i64 = 92;
/// An arrival reported up to this many minutes after the planned one is on time.
pub const ON_TIME_TOLERANCE_MIN: i64 = 15;

/// A report: its rows as JSON objects and as a CSV table with the same columns.
struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<Value>>,
}

impl Table {
    fn answer(self, csv: bool, from: NaiveDate, to: NaiveDate, name: &str) -> Response {
        if csv {
            let rows: Vec<Vec<String>> = self
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            Value::Null => String::new(),
                            v => v.to_string(),
                        })
                        .collect()
                })
                .collect();
            let disposition = format!("attachment; filename=\"{name}-{from}-{to}.csv\"");
            return (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                table_csv(&self.header, &rows),
            )
                .into_response();
        }
        let rows: Vec<Value> = self
            .rows
            .into_iter()
            .map(|r| {
                let obj: serde_json::Map<String, Value> =
                    self.header.iter().map(|h| h.to_string()).zip(r).collect();
                Value::Object(obj)
            })
            .collect();
        axum::Json(json!({"from": from, "to": to, "rows": rows})).into_response()
    }
}

/// Reads `from`, `to` (default: the 28 days up to today) and `format` (json or csv).
fn read_range(
    q: &HashMap<String, String>,
    today: NaiveDate,
    max_days: i64,
) -> ApiResult<(NaiveDate, NaiveDate, bool)> {
    let mut f = QueryFields::new(q);
    let (from, to) = f.date_range((today - TimeDelta::days(27), today), max_days);
    let format = f.raw("format").cloned();
    if let Some(x) = format.as_deref().filter(|x| *x != "json" && *x != "csv") {
        f.issue("format", "invalid", format!("'{x}' is not json or csv"));
    }
    f.finish()?;
    Ok((from, to, format.as_deref() == Some("csv")))
}

fn share(part: usize, whole: usize) -> Value {
    if whole == 0 {
        Value::Null
    } else {
        json!((part as f64 / whole as f64 * 1000.0).round() / 1000.0)
    }
}

/// SLA: per level and milestone.
#[utoipa::path(get, path = "/v1/reports/sla", tag = "reports", security(("bearer" = [])),
    params(("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date),
        ("format" = Option<String>, Query, pattern = "^(json|csv)$", description = "json (default) or csv")),
    responses((status = 200, description = "{from, to, rows: [{level, milestone, due, met, late, missed, pending, notNeeded, shareMet}]} or CSV"),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn sla(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let now = state.now();
    let (from, to, csv) = read_range(&q, now.date(), MAX_REPORT_DAYS)?;
    let world = state.world();
    let mut counts: BTreeMap<(u8, usize), [usize; 5]> = BTreeMap::new();
    for record in world.scenario().faults() {
        let level = record.fault().level.number();
        for m in world.scenario().milestones(world.config(), record, now) {
            let day = m.deadline.date();
            if day < from || day > to {
                continue;
            }
            let k = Milestone::ALL
                .iter()
                .position(|x| *x == m.milestone)
                .unwrap_or(0);
            let slot = match MilestoneState::of(&m.outcome) {
                MilestoneState::Met => 0,
                MilestoneState::Late => 1,
                MilestoneState::Missed => 2,
                MilestoneState::Pending => 3,
                MilestoneState::NotNeeded => 4,
            };
            counts.entry((level, k)).or_default()[slot] += 1;
        }
    }
    let rows = counts
        .into_iter()
        .map(|((level, k), c)| {
            let due: usize = c.iter().sum();
            vec![
                json!(level),
                serde_json::to_value(Milestone::ALL[k]).unwrap_or(Value::Null),
                json!(due),
                json!(c[0]),
                json!(c[1]),
                json!(c[2]),
                json!(c[3]),
                json!(c[4]),
                share(c[0], c[0] + c[1] + c[2]),
            ]
        })
        .collect();
    let header = vec![
        "level",
        "milestone",
        "due",
        "met",
        "late",
        "missed",
        "pending",
        "notNeeded",
        "shareMet",
    ];
    Ok(Table { header, rows }.answer(csv, from, to, "sla"))
}

/// The remote-failure promise: per site, whether an engineer on duty is within reach.
#[utoipa::path(get, path = "/v1/reports/remote-promise", tag = "reports", security(("bearer" = [])),
    params(("date" = Option<String>, Query, format = Date),
        ("format" = Option<String>, Query, description = "json (default) or csv")),
    responses((status = 200, description = "{from, to, limitMinutes, sites, outOfReach, rows: [{siteId, district, areaType, nearestServicePoint, driveMinutes, keepable}]} or CSV"),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn remote_promise(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let mut f = QueryFields::new(&q);
    let date = q
        .get("date")
        .and_then(|d| d.parse().ok())
        .unwrap_or(state.now().date());
    let format = f.raw("format").cloned();
    if let Some(x) = format.as_deref().filter(|x| *x != "json" && *x != "csv") {
        f.issue("format", "invalid", format!("'{x}' is not json or csv"));
    }
    if let Some(d) = q.get("date").filter(|d| d.parse::<NaiveDate>().is_err()) {
        f.issue("date", "invalid", format!("'{d}' is not a date YYYY-MM-DD"));
    }
    f.finish()?;
    let world = state.world();
    let Some(limit) = world.config().sla.remote_failure.on_site else {
        return Ok(
            axum::Json(json!({"from": date, "to": date, "limitMinutes": null,
            "sites": 0, "outOfReach": 0, "rows": []}))
            .into_response(),
        );
    };
    let reach = crate::plan::reach::remote_promise_reach(world.context(), date, limit.get() * 60);
    let scenario = world.scenario();
    let out_of_reach = reach.iter().filter(|r| !r.keepable).count();
    let rows: Vec<Vec<Value>> = reach
        .iter()
        .map(|r| {
            let site = scenario.site(&r.site);
            vec![
                json!(r.site),
                json!(site.map(|s| s.district.to_string())),
                json!(site.map(|s| s.area_type)),
                json!(r.nearest.as_ref().map(|n| n.0.to_string())),
                json!(
                    r.nearest
                        .as_ref()
                        .map(|n| (f64::from(n.1) / 6.0).round() / 10.0)
                ),
                json!(r.keepable),
            ]
        })
        .collect();
    let header = vec![
        "siteId",
        "district",
        "areaType",
        "nearestServicePoint",
        "driveMinutes",
        "keepable",
    ];
    if format.as_deref() == Some("csv") {
        return Ok(Table { header, rows }.answer(true, date, date, "remote-promise"));
    }
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|r| Value::Object(header.iter().map(|h| h.to_string()).zip(r).collect()))
        .collect();
    Ok(axum::Json(json!({
        "from": date, "to": date, "limitMinutes": limit.get(),
        "sites": reach.len(), "outOfReach": out_of_reach, "rows": rows,
    }))
    .into_response())
}

/// Inspections: per district.
#[utoipa::path(get, path = "/v1/reports/inspections", tag = "reports", security(("bearer" = [])),
    params(("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date),
        ("format" = Option<String>, Query, pattern = "^(json|csv)$", description = "json (default) or csv")),
    responses((status = 200, description = "{from, to, rows: [{district, districtName, due, onTime, late, missed, open, shareOnTime}]} or CSV"),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn inspections(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let today = state.now().date();
    let (from, to, csv) = read_range(&q, today, MAX_REPORT_DAYS)?;
    let world = state.world();
    let scenario = world.scenario();
    let mut by: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for d in scenario.districts() {
        by.insert(d.code.to_string(), [0; 4]);
    }
    for dev in scenario.devices() {
        let district = scenario.site_of(dev).district.to_string();
        let done = scenario.history().inspections(dev.id());
        // A device not yet accepted has no inspection due.
        let Some(accepted) = dev.accepted() else {
            continue;
        };
        let slots = inspection_compliance(&world.config().cadence, accepted, done, today);
        for s in slots
            .iter()
            .filter(|s| s.slot.due >= from && s.slot.due <= to)
        {
            let k = match s.outcome {
                SlotOutcome::OnTime { .. } => 0,
                SlotOutcome::Late { .. } => 1,
                SlotOutcome::Missed => 2,
                SlotOutcome::Overdue | SlotOutcome::Open => 3,
            };
            by.entry(district.clone()).or_default()[k] += 1;
        }
    }
    let names: BTreeMap<String, String> = scenario
        .districts()
        .iter()
        .map(|d| (d.code.to_string(), d.name.zh().to_string()))
        .collect();
    let rows = by
        .into_iter()
        .map(|(code, c)| {
            vec![
                json!(names.get(&code).cloned().unwrap_or_default()),
                json!(code),
                json!(c.iter().sum::<usize>()),
                json!(c[0]),
                json!(c[1]),
                json!(c[2]),
                json!(c[3]),
                share(c[0], c[0] + c[1] + c[2]),
            ]
        })
        .collect();
    let header = vec![
        "districtName",
        "district",
        "due",
        "onTime",
        "late",
        "missed",
        "open",
        "shareOnTime",
    ];
    Ok(Table { header, rows }.answer(csv, from, to, "inspections"))
}

/// One engineer's figures over the range.
#[derive(Default)]
struct EngineerFigures {
    planned: usize,
    done: usize,
    arrivals: usize,
    on_time: usize,
    km: f64,
    overtime_s: u64,
}

/// Engineers: visits, on-time arrivals, km and overtime.
#[utoipa::path(get, path = "/v1/reports/engineers", tag = "reports", security(("bearer" = [])),
    params(("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date, description = "at most 92 days after from"),
        ("format" = Option<String>, Query, pattern = "^(json|csv)$", description = "json (default) or csv")),
    responses((status = 200, description = "{from, to, rows: [{engineer, name, visitsPlanned, visitsDone, arrivals, onTime, shareOnTime, km, overtimeMinutes}]} or CSV"),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn engineers(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let (from, to, csv) = read_range(&q, state.now().date(), MAX_ENGINEER_DAYS)?;
    let world = state.world();
    let mut figures: BTreeMap<String, EngineerFigures> = world
        .scenario()
        .engineers()
        .iter()
        .map(|e| (e.id.to_string(), EngineerFigures::default()))
        .collect();
    let mut day = from;
    while day <= to {
        let plan = state.current_plan(day).await?;
        let progress = state.progress_of(day).await?;
        add_day(&mut figures, plan.as_ref(), &progress);
        day += TimeDelta::days(1);
    }
    let names: BTreeMap<String, String> = world
        .scenario()
        .engineers()
        .iter()
        .map(|e| (e.id.to_string(), e.name.zh().to_string()))
        .collect();
    let rows = figures
        .into_iter()
        .map(|(id, f)| {
            vec![
                json!(id.clone()),
                json!(names.get(&id).cloned().unwrap_or_default()),
                json!(f.planned),
                json!(f.done),
                json!(f.arrivals),
                json!(f.on_time),
                share(f.on_time, f.arrivals),
                json!((f.km * 10.0).round() / 10.0),
                json!(f.overtime_s / 60),
            ]
        })
        .collect();
    let header = vec![
        "engineer",
        "name",
        "visitsPlanned",
        "visitsDone",
        "arrivals",
        "onTime",
        "shareOnTime",
        "km",
        "overtimeMinutes",
    ];
    Ok(Table { header, rows }.answer(csv, from, to, "engineers"))
}

/// Adds one day: the plan's visits, km and overtime; the reports' visits done and arrivals
/// (on time against the plan's arrival at that stop).
fn add_day(
    figures: &mut BTreeMap<String, EngineerFigures>,
    plan: Option<&Plan>,
    progress: &[ProgressEvent],
) {
    if let Some(plan) = plan {
        for r in &plan.routes {
            let f = figures.entry(r.engineer.to_string()).or_default();
            f.planned += r.stops.iter().filter(|s| !s.is_pickup()).count();
            f.km += r.kpis.travel_km;
            f.overtime_s += r.kpis.overtime_seconds;
        }
    }
    for e in progress {
        let f = figures.entry(e.engineer().to_string()).or_default();
        match e {
            ProgressEvent::Done { .. } => f.done += 1,
            ProgressEvent::Arrived { task, at, .. } => {
                f.arrivals += 1;
                let planned = plan
                    .and_then(|p| p.find_stop(task))
                    .filter(|(r, _)| &r.engineer == e.engineer())
                    .map(|(_, s)| s.arrival);
                let tolerance = TimeDelta::minutes(ON_TIME_TOLERANCE_MIN);
                if planned.is_some_and(|p| *at <= p.plus(tolerance)) {
                    f.on_time += 1;
                }
            }
            _ => {}
        }
    }
}

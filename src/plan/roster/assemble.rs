//! The answer back in domain terms: engineer-days with timed visits, the tasks left out,
//! per-engineer work and the KPIs.

use super::build::RosterModel;
use super::output::*;
use super::{RosterRequest, RosterRun, RoutedDay, on_site_tasks};
use crate::domain::reason::ReasonCode;
use crate::domain::task::{Task, TaskDetail, TaskKind};
use crate::plan::clock::minutes;
use crate::solve::roster::assign::Assigner;
use crate::solve::roster::config::RosterConfig;
use crate::solve::roster::routing::usable_minutes;
use crate::solve::routing::{Problem, Solution, Time};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::BTreeMap;

fn clock(date: NaiveDate, t: Time) -> NaiveDateTime {
    let s = t.0.clamp(0, 86_399) as u32;
    date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(s, 0).expect("in range"))
}

fn visit(
    built: &RosterModel,
    t: usize,
    task: &Task,
    date: NaiveDate,
    start: Time,
    end: Time,
) -> Visit {
    let site = built.site(t);
    let at = &built.problem.tasks[t];
    let (due, window) = match &task.detail {
        TaskDetail::Inspection { due, .. }
        | TaskDetail::PhoneCallback { due }
        | TaskDetail::OnSiteCallback { due } => (due.slot.due, due.slot.window),
        _ => unreachable!("the model plans cadence tasks only"),
    };
    let device = match &task.detail {
        TaskDetail::Inspection { device, .. } => Some(device.clone()),
        _ => None,
    };
    let day = (date - built.horizon.first()).num_days() as i32;
    Visit {
        task: task.id.clone(),
        kind: task.kind(),
        on_site: at.on_site,
        site: site.id.clone(),
        site_name: site.name.clone(),
        address: site.address.clone(),
        location: site.location,
        device_model: device
            .as_ref()
            .and_then(|d| built.devices.get(d))
            .map(|d| d.model().to_string()),
        device,
        family: task.required_skill(),
        start: clock(date, start),
        end: clock(date, end),
        due,
        window,
        late_days: at.late_days(day),
    }
}

/// The published roster from the model's answer: engineer-days with timed visits, the tasks
/// left out, per-engineer work and the KPIs.
pub fn assemble(
    built: &RosterModel,
    cfg: &RosterConfig,
    a: &Assigner,
    left: &[(usize, ReasonCode)],
    routes: &[Option<(Problem, Solution)>],
    req: &RosterRequest,
) -> RosterRun {
    let p = &built.problem;
    let mut tally = DayTally {
        summaries: built
            .data
            .engineers
            .iter()
            .map(|e| EngineerSummary {
                engineer: e.id.clone(),
                days_worked: 0,
                days_available: 0,
                visits: 0,
                work_minutes: 0,
                travel_minutes: 0,
                travel_metres: 0,
            })
            .collect(),
        kpis: Kpis::default(),
        min_free_share: f64::INFINITY,
        routed: Vec::new(),
    };
    let mut days: Vec<EngineerDay> = (0..p.bins.len())
        .filter_map(|b| engineer_day(built, cfg, a, routes, b, &mut tally))
        .collect();
    days.sort_by(|x, y| (&x.engineer, x.date).cmp(&(&y.engineer, y.date)));
    let (desk, desk_left) = super::desk::roster_desk(
        &built.desk,
        built.data.sites,
        req.horizon,
        &crate::plan::settings::PlanSettings::default(),
    );
    let mut left_out = left_out(built, left);
    left_out.extend(desk_left);
    left_out.sort_by(|x, y| x.task.cmp(&y.task));
    let DayTally {
        summaries,
        mut kpis,
        min_free_share,
        routed,
    } = tally;
    task_kpis(built, a, &left_out, &mut kpis);
    let desk_calls: usize = desk.iter().map(|d| d.calls.len()).sum();
    kpis.tasks += built.desk.len();
    kpis.placed += desk_calls;
    kpis.placed_in_window += desk_calls;
    kpis.in_window_pct = pct(kpis.placed_in_window, kpis.tasks);
    engineer_kpis(&summaries, &mut kpis);
    kpis.engineer_days_used = days.len();
    kpis.min_free_share = if min_free_share.is_finite() {
        min_free_share
    } else {
        1.0
    };
    let by_engineer: BTreeMap<_, _> = summaries
        .into_iter()
        .map(|s| (s.engineer.clone(), s))
        .collect();
    RosterRun {
        roster: Roster {
            version: req.version,
            published_at: None,
            horizon: req.horizon,
            seed: req.seed,
            days,
            desk,
            left_out,
            engineers: by_engineer.into_values().collect(),
            kpis,
            timings: Timings::default(),
            model: ModelStats::default(),
        },
        routed,
    }
}

/// What the engineer-days add up to while they are assembled.
struct DayTally {
    summaries: Vec<EngineerSummary>,
    kpis: Kpis,
    /// The smallest free share of a used engineer-day's shift so far.
    min_free_share: f64,
    routed: Vec<RoutedDay>,
}

/// Engineer-day `b` with its visits (desk work first, from the start of the shift, then the
/// route), counted into `tally`; `None` if the day has no task (its time still counts as
/// free).
fn engineer_day(
    built: &RosterModel,
    cfg: &RosterConfig,
    a: &Assigner,
    routes: &[Option<(Problem, Solution)>],
    b: usize,
    tally: &mut DayTally,
) -> Option<EngineerDay> {
    let p = &built.problem;
    let bin = &p.bins[b];
    let e = bin.engineer;
    let engineer = &built.data.engineers[e];
    let date = built.date(bin.day);
    let (shift, share) = built.shifts[b];
    let shift_len = shift.length_minutes();
    let lunch = if cfg.lunch.fits(shift) {
        cfg.lunch.duration.get()
    } else {
        0
    };
    let reserve = shift_len - usable_minutes(shift, share);
    tally.summaries[e].days_available += 1;
    tally.kpis.engineer_days_available += 1;
    if a.bins[b].tasks.is_empty() {
        tally.kpis.free_minutes += u64::from(shift_len - lunch);
        tally.kpis.reserve_minutes += u64::from(reserve);
        return None;
    }
    // Desk work first, from the start of the shift.
    let mut visits = Vec::new();
    let mut at = minutes(shift.start().minutes());
    let mut desk: Vec<usize> = a.bins[b]
        .tasks
        .iter()
        .copied()
        .filter(|&t| !p.tasks[t].on_site)
        .collect();
    desk.sort_unstable();
    for &t in &desk {
        let end = at + minutes(p.tasks[t].work);
        visits.push(visit(built, t, built.tasks[t], date, at, end));
        at = end;
    }
    let (mut depart, mut back, mut metres, mut travel_s) = (at, at, 0, 0);
    if let Some((problem, solution)) = &routes[b] {
        let on_site = on_site_tasks(p, a, b);
        if let Some(route) = solution.routes.first() {
            let s = &route.schedule;
            depart = s.departure;
            back = s.arrival;
            metres = s.distance.0;
            travel_s = s.travel_time.0;
            for (&j, times) in route.jobs.iter().zip(&s.visits) {
                let t = on_site[j];
                visits.push(visit(
                    built,
                    t,
                    built.tasks[t],
                    date,
                    times.start,
                    times.end,
                ));
            }
        }
        tally.routed.push(RoutedDay {
            engineer: engineer.id.clone(),
            date,
            problem: problem.clone(),
            solution: solution.clone(),
        });
    }
    let work: u32 = visits
        .iter()
        .map(|v| (v.end - v.start).num_minutes() as u32)
        .sum();
    // Committed: desk work, service and driving (waiting stays free for faults).
    let service_s: i64 = visits.iter().map(|v| (v.end - v.start).num_seconds()).sum();
    let committed = service_s + travel_s;
    let free = (i64::from(shift_len - lunch) * 60 - committed).max(0) / 60;
    tally.min_free_share = tally.min_free_share.min(free as f64 / f64::from(shift_len));
    tally.kpis.free_minutes += free as u64;
    tally.kpis.reserve_minutes += u64::from(reserve);
    let travel_minutes = (travel_s / 60) as u32;
    let sum = &mut tally.summaries[e];
    sum.days_worked += 1;
    sum.visits += visits.len() as u32;
    sum.work_minutes += work;
    sum.travel_minutes += travel_minutes;
    sum.travel_metres += metres as u64;
    Some(EngineerDay {
        engineer: engineer.id.clone(),
        engineer_name: engineer.name.clone(),
        date,
        home: engineer.home.clone(),
        shift,
        depart: clock(date, depart).time(),
        back: clock(date, back).time(),
        visits,
        work_minutes: work,
        travel_minutes,
        travel_metres: metres as u32,
        free_minutes: free as u32,
        reserve_minutes: reserve,
    })
}

/// The tasks left out: those the model could not place, and those it does not support.
fn left_out(built: &RosterModel, left: &[(usize, ReasonCode)]) -> Vec<LeftOut> {
    let p = &built.problem;
    let mut left_out: Vec<LeftOut> = left
        .iter()
        .map(|&(t, reason)| {
            let task = built.tasks[t];
            let at = &p.tasks[t];
            LeftOut {
                task: task.id.clone(),
                kind: task.kind(),
                site: task.site.clone(),
                window: Some(DateRangeOf::of(task)),
                reason,
                deferrable: at.deferrable(p.days),
            }
        })
        .collect();
    left_out.extend(built.unsupported.iter().map(|task| LeftOut {
        task: task.id.clone(),
        kind: task.kind(),
        site: task.site.clone(),
        window: None,
        reason: ReasonCode::UnsupportedKind,
        deferrable: false,
    }));
    left_out.sort_by(|x, y| x.task.cmp(&y.task));
    left_out
}

/// Placement, window and left-out counts over the tasks.
fn task_kpis(built: &RosterModel, a: &Assigner, left_out: &[LeftOut], kpis: &mut Kpis) {
    let p = &built.problem;
    kpis.tasks = built.tasks.len() + built.unsupported.len();
    for (t, bin) in a.bin_of.iter().enumerate() {
        let is_inspection = built.tasks[t].kind() == TaskKind::Inspection;
        let doable = built.doable_on_time(t);
        if is_inspection {
            kpis.inspections += 1;
            kpis.inspections_doable_on_time += usize::from(doable);
        }
        let Some(b) = bin else { continue };
        kpis.placed += 1;
        let day = p.bins[*b].day;
        if p.tasks[t].in_window(day) {
            kpis.placed_in_window += 1;
            if is_inspection && doable {
                kpis.inspections_doable_placed_in_window += 1;
            }
        } else {
            kpis.late += 1;
            kpis.late_days_total += u64::from(p.tasks[t].late_days(day));
        }
    }
    kpis.left_out = left_out.len();
    kpis.left_out_deferrable = left_out.iter().filter(|l| l.deferrable).count();
    for l in left_out {
        *kpis.left_out_by_reason.entry(l.reason).or_insert(0) += 1;
    }
    kpis.in_window_pct = pct(kpis.placed_in_window, kpis.tasks);
    kpis.inspections_doable_in_window_pct = pct(
        kpis.inspections_doable_placed_in_window,
        kpis.inspections_doable_on_time,
    );
}

/// Travel and the spread of work over the engineers.
fn engineer_kpis(summaries: &[EngineerSummary], kpis: &mut Kpis) {
    kpis.travel_km = summaries
        .iter()
        .map(|s| s.travel_metres as f64)
        .sum::<f64>()
        / 1000.0;
    kpis.travel_hours = summaries
        .iter()
        .map(|s| f64::from(s.travel_minutes))
        .sum::<f64>()
        / 60.0;
    let work: Vec<f64> = summaries
        .iter()
        .filter(|s| s.days_available > 0)
        .map(|s| f64::from(s.work_minutes + s.travel_minutes) / 60.0)
        .collect();
    kpis.work_hours_per_engineer = Spread::of(&work);
}

fn pct(n: usize, of: usize) -> f64 {
    if of == 0 {
        100.0
    } else {
        100.0 * n as f64 / of as f64
    }
}

/// The on-time window of a cadence task.
struct DateRangeOf;

impl DateRangeOf {
    fn of(task: &Task) -> crate::domain::dates::DateRange {
        match &task.detail {
            TaskDetail::Inspection { due, .. }
            | TaskDetail::PhoneCallback { due }
            | TaskDetail::OnSiteCallback { due } => due.slot.window,
            _ => unreachable!("the model plans cadence tasks only"),
        }
    }
}

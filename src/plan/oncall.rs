//! Call-outs in the day plan and the re-plan (the rules: [`crate::domain::oncall`]).
//!
//! A fault repair **needs a call-out** when its level may call an engineer out, it has an
//! on-site deadline (that day, or in the night after it: a level-1 fault reported at 23:00
//! is due at 03:00, and the on-call engineer leaves at 23:30), it needs no spare part picked
//! up first, it is not pinned, and no engineer on shift can be on site by its deadline: in the day plan, no
//! skilled crew reaches the site by the deadline even leaving home at her shift start with
//! nothing else to do (a lower bound, so the shifts are not asked for what they cannot do);
//! in the re-plan, the repair inserted into the shifts misses its deadline or is not placed.
//!
//! Then every on-call engineer of that date trained on the device makes an [`Offer`]: she
//! leaves home the configured response time after the call (not before her earlier
//! call-outs of the day are over), either before her shift of the day starts or after her
//! shift route is back, drives to the site, repairs and drives home. The best offer (on
//! time first, then the earliest arrival, then the cost, then the engineer id) is taken when
//! it arrives earlier than anyone on shift could. The call-out is a route of its own
//! ([`EngineerRoute::call_out`]); a night call-out before her shift delays that shift
//! ([`rest_until`]), also when it left the evening before and came back after midnight: the
//! next day's plan carries it ([`carried`], [`Plan::carried_call_outs`]).

use super::assemble::stop_flags;
use super::context::PlanningContext;
use super::model::{
    CallOut, CallOutTrip, EngineerKpis, EngineerRoute, Plan, Stop, StopKind, StopStatus, TaskRef,
};
use crate::domain::engineer::{Availability, Engineer};
use crate::domain::ids::EngineerId;
use crate::domain::instant::Instant;
use crate::domain::oncall::on_call;
use crate::domain::task::TaskKind;
use crate::solve::routing::Time;
use chrono::{NaiveDate, TimeDelta};

/// One on-call engineer's way to serve a fault outside her shift.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    pub engineer: EngineerId,
    pub called_at: Instant,
    pub departure: Instant,
    pub arrival: Instant,
    pub end: Instant,
    pub back: Instant,
    pub night: bool,
    /// The configured call-out cost plus the driving, in cost units.
    pub cost: i64,
    pub meets_deadline: bool,
    there: (u32, u32),
    home_back: (u32, u32),
}

/// May this task call an engineer out at all (level, a deadline, no part, no pin)? A
/// deadline after the plan date is no bar: the call-out itself leaves on the plan date.
pub fn eligible(ctx: &PlanningContext, task: &TaskRef) -> bool {
    task.kind == TaskKind::FaultRepair
        && task.fault.as_ref().is_some_and(|f| {
            let cfg = &ctx.config().on_call;
            cfg.call_from(f.level, f.reported_at, f.remote_failed)
                .is_some()
        })
        && task.deadline.is_some()
        && task.part_pickup.is_none()
        && task.pinned.is_none()
}

fn secs(t: Instant, s: u32) -> Instant {
    t.plus(TimeDelta::seconds(i64::from(s)))
}

/// When `engineer`'s shift starting at `shift_start` may start after the call-outs `trips`:
/// the latest return from a call-out that left before her shift started (plus the rest after
/// a night call-out). `None`: no call-out delays it.
pub fn rest_until(
    ctx: &PlanningContext,
    trips: &[CallOutTrip],
    engineer: &EngineerId,
    shift_start: Instant,
) -> Option<Instant> {
    trips
        .iter()
        .filter(|t| &t.engineer == engineer && t.departure < shift_start)
        .map(|t| {
            ctx.config()
                .on_call
                .shift_not_before(t.departure, t.return_at)
        })
        .max()
}

/// The call-outs of `previous` (the plan of the day before `date`) whose rest reaches past
/// `date`'s midnight: the next day's plan carries them.
pub fn carried(ctx: &PlanningContext, previous: &Plan, date: NaiveDate) -> Vec<CallOutTrip> {
    let Ok(midnight) = Instant::start_of(date) else {
        return Vec::new();
    };
    let cfg = &ctx.config().on_call;
    previous
        .call_out_trips()
        .into_iter()
        .filter(|t| cfg.shift_not_before(t.departure, t.return_at) > midnight)
        .collect()
}

/// The window of `date` in which `e` may leave for a call-out at or after `earliest`, given
/// her routes of the day: the earliest departure, or `None` when she cannot go.
fn departure(
    ctx: &PlanningContext,
    e: &Engineer,
    date: NaiveDate,
    routes: &[EngineerRoute],
    carried: &[CallOutTrip],
    earliest: Instant,
) -> Option<Instant> {
    let mine = || routes.iter().filter(|r| r.engineer == e.id);
    // Not before her earlier call-outs (of the day, or carried from the evening before)
    // are over.
    let mut dep = mine()
        .filter_map(EngineerRoute::call_out_trip)
        .chain(carried.iter().filter(|t| t.engineer == e.id).cloned())
        .map(|t| t.return_at)
        .fold(earliest, Instant::max);
    let day_end = Instant::start_of(crate::domain::dates::add_days(date, 1)).ok()?;
    if dep >= day_end {
        return None;
    }
    if let Availability::Shift(w) = e.availability(date, &ctx.config().calendar) {
        let (start, end) = w.on(date);
        // Before her shift, or once it is over (and her shift route back).
        if dep >= start {
            let back = mine()
                .filter(|r| !r.is_call_out())
                .map(|r| r.return_at)
                .fold(end, Instant::max);
            dep = dep.max(back);
            if dep >= day_end {
                return None;
            }
        }
    }
    Some(dep)
}

/// Every on-call engineer's offer for `task` on `date`, called at `called_at`, best first.
/// `routes`: the plan's routes so far (earlier call-outs, shift routes); `carried`: the
/// call-outs carried from the day before.
pub fn offers(
    ctx: &PlanningContext,
    task: &TaskRef,
    date: NaiveDate,
    called_at: Instant,
    routes: &[EngineerRoute],
    carried: &[CallOutTrip],
) -> Vec<Offer> {
    let cfg = &ctx.config().on_call;
    let settings = ctx.settings();
    let Some(site) = ctx.site_point(&task.site) else {
        return Vec::new();
    };
    let mut out: Vec<Offer> = ctx
        .scenario()
        .engineers()
        .iter()
        .filter(|e| on_call(e, date))
        .filter(|e| task.family.is_none_or(|f| e.skills.has(f)))
        .filter_map(|e| {
            let home = ctx.service_point_point(&e.home)?;
            let dep = departure(ctx, e, date, routes, carried, called_at + cfg.response)?;
            let there = ctx.travel(home, site);
            let home_back = ctx.travel(site, home);
            let arrival = secs(dep, there.1);
            let end = arrival + crate::domain::duration::Minutes::new(task.duration_minutes);
            let back = secs(end, home_back.1);
            let driving = settings.cost_per_metre * i64::from(there.0 + home_back.0)
                + settings.cost_per_travel_second * i64::from(there.1 + home_back.1);
            Some(Offer {
                engineer: e.id.clone(),
                called_at,
                departure: dep,
                arrival,
                end,
                back,
                night: cfg.is_night(dep, back),
                cost: cfg.call_out_cost + driving,
                meets_deadline: task.deadline.is_none_or(|d| arrival <= d),
                there,
                home_back,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (!a.meets_deadline, a.arrival, a.cost, &a.engineer).cmp(&(
            !b.meets_deadline,
            b.arrival,
            b.cost,
            &b.engineer,
        ))
    });
    out
}

/// The call-out route of an offer.
pub fn route(ctx: &PlanningContext, offer: &Offer, task: &TaskRef) -> EngineerRoute {
    let e = ctx
        .scenario()
        .engineer(&offer.engineer)
        .expect("offers come from scenario engineers");
    let home = ctx
        .service_point_point(&e.home)
        .expect("checked scenario: homes exist");
    let site = ctx
        .site_point(&task.site)
        .expect("offered: the site exists");
    let stop = Stop {
        flags: stop_flags(task, offer.arrival),
        task: task.clone(),
        stop_kind: StopKind::Visit,
        member: 0,
        location: ctx.coords(site),
        arrival: offer.arrival,
        start: offer.arrival,
        end: offer.end,
        travel_seconds: offer.there.1,
        travel_metres: offer.there.0,
        frozen: false,
        status: StopStatus::Planned,
    };
    EngineerRoute {
        engineer: e.id.clone(),
        name: e.name.en().to_owned(),
        role: e.role,
        home: e.home.clone(),
        home_location: ctx.coords(home),
        shift_start: offer.departure,
        shift_end: offer.back,
        max_overtime_minutes: 0,
        departure: offer.departure,
        return_at: offer.back,
        return_travel_seconds: offer.home_back.1,
        return_travel_metres: offer.home_back.0,
        lunch: None,
        stops: vec![stop],
        kpis: EngineerKpis::default(),
        restart: None,
        call_out: Some(CallOut {
            called_at: offer.called_at,
            night: offer.night,
            cost: offer.cost,
        }),
    }
}

/// The day plan's call-outs: takes out of `visits` each fault repair that needs one (see the
/// module doc; by deadline, then task id) and returns their routes. Called at the report (at
/// midnight for a fault reported the day before), and not before `calls_from`; nobody leaves
/// before her call-outs `carried` from the evening before are over.
pub fn plan_call_outs(
    ctx: &PlanningContext,
    clock: &super::clock::DayClock,
    crews: &[super::build::Crew],
    visits: &mut Vec<TaskRef>,
    calls_from: Option<Instant>,
    carried: &[CallOutTrip],
) -> Vec<EngineerRoute> {
    let date = clock.date();
    let midnight = Instant::start_of(date).expect("Shanghai midnights exist");
    let mut order: Vec<usize> = (0..visits.len())
        .filter(|&i| eligible(ctx, &visits[i]))
        .collect();
    order.sort_by_key(|&i| (visits[i].deadline, visits[i].task.clone()));
    let mut routes = Vec::new();
    let mut taken = Vec::new();
    for i in order {
        let task = &visits[i];
        let deadline = task.deadline.expect("eligible: a deadline");
        let Some(site) = ctx.site_point(&task.site) else {
            continue;
        };
        // The earliest anyone on shift could be there, with nothing else to do, and still
        // repair it by her latest return.
        let repair = super::clock::minutes(task.duration_minutes);
        let shift_best = crews
            .iter()
            .filter(|c| task.family.is_none_or(|f| c.families.contains(&f)))
            .filter_map(|c| {
                let drive = ctx.travel(c.start_point, site).1;
                let arrival = c.shift.start + Time(i64::from(drive));
                (arrival + repair <= c.latest()).then(|| clock.instant(arrival))
            })
            .min();
        if shift_best.is_some_and(|t| t <= deadline) {
            continue;
        }
        let reported = task.fault.as_ref().map_or(midnight, |f| {
            let cfg = &ctx.config().on_call;
            cfg.call_from(f.level, f.reported_at, f.remote_failed)
                .unwrap_or(f.reported_at)
        });
        let called_at = reported.max(midnight).max(calls_from.unwrap_or(midnight));
        let best = offers(ctx, task, date, called_at, &routes, carried)
            .into_iter()
            .next();
        if let Some(o) = best.filter(|o| shift_best.is_none_or(|t| o.arrival < t)) {
            routes.push(route(ctx, &o, task));
            taken.push(i);
        }
    }
    taken.sort_unstable();
    for i in taken.into_iter().rev() {
        visits.remove(i);
    }
    routes
}

/// Delays each crew's start by the rest its engineer's call-outs `trips` call for.
pub fn apply_rest(
    ctx: &PlanningContext,
    clock: &super::clock::DayClock,
    crews: &mut [super::build::Crew],
    trips: &[CallOutTrip],
) {
    for c in crews {
        let start = clock.instant(c.day_shift.start);
        if let Some(until) = rest_until(ctx, trips, &c.engineer, start) {
            c.start_not_before(clock.seconds(until));
        }
    }
}

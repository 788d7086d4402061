//! The baseline policy: a greedy dispatcher, the yardstick for the real planner.
//!
//! - Roster: each engineer's own weekly shifts (holidays and adjusted working days from the
//!   calendar, leave and days off); on call, one engineer per district each week in turn.
//! - Day plan: open faults first (by level, then report), then cadence tasks by the day their
//!   window closes; each goes where it adds the least driving (cheapest insertion, Solomon
//!   1987) among skilled engineers on shift whose day still ends `slack` before the shift
//!   end; faults go where an engineer arrives first.
//! - A fault at its arrival: urgent levels (those with call-outs) go to the skilled engineer
//!   who can be there first, right after her current visit (on-call engineers from home after
//!   the call-out delay); other levels go by cheapest insertion into today's shifts, or wait
//!   for the next day plan.

use super::policy::{EngineerState, Policy, RosterDay, RouteChanges, SimTask, View};
use super::world::{DAY, Loc, SimMinute, StaffedWorld};
use crate::domain::engineer::Availability;

/// Settings of the greedy dispatcher.
#[derive(Clone, Debug)]
pub struct Baseline {
    /// Minutes of each shift the day plan leaves free for faults.
    pub slack: SimMinute,
}

impl Default for Baseline {
    fn default() -> Self {
        Self { slack: 30 }
    }
}

/// End time and driving minutes of a route started at `loc` at `t`, back home; `None` if a
/// cadence task finds no open window of its day.
fn eval_route(
    world: &StaffedWorld,
    tasks: &[SimTask],
    e: usize,
    loc: Loc,
    t: SimMinute,
    route: &[usize],
) -> Option<(SimMinute, SimMinute)> {
    let base = &world.base;
    let (mut loc, mut t, mut drive) = (loc, t, 0);
    for &k in route {
        let task = &tasks[k];
        let d = base.travel(loc, task.place);
        drive += d;
        t += d;
        if task.needs_open_site() {
            t = base.window_start(task.site, t.div_euclid(DAY), t, task.service)?;
        }
        t += task.service;
        loc = task.place;
    }
    let d = base.travel(loc, world.home[e]);
    Some((t + d, drive + d))
}

/// The earliest an engineer can leave for new work today, if she works or is on call.
fn earliest_departure(
    view: &View,
    e: usize,
    urgent: bool,
    call_out_delay: SimMinute,
) -> Option<(SimMinute, bool)> {
    let st: &EngineerState = &view.engineers[e];
    let r = view.roster[e];
    let now = view.now;
    let on_shift = |t: SimMinute| r.shift.is_some_and(|(s, end)| s <= t && t < end);
    let mut best: Option<(SimMinute, bool)> = None;
    if let Some((s, end)) = r.shift {
        let t0 = now.max(st.free_at).max(s);
        if t0 < end {
            best = Some((t0, true));
        }
    }
    if urgent && r.on_call {
        let idle_home = st.free_at <= now && st.at == view.world.home[e];
        let t0 = if idle_home && !on_shift(now) {
            now + call_out_delay
        } else {
            now.max(st.free_at)
        };
        if best.is_none_or(|(b, _)| t0 < b) {
            best = Some((t0, false));
        }
    }
    best
}

impl Baseline {
    /// Cheapest feasible insertion of `k` into engineer `e`'s route starting at `(loc, t0)`
    /// and ending by `limit`: `(added driving, position)`.
    #[allow(clippy::too_many_arguments)]
    fn cheapest(
        &self,
        world: &StaffedWorld,
        tasks: &[SimTask],
        e: usize,
        loc: Loc,
        t0: SimMinute,
        route: &[usize],
        k: usize,
        limit: SimMinute,
        old_drive: SimMinute,
    ) -> Option<(SimMinute, usize)> {
        let mut best: Option<(SimMinute, usize)> = None;
        let mut trial = Vec::with_capacity(route.len() + 1);
        for pos in 0..=route.len() {
            trial.clear();
            trial.extend_from_slice(&route[..pos]);
            trial.push(k);
            trial.extend_from_slice(&route[pos..]);
            if let Some((end, drive)) = eval_route(world, tasks, e, loc, t0, &trial) {
                if end <= limit && best.is_none_or(|(c, _)| drive - old_drive < c) {
                    best = Some((drive - old_drive, pos));
                }
            }
        }
        best
    }
}

fn skilled(task: &SimTask, world: &StaffedWorld, e: usize) -> bool {
    task.skill.is_none_or(|f| world.engineers[e].skills.has(f))
}

impl Policy for Baseline {
    fn name(&self) -> &str {
        "baseline"
    }

    fn roster(&mut self, world: &StaffedWorld, first: i64, days: u32) -> Vec<Vec<RosterDay>> {
        let base = &world.base;
        let n_districts = base.scenario.service_points().len();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_districts];
        for (e, &d) in world.district.iter().enumerate() {
            members[d].push(e);
        }
        (first..first + i64::from(days))
            .map(|day| {
                let date = base.date(day);
                let week = day.div_euclid(7);
                let mut out: Vec<RosterDay> = world
                    .engineers
                    .iter()
                    .map(|eng| match eng.availability(date, &base.cfg.calendar) {
                        Availability::Shift(w) => RosterDay {
                            shift: Some((
                                day * DAY + i64::from(w.start().minutes()),
                                day * DAY + i64::from(w.end().minutes()),
                            )),
                            on_call: false,
                        },
                        Availability::OnCall => RosterDay {
                            shift: None,
                            on_call: true,
                        },
                        Availability::Off => RosterDay::default(),
                    })
                    .collect();
                for m in &members {
                    if m.is_empty() {
                        continue;
                    }
                    let e = m[week.rem_euclid(m.len() as i64) as usize];
                    if !world.engineers[e].is_absent(date) {
                        out[e].on_call = true;
                    }
                }
                out
            })
            .collect()
    }

    fn plan_day(&mut self, view: &View) -> RouteChanges {
        let world = view.world;
        let tasks = view.tasks;
        let n = view.engineers.len();
        let mut routes: Vec<Vec<usize>> = view.engineers.iter().map(|s| s.route.clone()).collect();
        let starts: Vec<Option<(Loc, SimMinute, SimMinute)>> = (0..n)
            .map(|e| {
                let st = &view.engineers[e];
                view.roster[e]
                    .shift
                    .map(|(s, end)| (st.at, s.max(st.free_at).max(view.now), end - self.slack))
            })
            .collect();
        let mut drive: Vec<SimMinute> = (0..n)
            .map(|e| match starts[e] {
                Some((loc, t0, _)) => {
                    eval_route(world, tasks, e, loc, t0, &routes[e]).map_or(0, |(_, d)| d)
                }
                None => 0,
            })
            .collect();
        let mut order: Vec<usize> = view.open.to_vec();
        order.sort_by_key(|&k| {
            let t = &tasks[k];
            match &t.fault {
                Some(f) => (0, f.level.number() as i64, f.reported, k),
                None => (1, t.closes_day, 0, k),
            }
        });
        let mut changed = vec![false; n];
        for k in order {
            let task = &tasks[k];
            let mut best: Option<((SimMinute, SimMinute), usize, usize)> = None;
            for e in 0..n {
                let Some((loc, t0, limit)) = starts[e] else {
                    continue;
                };
                if !skilled(task, world, e) {
                    continue;
                }
                if task.fault.is_some() {
                    // Faults: as early as possible, right after the faults already planned.
                    let pos = routes[e]
                        .iter()
                        .take_while(|&&j| tasks[j].fault.is_some())
                        .count();
                    let mut trial = routes[e].clone();
                    trial.insert(pos, k);
                    let Some((end, d)) = eval_route(world, tasks, e, loc, t0, &trial) else {
                        continue;
                    };
                    if end > limit + self.slack + view.engineers[e].overtime_left {
                        continue;
                    }
                    let arrival = eval_route(world, tasks, e, loc, t0, &trial[..=pos])
                        .map_or(SimMinute::MAX, |(end, _)| end);
                    let score = (arrival, d - drive[e]);
                    if best.is_none_or(|(b, _, _)| score < b) {
                        best = Some((score, e, pos));
                    }
                } else if let Some((cost, pos)) =
                    self.cheapest(world, tasks, e, loc, t0, &routes[e], k, limit, drive[e])
                {
                    if best.is_none_or(|(b, _, _)| (cost, 0) < b) {
                        best = Some(((cost, 0), e, pos));
                    }
                }
            }
            if let Some((_, e, pos)) = best {
                routes[e].insert(pos, k);
                changed[e] = true;
                let (loc, t0, _) = starts[e].expect("only engineers on shift are chosen");
                drive[e] = eval_route(world, tasks, e, loc, t0, &routes[e]).map_or(0, |(_, d)| d);
            }
        }
        (0..n)
            .filter(|&e| changed[e])
            .map(|e| (e, std::mem::take(&mut routes[e])))
            .collect()
    }

    fn insert_fault(&mut self, view: &View, k: usize) -> RouteChanges {
        let world = view.world;
        let tasks = view.tasks;
        let task = &tasks[k];
        let Some(fault) = task.fault else {
            return Vec::new();
        };
        let on_call = &world.base.cfg.on_call;
        let urgent = on_call.calls_out(fault.level, fault.remote_failed);
        let delay = i64::from(on_call.response.get());
        let mut best: Option<((SimMinute, SimMinute), usize, usize)> = None;
        for e in 0..view.engineers.len() {
            if !skilled(task, world, e) {
                continue;
            }
            let Some((t0, on_shift)) = earliest_departure(view, e, urgent, delay) else {
                continue;
            };
            let st = &view.engineers[e];
            let loc = if st.free_at <= view.now && !on_shift {
                world.home[e]
            } else {
                st.at
            };
            if urgent {
                let arrival = t0 + world.base.travel(loc, task.place);
                let score = (arrival, st.route.len() as SimMinute);
                if best.is_none_or(|(b, _, _)| score < b) {
                    best = Some((score, e, 0));
                }
            } else if let Some((_, end)) = view.roster[e].shift {
                let old = eval_route(world, tasks, e, loc, t0, &st.route).map_or(0, |(_, d)| d);
                let limit = end + st.overtime_left;
                if let Some((cost, pos)) =
                    self.cheapest(world, tasks, e, loc, t0, &st.route, k, limit, old)
                {
                    if best.is_none_or(|(b, _, _)| (cost, 0) < b) {
                        best = Some(((cost, 0), e, pos));
                    }
                }
            }
        }
        match best {
            Some((_, e, pos)) => {
                let mut route = view.engineers[e].route.clone();
                route.insert(pos, k);
                vec![(e, route)]
            }
            None => Vec::new(),
        }
    }
}

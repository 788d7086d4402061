//! The discrete-event simulation of one replication.
//!
//! Events, in time order (ties in the order they were scheduled): the start of each day
//! (roster every 7 days, release of the cadence tasks whose window opens, the policy's day
//! plan), fault arrivals (the service centre answers; a remote fix or a repair task that the
//! policy inserts at once), and engineers becoming free. An engineer free at `t` takes the
//! first task of her route if the roster allows it (shift, or on call for urgent faults
//! after the call-out delay) and, for cadence tasks, the planned visit fits an open window
//! of the site and her shift plus the overtime left this week; otherwise the task goes back
//! among the open ones. She then drives (planned minutes times lognormal noise), waits for
//! the site to open, works (planned minutes times noise) and is free again; with nothing left
//! she drives home. Doing an inspection satisfies every inspection of the device whose window
//! has opened (the cadence engine's rule).
//!
//! The SLA's dispatch milestone (派工) is the first assignment of the fault to an engineer;
//! a solution is given on arrival on site (as the day planner reads the SLA); resolution is
//! the end of the repair visit (or of the remote fix). A remote
//! fix needs no engineer.
//!
//! Everything random comes from the replication's seed: arrivals, service noise per task,
//! travel noise per engineer. One replication runs on one thread.

use super::arrivals::Arrival;
use super::metrics::{EngineerOutcome, FaultTimeline, RepOutcome};
use super::policy::{
    EngineerState, Policy, Progress, ProgressStage, RepairFault, RosterDay, SimTask, View,
};
use super::rng::{Rng, lognormal_minutes, stream};
use super::world::{DAY, SimMinute, StaffedWorld};
use crate::domain::fault::{Fault, FaultEvent, FaultEventKind};
use crate::domain::ids::FaultId;
use crate::domain::sla::Visit;
use crate::domain::task::TaskKind;
use chrono::{Datelike, Weekday};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Day(i64),
    Fault(usize),
    /// A progress report of (engineer, task) that happens at its time: arrived or started.
    Report(usize, usize, bool),
    Free(usize, u64),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum State {
    Unreleased,
    Open,
    Assigned(usize),
    InProgress,
    Done,
}

#[derive(Copy, Clone, Debug)]
enum Activity {
    Visit { task: usize, ok: bool },
    Home,
}

#[derive(Debug)]
struct Eng {
    busy: Option<Activity>,
    epoch: u64,
    call_out_ready: Option<SimMinute>,
    travel_rng: Rng,
    shift_minutes: SimMinute,
    busy_in_shift: SimMinute,
    overtime: SimMinute,
    metres: u64,
    tasks_done: u32,
    call_outs: u32,
}

#[derive(Clone, Debug)]
struct FaultLog {
    task: Option<usize>,
    responded: SimMinute,
    /// Remote support failed (a remote-first level's visit became needed).
    remote_failed: Option<SimMinute>,
    /// First assigned to an engineer (the SLA's dispatch: 派工).
    assigned: Option<SimMinute>,
    /// First set off towards the site.
    dispatched: Option<SimMinute>,
    arrived: Option<SimMinute>,
    resolved: Option<SimMinute>,
}

struct Sim<'a> {
    world: &'a StaffedWorld,
    seed: u64,
    arrivals: &'a [Arrival],
    end: SimMinute,
    tasks: Vec<SimTask>,
    state: Vec<State>,
    open: BTreeSet<usize>,
    roster: Vec<Vec<RosterDay>>,
    states: Vec<EngineerState>,
    engs: Vec<Eng>,
    faults: Vec<FaultLog>,
    /// Day each cadence task was done (itself or satisfied by a sibling).
    cadence_done: Vec<Option<i64>>,
    /// Days on which a visit actually happened, per cadence subject.
    inspections_done: Vec<Vec<i64>>,
    callbacks_done: Vec<Vec<i64>>,
    /// Cadence task indices per device (inspections) and per site (on-site callbacks).
    by_device: Vec<Vec<usize>>,
    by_site: Vec<Vec<usize>>,
    heap: BinaryHeap<Reverse<(SimMinute, u64, Ev)>>,
    seq: u64,
    call_out_delay: SimMinute,
}

impl<'a> Sim<'a> {
    /// The simulation before its first event: every cadence task unreleased, every
    /// engineer at home and free, one log per arrival, no event queued.
    fn new(world: &'a StaffedWorld, seed: u64, arrivals: &'a [Arrival]) -> Self {
        let base = &world.base;
        let tasks: Vec<SimTask> = base
            .cadence
            .iter()
            .enumerate()
            .map(|(i, c)| SimTask {
                id: c.id.clone(),
                kind: c.kind,
                site: c.site,
                place: base.site_place[c.site],
                skill: c.skill,
                service: c.service,
                opens_day: c.opens_day,
                closes_day: c.closes_day,
                fault: None,
                cadence: Some(i),
            })
            .collect();
        let mut by_device = vec![Vec::new(); base.devices.len()];
        let mut by_site = vec![Vec::new(); base.site_place.len()];
        for (i, c) in base.cadence.iter().enumerate() {
            match c.device {
                Some(d) => by_device[d].push(i),
                None => by_site[c.site].push(i),
            }
        }
        let n = world.engineers.len();
        Sim {
            world,
            seed,
            arrivals,
            end: i64::from(base.days) * DAY,
            state: vec![State::Unreleased; tasks.len()],
            cadence_done: vec![None; tasks.len()],
            tasks,
            open: BTreeSet::new(),
            roster: Vec::new(),
            states: (0..n)
                .map(|e| EngineerState {
                    at: world.home[e],
                    free_at: 0,
                    route: Vec::new(),
                    overtime_left: 0,
                })
                .collect(),
            engs: (0..n)
                .map(|e| Eng {
                    busy: None,
                    epoch: 0,
                    call_out_ready: None,
                    travel_rng: stream(seed, "travel", e as u64),
                    shift_minutes: 0,
                    busy_in_shift: 0,
                    overtime: 0,
                    metres: 0,
                    tasks_done: 0,
                    call_outs: 0,
                })
                .collect(),
            // One log per arrival, by arrival index (a remote-first fault's visit is needed
            // later than its report, so faults do not come in arrival order).
            faults: arrivals
                .iter()
                .map(|a| FaultLog {
                    task: None,
                    responded: a.at + a.respond_after,
                    remote_failed: None,
                    assigned: None,
                    dispatched: None,
                    arrived: None,
                    resolved: None,
                })
                .collect(),
            inspections_done: vec![Vec::new(); base.devices.len()],
            callbacks_done: vec![Vec::new(); base.site_place.len()],
            by_device,
            by_site,
            heap: BinaryHeap::new(),
            seq: 0,
            call_out_delay: i64::from(base.cfg.on_call.response.get()),
        }
    }
}

/// Runs one replication; `None` if `cancel` was set. `on_day` is called after each
/// simulated day.
pub fn run_replication(
    world: &StaffedWorld,
    policy: &mut dyn Policy,
    seed: u64,
    arrivals: &[Arrival],
    on_day: &mut dyn FnMut(),
    cancel: &AtomicBool,
) -> Option<RepOutcome> {
    let base = &world.base;
    let mut sim = Sim::new(world, seed, arrivals);
    for d in 0..i64::from(base.days) {
        sim.push(d * DAY, Ev::Day(d));
    }
    // A fault of a remote-first level (`sla::Visit::IfNeeded`) not solved remotely needs a
    // visit once the remote attempt has failed: its repair task appears then.
    for (i, a) in arrivals.iter().enumerate() {
        let at = if !a.remote && base.cfg.sla.level(a.level).visit == Visit::IfNeeded {
            a.at + a.remote_after
        } else {
            a.at
        };
        if at < sim.end {
            sim.push(at, Ev::Fault(i));
        }
    }
    while let Some(Reverse((t, _, ev))) = sim.heap.pop() {
        if t >= sim.end {
            break;
        }
        match ev {
            Ev::Day(d) => {
                if d > 0 {
                    on_day();
                }
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                sim.day_start(d, policy);
            }
            Ev::Fault(i) => sim.fault_arrives(i, t, policy),
            Ev::Report(e, k, started) => policy.progress(&Progress {
                engineer: e,
                task: k,
                kind: if started {
                    ProgressStage::Started
                } else {
                    ProgressStage::Arrived
                },
                at: t,
            }),
            Ev::Free(e, epoch) => {
                if sim.engs[e].epoch == epoch {
                    sim.engineer_free(e, t, policy);
                }
            }
        }
    }
    on_day();
    Some(sim.finish())
}

impl Sim<'_> {
    fn push(&mut self, t: SimMinute, ev: Ev) {
        self.seq += 1;
        self.heap.push(Reverse((t, self.seq, ev)));
    }

    fn roster_of(&self, day: i64, e: usize) -> RosterDay {
        usize::try_from(day)
            .ok()
            .and_then(|d| self.roster.get(d))
            .map_or(RosterDay::default(), |r| r[e])
    }

    fn view_and<R>(&self, now: SimMinute, f: impl FnOnce(&View) -> R) -> R {
        let open: Vec<usize> = self.open.iter().copied().collect();
        let day = now.div_euclid(DAY);
        let today: Vec<RosterDay> = (0..self.states.len())
            .map(|e| self.roster_of(day, e))
            .collect();
        let done: Vec<bool> = self.state.iter().map(|s| *s == State::Done).collect();
        let view = View {
            world: self.world,
            now,
            day,
            tasks: &self.tasks,
            open: &open,
            engineers: &self.states,
            roster: &today,
            done: &done,
        };
        f(&view)
    }

    fn day_start(&mut self, d: i64, policy: &mut dyn Policy) {
        let base = &self.world.base;
        if d as usize >= self.roster.len() {
            let days = (i64::from(base.days) - d).min(7) as u32;
            let mut r = policy.roster(self.world, d, days);
            r.resize(days as usize, vec![RosterDay::default(); self.states.len()]);
            self.roster.extend(r);
        }
        let date = base.date(d);
        for e in 0..self.states.len() {
            if d == 0 || date.weekday() == Weekday::Mon {
                self.states[e].overtime_left =
                    i64::from(self.world.engineers[e].overtime_per_week.get());
            }
            if let Some((s, end)) = self.roster_of(d, e).shift {
                self.engs[e].shift_minutes += end - s;
            }
        }
        for k in 0..self.tasks.len() {
            if self.state[k] == State::Unreleased && self.tasks[k].opens_day <= d {
                self.state[k] = State::Open;
                self.open.insert(k);
            }
        }
        let now = d * DAY;
        let changes = self.view_and(now, |v| policy.plan_day(v));
        self.apply(changes, now);
    }

    fn fault_arrives(&mut self, i: usize, t: SimMinute, policy: &mut dyn Policy) {
        let a = &self.arrivals[i];
        let base = &self.world.base;
        let mut log = FaultLog {
            task: None,
            responded: a.at + a.respond_after,
            remote_failed: (t > a.at).then_some(t),
            assigned: None,
            dispatched: None,
            arrived: None,
            resolved: None,
        };
        if a.remote {
            log.resolved = Some(t + a.remote_after);
            self.faults[i] = log;
            return;
        }
        let dev = &base.devices[a.device];
        let fault = self.domain_fault(i);
        let ctx = base.sla_context(a.device, a.at.div_euclid(DAY));
        let events: Vec<FaultEvent> = log
            .remote_failed
            .map(|f| FaultEvent::new(FaultEventKind::RemoteFailed, base.instant(f)))
            .into_iter()
            .collect();
        // The latest arrival meeting the SLA, as the day planner reads it.
        let deadline = crate::plan::on_site_deadline(
            &base.cfg,
            &fault,
            ctx,
            &events,
            *base.cfg.durations.fault_repair.get(dev.family),
            base.instant(t),
        )
        .map(|d| d.minutes_since(base.epoch));
        let k = self.tasks.len();
        self.tasks.push(SimTask {
            id: crate::domain::task::Task::repair_id(&fault.id),
            kind: TaskKind::FaultRepair,
            site: dev.site,
            place: base.site_place[dev.site],
            skill: Some(dev.family),
            service: i64::from(base.cfg.durations.fault_repair.get(dev.family).get()),
            opens_day: t.div_euclid(DAY),
            closes_day: i64::MAX,
            fault: Some(RepairFault {
                index: i,
                level: a.level,
                device: a.device,
                reported: a.at,
                deadline,
                remote_failed: log.remote_failed.is_some(),
            }),
            cadence: None,
        });
        self.state.push(State::Open);
        self.open.insert(k);
        log.task = Some(k);
        self.faults[i] = log;
        let changes = self.view_and(t, |v| policy.insert_fault(v, k));
        self.apply(changes, t);
    }

    fn domain_fault(&self, i: usize) -> Fault {
        let a = &self.arrivals[i];
        let base = &self.world.base;
        Fault {
            id: FaultId::numbered(i + 1, 5),
            device: base.scenario.devices()[a.device].id().clone(),
            level: a.level,
            reported: base.instant(a.at),
            description: String::new(),
        }
    }

    /// Replaces routes; tasks taken out go back to open, tasks put in must be open.
    fn apply(&mut self, changes: Vec<(usize, Vec<usize>)>, now: SimMinute) {
        for (e, _) in &changes {
            for k in std::mem::take(&mut self.states[*e].route) {
                if self.state[k] == State::Assigned(*e) {
                    self.state[k] = State::Open;
                    self.open.insert(k);
                }
            }
        }
        for (e, route) in changes {
            let mut kept = Vec::with_capacity(route.len());
            for k in route {
                if k < self.state.len() && self.state[k] == State::Open {
                    self.state[k] = State::Assigned(e);
                    if let Some(f) = self.tasks[k].fault {
                        self.faults[f.index].assigned.get_or_insert(now);
                    }
                    self.open.remove(&k);
                    kept.push(k);
                }
            }
            self.states[e].route = kept;
            self.wake(e, now);
        }
    }

    fn wake(&mut self, e: usize, now: SimMinute) {
        if self.engs[e].busy.is_some() {
            return;
        }
        let t = now.max(self.states[e].free_at);
        self.schedule(e, t);
    }

    fn schedule(&mut self, e: usize, t: SimMinute) {
        self.engs[e].epoch += 1;
        let epoch = self.engs[e].epoch;
        self.push(t, Ev::Free(e, epoch));
    }

    fn drop_first(&mut self, e: usize) {
        let k = self.states[e].route.remove(0);
        if self.state[k] == State::Assigned(e) {
            self.state[k] = State::Open;
            self.open.insert(k);
        }
    }

    fn engineer_free(&mut self, e: usize, t: SimMinute, policy: &mut dyn Policy) {
        if let Some(Activity::Visit { task, ok }) = self.engs[e].busy.take() {
            self.complete(e, task, ok, t);
            if ok {
                policy.progress(&Progress {
                    engineer: e,
                    task,
                    kind: ProgressStage::Done,
                    at: t,
                });
            }
        }
        let base = &self.world.base;
        let home = self.world.home[e];
        loop {
            let Some(&k) = self.states[e].route.first() else {
                if self.states[e].at != home {
                    self.go_home(e, t);
                }
                return;
            };
            if self.state[k] != State::Assigned(e) {
                self.states[e].route.remove(0);
                continue;
            }
            let day = t.div_euclid(DAY);
            let r = self.roster_of(day, e);
            let at = self.states[e].at;
            let ot_left = self.states[e].overtime_left;
            let task = &self.tasks[k];
            let on_shift = r.shift.is_some_and(|(s, end)| s <= t && t < end);
            let before_shift = r.shift.is_some_and(|(s, _)| t < s);
            if let Some(f) = task.fault {
                let urgent = base.cfg.on_call.calls_out(f.level, f.remote_failed);
                if on_shift {
                    // Go.
                } else if urgent && r.on_call {
                    if at == home && self.engs[e].call_out_ready.is_none() {
                        let ready = t + self.call_out_delay;
                        self.engs[e].call_out_ready = Some(ready);
                        self.engs[e].call_outs += 1;
                        self.schedule(e, ready);
                        return;
                    }
                    if let Some(ready) = self.engs[e].call_out_ready.filter(|&c| t < c) {
                        self.schedule(e, ready);
                        return;
                    }
                } else if before_shift {
                    let (s, _) = r.shift.expect("before a shift");
                    self.schedule(e, s);
                    return;
                } else if !(at != home && r.shift.is_some_and(|(_, end)| t < end + ot_left)) {
                    self.drop_first(e);
                    continue;
                }
            } else {
                let Some((s, end)) = r.shift else {
                    self.drop_first(e);
                    continue;
                };
                if t < s {
                    self.schedule(e, s);
                    return;
                }
                let arrive = t + base.travel(at, task.place);
                let fits = base
                    .window_start(task.site, arrive.div_euclid(DAY), arrive, task.service)
                    .is_some_and(|start| {
                        start + task.service + base.travel(task.place, home) <= end + ot_left
                    });
                if !fits {
                    self.drop_first(e);
                    continue;
                }
            }
            self.states[e].route.remove(0);
            policy.progress(&Progress {
                engineer: e,
                task: k,
                kind: ProgressStage::Departed,
                at: t,
            });
            self.depart(e, k, t);
            return;
        }
    }

    fn depart(&mut self, e: usize, k: usize, t: SimMinute) {
        let base = &self.world.base;
        let sigma = &base.sim.noise;
        let at = self.states[e].at;
        let task = self.tasks[k].clone();
        let planned = base.travel(at, task.place);
        let drive = lognormal_minutes(&mut self.engs[e].travel_rng, planned, sigma.travel_sigma);
        let arrive = t + drive;
        self.engs[e].metres += base.metres(at, task.place);
        self.engs[e].call_out_ready = None;
        let key = match (task.fault, task.cadence) {
            (Some(f), _) => (f.index as u64) << 1 | 1,
            (None, Some(c)) => (c as u64) << 1,
            (None, None) => k as u64,
        };
        let mut svc_rng = stream(self.seed, "service", key);
        let service = lognormal_minutes(&mut svc_rng, task.service, sigma.service_sigma);
        let (start, finish, ok) = match task.fault {
            Some(f) => {
                let log = &mut self.faults[f.index];
                log.dispatched.get_or_insert(t);
                log.arrived = Some(arrive);
                log.resolved = Some(arrive + service);
                (arrive, arrive + service, true)
            }
            None => {
                match base.window_start(task.site, arrive.div_euclid(DAY), arrive, task.service) {
                    Some(start) => (start, start + service, true),
                    None => (arrive, arrive, false),
                }
            }
        };
        self.push(arrive, Ev::Report(e, k, false));
        if ok {
            self.push(start, Ev::Report(e, k, true));
        }
        self.state[k] = State::InProgress;
        self.account(e, t, finish);
        self.states[e].at = task.place;
        self.states[e].free_at = finish;
        self.engs[e].busy = Some(Activity::Visit { task: k, ok });
        let epoch = self.engs[e].epoch;
        self.push(finish, Ev::Free(e, epoch));
    }

    fn go_home(&mut self, e: usize, t: SimMinute) {
        let base = &self.world.base;
        let (at, home) = (self.states[e].at, self.world.home[e]);
        let planned = base.travel(at, home);
        let drive = lognormal_minutes(
            &mut self.engs[e].travel_rng,
            planned,
            base.sim.noise.travel_sigma,
        );
        self.engs[e].metres += base.metres(at, home);
        self.account(e, t, t + drive);
        self.states[e].at = home;
        self.states[e].free_at = t + drive;
        self.engs[e].busy = Some(Activity::Home);
        let epoch = self.engs[e].epoch;
        self.push(t + drive, Ev::Free(e, epoch));
    }

    /// Books the busy interval `[a, b)`: inside the shifts of its days, or overtime.
    fn account(&mut self, e: usize, a: SimMinute, b: SimMinute) {
        if b <= a {
            return;
        }
        let mut inside = 0;
        for day in a.div_euclid(DAY)..=(b - 1).div_euclid(DAY) {
            if let Some((s, end)) = self.roster_of(day, e).shift {
                inside += (b.min(end) - a.max(s)).max(0);
            }
        }
        let over = b - a - inside;
        self.engs[e].busy_in_shift += inside;
        self.engs[e].overtime += over;
        self.states[e].overtime_left = (self.states[e].overtime_left - over).max(0);
    }

    fn complete(&mut self, e: usize, k: usize, ok: bool, t: SimMinute) {
        if !ok {
            self.state[k] = State::Open;
            self.open.insert(k);
            return;
        }
        self.state[k] = State::Done;
        self.engs[e].tasks_done += 1;
        let day = t.div_euclid(DAY);
        let Some(c) = self.tasks[k].cadence else {
            return;
        };
        let cad = &self.world.base.cadence[c];
        let siblings = match cad.device {
            Some(d) => {
                self.inspections_done[d].push(day);
                self.by_device[d].clone()
            }
            None => {
                self.callbacks_done[cad.site].push(day);
                self.by_site[cad.site].clone()
            }
        };
        for j in siblings {
            let opened = self.tasks[j].opens_day <= day;
            if !opened {
                continue;
            }
            if self.cadence_done[j].is_none() {
                self.cadence_done[j] = Some(day);
            }
            match self.state[j] {
                State::Open => {
                    self.open.remove(&j);
                    self.state[j] = State::Done;
                }
                State::Assigned(other) => {
                    self.states[other].route.retain(|&x| x != j);
                    self.state[j] = State::Done;
                }
                State::Unreleased => self.state[j] = State::Done,
                State::InProgress | State::Done => {}
            }
        }
    }

    fn finish(self) -> RepOutcome {
        let base = &self.world.base;
        let end = self.end;
        let as_of = base.instant(end);
        let faults = self
            .faults
            .iter()
            .enumerate()
            .filter(|&(i, _)| self.arrivals[i].at < end)
            .map(|(i, log)| {
                let a = &self.arrivals[i];
                let fault = self.domain_fault(i);
                let ctx = base.sla_context(a.device, a.at.div_euclid(DAY));
                let mut events = vec![FaultEvent::new(
                    FaultEventKind::Responded,
                    base.instant(log.responded),
                )];
                let mut add = |kind, t: Option<SimMinute>| {
                    if let Some(t) = t.filter(|&t| t <= end) {
                        events.push(FaultEvent::new(kind, base.instant(t)));
                    }
                };
                add(FaultEventKind::RemoteFailed, log.remote_failed);
                add(FaultEventKind::Dispatched, log.assigned.or(log.dispatched));
                add(FaultEventKind::OnSite, log.arrived);
                // On site the engineer gives a solution (a fix plan, a workaround, a loan
                // machine), as the day planner reads the SLA.
                add(FaultEventKind::SolutionGiven, log.arrived);
                add(FaultEventKind::Resolved, log.resolved);
                events.retain(|ev| ev.at <= as_of);
                events.sort_by_key(|ev| ev.at);
                let milestones = base.cfg.sla.assess(&fault, ctx, &events, as_of);
                let known = |t: Option<SimMinute>| t.filter(|&t| t <= end);
                FaultTimeline {
                    level: a.level,
                    device: a.device,
                    reported: a.at,
                    responded: log.responded,
                    assigned: known(log.assigned),
                    departed: known(log.dispatched),
                    arrived: known(log.arrived),
                    resolved: known(log.resolved),
                    remote: a.remote,
                    milestones,
                }
            })
            .collect();
        let engineers = self
            .world
            .engineers
            .iter()
            .zip(&self.engs)
            .map(|(eng, s)| EngineerOutcome {
                id: eng.id.to_string(),
                shift_minutes: s.shift_minutes,
                busy_in_shift: s.busy_in_shift,
                overtime: s.overtime,
                metres: s.metres,
                tasks_done: s.tasks_done,
                call_outs: s.call_outs,
            })
            .collect();
        RepOutcome::new(
            self.world,
            faults,
            &self.inspections_done,
            &self.callbacks_done,
            engineers,
        )
    }
}

//! From the LP's fractions to a 0/1 assignment: rounding, then a greedy repair that places
//! what is left (also after the routing drops a task), and the reason for each task left out.
//!
//! A bin's load here is exact on the model's terms: the work of its tasks plus a
//! nearest-neighbour tour estimate home -> sites -> home (at least `min_travel_per_visit` per
//! site), so a rounded bin is never over its capacity even where the LP's linear detours
//! were optimistic.

use super::config::ModelConfig;
use super::problem::{AssignProblem, Day};
use super::seeds::Candidate;
use crate::domain::reason::ReasonCode;
use std::collections::BTreeSet;

/// The tasks of one engineer-day and their load.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BinState {
    pub tasks: Vec<usize>,
    /// Distinct on-site places, in the order of the tour estimate.
    pub places: Vec<usize>,
    pub work: u32,
    /// Tour estimate (metres, minutes).
    pub tour: (u32, u32),
}

/// Engineers, nearest the site first, whose days a relocated task may move to.
pub const RELOCATE_ENGINEERS: usize = 8;

/// A bin, the tour estimate with the task in it, and that tour's order.
type Placement = (usize, (u32, u32), Vec<usize>);

/// The assignment being built.
pub struct Assigner<'a> {
    p: &'a AssignProblem,
    cfg: &'a ModelConfig,
    pub bins: Vec<BinState>,
    pub bin_of: Vec<Option<usize>>,
    /// (task, bin) pairs the routing rejected.
    pub banned: BTreeSet<(usize, usize)>,
    engineer_work: Vec<u32>,
    engineer_capacity: Vec<u32>,
}

/// Is doing `task` on day `to` no worse for its window than on day `from`: inside it if
/// `from` was, else no later?
fn day_no_worse(task: &super::problem::ATask, from: Day, to: Day) -> bool {
    if task.in_window(from) {
        task.in_window(to)
    } else {
        task.late_days(to) <= task.late_days(from) && (task.overdue || to >= task.window.0)
    }
}

/// Nearest-neighbour tour home -> places -> home: (metres, minutes), and the order.
fn tour(p: &AssignProblem, home: usize, places: &[usize]) -> ((u32, u32), Vec<usize>) {
    let mut left: Vec<usize> = places.to_vec();
    let mut at = home;
    let (mut m, mut t) = (0, 0);
    let mut order = Vec::with_capacity(places.len());
    while !left.is_empty() {
        let (i, (dm, dt)) = left
            .iter()
            .map(|&q| p.estimate.trip(at, q))
            .enumerate()
            .min_by_key(|&(i, (dm, _))| (dm, i))
            .expect("not empty");
        m += dm;
        t += dt;
        at = left.swap_remove(i);
        order.push(at);
    }
    let (dm, dt) = p.estimate.trip(at, home);
    ((m + dm, t + dt), order)
}

impl<'a> Assigner<'a> {
    pub fn new(p: &'a AssignProblem, cfg: &'a ModelConfig) -> Self {
        let mut engineer_capacity = vec![0; p.engineers.len()];
        for b in &p.bins {
            engineer_capacity[b.engineer] += b.capacity;
        }
        Self {
            p,
            cfg,
            bins: vec![BinState::default(); p.bins.len()],
            bin_of: vec![None; p.tasks.len()],
            banned: BTreeSet::new(),
            engineer_work: vec![0; p.engineers.len()],
            engineer_capacity,
        }
    }

    fn load(&self, work: u32, tour: (u32, u32), places: usize) -> u32 {
        work + tour.1.max(self.cfg.min_travel_per_visit * places as u32)
    }

    /// If task `t` fits in bin `b`: the added metres and the new tour.
    fn fits(&self, t: usize, b: usize) -> Option<(u32, (u32, u32), Vec<usize>)> {
        if !self.p.compatible(t, b) || self.banned.contains(&(t, b)) {
            return None;
        }
        let task = &self.p.tasks[t];
        let state = &self.bins[b];
        let bin = &self.p.bins[b];
        if !task.on_site || state.places.contains(&task.place) {
            let load = self.load(state.work + task.work, state.tour, state.places.len());
            return (load <= bin.capacity).then(|| (0, state.tour, state.places.clone()));
        }
        let mut places = state.places.clone();
        places.push(task.place);
        let home = self.p.engineers[bin.engineer].home;
        let (new_tour, order) = tour(self.p, home, &places);
        let load = self.load(state.work + task.work, new_tour, places.len());
        (load <= bin.capacity).then(|| (new_tour.0.saturating_sub(state.tour.0), new_tour, order))
    }

    fn place(&mut self, t: usize, b: usize, tour: (u32, u32), places: Vec<usize>) {
        let work = self.p.tasks[t].work;
        let state = &mut self.bins[b];
        state.tasks.push(t);
        state.work += work;
        state.tour = tour;
        state.places = places;
        self.bin_of[t] = Some(b);
        self.engineer_work[self.p.bins[b].engineer] += work;
    }

    /// Takes task `t` off its bin.
    pub fn remove(&mut self, t: usize) {
        let Some(b) = self.bin_of[t].take() else {
            return;
        };
        let task = &self.p.tasks[t];
        let state = &mut self.bins[b];
        state.tasks.retain(|&x| x != t);
        state.work -= task.work;
        self.engineer_work[self.p.bins[b].engineer] -= task.work;
        let mut places: Vec<usize> = state
            .tasks
            .iter()
            .filter(|&&x| self.p.tasks[x].on_site)
            .map(|&x| self.p.tasks[x].place)
            .collect();
        places.sort_unstable();
        places.dedup();
        let home = self.p.engineers[self.p.bins[b].engineer].home;
        let (tour, order) = tour(self.p, home, &places);
        let state = &mut self.bins[b];
        state.tour = tour;
        state.places = order;
    }

    /// Rounds the LP fractions: surest tasks first, each to its largest fraction that fits,
    /// then its other candidates by cost. Returns the tasks that fit none.
    pub fn round(
        &mut self,
        fractions: &[(usize, Vec<f64>)],
        cands: &[Vec<Candidate>],
    ) -> Vec<usize> {
        let mut order: Vec<(f64, Day, usize, &Vec<f64>)> = fractions
            .iter()
            .map(|(t, xs)| {
                let best = xs.iter().copied().fold(0.0, f64::max);
                (best, self.p.tasks[*t].window.1, *t, xs)
            })
            .collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut missed = Vec::new();
        for (_, _, t, xs) in order {
            let mut tries: Vec<(f64, f64, usize)> = cands[t]
                .iter()
                .zip(xs)
                .map(|(c, &x)| (if x > 1e-6 { x } else { 0.0 }, c.cost, c.bin))
                .collect();
            tries.sort_by(|a, b| {
                b.0.total_cmp(&a.0)
                    .then(a.1.total_cmp(&b.1))
                    .then(a.2.cmp(&b.2))
            });
            let placed = tries
                .iter()
                .find_map(|&(_, _, b)| self.fits(t, b).map(|(_, tour, places)| (b, tour, places)));
            match placed {
                Some((b, tour, places)) => self.place(t, b, tour, places),
                None => missed.push(t),
            }
        }
        missed
    }

    /// Empties lightly loaded engineer-days into others (bin elimination on the model's
    /// terms): for each used bin, fewest visits first, every task moves to the used bin of the
    /// same district that adds the fewest metres to its tour and that it fits, on a day no
    /// worse for its window; the moves stand when the metres they add are fewer than the
    /// emptied bin's whole tour (its trip from home and back disappears). The LP spreads work
    /// over many bins because a bin's trip to its seed costs nothing in the model; this takes
    /// the days that trip does not pay for. Returns the bins emptied.
    pub fn consolidate(&mut self) -> usize {
        let p = self.p;
        let mut emptied = 0;
        let mut order: Vec<usize> = (0..p.bins.len())
            .filter(|&b| !self.bins[b].tasks.is_empty())
            .collect();
        order.sort_by_key(|&b| (self.bins[b].places.len(), self.bins[b].tasks.len(), b));
        for b in order {
            let tasks = self.bins[b].tasks.clone();
            if tasks.is_empty() || self.bins[b].places.is_empty() {
                continue;
            }
            let saved = self.bins[b].tour.0;
            let pool = p.engineers[p.bins[b].engineer].pool;
            // Undo log: the bins touched, as they were.
            let mut undo: Vec<(usize, BinState)> = vec![(b, self.bins[b].clone())];
            let work_before = self.engineer_work.clone();
            for &t in &tasks {
                self.remove(t);
            }
            let mut added = 0u32;
            let mut moved = true;
            for &t in &tasks {
                let from_day = p.bins[b].day;
                let task = &p.tasks[t];
                let best = (0..p.bins.len())
                    .filter(|&c| {
                        c != b
                            && !self.bins[c].tasks.is_empty()
                            && p.engineers[p.bins[c].engineer].pool == pool
                            && day_no_worse(task, from_day, p.bins[c].day)
                    })
                    .filter_map(|c| {
                        self.fits(t, c)
                            .map(|(m, tour, places)| (m, c, tour, places))
                    })
                    .min_by_key(|x| (x.0, x.1));
                match best {
                    Some((m, c, tour, places)) if added + m < saved => {
                        if !undo.iter().any(|(u, _)| *u == c) {
                            undo.push((c, self.bins[c].clone()));
                        }
                        added += m;
                        self.place(t, c, tour, places);
                    }
                    _ => {
                        moved = false;
                        break;
                    }
                }
            }
            if moved {
                emptied += 1;
            } else {
                for (u, state) in undo {
                    self.bins[u] = state;
                }
                for &t in &tasks {
                    self.bin_of[t] = Some(b);
                }
                self.engineer_work = work_before;
            }
        }
        emptied
    }

    /// Moves single on-site tasks to the engineer-day where they add fewer metres than their
    /// removal saves (relocation local search on the model's terms, first improvement, until
    /// a pass moves nothing or after `passes`). Destinations: the bins of the
    /// [`RELOCATE_ENGINEERS`] engineers living nearest the site, used or not, on days no worse
    /// for the task's window. Returns the moves made.
    pub fn relocate(&mut self, passes: usize) -> usize {
        let p = self.p;
        let mut moves = 0;
        for _ in 0..passes {
            let mut moved_this_pass = 0;
            for t in 0..p.tasks.len() {
                let task = &p.tasks[t];
                let Some(b) = self.bin_of[t] else { continue };
                if !task.on_site {
                    continue;
                }
                let from_day = p.bins[b].day;
                let mut nearest: Vec<(u32, usize)> = (0..p.engineers.len())
                    .filter(|&e| p.engineers[e].can_do(task))
                    .map(|e| (p.estimate.metres(p.engineers[e].home, task.place), e))
                    .collect();
                nearest.sort_unstable();
                nearest.truncate(RELOCATE_ENGINEERS);
                let before = self.bins[b].clone();
                let engineer = p.bins[b].engineer;
                self.remove(t);
                let saving = before.tour.0.saturating_sub(self.bins[b].tour.0);
                let mut best: Option<Placement> = None;
                let mut best_added = saving;
                for d in 0..p.days {
                    if !day_no_worse(task, from_day, d) {
                        continue;
                    }
                    for c in p.bins_of_day(d) {
                        if c == b || !nearest.iter().any(|&(_, e)| e == p.bins[c].engineer) {
                            continue;
                        }
                        if let Some((added, tour, places)) = self.fits(t, c) {
                            if added < best_added {
                                best_added = added;
                                best = Some((c, tour, places));
                            }
                        }
                    }
                }
                match best {
                    Some((c, tour, places)) => {
                        self.place(t, c, tour, places);
                        moved_this_pass += 1;
                    }
                    None => {
                        self.bins[b] = before;
                        self.bin_of[t] = Some(b);
                        self.engineer_work[engineer] += task.work;
                    }
                }
            }
            moves += moved_this_pass;
            if moved_this_pass == 0 {
                break;
            }
        }
        moves
    }

    /// The greedy baseline ([`super::config::AssignMethod::Greedy`]): tasks by due date
    /// (overdue first), each to the nearest engineer (home to site, straight line) with a bin
    /// in its window that fits it, on the earliest such day. Returns the tasks that fit none.
    pub fn greedy(&mut self) -> Vec<usize> {
        let p = self.p;
        let mut order: Vec<usize> = (0..p.tasks.len()).collect();
        order.sort_by_key(|&t| (!p.tasks[t].overdue, p.tasks[t].due, t));
        let mut missed = Vec::new();
        for t in order {
            let task = &p.tasks[t];
            let mut engineers: Vec<(u32, usize)> = (0..p.engineers.len())
                .filter(|&e| p.engineers[e].can_do(task))
                .map(|e| (p.estimate.metres(p.engineers[e].home, task.place), e))
                .collect();
            engineers.sort_unstable();
            let placed = engineers.iter().find_map(|&(_, e)| {
                task.horizon_days(p.days).find_map(|d| {
                    p.bins_of_day(d)
                        .filter(|&b| p.bins[b].engineer == e)
                        .find_map(|b| self.fits(t, b).map(|(_, tour, places)| (b, tour, places)))
                })
            });
            match placed {
                Some((b, tour, places)) => self.place(t, b, tour, places),
                None => missed.push(t),
            }
        }
        missed
    }

    /// The best bin for `t` on the days `days`: least added travel, near the due date, with
    /// a nudge towards engineers with less work so far.
    fn best_on(&self, t: usize, days: impl Iterator<Item = Day>) -> Option<Placement> {
        let task = &self.p.tasks[t];
        let mut best: Option<(f64, Placement)> = None;
        for d in days {
            for b in self.p.bins_of_day(d) {
                let Some((added, tour, places)) = self.fits(t, b) else {
                    continue;
                };
                let e = self.p.bins[b].engineer;
                let ratio =
                    f64::from(self.engineer_work[e]) / f64::from(self.engineer_capacity[e].max(1));
                let cost = f64::from(added)
                    + self.cfg.off_due_per_day * f64::from((d - task.due).unsigned_abs())
                    + self.cfg.late_per_day * task.weight * f64::from(task.late_days(d))
                    + self.cfg.fairness_per_minute * f64::from(task.work) * ratio;
                if best.as_ref().is_none_or(|x| cost < x.0) {
                    best = Some((cost, (b, tour, places)));
                }
            }
        }
        best.map(|(_, placement)| placement)
    }

    /// Places each task of `tasks` (most urgent first) on the cheapest bin in its window,
    /// else on the earliest day after it (late; not for tasks whose window continues after
    /// the horizon). Returns the tasks still left out, each with its reason.
    pub fn repair(
        &mut self,
        tasks: &[usize],
        routing_dropped: &BTreeSet<usize>,
    ) -> Vec<(usize, ReasonCode)> {
        let p = self.p;
        let mut order: Vec<usize> = tasks.to_vec();
        order.sort_by(|&a, &b| {
            let (ta, tb) = (&p.tasks[a], &p.tasks[b]);
            (!ta.overdue, ta.window.1, a)
                .cmp(&(!tb.overdue, tb.window.1, b))
                .then(tb.weight.total_cmp(&ta.weight))
        });
        let mut left = Vec::new();
        for t in order {
            let task = &p.tasks[t];
            let mut found = self.best_on(t, task.horizon_days(p.days));
            if found.is_none() && !task.overdue && task.window.1 < p.days - 1 {
                for d in (task.window.1 + 1).max(0)..p.days {
                    found = self.best_on(t, std::iter::once(d));
                    if found.is_some() {
                        break;
                    }
                }
            }
            match found {
                Some((b, tour, places)) => self.place(t, b, tour, places),
                None => {
                    let reason = if routing_dropped.contains(&t) {
                        ReasonCode::RouteInfeasible
                    } else {
                        self.reason(t)
                    };
                    left.push((t, reason));
                }
            }
        }
        left
    }

    /// Why task `t` has no bin.
    pub fn reason(&self, t: usize) -> ReasonCode {
        let p = self.p;
        let task = &p.tasks[t];
        if !p.engineers.iter().any(|e| e.can_do(task)) {
            return ReasonCode::NoSkilledEngineer;
        }
        // The window's days and the late days after it, inside the horizon.
        let days = *task.horizon_days(p.days).start()..=p.days - 1;
        let skilled: Vec<usize> = days
            .clone()
            .flat_map(|d| p.bins_of_day(d))
            .filter(|&b| p.engineers[p.bins[b].engineer].can_do(task))
            .collect();
        if skilled.is_empty() {
            return ReasonCode::NoEngineerAvailable;
        }
        if !skilled.iter().any(|&b| p.compatible(t, b)) {
            return ReasonCode::SiteClosed;
        }
        ReasonCode::NoCapacity
    }

    /// On-site places of each bin (for the seed update).
    pub fn places_of_bins(&self) -> Vec<Vec<usize>> {
        self.bins.iter().map(|s| s.places.clone()).collect()
    }
}

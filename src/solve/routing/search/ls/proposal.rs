//! A proposed route, described as pieces of current routes, evaluated without building it:
//! O(1) for prefixes and suffixes of a route of the same vehicle class (cached segments),
//! O(length) for other pieces (Vidal et al. 2013; PyVRP's `Route::Proposal`).

use super::super::context::Context;
use super::super::cost::LowerCost;
use super::super::route::overtime_cost;
use super::super::state::State;
use crate::solve::routing::problem::{JobId, VehicleId};

/// A piece of a proposed route. Positions are job positions `1..=n` of a current route;
/// `from > to` is an empty piece.
#[derive(Copy, Clone, Debug)]
pub enum Piece {
    Forward {
        route: usize,
        from: usize,
        to: usize,
    },
    Reversed {
        route: usize,
        from: usize,
        to: usize,
    },
    Job(JobId),
}

impl Piece {
    /// Positions `from..=to` of `route`, in order.
    #[inline]
    pub fn forward(route: usize, from: usize, to: usize) -> Self {
        Piece::Forward { route, from, to }
    }
}

/// The relaxed cost of a proposed route: overtime and travel, a lower bound of the exact cost
/// when `needs_exact`.
#[derive(Copy, Clone, Debug)]
pub struct Evaluation {
    pub cost: LowerCost,
    pub empty: bool,
    /// Must the route be checked exactly before it is accepted?
    pub needs_exact: bool,
    /// Segments merged one by one (the work done).
    pub merged: usize,
}

/// Evaluates `pieces` as the route of `vehicle`; `None` if infeasible (relaxed).
pub fn evaluate(
    ctx: &Context,
    state: &State,
    vehicle: VehicleId,
    pieces: &[Piece],
) -> Option<Evaluation> {
    let p = ctx.problem;
    let veh = &p.vehicles[vehicle];
    let class = ctx.class[vehicle];
    let drives = &ctx.drives;
    let mut seg = ctx.start_segment[vehicle];
    let mut last = veh.start;
    let mut dist = 0i64;
    let mut time = 0i64;
    let mut load = 0i64;
    let mut empty = true;
    let mut needs_exact = ctx.exact_vehicle[vehicle];
    let mut closed = false;
    let mut merged = 0usize;
    let count = pieces.len();
    for (k, piece) in pieces.iter().enumerate() {
        match *piece {
            Piece::Job(j) => {
                if !p.can_serve(vehicle, j) {
                    return None;
                }
                let loc = p.jobs[j].location;
                let leg = drives.leg(last, loc);
                dist += leg.distance;
                time += leg.duration;
                seg = seg.then_over(leg.duration, &ctx.job_segment[j]);
                load += p.jobs[j].demand.0;
                needs_exact |= ctx.exact_job[j];
                last = loc;
                empty = false;
            }
            Piece::Forward { route, from, to } => {
                if from > to {
                    continue;
                }
                let r = &state.routes[route];
                needs_exact |= r.exact;
                let same_class = ctx.class[r.vehicle] == class;
                if !same_class
                    && !r.jobs[from - 1..to]
                        .iter()
                        .all(|&j| p.can_serve(vehicle, j))
                {
                    return None;
                }
                let leg = drives.leg(last, r.locs[from]);
                dist += leg.distance + r.dist_between(from, to);
                time += leg.duration + r.time_between(from, to);
                load += r.cum_load[to] - r.cum_load[from - 1];
                if same_class && empty && from == 1 {
                    seg = r.fwd[to];
                } else if same_class && k + 1 == count && to == r.len() {
                    seg = seg.then_over(leg.duration, &r.bwd[from]);
                    closed = true;
                } else {
                    seg = seg.then_over(leg.duration, &r.segment_at(ctx, from));
                    for i in from + 1..=to {
                        seg = seg.then_over(r.time_between(i - 1, i), &r.segment_at(ctx, i));
                    }
                    merged += to + 1 - from;
                }
                last = r.locs[to];
                empty = false;
            }
            Piece::Reversed { route, from, to } => {
                if from > to {
                    continue;
                }
                let r = &state.routes[route];
                needs_exact |= r.exact;
                if ctx.class[r.vehicle] != class
                    && !r.jobs[from - 1..to]
                        .iter()
                        .all(|&j| p.can_serve(vehicle, j))
                {
                    return None;
                }
                merged += to + 1 - from;
                for i in (from..=to).rev() {
                    let loc = r.locs[i];
                    let leg = drives.leg(last, loc);
                    dist += leg.distance;
                    time += leg.duration;
                    seg = seg.then_over(leg.duration, &r.segment_at(ctx, i));
                    last = loc;
                }
                load += r.cum_load[to] - r.cum_load[from - 1];
                empty = false;
            }
        }
        if seg.warp > 0 {
            return None;
        }
    }
    if empty {
        return Some(Evaluation {
            merged,
            cost: LowerCost::ZERO,
            empty,
            needs_exact: false,
        });
    }
    let leg = drives.leg(last, veh.end);
    if !closed {
        seg = seg.then_over(leg.duration, &ctx.end_segment[vehicle]);
    }
    dist += leg.distance;
    time += leg.duration;
    if !seg.feasible() || load > veh.capacity.0 {
        return None;
    }
    let cost = LowerCost {
        overtime: overtime_cost(ctx, vehicle, seg.earliest_end()).0,
        travel: veh.cost_per_distance * dist + veh.cost_per_travel_time * time,
    };
    Some(Evaluation {
        merged,
        cost,
        empty,
        needs_exact,
    })
}

/// The travel cost of a proposed route, and is it empty: its timing and load unchecked. Reads
/// only the matrices the vehicle pays for, and is O(1) a piece but for reversed ones.
pub fn travel(ctx: &Context, state: &State, vehicle: VehicleId, pieces: &[Piece]) -> (i64, bool) {
    let p = ctx.problem;
    let veh = &p.vehicles[vehicle];
    let (per_distance, per_time) = (veh.cost_per_distance, veh.cost_per_travel_time);
    let mut cost = 0i64;
    let mut last = veh.start;
    let mut empty = true;
    let arc = |from, to| {
        let leg = ctx.drives.leg(from, to);
        per_distance * leg.distance + per_time * leg.duration
    };
    for piece in pieces {
        match *piece {
            Piece::Job(j) => {
                let loc = p.jobs[j].location;
                cost += arc(last, loc);
                last = loc;
            }
            Piece::Forward { route, from, to } if from <= to => {
                let r = &state.routes[route];
                cost += arc(last, r.locs[from])
                    + per_distance * r.dist_between(from, to)
                    + per_time * r.time_between(from, to);
                last = r.locs[to];
            }
            Piece::Reversed { route, from, to } if from <= to => {
                let r = &state.routes[route];
                for i in (from..=to).rev() {
                    cost += arc(last, r.locs[i]);
                    last = r.locs[i];
                }
            }
            _ => continue,
        }
        empty = false;
    }
    if empty {
        return (0, true);
    }
    (cost + arc(last, veh.end), false)
}

/// The job list the pieces stand for.
pub fn materialise(state: &State, pieces: &[Piece]) -> Vec<JobId> {
    let mut jobs = Vec::new();
    for piece in pieces {
        match *piece {
            Piece::Job(j) => jobs.push(j),
            Piece::Forward { route, from, to } if from <= to => {
                jobs.extend_from_slice(&state.routes[route].jobs[from - 1..to]);
            }
            Piece::Reversed { route, from, to } if from <= to => {
                jobs.extend(state.routes[route].jobs[from - 1..to].iter().rev());
            }
            _ => {}
        }
    }
    jobs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::routing::TimeWindow;
    use crate::solve::routing::problem::{Job, Problem, ProblemInput, Vehicle};
    use crate::solve::routing::units::Time;

    /// Eight jobs at points 1..=8 of a hill: uphill costs 3 a step, downhill 2, and driving
    /// takes the other way's figure, so neither matrix is symmetric. Two vehicles; the second
    /// also pays for driving time.
    fn hill() -> Problem {
        let d = |i: usize, j: usize| {
            if j > i {
                3 * (j - i) as i64
            } else {
                2 * (i - j) as i64
            }
        };
        let shift = TimeWindow::new(Time(0), Time(10_000));
        let timed = Vehicle {
            cost_per_travel_time: 2,
            ..Vehicle::at(0, shift)
        };
        Problem::new(ProblemInput::of_drives(
            9,
            d,
            |i, j| d(j, i),
            (1..=8).map(|l| Job::at(l, Time(1))).collect(),
            vec![Vehicle::at(0, shift), timed],
        ))
        .expect("a valid problem")
    }

    /// The local search rejects moves on [`travel`] alone, so it must be the travel the full
    /// evaluation finds, for every kind of piece and cost rate.
    #[test]
    fn the_travel_of_a_proposal_is_that_of_its_full_evaluation() {
        let problem = hill();
        let ctx = Context::new(&problem);
        let mut state = State::empty(&ctx);
        for (r, jobs) in [(0, [0, 2, 4, 6]), (1, [1, 3, 5, 7])] {
            for (k, &j) in jobs.iter().enumerate() {
                state.insert(&ctx, j, r, k);
            }
        }
        let reversed = |route, from, to| Piece::Reversed { route, from, to };
        let proposals = [
            vec![
                Piece::forward(0, 1, 2),
                Piece::Job(7),
                Piece::forward(1, 1, 3),
            ],
            vec![reversed(1, 1, 3), Piece::forward(0, 3, 4)],
            vec![Piece::Job(5), reversed(0, 2, 4), Piece::forward(1, 4, 4)],
            vec![Piece::forward(0, 2, 1), reversed(1, 3, 2)],
        ];
        for pieces in &proposals {
            for vehicle in 0..2 {
                let e = evaluate(&ctx, &state, vehicle, pieces).expect("no windows to break");
                assert_eq!(
                    travel(&ctx, &state, vehicle, pieces),
                    (e.cost.travel, e.empty),
                    "{pieces:?} on vehicle {vehicle}"
                );
            }
        }
    }
}

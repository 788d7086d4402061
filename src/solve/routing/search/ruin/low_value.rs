//! Low-value removal: Ropke & Pisinger's worst removal (2006, "An adaptive large neighborhood
//! search heuristic for the pickup and delivery problem with time windows", Transportation
//! Science 40(4)) measured in what a served optional job is worth rather than what it costs:
//! the routed optional jobs whose drop penalty per second of work (service plus the detour
//! they cause where they are) is lowest leave, so that the recreate can give their time to
//! better jobs left out. The pick is randomised as theirs: the job at rank `⌊y^p · n⌋` of the
//! remaining list, `y` uniform, `p` = [`DETERMINISM`].

use super::super::context::Context;
use super::super::env::Env;
use super::super::state::State;
use crate::solve::routing::problem::JobId;

/// Ropke & Pisinger's p_worst: the higher, the more the lowest-valued jobs are preferred.
const DETERMINISM: i32 = 3;

pub fn low_value_removal(ctx: &Context, state: &State, env: &mut Env, count: usize) -> Vec<JobId> {
    let mut ranked: Vec<(f64, JobId)> = super::routed_jobs(state)
        .into_iter()
        .filter(|&j| super::super::recreate::is_placeable(ctx, j))
        .filter_map(|j| value_where_routed(ctx, state, j).map(|v| (v, j)))
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut removed = Vec::new();
    while removed.len() < count && !ranked.is_empty() {
        let y = env.uniform();
        let pick = ((y.powi(DETERMINISM) * ranked.len() as f64) as usize).min(ranked.len() - 1);
        removed.push(ranked.remove(pick).1);
    }
    removed
}

/// Drop penalty of the unit of `j` (see [`Context::unit_of`]) per second of its service and of
/// the detour its routed members cause; `None` if a member is mandatory.
fn value_where_routed(ctx: &Context, state: &State, j: JobId) -> Option<f64> {
    let p = ctx.problem;
    let mut penalty = 0i64;
    let mut seconds = 0i64;
    for m in Context::unit_of(p, j) {
        penalty += p.jobs[m].drop_penalty?.0;
        seconds += p.jobs[m].service.0;
        if state.is_assigned(m) {
            let (r, pos) = state.place(m);
            let locs = &state.routes[r].locs;
            let (a, l, b) = (locs[pos - 1], locs[pos], locs[pos + 1]);
            seconds += p.duration(a, l).0 + p.duration(l, b).0 - p.duration(a, b).0;
        }
    }
    Some(penalty as f64 / seconds.max(1) as f64)
}

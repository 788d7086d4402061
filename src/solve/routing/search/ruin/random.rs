//! Random removal: `count` routed jobs chosen uniformly.

use super::super::env::Env;
use super::super::state::State;
use super::routed_jobs;
use crate::solve::routing::problem::JobId;

pub fn random_removal(state: &State, env: &mut Env, count: usize) -> Vec<JobId> {
    let mut routed = routed_jobs(state);
    let count = count.min(routed.len());
    for k in 0..count {
        let pick = env.below(k, routed.len());
        routed.swap(k, pick);
    }
    routed.truncate(count);
    routed
}

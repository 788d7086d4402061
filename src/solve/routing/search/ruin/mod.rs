//! Ruin operators: each picks jobs to take out of the current solution. Pickups and
//! deliveries always leave together.

mod left_out;
mod low_value;
mod random;
mod related;
mod route;
mod string;

pub use left_out::left_out_removal;
pub use low_value::low_value_removal;
pub use random::random_removal;
pub use related::related_removal;
pub use route::route_removal;
pub use string::string_removal;

use super::context::Context;
use super::state::State;
use crate::solve::routing::problem::{JobId, PairRole};

/// Adds each removed job's pair partner, if it is routed and not yet in the list.
pub fn with_partners(ctx: &Context, state: &State, removed: &mut Vec<JobId>) {
    let n = removed.len();
    for k in 0..n {
        let partner = match ctx.problem.pair_roles[removed[k]] {
            PairRole::Single => continue,
            PairRole::Pickup { delivery } => delivery,
            PairRole::Delivery { pickup } => pickup,
        };
        if state.is_assigned(partner) && !removed.contains(&partner) {
            removed.push(partner);
        }
    }
}

/// The routed jobs, in job order.
pub fn routed_jobs(state: &State) -> Vec<JobId> {
    (0..state.route_of.len())
        .filter(|&j| state.is_assigned(j))
        .collect()
}

//! Simulated-annealing acceptance on a lexicographic objective (Kirkpatrick et al. 1983; the
//! record-to-record form used by SISR, Christiaens & Vanden Berghe 2020).
//!
//! The levels above overtime and travel (unserved jobs, dropped penalties, vehicles) are never
//! traded: a candidate worse there is rejected, a better one accepted. Below them the order is
//! still lexicographic, so annealing works on the first of overtime and travel that differs: a
//! candidate is accepted when that cost is below the current one's `- T ln U`, `U` uniform in
//! (0, 1), with `T` falling geometrically from `t_start` to `t_end` as the work budget is spent.
//! Summing the two would trade overtime for travel, which the objective never does.

use super::env::Env;
use crate::solve::routing::objective::Objective;

#[derive(Copy, Clone, Debug)]
pub struct Annealing {
    pub t_start: f64,
    pub t_end: f64,
}

impl Annealing {
    /// The temperature at `progress` in [0, 1].
    pub fn temperature(&self, progress: f64) -> f64 {
        let p = progress.clamp(0.0, 1.0);
        self.t_start * (self.t_end / self.t_start).powf(p)
    }

    pub fn accept(
        &self,
        env: &mut Env,
        candidate: &Objective,
        current: &Objective,
        progress: f64,
    ) -> bool {
        match candidate.upper().cmp(&current.upper()) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Greater => false,
            std::cmp::Ordering::Equal => {
                let (ours, theirs) = if candidate.overtime != current.overtime {
                    (candidate.overtime, current.overtime)
                } else {
                    (candidate.travel, current.travel)
                };
                let t = self.temperature(progress);
                let u = env.uniform().max(f64::MIN_POSITIVE);
                (ours.0 as f64) < theirs.0 as f64 - t * u.ln()
            }
        }
    }
}

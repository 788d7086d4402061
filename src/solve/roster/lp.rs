//! The LP relaxation of the assignment of one pool, solved with good_lp (microlp by default,
//! HiGHS with the `highs` feature).
//!
//! ```text
//! min  sum c[t,b] x[t,b] + sum P[t] u[t] + lambda sum (over[e] + under[e])
//! s.t. sum_b x[t,b] + u[t] = 1                          for every task t of the pool
//!      sum_t a[t,b] x[t,b] <= C[b] - base[b]            for every bin b of the pool
//!      sum_{t, b of e} w[t] x[t,b] - over[e] + under[e] = target[e]   for every engineer e
//!      0 <= x, u <= 1;  over, under >= 0
//! ```

use super::config::ModelConfig;
use super::problem::AssignProblem;
use super::seeds::Candidate;
use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, Variable, WithTimeLimit, variable,
};
use std::collections::BTreeMap;

/// Size of one LP.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LpSize {
    pub variables: usize,
    pub constraints: usize,
    pub nonzeros: usize,
}

impl std::ops::AddAssign for LpSize {
    fn add_assign(&mut self, o: Self) {
        self.variables += o.variables;
        self.constraints += o.constraints;
        self.nonzeros += o.nonzeros;
    }
}

/// The LP's answer: per task of the pool, its candidates' values (same order as the input).
pub struct LpAnswer {
    pub values: Vec<(usize, Vec<f64>)>,
    pub size: LpSize,
    /// False if the solver failed; the rounding then works from the costs alone.
    pub solved: bool,
}

/// The penalty for leaving task `t` out.
pub fn left_out_penalty(p: &AssignProblem, cfg: &ModelConfig, t: usize) -> f64 {
    let task = &p.tasks[t];
    if task.deferrable(p.days) {
        cfg.left_out_deferrable * task.weight
    } else {
        cfg.left_out * task.weight
    }
}

/// Solves the relaxation for the tasks `tasks` (all of one pool) over their candidates.
pub fn solve_pool(
    p: &AssignProblem,
    cfg: &ModelConfig,
    tasks: &[usize],
    cands: &[Vec<Candidate>],
    base: &[(u32, u32)],
) -> LpAnswer {
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::with_capacity(tasks.len() * (cfg.candidates_per_task + 1));
    let mut size = LpSize::default();
    let mut x: Vec<Vec<Variable>> = Vec::with_capacity(tasks.len());
    let mut bin_rows: BTreeMap<usize, Expression> = BTreeMap::new();
    let mut eng_rows: BTreeMap<usize, Expression> = BTreeMap::new();
    let mut task_rows = Vec::with_capacity(tasks.len());
    let mut pool_work = 0.0;
    for &t in tasks {
        let u = vars.add(variable().min(0.0).max(1.0));
        objective.add_mul(left_out_penalty(p, cfg, t), u);
        let mut row = Expression::with_capacity(cands[t].len() + 1);
        row.add_mul(1.0, u);
        let work = f64::from(p.tasks[t].work);
        pool_work += work;
        let mut xs = Vec::with_capacity(cands[t].len());
        for c in &cands[t] {
            let v = vars.add(variable().min(0.0).max(1.0));
            objective.add_mul(c.cost, v);
            row.add_mul(1.0, v);
            bin_rows
                .entry(c.bin)
                .or_default()
                .add_mul(f64::from(c.minutes), v);
            eng_rows
                .entry(p.bins[c.bin].engineer)
                .or_default()
                .add_mul(work, v);
            size.nonzeros += 3;
            xs.push(v);
        }
        size.variables += xs.len() + 1;
        size.nonzeros += 1;
        x.push(xs);
        task_rows.push(row);
    }
    // Fair shares: the pool's work split in proportion to each engineer's capacity.
    let mut capacity: BTreeMap<usize, f64> = BTreeMap::new();
    for bin in &p.bins {
        if eng_rows.contains_key(&bin.engineer) {
            *capacity.entry(bin.engineer).or_default() += f64::from(bin.capacity);
        }
    }
    let total: f64 = capacity.values().sum::<f64>().max(1.0);
    let mut fair_rows = Vec::with_capacity(eng_rows.len());
    for (e, mut row) in std::mem::take(&mut eng_rows) {
        let over = vars.add(variable().min(0.0));
        let under = vars.add(variable().min(0.0));
        objective.add_mul(cfg.fairness_per_minute, over);
        objective.add_mul(cfg.fairness_per_minute, under);
        row.add_mul(-1.0, over);
        row.add_mul(1.0, under);
        size.variables += 2;
        size.nonzeros += 2;
        let target = pool_work * capacity[&e] / total;
        fair_rows.push(row.eq(target));
    }
    size.constraints = task_rows.len() + bin_rows.len() + fair_rows.len();
    let mut model = vars
        .minimise(objective)
        .using(solver)
        .with_time_limit(cfg.lp_time_limit_seconds);
    for row in task_rows {
        model.add_constraint(row.eq(1.0));
    }
    for (b, row) in bin_rows {
        let cap = f64::from(p.bins[b].capacity.saturating_sub(base[b].1));
        model.add_constraint(row.leq(cap));
    }
    for row in fair_rows {
        model.add_constraint(row);
    }
    match model.solve() {
        Ok(sol) => LpAnswer {
            values: tasks
                .iter()
                .zip(&x)
                .map(|(&t, xs)| (t, xs.iter().map(|&v| sol.value(v)).collect()))
                .collect(),
            size,
            solved: true,
        },
        Err(_) => LpAnswer {
            values: Vec::new(),
            size,
            solved: false,
        },
    }
}

#[cfg(feature = "highs")]
use good_lp::solvers::highs::highs as solver;
#[cfg(not(feature = "highs"))]
use good_lp::solvers::microlp::microlp as solver;

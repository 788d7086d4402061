//! The multi-day roster: which engineer does which inspection or callback on which day of a
//! horizon of weeks, then the route of every engineer-day.
//!
//! # The model
//! A task `t` (inspection, phone or on-site callback) goes to at most one *bin* `b` = (engineer,
//! day) inside its date window (overdue tasks: any day, at a lateness cost). A bin is a working
//! day of the engineer (`Engineer::availability`: shifts, leave, holidays, adjusted workdays);
//! its capacity is the shift less lunch and less the fault reserve of the engineer's district
//! (`config/roster.toml`, 20% by default, 25% in the counties). Skills must cover the task's
//! device family; the site must be open long enough that day. Phone callbacks take desk time
//! (capacity) but no travel.
//!
//! The assignment is a generalised assignment problem in the manner of Fisher & Jaikumar
//! (1981): every bin gets a *seed* site; task `t` in bin `b` costs the detour of inserting its
//! site into the trip home -> seed -> home (metres), plus a small cost per day away from the due
//! date, plus lateness; it uses its work minutes plus the detour's driving minutes (at least
//! ten) of the bin's capacity, which is reduced by the seed trip itself. Seeds are chosen
//! farthest-first among the sites with work available that day that the engineer can do (the
//! first pick the most urgent); a second round moves every seed to the medoid of the sites its
//! bin received and solves again (the better round is kept). The LP relaxation (see [`lp`]):
//!
//! ```text
//! min  sum c[t,b] x[t,b] + sum P[t] u[t] + lambda sum_e (over[e] + under[e])
//!      sum_b x[t,b] + u[t] = 1                    each task   (u: left out, P grows with
//!      sum_t a[t,b] x[t,b] <= C[b] - seed trip    each bin     priority; less if the window
//!      work[e] - over[e] + under[e] = fair[e]     each engineer  goes on after the horizon)
//! ```
//!
//! `fair[e]` is the block's work split in proportion to the engineers' capacities.
//!
//! # Staying fast on a pure-Rust LP solver
//! microlp is fine for LPs and weak on 0/1 programmes, so the integer model is never given to
//! it. Instead:
//! 1. **Sparsify**: each task keeps only its `candidates_per_task` (10) cheapest bins around
//!    their seeds, in its own district (or the nearest district that has a skilled engineer).
//! 2. **Decompose** by district and week (`block_days`): a task belongs to the block holding the
//!    middle of its window; the 9 x 4 LPs are independent and solved in parallel (rayon), each
//!    with a time limit (past it, rounding works from costs alone).
//! 3. **Round and repair** ([`assign`]): surest fractions first, each task to its largest
//!    fraction whose bin still fits, by an exact test on the model's terms (work plus a
//!    nearest-neighbour tour home -> sites -> home); tasks that fit none are repaired greedily
//!    over *all* districts (cheapest added travel in the window, else the earliest late day),
//!    and what still fits nowhere is left out with a reason code.
//! 4. **Consolidate and relocate** ([`assign::Assigner::consolidate`],
//!    [`assign::Assigner::relocate`]): a bin's trip from home to its seed costs nothing in the
//!    LP, so the rounded roster uses many lightly loaded days. Bin elimination empties a day
//!    into the other used days of its district when that adds fewer metres than its whole
//!    tour; then single visits move to the day (of the 8 engineers living nearest) where they
//!    add fewer metres than they save; no move makes a task's window status worse.
//! 5. **Route** every engineer-day with the routing engine (in parallel, a deterministic work
//!    budget growing with visits squared), on the problem the day planner's own builder makes
//!    (`plan::roster::routing`: same windows, durations, costs and travel as
//!    `plan_day`; `tests/roster/agree.rs` plans roster dates with the roster as pins). Visits the route drops (opening
//!    hours: many sites close at midday) and days whose real driving pushes work past capacity
//!    feed back: the task is banned from that bin, repaired elsewhere, and the touched days are
//!    re-routed (at most `repair_rounds`).
//!
//! # Size and time (`fieldplan roster [--data DIR] [--method lp|greedy]`, release build,
//! 2 cores, quiet machine, 2026-11-24)
//! | | Nanchang, 4 weeks | scaled: 5,000 sites, 200 engineers, 4 weeks |
//! |---|---|---|
//! | tasks x engineer-days | 576 x 583 | 11,692 x 3,979 |
//! | full 0/1 model (every skilled bin of every window) | ~10^5 binaries | ~10^7 binaries |
//! | LPs per round (district x week) | 36 | 36 |
//! | all LPs: variables / rows / nonzeros | 5,306 / 1,261 / 14,322 | 125,599 / 16,141 / 350,825 |
//! | largest LP: variables / rows | 293 / 50 | 6,619 / 790 |
//! | LP (2 rounds) | 0.02 s | 5.3 s |
//! | rounding, repair, consolidation, relocation | < 0.01 s | 2.4 s |
//! | days emptied / visits relocated | 124 / 174 | 330 / 2,913 |
//! | routing (engineer-days routed / solves) | 0.1 s (202 / 272) | 2.5 s (3,510 / 4,836) |
//! | total wall / CPU | 0.13 s / 0.2 s | 10.4 s / 17.5 s |
//! | inspections doable on time placed in window | 405 / 412 = 98.3% | 7,633 / 8,123 = 94.0% |
//! | travel, engineer-days used | 3,085 km, 229 | 52,033 km, 3,570 |
//! | greedy baseline: in window, travel, days | 405 (98.3%), 3,673 km, 266 | 6,792 (83.6%), 52,755 km, 3,231 |
//!
//! Against the greedy baseline (earliest due first, nearest engineer, earliest day with room;
//! same routing and repair): in Nanchang 16% less travel at the same compliance, and a work
//! spread of 13.8 h instead of 28.7 h (std dev per engineer); on the scaled scenario 10 points
//! more compliance (841 more inspections on time) for 1% less travel.
//!
//! "Doable on time": some engineer with the skill works on a day of the window inside the
//! horizon. Where the time goes on the scaled scenario: the LPs (half), then routing and the
//! assignment's local moves (a quarter each).
//! The scaled scenario is loaded about 2.7x more per engineer than Nanchang (87 h against 32 h of work and travel in four weeks); what it misses is
//! capacity in some districts (`NO_CAPACITY`, late placements) since the LP keeps tasks in their
//! district and only the repair crosses districts.
//!
//! Known limits: the work spread between districts is not balanced by the model (std dev 13.8 h
//! on a mean of 30.0 h per engineer in Nanchang: specialists in busy districts carry more);
//! balancing across districts needs candidates in neighbouring districts, which couples the
//! LPs.
//!
//! This module is the index-level part; the domain side (building the model from the
//! scenario, routing every engineer-day through the day planner's problem builder, assembling
//! the published `Roster`) lives in `plan::roster`.

pub mod assign;
pub mod config;
pub mod lp;
pub mod problem;
pub mod routing;
pub mod seeds;

pub use config::RosterConfig;

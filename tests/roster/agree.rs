//! A published roster and the day plan of one of its dates agree: with the roster's
//! assignments of that date as pins, the day planner (same windows, lunch, durations and
//! travel, since the roster routes through its problem builder) places every pinned visit on
//! the roster's engineer, and the plan passes the independent plan checker.

use crate::support::{nanchang, world};
use fieldplan::plan::{DayInputs, PlanRequest, PlanningContext, RosterAssignment, check, plan_day};
use std::collections::BTreeMap;

#[test]
fn day_plans_with_the_roster_as_pins_keep_every_on_time_visit_on_its_engineer() {
    let (tasks, run) = nanchang();
    let w = world();
    let ctx = PlanningContext::geodesic(w.scenario.clone(), w.config.clone()).unwrap();
    // The three busiest dates of the roster.
    let mut visits_by_date: BTreeMap<chrono::NaiveDate, usize> = BTreeMap::new();
    for day in &run.roster.days {
        *visits_by_date.entry(day.date).or_default() +=
            day.visits.iter().filter(|v| v.on_site).count();
    }
    let mut dates: Vec<_> = visits_by_date.into_iter().collect();
    dates.sort_by_key(|&(d, n)| (std::cmp::Reverse(n), d));
    for &(date, _) in dates.iter().take(3) {
        let pins: Vec<RosterAssignment> = run
            .roster
            .days
            .iter()
            .filter(|d| d.date == date)
            .flat_map(|d| {
                d.visits
                    .iter()
                    .filter(|v| v.on_site && v.late_days == 0 && v.window.contains(date))
                    .map(move |v| RosterAssignment {
                        task: v.task.clone(),
                        engineer: d.engineer.clone(),
                        date,
                    })
            })
            .collect();
        let inputs = DayInputs {
            roster: pins.clone(),
            include_scenario_faults: false,
            extra_tasks: tasks.clone(),
            ..DayInputs::default()
        };
        // A tight roster day is one exact sequence among many: the day search needs a budget
        // above its default to find it again with every other engineer in the problem.
        // The work budget, not the clock, ends the search: the answer must not depend on how
        // busy the machine is (under load a 2 s limit cut it short and the plan differed).
        let request = PlanRequest {
            max_work: Some(30_000_000),
            time_limit: std::time::Duration::from_secs(120),
            ..PlanRequest::new(date)
        };
        let plan = plan_day(&ctx, &request, &inputs).unwrap();
        let v = check(&plan, &ctx);
        assert!(v.is_empty(), "{date}: {v:#?}");
        for pin in &pins {
            let (route, _) = plan.find_stop(&pin.task).unwrap_or_else(|| {
                let u = plan.unassigned.iter().find(|u| u.task.task == pin.task);
                panic!(
                    "{date}: {} is not planned: {u:?} {:?}",
                    pin.task, plan.warnings
                )
            });
            assert_eq!(route.engineer, pin.engineer, "{date}: {}", pin.task);
        }
        // The roster's days need no overtime on the day either.
        let pinned: std::collections::BTreeSet<_> = pins.iter().map(|p| &p.engineer).collect();
        for r in plan.routes.iter().filter(|r| pinned.contains(&r.engineer)) {
            assert!(
                r.return_at <= r.shift_end,
                "{date}: {} works overtime (returns {}, shift ends {}); stops {:?}; pins {:?}",
                r.engineer,
                r.return_at,
                r.shift_end,
                r.stops
                    .iter()
                    .map(|s| (s.task.task.as_str(), s.start))
                    .collect::<Vec<_>>(),
                pins.iter()
                    .filter(|p| p.engineer == r.engineer)
                    .map(|p| p.task.as_str())
                    .collect::<Vec<_>>()
            );
        }
    }
}

//! Day plans of the Nanchang scenario.

use crate::support::{assert_valid, monday, nanchang, nanchang_plan, request};
use fieldplan::plan::{DayInputs, Plan, plan_day};

#[test]
fn nanchang_day_plan_passes_the_checker() {
    let plan = nanchang_plan();
    assert_valid(plan, nanchang());
    assert!(plan.kpis.stops > 50, "{:?}", plan.kpis);
    assert!(plan.kpis.engineers_on_shift > 0);
    // Every open fault that needs a visit (remote-first levels only after `remoteFailed`,
    // `needsVisit` or a dispatch) is planned or listed, never dropped silently.
    let ctx = nanchang();
    let needing: Vec<_> = ctx
        .scenario()
        .faults()
        .iter()
        .filter(|r| !r.is_resolved())
        .filter(|r| {
            ctx.config()
                .sla
                .visit_needed(r.fault(), r.events())
                .is_some()
        })
        .collect();
    let open = ctx.scenario().faults().iter().filter(|r| !r.is_resolved());
    assert!(
        needing.len() < open.count(),
        "some open fault waits for remote support"
    );
    assert_eq!(plan.faults.len(), needing.len());
    for f in &plan.faults {
        assert!(
            f.deadline_met
                || plan
                    .find_stop(&f.task)
                    .is_some_and(|(_, s)| !s.flags.is_empty())
                || plan.unassigned.iter().any(|u| u.task.task == f.task)
        );
    }
}

#[test]
fn same_seed_gives_the_same_plan() {
    let a = nanchang_plan();
    let b = plan_day(nanchang(), &request(monday(), 2), &DayInputs::default()).unwrap();
    let strip = |p: &Plan| {
        let mut p = p.clone();
        p.stats.solver_seconds = 0.0;
        p
    };
    assert_eq!(strip(a), strip(&b));
}

#[test]
fn plan_json_is_camel_case_with_shanghai_offsets() {
    let plan = nanchang_plan();
    let json = serde_json::to_value(plan).unwrap();
    let route = &json["routes"][0];
    assert!(route["shiftStart"].as_str().unwrap().ends_with("+08:00"));
    let stop = &route["stops"][0];
    for key in [
        "task",
        "kind",
        "site",
        "arrival",
        "start",
        "end",
        "travelSeconds",
        "travelMetres",
    ] {
        assert!(stop.get(key).is_some(), "{key} in {stop}");
    }
    assert!(stop["location"]["lat"].is_f64() && stop["location"]["lon"].is_f64());
    let back: Plan = serde_json::from_value(json).unwrap();
    assert_eq!(&back, plan);
}

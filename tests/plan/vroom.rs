//! The day's problem in VROOM's JSON (`fieldplan plan --export vroom`), and a day plan made on
//! a VROOM answer's routes (`--routes vroom`), on a tiny day worked out by hand: two engineers
//! (E-01 DR at SP-DH, E-02 biochemistry at SP-XH, both 08:30-17:30, lunch 11:30-13:30 for an
//! hour), two inspections at S-0002 (open 08:30-17:30) and a DR spare-part delivery at S-0001
//! (open 08:00-12:00 and 14:00-17:30) whose part is fetched at SP-XH.

use crate::support::{assert_valid, inspection, monday, part_delivery, parts_context, request};
use fieldplan::domain::ids::{EngineerId, ServicePointId, SiteId, TaskId};
use fieldplan::plan::vroom::{problem_json, read_routes};
use fieldplan::plan::{
    DayInputs, GivenRoute, PlanningContext, StopKind, day_problem, plan_day_with_routes,
};
use serde_json::{Value, json};

fn inputs() -> DayInputs {
    DayInputs {
        extra_tasks: vec![
            inspection("D-0002", "S-0002", false),
            inspection("D-0005", "S-0002", true),
            part_delivery("T-PART-1", "SP-XH", None),
        ],
        ..DayInputs::default()
    }
}

/// The exported JSON, written to text and read back.
fn exported(ctx: &PlanningContext) -> Value {
    let day = day_problem(ctx, monday(), &inputs()).unwrap();
    let jobs: Vec<String> = day.jobs().iter().map(|(t, _)| t.to_string()).collect();
    let engineers: Vec<String> = day.engineers().iter().map(|e| e.to_string()).collect();
    let json = problem_json(day.problem().unwrap(), &jobs, &engineers).unwrap();
    serde_json::from_str(&serde_json::to_string(&json).unwrap()).unwrap()
}

fn by_description<'a>(items: &'a Value, description: &str) -> &'a Value {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["description"] == description)
        .unwrap_or_else(|| panic!("{description} is missing from {items}"))
}

/// Seconds from midnight of `h:m`.
fn hm(h: u64, m: u64) -> u64 {
    h * 3600 + m * 60
}

#[test]
fn exported_day_has_every_task_and_engineer_with_ids_windows_and_skills() {
    let ctx = parts_context();
    let v = exported(&ctx);
    // Skills: DR is skill 0, biochemistry skill 1 (their order in DeviceFamily::ALL); 62 is
    // the field-engineer role (63 the customer-service one), so that a colleague takes no
    // engineer's work.
    let vehicles = &v["vehicles"];
    assert_eq!(vehicles.as_array().unwrap().len(), 2);
    for (id, skill) in [("E-01", 0), ("E-02", 1)] {
        let e = by_description(vehicles, id);
        assert_eq!(e["skills"], json!([skill, 62]), "{id}");
        assert_eq!(e["time_window"], json!([hm(8, 30), hm(17, 30)]), "{id}");
        assert_eq!(
            e["breaks"][0]["time_windows"],
            json!([[hm(11, 30), hm(13, 30)]]),
            "{id}"
        );
        assert_eq!(e["breaks"][0]["service"], json!(3600), "{id}");
        assert_eq!(e["start_index"], e["end_index"], "{id}: back home");
        assert_eq!(e["costs"]["per_hour"], json!(3600), "{id}: one per second");
    }
    // Inspections: start window [open, close - duration]; DR 1 h 30, biochemistry 2 h.
    // Penalty in window with 7 days left: 10,000 + 100,000 / 8 = 22,500; the largest
    // optional penalty is the delivery's 500,000: priority 1 + round(98 x 0.045) = 5.
    let jobs = &v["jobs"];
    assert_eq!(jobs.as_array().unwrap().len(), 2);
    let bio = by_description(jobs, "T-INSP-D-0002");
    assert_eq!(bio["skills"], json!([1, 62]));
    assert_eq!(bio["service"], json!(7200));
    assert_eq!(bio["time_windows"], json!([[hm(8, 30), hm(15, 30)]]));
    assert_eq!(bio["priority"], json!(5));
    let dr = by_description(jobs, "T-INSP-D-0005");
    assert_eq!(dr["skills"], json!([0, 62]));
    assert_eq!(dr["service"], json!(5400));
    assert_eq!(dr["time_windows"], json!([[hm(8, 30), hm(16, 0)]]));
    assert_eq!(dr["priority"], json!(5));
    assert_eq!(bio["location_index"], dr["location_index"], "same site");
    // The delivery is a shipment: the pickup at SP-XH (10 min, any time), then 30 min at
    // S-0001 inside one of its two opening windows; priority 1 + 98 = 99, halved up: 50.
    let shipments = v["shipments"].as_array().unwrap();
    assert_eq!(shipments.len(), 1);
    let s = &shipments[0];
    assert_eq!(s["skills"], json!([0, 62]));
    assert_eq!(s["priority"], json!(50));
    assert_eq!(s["pickup"]["description"], "T-PART-1");
    assert_eq!(s["pickup"]["service"], json!(600));
    assert!(s["pickup"].get("time_windows").is_none());
    assert_eq!(
        s["pickup"]["location_index"],
        by_description(vehicles, "E-02")["start_index"],
        "the part is at E-02's service point"
    );
    assert_eq!(s["delivery"]["description"], "T-PART-1");
    assert_eq!(s["delivery"]["service"], json!(1800));
    assert_eq!(
        s["delivery"]["time_windows"],
        json!([[hm(8, 0), hm(11, 30)], [hm(14, 0), hm(17, 0)]])
    );
    // Ids are unique over jobs and shipment steps.
    let mut ids: Vec<u64> = jobs
        .as_array()
        .unwrap()
        .iter()
        .chain([&s["pickup"], &s["delivery"]])
        .map(|j| j["id"].as_u64().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4);
}

#[test]
fn exported_matrices_are_the_planners_travel_times_and_distances() {
    let ctx = parts_context();
    let v = exported(&ctx);
    let car = &v["matrices"]["car"];
    let dh = ctx
        .service_point_point(&ServicePointId::new("SP-DH").unwrap())
        .unwrap();
    let s2 = ctx.site_point(&SiteId::new("S-0002").unwrap()).unwrap();
    let from = by_description(&v["vehicles"], "E-01")["start_index"]
        .as_u64()
        .unwrap() as usize;
    let to = by_description(&v["jobs"], "T-INSP-D-0005")["location_index"]
        .as_u64()
        .unwrap() as usize;
    let (metres, seconds) = ctx.travel(dh, s2);
    assert!(seconds > 0);
    assert_eq!(car["durations"][from][to], json!(seconds));
    assert_eq!(car["distances"][from][to], json!(metres));
    assert_eq!(car["durations"][from][from], json!(0));
}

/// A VROOM answer (as pyvroom's `Solution.to_dict()` writes it, trimmed) for the tiny day.
fn vroom_answer(e01: &[(&str, &str)], e02: &[(&str, &str)]) -> String {
    let steps = |s: &[(&str, &str)]| -> Vec<Value> {
        let mut out = vec![json!({"type": "start", "arrival": 30600})];
        out.extend(
            s.iter()
                .map(|(kind, task)| json!({"type": kind, "description": task, "id": 1})),
        );
        out.push(json!({"type": "end"}));
        out
    };
    json!({
        "code": 0,
        "summary": {"cost": 0},
        "unassigned": [],
        "routes": [
            {"vehicle": 1, "description": "E-01", "steps": steps(e01)},
            {"vehicle": 2, "description": "E-02", "steps": steps(e02)}
        ]
    })
    .to_string()
}

#[test]
fn plan_on_vroom_routes_keeps_them_and_passes_the_checker() {
    let ctx = parts_context();
    let text = vroom_answer(
        &[
            ("pickup", "T-PART-1"),
            ("delivery", "T-PART-1"),
            ("job", "T-INSP-D-0005"),
        ],
        &[("job", "T-INSP-D-0002")],
    );
    let routes = read_routes(&text).unwrap();
    assert_eq!(
        routes[0],
        GivenRoute {
            engineer: EngineerId::new("E-01").unwrap(),
            stops: vec![
                (TaskId::new("T-PART-1").unwrap(), StopKind::PartPickup),
                (TaskId::new("T-PART-1").unwrap(), StopKind::Visit),
                (TaskId::new("T-INSP-D-0005").unwrap(), StopKind::Visit),
            ],
        }
    );
    let plan = plan_day_with_routes(&ctx, &request(monday(), 1), &inputs(), &routes).unwrap();
    assert_valid(&plan, &ctx);
    assert!(plan.unassigned.is_empty(), "{:?}", plan.unassigned);
    for given in &routes {
        let route = plan.route(&given.engineer).unwrap();
        let stops: Vec<(TaskId, StopKind)> = route
            .stops
            .iter()
            .map(|s| (s.task.task.clone(), s.stop_kind))
            .collect();
        assert_eq!(stops, given.stops, "{}", given.engineer);
    }
}

#[test]
fn routes_a_vroom_answer_cannot_have_are_refused_by_name() {
    let ctx = parts_context();
    let plan = |text: String| {
        let routes = read_routes(&text)?;
        plan_day_with_routes(&ctx, &request(monday(), 1), &inputs(), &routes).map_err(|e| {
            fieldplan::plan::vroom::ExportError {
                field: "plan".into(),
                message: e.to_string(),
            }
        })
    };
    // E-01 is not trained on biochemistry.
    let e = plan(vroom_answer(&[("job", "T-INSP-D-0002")], &[])).unwrap_err();
    assert!(
        e.message.contains("routes[0]") && e.message.contains("infeasible"),
        "{e}"
    );
    // A delivery without its pickup breaks the pair.
    let e = plan(vroom_answer(&[("delivery", "T-PART-1")], &[])).unwrap_err();
    assert!(e.message.contains("infeasible"), "{e}");
    let e = plan(vroom_answer(&[("job", "T-NOPE")], &[])).unwrap_err();
    assert!(
        e.message.contains("T-NOPE") && e.message.contains("stops[0]"),
        "{e}"
    );
    let twice = [("job", "T-INSP-D-0005"), ("job", "T-INSP-D-0005")];
    let e = plan(vroom_answer(&twice, &[])).unwrap_err();
    assert!(e.message.contains("twice"), "{e}");
    let e = read_routes(r#"{"code": 2, "error": "Invalid shipment."}"#).unwrap_err();
    assert!(e.to_string().contains("Invalid shipment"), "{e}");
    let e = read_routes(r#"{"code": 0, "routes": [{"vehicle": 1, "steps": []}]}"#).unwrap_err();
    assert!(e.to_string().contains("routes[0].description"), "{e}");
}

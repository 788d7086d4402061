//! Spare parts, loan units and DOA cases through the API, with answers worked out by hand
//! from `data/nanchang/stock.csv`, `config/parts.toml` and `config/holidays.toml`.

use crate::socket::temp_dir;
use crate::support::{TestApp, assert_problem, at, import_file, repo, spawn_app};
use fieldplan::store::{CaseRecord, CaseWrite, Role, SqliteStore, StockKind, StockMove, Store};
use serde_json::{Value, json};

/// Reports a fault and returns its id.
async fn fault(app: &TestApp, device: &str, site: &str, level: u8) -> String {
    let body = json!({"siteId": site, "deviceId": device, "level": level,
                      "reportedAt": at("09:15")});
    let r = app.post("/v1/faults", Role::Dispatcher, body).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    r.json()["faultId"].as_str().unwrap().to_owned()
}

async fn event(app: &TestApp, fault: &str, body: Value) -> crate::support::Reply {
    app.post(
        &format!("/v1/faults/{fault}/events"),
        Role::Dispatcher,
        body,
    )
    .await
}

/// `(quantity, reserved, available)` of a part at a service point.
async fn count(app: &TestApp, sp: &str, part: &str) -> (u64, u64, u64) {
    let v = app
        .get(
            &format!("/v1/stock?servicePoint={sp}&partNumber={part}"),
            Role::Viewer,
        )
        .await
        .json();
    assert_eq!(v["total"], 1, "{v}");
    let row = &v["items"][0];
    let n = |k: &str| row[k].as_u64().unwrap();
    (n("quantity"), n("reserved"), n("available"))
}

async fn delivery_of(app: &TestApp, fault: &str) -> Vec<Value> {
    let v = app
        .get(&format!("/v1/deliveries?fault={fault}"), Role::Viewer)
        .await
        .json();
    v["items"].as_array().unwrap().clone()
}

/// Drive seconds from a service point to a site in the service's own matrix.
fn drive(app: &TestApp, sp: &str, site: &str) -> u32 {
    let world = app.state.world();
    let ctx = world.context();
    let from = ctx
        .service_point_point(&fieldplan::domain::ids::ServicePointId::new(sp).unwrap())
        .unwrap();
    let to = ctx
        .site_point(&fieldplan::domain::ids::SiteId::new(site).unwrap())
        .unwrap();
    ctx.travel(from, to).1
}

#[tokio::test]
async fn stock_is_listed_per_service_point_and_bad_filters_are_named() {
    let app = spawn_app();
    // stock.csv: SP-DH holds 2 DR-FPD-4343, SP-QSH 1, no other service point any.
    assert_eq!(count(&app, "SP-DH", "DR-FPD-4343").await, (2, 0, 2));
    let v = app
        .get("/v1/stock?partNumber=DR-FPD-4343", Role::Viewer)
        .await
        .json();
    let sps: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["servicePoint"].as_str().unwrap())
        .collect();
    assert_eq!(sps, ["SP-DH", "SP-QSH"]);
    let r = app
        .get("/v1/stock?servicePoint=nowhere&partNumber=x", Role::Viewer)
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["partNumber", "servicePoint"]);
    let r = app.get("/v1/stock?colour=red", Role::Viewer).await;
    assert_problem(&r, 422);
}

#[tokio::test]
async fn a_part_request_reserves_at_the_nearest_stocking_point_and_the_pickup_takes_it() {
    let app = spawn_app();
    let first = fault(&app, "D-0001", "S-0001", 2).await;
    let second = fault(&app, "D-0002", "S-0001", 2).await;
    for f in [&first, &second] {
        let r = event(&app, f, json!({"kind": "onSite", "at": at("09:16")})).await;
        assert_eq!(r.status, 201);
    }
    // By hand: BA-MIX-MOTOR is stocked at SP-DH (1) and SP-QYP (1); S-0001 lies 2.2 km
    // from SP-DH and farther from SP-QYP, so the first request reserves SP-DH's unit and
    // the second, finding none left there, SP-QYP's.
    assert!(drive(&app, "SP-DH", "S-0001") < drive(&app, "SP-QYP", "S-0001"));
    let ask = |part: &str| json!({"kind": "partRequested", "at": at("09:18"), "partNumber": part});
    assert_eq!(event(&app, &first, ask("BA-MIX-MOTOR")).await.status, 201);
    assert_eq!(event(&app, &second, ask("BA-MIX-MOTOR")).await.status, 201);
    let d1 = &delivery_of(&app, &first).await[0];
    let d2 = &delivery_of(&app, &second).await[0];
    assert_eq!(
        d1["source"],
        json!({"from": "stock", "servicePoint": "SP-DH"})
    );
    assert_eq!(
        d2["source"],
        json!({"from": "stock", "servicePoint": "SP-QYP"})
    );
    // Due 24 h after the request.
    assert_eq!(d1["due"], "2026-12-01T09:18:00+08:00");
    assert_eq!(d1["status"], "planned");
    assert_eq!(d1["flags"], json!([]));
    assert_eq!(count(&app, "SP-DH", "BA-MIX-MOTOR").await, (1, 1, 0));

    // Known but stocked nowhere: ordered from the manufacturer, 72 h lead, due 24 h after
    // it arrives (at the nearest service point, SP-DH).
    assert_eq!(event(&app, &first, ask("DR-HVG-50KW")).await.status, 201);
    let ordered = &delivery_of(&app, &first).await[1];
    assert_eq!(
        ordered["source"],
        json!({"from": "manufacturer", "servicePoint": "SP-DH",
               "arrives": "2026-12-03T09:18:00+08:00"})
    );
    assert_eq!(ordered["due"], "2026-12-04T09:18:00+08:00");
    assert_eq!(ordered["flags"], json!(["MANUFACTURER_ORDER"]));

    // A part number no stock table knows is refused, and no event is recorded.
    let r = event(&app, &first, ask("ZZ-NOPE")).await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["partNumber"]);
    let f = app
        .get(&format!("/v1/faults/{first}"), Role::Viewer)
        .await
        .json();
    assert_eq!(f["events"].as_array().unwrap().len(), 3, "{f}");

    // The day plan carries the delivery, its pickup at SP-DH first, and passes the checker
    // (which holds the pickup to the stock snapshot); the ordered part waits with a note.
    let plan = app.publish_plan().await;
    let task = d1["taskId"].as_str().unwrap();
    let (engineer, stops) = route_with(&plan, task);
    let pickup = stops
        .iter()
        .position(|s| s["task"] == task && s["stopKind"] == "PART_PICKUP")
        .expect("a pickup");
    let visit = stops
        .iter()
        .position(|s| s["task"] == task && s.get("stopKind").is_none())
        .expect("a visit");
    assert!(pickup < visit);
    assert_eq!(stops[pickup]["partPickup"]["servicePoint"], "SP-DH");
    assert_eq!(stops[pickup]["partPickup"]["partNumber"], "BA-MIX-MOTOR");
    let warnings = plan["plan"]["warnings"].to_string();
    assert!(warnings.contains("DR-HVG-50KW"), "{warnings}");

    // The unit leaves the shelf at the first report of the delivery visit.
    let visit_stop = &stops[visit];
    app.set_now(visit_stop["end"].as_str().unwrap());
    let report = |kind: &str, t: &Value| json!({"kind": kind, "at": t, "taskId": task});
    let uri = format!("/v1/engineers/{engineer}/events");
    let r = app
        .post(
            &uri,
            Role::Dispatcher,
            report("arrived", &visit_stop["arrival"]),
        )
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    assert_eq!(count(&app, "SP-DH", "BA-MIX-MOTOR").await, (0, 0, 0));
    assert_eq!(delivery_of(&app, &first).await[0]["status"], "pickedUp");
    let r = app
        .post(&uri, Role::Dispatcher, report("done", &visit_stop["end"]))
        .await;
    assert_eq!(r.status, 201);
    let done = &delivery_of(&app, &first).await[0];
    assert_eq!(done["status"], "delivered");
    assert_eq!(done["deliveredAt"], visit_stop["end"]);
    assert_eq!(done["flags"], json!([]));
    // Never below zero: the stock stays at 0 after further reports.
    assert_eq!(count(&app, "SP-DH", "BA-MIX-MOTOR").await, (0, 0, 0));

    // 24 h after the engineer first arrived (09:16), the fault still open: the source's
    // rule brings the manufacturer's part, though SP-DH stocks lamps.
    app.set_now("2026-12-01T09:20:00+08:00");
    let late = json!({"kind": "partRequested", "at": "2026-12-01T09:17:00+08:00",
                      "partNumber": "BA-LAMP-12V20W"});
    assert_eq!(event(&app, &second, late).await.status, 201);
    let ruled = &delivery_of(&app, &second).await[1];
    assert_eq!(ruled["manufacturerRule"], true);
    assert_eq!(ruled["source"]["from"], "manufacturer");
    assert_eq!(
        ruled["flags"],
        json!(["MANUFACTURER_ORDER", "MANUFACTURER_PARTS_RULE"])
    );
    assert_eq!(count(&app, "SP-DH", "BA-LAMP-12V20W").await, (6, 0, 6));
}

/// The route carrying `task`: its engineer and stops.
fn route_with(plan: &Value, task: &str) -> (String, Vec<Value>) {
    plan["plan"]["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|r| {
            let stops = r["stops"].as_array()?;
            stops
                .iter()
                .any(|s| s["task"] == task)
                .then(|| (r["engineer"].as_str().unwrap().to_owned(), stops.clone()))
        })
        .unwrap_or_else(|| panic!("{task} is not planned: {plan}"))
}

#[tokio::test]
async fn a_level_1_fault_borrows_a_loan_unit_that_is_collected_after_the_repair() {
    let app = spawn_app();
    // By hand: D-0006 is a DR at S-0004 (Donghu); config/parts.toml has one DR loan unit,
    // at SP-DH. The first level-1 DR fault takes it, the second finds none.
    let first = fault(&app, "D-0006", "S-0004", 1).await;
    let second = fault(&app, "D-0008", "S-0004", 1).await;
    let loans = app.get("/v1/loans", Role::Viewer).await.json();
    let loan = |f: &str| {
        loans["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["fault"] == f)
            .cloned()
            .unwrap_or_else(|| panic!("no loan of {f}: {loans}"))
    };
    assert_eq!(loan(&first)["status"], "delivering");
    assert_eq!(loan(&first)["servicePoint"], "SP-DH");
    assert_eq!(loan(&second)["status"], "noUnit");
    let dr_pool = loans["pools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["servicePoint"] == "SP-DH" && p["family"] == "dr")
        .unwrap()
        .clone();
    assert_eq!(dr_pool["units"], 0);
    // A loan on request for a fault that has one: 409; for an unknown fault: 404.
    let r = app
        .post("/v1/loans", Role::Dispatcher, json!({"faultId": first}))
        .await;
    assert_problem(&r, 409);
    let r = app
        .post("/v1/loans", Role::Dispatcher, json!({"faultId": "F-9999"}))
        .await;
    assert_problem(&r, 404);
    let r = app
        .post("/v1/loans", Role::Dispatcher, json!({"fault": first}))
        .await;
    assert_problem(&r, 422);

    // The plan brings the unit; its delivery done puts it on site.
    let plan = app.publish_plan().await;
    let task = format!("T-LN-{first}");
    let (engineer, stops) = route_with(&plan, &task);
    let stop = stops
        .iter()
        .find(|s| s["task"] == task.as_str() && s.get("stopKind").is_none())
        .unwrap()
        .clone();
    app.set_now(stop["end"].as_str().unwrap());
    let uri = format!("/v1/engineers/{engineer}/events");
    let r = app
        .post(
            &uri,
            Role::Dispatcher,
            json!({"kind": "done", "at": stop["end"], "taskId": task}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let on_site = app
        .get("/v1/loans?status=onSite", Role::Viewer)
        .await
        .json();
    assert_eq!(on_site["total"], 1, "{on_site}");

    // Resolved: the unit is to be collected; the next day's plan collects it, and the
    // collection done puts it back in its pool. (A plan of the whole day may have brought
    // the unit before the fault was reported; the repair comes after the report.)
    let end = stop["end"].as_str().unwrap();
    let resolved = if end > at("12:00").as_str() {
        end.to_owned()
    } else {
        at("12:00")
    };
    app.set_now(&resolved);
    let r = event(
        &app,
        &first,
        json!({"kind": "resolved", "at": resolved, "confirmedBy": "Dr. Wu"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let collecting = app
        .get("/v1/loans?status=collecting", Role::Viewer)
        .await
        .json();
    assert_eq!(collecting["items"][0]["fault"], first.as_str());
    let r = app.plan_next_day().await;
    assert_eq!(r.status, 201);
    let plan = r.json();
    app.check_plan(&plan["plan"]);
    let back = format!("T-LN-{first}-BACK");
    let (engineer, stops) = route_with(&plan, &back);
    let stop = stops.iter().find(|s| s["task"] == back.as_str()).unwrap();
    assert!(
        stop.get("partPickup").is_none(),
        "a collection fetches nothing"
    );
    app.set_now(stop["end"].as_str().unwrap());
    let r = app
        .post(
            &format!("/v1/engineers/{engineer}/events"),
            Role::Dispatcher,
            json!({"kind": "done", "at": stop["end"], "taskId": back}),
        )
        .await;
    assert_eq!(r.status, 201);
    let loans = app
        .get("/v1/loans?status=returned", Role::Viewer)
        .await
        .json();
    assert_eq!(loans["total"], 1);
    let units = loans["pools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["servicePoint"] == "SP-DH" && p["family"] == "dr")
        .unwrap()["units"]
        .clone();
    assert_eq!(units, 1);
}

#[tokio::test]
async fn a_doa_replacement_ships_next_working_day_and_a_late_return_is_listed_overdue() {
    let app = spawn_app();
    // Monday 30 November 2026: ships Tuesday 1 December.
    let r = app
        .post(
            "/v1/devices/D-0001/doa",
            Role::Dispatcher,
            json!({"at": at("09:00"), "note": "cracked housing"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let doa = r.json();
    assert_eq!(doa["shipsOn"], "2026-12-01");
    assert_eq!(doa["status"], "recorded");
    let id = doa["id"].as_str().unwrap().to_owned();
    // Twice on one device: 409; an unknown device: 404; a bad body: 422.
    let again = app
        .post("/v1/devices/D-0001/doa", Role::Dispatcher, json!({}))
        .await;
    assert_problem(&again, 409);
    let r = app
        .post("/v1/devices/D-9999/doa", Role::Dispatcher, json!({}))
        .await;
    assert_problem(&r, 404);
    let r = app
        .post(
            "/v1/devices/D-0002/doa",
            Role::Dispatcher,
            json!({"at": "yesterday", "colour": 1}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["at", "colour"]);
    let r = app
        .post("/v1/devices/D-0002/doa", Role::Viewer, json!({}))
        .await;
    assert_problem(&r, 403);

    let step = |kind: &str, t: &str| json!({"kind": kind, "at": t});
    let uri = format!("/v1/doa/{id}/events");
    // Returned before received: refused, naming the rule.
    let r = app
        .post(&uri, Role::Dispatcher, step("returned", &at("09:10")))
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["kind"]);
    app.set_now("2026-12-02T16:00:00+08:00");
    let r = app
        .post(
            &uri,
            Role::Dispatcher,
            step("shipped", "2026-12-01T10:00:00+08:00"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.bytes));
    let r = app
        .post(
            &uri,
            Role::Dispatcher,
            step("received", "2026-12-02T15:00:00+08:00"),
        )
        .await;
    assert_eq!(r.status, 200);
    // By hand: 15 working days after Wednesday 2 December, no holiday in between:
    // 3, 4, 7-11, 14-18, 21, 22, 23 December.
    assert_eq!(r.json()["returnDue"], "2026-12-23");
    app.set_now("2026-12-23T20:00:00+08:00");
    let v = app.get("/v1/doa?overdue=true", Role::Viewer).await.json();
    assert_eq!(v["total"], 0, "{v}");
    app.set_now("2026-12-24T08:00:00+08:00");
    let v = app.get("/v1/doa?overdue=true", Role::Viewer).await.json();
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["items"][0]["id"], id.as_str());
    assert_eq!(v["items"][0]["returnOverdue"], true);
    let r = app.get("/v1/doa?overdue=maybe", Role::Viewer).await;
    assert_problem(&r, 422);
    let r = app
        .post(
            &uri,
            Role::Dispatcher,
            step("returned", "2026-12-24T07:30:00+08:00"),
        )
        .await;
    assert_eq!(r.status, 200);
    let v = app.get("/v1/doa?overdue=true", Role::Viewer).await.json();
    assert_eq!(v["total"], 0);
    let r = app
        .post(
            "/v1/doa/DOA-D-9999/events",
            Role::Dispatcher,
            step("shipped", "2026-12-24T07:30:00+08:00"),
        )
        .await;
    assert_problem(&r, 404);
}

/// Concurrent requests never take the same unit: of eight reservations of the one unit
/// on the shelf, exactly one is written.
#[test]
fn concurrent_reservations_of_the_last_unit_do_not_oversell() {
    let dir = temp_dir("parts-race");
    let db = dir.join("fp.db");
    let store = SqliteStore::open(&db).unwrap();
    let config = fieldplan::scenario::load_config(repo("config")).unwrap();
    fieldplan::api::seed_store(&store, &repo("data/nanchang"), &config).unwrap();
    store
        .put_stock(
            &[(StockKind::Part, "SP-AY".into(), "BA-PROBE-R".into(), 1)],
            false,
        )
        .unwrap();
    let store = std::sync::Arc::new(store);
    let written: Vec<CaseWrite> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                s.spawn(move || {
                    let case = CaseRecord {
                        id: format!("PD-F-RACE-{i}"),
                        kind: "delivery".into(),
                        version: 0,
                        json: json!({"i": i}),
                    };
                    let reserve = StockMove {
                        kind: StockKind::Part,
                        service_point: "SP-AY".into(),
                        item: "BA-PROBE-R".into(),
                        quantity: 0,
                        reserved: 1,
                    };
                    store.put_case(&case, &[reserve]).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = written.iter().filter(|w| **w == CaseWrite::Written).count();
    assert_eq!(ok, 1, "{written:?}");
    assert_eq!(store.cases("delivery").unwrap().len(), 1);
    let level = store
        .stock()
        .unwrap()
        .into_iter()
        .find(|l| l.service_point == "SP-AY" && l.item == "BA-PROBE-R")
        .unwrap();
    assert_eq!((level.quantity, level.reserved), (1, 1));
    // An import below what is reserved is refused, naming the row and field.
    let err = store
        .put_stock(
            &[(StockKind::Part, "SP-AY".into(), "BA-PROBE-R".into(), 0)],
            false,
        )
        .unwrap_err();
    assert!(err.to_string().contains("rows[0].quantity"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

fn import_stock(db: &std::path::Path, csv: &std::path::Path) -> std::process::Output {
    import_file("stock", &[], db, csv)
}

#[test]
fn stock_is_imported_from_csv_and_bad_rows_are_named_by_line_and_field() {
    let dir = temp_dir("import-stock");
    let (db, csv) = (dir.join("fp.db"), dir.join("stock.csv"));
    {
        let store = SqliteStore::open(&db).unwrap();
        let config = fieldplan::scenario::load_config(repo("config")).unwrap();
        fieldplan::api::seed_store(&store, &repo("data/nanchang"), &config).unwrap();
    }
    std::fs::write(
        &csv,
        "servicePoint,partNumber,quantity\nSP-DH,BA-LAMP-12V20W,-3\nSP-XX,bad part,2\nSP-DH,BA-LAMP-12V20W,x\n",
    )
    .unwrap();
    let out = import_stock(&db, &csv);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(":2: field 'quantity': -3 is negative"),
        "{err}"
    );
    assert!(err.contains(":3: field 'partNumber'"), "{err}");
    assert!(
        err.contains(":4: field 'quantity': 'x' is not a whole number"),
        "{err}"
    );
    assert!(SqliteStore::open(&db).unwrap().stock().unwrap().is_empty());
    // An unknown service point is refused by the store, nothing written.
    std::fs::write(
        &csv,
        "servicePoint,partNumber,quantity\nSP-DH,BA-LAMP-12V20W,3\nSP-ZZ,BA-LAMP-12V20W,3\n",
    )
    .unwrap();
    let out = import_stock(&db, &csv);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no service point SP-ZZ"));
    assert!(SqliteStore::open(&db).unwrap().stock().unwrap().is_empty());
    // The bundled file imports.
    let out = import_stock(&db, &repo("data/nanchang/stock.csv"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stock = SqliteStore::open(&db).unwrap().stock().unwrap();
    assert!(
        stock
            .iter()
            .any(|l| l.service_point == "SP-DH" && l.item == "DR-FPD-4343" && l.quantity == 2)
    );
    let _ = std::fs::remove_dir_all(dir);
}

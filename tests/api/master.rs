use crate::support::{assert_problem, spawn_app};
use fieldplan::store::Role;

#[tokio::test]
async fn master_data_pages_in_id_order() {
    let app = spawn_app();
    let first = app.get("/v1/sites?limit=2", Role::Viewer).await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(first["items"][0]["id"], "S-0001");
    assert!(first["total"].as_u64().unwrap() > 2);
    let next = app
        .get("/v1/sites?limit=2&offset=1", Role::Viewer)
        .await
        .json();
    assert_eq!(next["items"][0]["id"], "S-0002");
    let site = app.get("/v1/sites/S-0001", Role::Viewer).await.json();
    assert!(site["location"]["lat"].is_f64() && site["location"]["lon"].is_f64());
    for kind in ["service-points", "devices", "engineers", "tasks"] {
        let r = app.get(&format!("/v1/{kind}"), Role::Viewer).await;
        assert_eq!(r.status, 200, "{kind}");
        assert!(!r.json()["items"].as_array().unwrap().is_empty(), "{kind}");
    }
    assert_problem(&app.get("/v1/devices/D-9999", Role::Viewer).await, 404);
}

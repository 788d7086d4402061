//! Operations: `GET /healthz`, `GET /metrics` (Prometheus text), `GET /openapi.json`
//! (generated from the handlers' annotations), and the 404 fallback.

use super::error::ApiError;
use super::{
    AppState, alerts, auth, fault_handling, faults, installations, jobs, loans, master, moves,
    parts, plans, progress, reports, rosters, simulations, stream, tasks,
};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response as DocResponse, ResponseBuilder};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Problem documents as the service sends them, and the failures every operation of a kind
/// can meet, added here once rather than on each handler:
/// - every `Problem` body is `application/problem+json`;
/// - every `/v1` operation can answer 401 (no, unknown, revoked or expired token) and 403 (a
///   role, or an engineer's token, that may not call it);
/// - every operation with a body can answer 400 (malformed JSON), 408 (body too slow),
///   413 (body over the limit) and 415 (not JSON);
/// - every operation with parameters or a body can answer 422 (a field breaks a rule: one the
///   schema can state, or one it cannot, such as a date beyond the planning horizon).
struct ProblemResponses;

const PROBLEM_TYPE: &str = "application/problem+json";

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in operations.into_iter().flatten() {
                for response in op.responses.responses.values_mut() {
                    if let RefOr::T(r) = response {
                        as_problem_json(r);
                    }
                }
                let mut common = Vec::new();
                if path.starts_with("/v1/") {
                    common.push(("401", "No valid bearer token (see WWW-Authenticate)"));
                    common.push(("403", "The token's role (or engineer) may not do this"));
                }
                if op.request_body.is_some()
                    || op.parameters.as_ref().is_some_and(|p| !p.is_empty())
                {
                    common.push(("422", "A field breaks a rule: each is named (`errors`)"));
                }
                if op.request_body.is_some() {
                    common.extend([
                        ("400", "Malformed JSON"),
                        ("408", "The body did not arrive in time"),
                        ("413", "The body exceeds the size limit"),
                        ("415", "The body is not application/json"),
                    ]);
                }
                for (status, description) in common {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| RefOr::T(problem_response(description)));
                }
            }
        }
    }
}

/// Moves a `Problem` body from `application/json` to `application/problem+json`.
fn as_problem_json(r: &mut DocResponse) {
    let is_problem = r.content.get("application/json").is_some_and(
        |c| matches!(&c.schema, Some(RefOr::Ref(x)) if x.ref_location.ends_with("/Problem")),
    );
    if !is_problem {
        return;
    }
    if let Some(c) = r.content.shift_remove("application/json") {
        r.content.insert(PROBLEM_TYPE.to_owned(), c);
    }
}

fn problem_response(description: &str) -> DocResponse {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_TYPE,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

#[derive(OpenApi)]
#[openapi(
    info(title = "fieldplan", description = "Field-service planning for medical devices in Nanchang. \
        Bearer tokens with roles dispatcher, planner, manager, viewer and engineer. An engineer's token is bound \
        to one engineer and may only read that engineer's route (GET /v1/plans/{date}/engineers/{id}), calendar \
        (GET /v1/engineers/{id}/calendar.ics) and progress reports, report its progress (POST /v1/engineers/{id}/events) \
        and call GET /v1/me; anything else is 403. Errors are RFC 9457 problem documents."),
    modifiers(&BearerAuth, &ProblemResponses),
    paths(
        plans::create, plans::latest, plans::version, plans::engineer_route, moves::create,
        jobs::get, jobs::cancel,
        faults::create, faults::recommendations,
        fault_handling::list, fault_handling::get, fault_handling::create_event,
        progress::create, progress::list,
        installations::create, installations::list, installations::get,
        stream::events,
        rosters::create, rosters::get, rosters::publish, rosters::calendar,
        simulations::simulate, simulations::get, simulations::cancel, simulations::chart,
        master::list_service_points, master::get_service_point,
        master::list_sites, master::get_site,
        master::list_devices, master::get_device, tasks::device_history,
        master::list_engineers, master::get_engineer,
        tasks::list, master::get_task,
        reports::sla, reports::remote_promise, reports::inspections, reports::engineers,
        parts::stock, parts::deliveries, loans::loans, loans::create_loan,
        loans::record_doa, loans::list_doa, loans::doa_events,
        alerts::list, auth::me, move_clock, healthz, metrics, openapi,
    ),
    components(schemas(
        plans::PlanRequestBody, moves::MoveRequest, faults::FaultRequest, progress::ProgressRequest,
        fault_handling::FaultEventRequest, fault_handling::FaultView,
        rosters::RosterRequestBody, rosters::RosterView, rosters::PublicationView,
        simulations::SimulationView, simulations::SweepRequest,
        parts::StockView, parts::DeliveryView, loans::LoanRequest, loans::DoaRequest,
        loans::DoaEventRequest,
        alerts::Alert, super::error::ProblemDoc, super::error::FieldIssue, super::Published,
        installations::InstallationRequest, installations::NewDeviceRequest,
        installations::InstallationView, installations::InstallationDeviceView,
        installations::StepView, installations::InstallationList,
        ClockRequest,
    ))
)]
pub struct ApiDoc;

pub fn api_doc() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as served: [`api_doc`], and what utoipa's types cannot state, in JSON.
pub fn api_doc_json() -> serde_json::Value {
    let mut doc = serde_json::to_value(api_doc()).unwrap_or_default();
    doc["paths"]["/v1/events"]["get"]["responses"]["200"]["content"]["text/event-stream"]["schema"] =
        sse_event_schema();
    doc
}

/// One event of `GET /v1/events` (the OpenAPI 3.2 reading of a `text/event-stream` schema:
/// each event is `{event, id, data}`); `data` is JSON whose shape the event's name fixes.
fn sse_event_schema() -> serde_json::Value {
    let json_of = |schema: &str| {
        json!({"type": "string", "contentMediaType": "application/json",
               "contentSchema": {"$ref": format!("#/components/schemas/{schema}")}})
    };
    json!({
        "type": "object",
        "required": ["event", "data"],
        "properties": {
            "event": {"type": "string",
                      "enum": ["planPublished", "faultAtRisk", "faultMissed", "lagged"]},
            "id": {"type": "string", "pattern": "^[0-9]+$"},
            "data": {"type": "string"}
        },
        "oneOf": [
            {"properties": {"event": {"const": "planPublished"}, "data": json_of("Published")},
             "required": ["id"]},
            {"properties": {"event": {"enum": ["faultAtRisk", "faultMissed"]},
                            "data": json_of("Alert")},
             "required": ["id"]},
            {"properties": {"event": {"const": "lagged"},
                            "data": {"type": "string", "pattern": "^[0-9]+$"}}}
        ]
    })
}

/// Liveness: 200 while the service runs.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "{status: ok}")))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// Prometheus metrics (text format 0.0.4).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut res = state.metrics().render().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    res
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1")))]
pub async fn openapi() -> Json<serde_json::Value> {
    Json(api_doc_json())
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such route".to_owned())
}

/// Body of `POST /v1/clock`.
// Documents the body; the handler reads it field by field (`Fields`) to report every problem.
#[allow(dead_code)]
#[derive(utoipa::ToSchema)]
pub struct ClockRequest {
    /// RFC 3339 with offset.
    #[schema(format = DateTime, example = "2026-11-30T09:00:00+08:00")]
    now: String,
}

/// Moves the service's clock forward, when it runs on a manual clock (`fieldplan serve
/// --now T --manual-clock`: training, demos, tests); 409 otherwise. Time only runs forward:
/// what was recorded must never end up in the future.
#[utoipa::path(post, path = "/v1/clock", tag = "operations", security(("bearer" = [])),
    request_body(content = ClockRequest, description = "Not before the clock"),
    responses((status = 200, description = "{now, today}"),
        (status = 409, description = "The service runs on the system's clock", body = super::error::ProblemDoc),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn move_clock(
    State(state): State<AppState>,
    super::body::JsonBody(body): super::body::JsonBody,
) -> Result<Json<serde_json::Value>, ApiError> {
    let clock = state.manual_clock().ok_or_else(|| {
        ApiError::Conflict(
            "the service runs on the system's clock; start it with --manual-clock to move it"
                .to_owned(),
        )
    })?;
    let mut f = super::body::Fields::new(&body);
    let to: Option<crate::domain::instant::Instant> = f.required("now");
    let now = state.now();
    if let Some(t) = to.filter(|t| *t < now) {
        f.issue(
            "now",
            "out_of_range",
            format!("{t} is before the service's clock ({now}); time only runs forward"),
        );
    }
    f.finish()?;
    let to = to.expect("checked");
    clock.set(to);
    super::alerts::check(&state).await;
    Ok(Json(
        json!({"now": to.to_string(), "today": to.date().to_string()}),
    ))
}

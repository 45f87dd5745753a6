//! The JSON API: the same data as the pages, under the same session, roles and units; described by the
//! OpenAPI document at `/api/openapi.json`.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::WebError;
use crate::extract::{Allowed, Params, Staff, may};
use crate::households::{explain, find_households, load_household};
use crate::layout::PageResult;
use crate::state::AppState;
use giamngheo_core::Class;
use giamngheo_core::date::Date;
use giamngheo_store::today;

pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}

pub async fn me(Staff { ctx: _, caller: a }: Staff) -> PageResult {
    Ok(Json(json!({
        "name": a.name,
        "role": a.role.code(),
        "unit": a.unit_code,
    }))
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Q {
    q: String,
    after: String,
}

pub async fn households(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadHouseholds>,
    Params(q): Params<Q>,
) -> PageResult {
    if q.q.chars().count() > 100 {
        return Err(ctx.fail(WebError::bad("Từ khoá quá dài.", "The search is too long.")));
    }
    let found = find_households(&state, &a, &q.q, &q.after)
        .await
        .map_err(|e| ctx.fail(e))?;
    let items: Vec<Value> = found
        .iter()
        .map(|f| {
            json!({
                "household": f.code.as_str(),
                "name": f.name,
                "relation": f.relation.code(),
                "birth_date": f.birth_date.iso(),
                "commune": f.commune_name,
                "village": f.village_name,
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })).into_response())
}

pub async fn household(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadHouseholds>,
    Path(code): Path<String>,
) -> PageResult {
    let (h, inputs) = load_household(&state, &a, code)
        .await
        .map_err(|e| ctx.fail(e))?;
    let lang = ctx.lang;
    Ok(Json(json!({
        "code": h.code.as_str(),
        "registered_on": h.registered_on.iso(),
        "version": h.version,
        "residences": h.residences.iter().map(|r| json!({
            "since": r.since.iso(), "until": r.until.map(Date::iso), "commune_code": r.commune_code,
            "commune": r.commune_name, "village": r.village_name, "area": r.area.code(), "address": r.address,
        })).collect::<Vec<_>>(),
        "members": h.members.iter().map(|m| json!({
            "person_id": m.person_id, "name": m.name, "sex": m.sex.code(), "birth_date": m.birth_date.iso(),
            "ethnicity": m.ethnicity, "citizen_id": m.citizen_id, "relation": m.relation.code(),
            "since": m.since.iso(), "until": m.until.map(Date::iso),
        })).collect::<Vec<_>>(),
        "reviews": h.reviews.iter().map(|r| json!({
            "id": r.id, "year": r.year, "round": r.round.code(), "review_date": r.review_date.iso(),
            "standard": r.standard_id, "income_per_capita": r.income_per_capita, "income_score": r.income_score,
            "deprivation_count": r.deprivation_count, "computed_class": r.computed_class.code(),
            "decided_class": r.decided_class.map(Class::code), "decided_on": r.decided_on.map(Date::iso),
            "corrects": r.corrects_id,
            "explanation": explain(&state, r, inputs.iter().find(|i| i.0 == r.id), lang),
        })).collect::<Vec<_>>(),
        "events": h.events.iter().map(|e| json!({
            "date": e.date.iso(), "kind": e.kind.code(), "person": e.person, "note": e.note,
        })).collect::<Vec<_>>(),
    }))
    .into_response())
}

pub async fn unit(
    State(state): State<AppState>,
    Staff { ctx, .. }: Staff,
    Path(code): Path<String>,
) -> PageResult {
    let crate::units::UnitRecord {
        unit: u,
        parent,
        children,
        lineage,
    } = crate::units::unit_record(&state, code)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Json(json!({
        "code": u.code, "name": u.name, "level": u.level.code(),
        "valid_from": u.valid_from.map(Date::iso), "valid_until": u.valid_until.map(Date::iso),
        "parent": parent.map(|p| json!({"code": p.code, "name": p.name, "level": p.level.code()})),
        "children": children.iter().map(|c| json!({"code": c.code, "name": c.name, "level": c.level.code()})).collect::<Vec<_>>(),
        "lineage": lineage.iter().map(|l| json!({
            "date": l.date.iso(), "kind": l.kind.code(), "share": l.share, "direction": if l.outgoing { "to" } else { "from" },
            "unit_code": l.other_code, "unit": l.other_name,
        })).collect::<Vec<_>>(),
    }))
    .into_response())
}

pub async fn rates(
    State(state): State<AppState>,
    Staff { ctx, caller: a }: Staff,
    Path(code): Path<String>,
) -> PageResult {
    let u = state
        .pool
        .run(move |s| Ok(s.unit_by_code(&code, today())?))
        .await
        .map_err(|e| ctx.fail(e))?
        .ok_or_else(|| ctx.fail(WebError::NotFound))?;
    if !a.sees_unit(u.id) {
        return Err(ctx.fail(WebError::Forbidden));
    }
    let f = state.unit_figures(u).await.map_err(|e| ctx.fail(e))?;
    Ok(Json(json!({
        "unit": f.unit.code,
        "name": f.unit.name,
        "boundaries": today().iso(),
        "rates": f.rates.iter().map(|r| json!({
            "year": r.year, "standard": r.standard_id, "households": r.households, "poor": r.poor,
            "near_poor": r.near_poor, "poor_rate": r.poor_rate(), "near_poor_rate": r.near_poor_rate(),
        })).collect::<Vec<_>>(),
        "children": f.children.iter().map(|(c, r)| json!({
            "unit": c.code, "name": c.name,
            "households": r.as_ref().map(|r| r.households), "poor_rate": r.as_ref().map(|r| r.poor_rate()),
        })).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/me", get(me))
        .route("/api/households", get(households))
        .route("/api/households/{code}", get(household))
        .route("/api/units/{code}", get(unit))
        .route("/api/units/{code}/rates", get(rates))
}

//! The review's forms as PDF downloads: the chairman's decision with its lists (Mẫu 02), the certificates
//! (Mẫu 03) and a household's exit request (Mẫu 04). The models are filled by `giamngheo_app::forms`, the
//! same builders the command line calls, and drawn by `giamngheo_report::forms`.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use giamngheo_app::forms::{certificates, decision, exit_request};
use giamngheo_core::Lang;
use giamngheo_store::Store;
use giamngheo_store::rounds::{CaseSource, CaseView, RoundView};

use crate::auth::Caller;
use crate::error::WebError;
use crate::extract::{Allowed, may};
use crate::layout::{PageResult, pdf_response, record};
use crate::rounds::load_round;
use crate::state::AppState;
use giamngheo_core::round::RoundStatus;
use giamngheo_store::today;

fn not_decided() -> WebError {
    WebError::bad(
        "Đợt rà soát (round) chưa có quyết định công nhận: chưa có Mẫu 02, Mẫu 03.",
        "The round (round) has no decision yet: forms 02 and 03 come after it.",
    )
}

/// A decided round whose commune lies inside the account's units: forms 02 and 03 cover the whole commune,
/// so a village reviewer (who sees only their village's households) is refused with 403.
async fn decided_round(
    state: &AppState,
    a: &Caller,
    id: i64,
) -> Result<(RoundView, Vec<CaseView>), WebError> {
    let (round, cases) = load_round(state, a, id).await?;
    if !a.sees_unit(round.commune_id) {
        return Err(WebError::Forbidden);
    }
    if round.status != RoundStatus::Decided {
        return Err(not_decided());
    }
    Ok((round, cases))
}

/// The audit trail's line for a form downloaded from round `id`.
fn record_download(s: &mut Store, actor: &Caller, id: i64, file: &str) -> Result<(), WebError> {
    record(
        s,
        Some(actor),
        "download",
        &format!("review_round {id}"),
        file,
    )
}

/// `GET /rounds/{id}/decision.pdf`: the decision and its lists, for the whole commune.
pub async fn decision_pdf(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadHouseholds>,
    Path(id): Path<i64>,
) -> PageResult {
    let (round, cases) = decided_round(&state, &a, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let instrument = state
        .classifier(&round.standard_id)
        .map(|c| c.standard().instrument.name_vi.clone())
        .unwrap_or_default();
    let actor = a.clone();
    let model = state
        .pool
        .run(move |s| {
            let d = decision(s, &round, &cases, &instrument)?;
            record_download(s, &actor, id, "decision.pdf")?;
            Ok(d)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(pdf_response(
        &format!("quyet-dinh-mau-02-dot-{id}.pdf"),
        giamngheo_report::forms::decision(&model),
    ))
}

/// `GET /rounds/{id}/certificates.pdf`: every certificate of the round, a page each.
pub async fn certificates_pdf(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadHouseholds>,
    Path(id): Path<i64>,
) -> PageResult {
    let (round, cases) = decided_round(&state, &a, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let actor = a.clone();
    let list = state
        .pool
        .run(move |s| {
            let list = certificates(s, &round, &cases)?;
            if !list.is_empty() {
                record_download(s, &actor, id, "certificates.pdf")?;
            }
            Ok(list)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    if list.is_empty() {
        return Err(ctx.fail(WebError::bad(
            "Đợt rà soát (round) chưa cấp giấy chứng nhận nào: hãy cấp giấy chứng nhận trên trang đợt rà soát trước.",
            "The round (round) has issued no certificates yet: issue them on the round's page first.",
        )));
    }
    Ok(pdf_response(
        &format!("giay-chung-nhan-mau-03-dot-{id}.pdf"),
        giamngheo_report::forms::certificates(&list),
    ))
}

/// `GET /rounds/{id}/exit/{code}`: the exit request (Mẫu 04) of a household that asked to leave the lists in
/// this round, filled from the registry to print and sign. The household must be one the account sees.
pub async fn exit_pdf(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadHouseholds>,
    Path((id, code)): Path<(i64, String)>,
) -> PageResult {
    let (round, cases) = load_round(&state, &a, id).await.map_err(|e| ctx.fail(e))?;
    let Some(case) = cases
        .into_iter()
        .find(|c| c.household_code == code && c.source == CaseSource::ExitRequest)
    else {
        return Err(ctx.fail(WebError::NotFound));
    };
    // The household as it was when the round was decided, or as it is now while the round is open.
    let on = round.decided_on.unwrap_or_else(today).min(today());
    let actor = a.clone();
    let c2 = code.clone();
    let model = state
        .pool
        .run(move |s| {
            let m = exit_request(s, &c2, on, case.previous_class)?;
            if m.is_ok() {
                record(
                    s,
                    Some(&actor),
                    "download",
                    &format!("household {c2}"),
                    "exit request (Mẫu 04)",
                )?;
            }
            Ok(m)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    match model {
        Ok(m) => Ok(pdf_response(
            &format!("de-nghi-thoat-ngheo-mau-04-{code}.pdf"),
            giamngheo_report::forms::exit_request(&m),
        )),
        Err(why) => Err(ctx.fail(WebError::bad(
            format!("Hộ {code} (household): {}.", why.message(Lang::Vi)),
            format!("Household {code} (household): {}.", why.message(Lang::En)),
        ))),
    }
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rounds/{id}/decision.pdf", get(decision_pdf))
        .route("/rounds/{id}/certificates.pdf", get(certificates_pdf))
        .route("/rounds/{id}/exit/{code}", get(exit_pdf))
}

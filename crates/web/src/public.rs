//! The public page of a commune, without login: aggregated results only, and a form for feedback or a
//! complaint. Nothing personal is shown; when issue 4's posting period brings the posted list, its names go
//! through [`initials`] and it shows no ID numbers and no birth dates.
//!
//! The form cannot be used to stall a commune's review: its token is issued by the server (signed, bound to
//! the commune and the time the page was shown, spent once in the database), posts are limited per address
//! and per commune, a complaint about the review names a household of the commune or one of its villages,
//! and identical complaints are one entry of the round's queue (`Store::add_public_post`, one transaction).

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use giamngheo_core::complaint::FeedbackKind;
use giamngheo_core::ids::{UnitCode, UnitLevel};
use giamngheo_store::public_feedback::{PublicLimits, PublicOutcome, PublicPost, Subject};
use serde::Deserialize;

use crate::auth::{self};
use crate::error::WebError;
use crate::extract::Ctx;
use crate::html::{self, Markup, html, page};
use crate::layout::{PageResult, rates_section, record, respond};
use crate::state::AppState;
use giamngheo_store::today;

/// "Nguyễn Văn An" → "N. V. A.": enough for a household to find itself on a posted list, not to be found.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .flat_map(|c| c.to_uppercase())
        .map(|c| format!("{c}."))
        .collect::<Vec<_>>()
        .join(" ")
}

/// During a round's posting period, the households posted with their proposed class: initials and village
/// only (no ID numbers, no birth dates), as the law asks the commune to post them.
async fn posted_lists(
    state: &AppState,
    ctx: &Ctx,
    commune_id: i64,
) -> Result<Markup, crate::error::Failure> {
    let lang = ctx.lang;
    let posted = state
        .pool
        .run(move |s| {
            let mut out = Vec::new();
            for r in s.undecided_rounds(commune_id)? {
                let day = today();
                if let (Some(from), Some(to)) = (r.posted_on, r.posting_ends)
                    && from <= day
                    && day <= to
                {
                    let cases = s.round_cases(r.id)?;
                    out.push((r, cases));
                }
            }
            Ok(out)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(html! {
        @for (round, cases) in &posted {
            h2 { (ctx.t("Danh sách niêm yết công khai năm", "Posted list of")) " " (round.year) }
            p {
                (ctx.t("Niêm yết từ", "Posted from")) " "
                (round.posted_on.map(|d| d.vi()).unwrap_or_default()) " → "
                (round.posting_ends.map(|d| d.vi()).unwrap_or_default()) ". "
                (ctx.t(
                    "Nếu thấy kết quả chưa đúng, hãy gửi khiếu nại ở biểu mẫu dưới đây trong thời gian niêm yết.",
                    "If a result looks wrong, send a complaint with the form below while the list is posted."
                ))
            }
            table {
                (html::head(ctx.lang, &[
                    ("Chủ hộ", "Head of household"),
                    ("Thôn", "Village"),
                    ("Kết quả đề nghị", "Proposed result"),
                ]))
                tbody {
                    @for c in cases {
                        tr {
                            td { (initials(c.head_name.as_deref().unwrap_or(""))) }
                            td { (c.village.as_deref().unwrap_or("")) }
                            td { (c.computed_class.map_or("", |k| k.name(lang))) }
                        }
                    }
                }
            }
        }
    })
}

async fn commune_of(
    state: &AppState,
    ctx: &Ctx,
    code: String,
) -> Result<giamngheo_store::units::Unit, crate::error::Failure> {
    state
        .pool
        .run(move |s| Ok(s.unit_at(UnitLevel::Commune, code.trim(), today())?))
        .await
        .map_err(|e| ctx.fail(e))?
        .ok_or_else(|| ctx.fail(WebError::NotFound))
}

fn form_html(ctx: &Ctx, code: &str, token: &str, villages: &[(UnitCode, String)]) -> Markup {
    html! {
        h2 { (ctx.t("Góp ý, khiếu nại", "Feedback or complaint")) }
        form method="post" action={ "/public/" (html::url(code)) "/feedback" } class="box" {
            input type="hidden" name="csrf" value=(token);
            label { input type="radio" name="kind" value=(FeedbackKind::Feedback.code()) checked; " " (ctx.t("Góp ý", "Feedback")) }
            label {
                input type="radio" name="kind" value=(FeedbackKind::Complaint.code());
                " " (ctx.t("Khiếu nại về kết quả rà soát", "Complaint about the review results"))
            }
            p.muted {
                (ctx.t(
                    "Khiếu nại về kết quả rà soát cần mã hộ (ghi trên giấy chứng nhận) hoặc thôn được nói đến.",
                    "A complaint about the review needs the household's code (on its certificate) or the village it is about."
                ))
            }
            label for="household" { (ctx.t("Mã hộ", "Household code")) }
            input id="household" name="household" maxlength="40";
            label for="village" { (ctx.t("Thôn", "Village")) }
            select id="village" name="village" {
                option value="" { (ctx.t("— chọn thôn —", "— choose a village —")) }
                @for (code, name) in villages {
                    option value=(code) { (name) }
                }
            }
            label for="name" { (ctx.t("Họ tên (không bắt buộc)", "Name (optional)")) }
            input id="name" name="name" maxlength="100";
            label for="contact" {
                (ctx.t(
                    "Điện thoại hoặc địa chỉ để trả lời (không bắt buộc)",
                    "Phone or address for the answer (optional)"
                ))
            }
            input id="contact" name="contact" maxlength="100";
            label for="message" { (ctx.t("Nội dung", "Message")) }
            textarea id="message" name="message" rows="5" cols="60" maxlength="4000" required {}
            p { button type="submit" { (ctx.t("Gửi", "Send")) } }
        }
    }
}

fn with_pre_cookie(mut r: Response, token: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(auth::PRE_COOKIE, token, Some(3600))) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

pub async fn commune(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> PageResult {
    let u = commune_of(&state, &ctx, code).await?;
    let f = state.unit_figures(u).await.map_err(|e| ctx.fail(e))?;
    let posted = posted_lists(&state, &ctx, f.unit.id).await?;
    let secret = state.public_secret().await.map_err(|e| ctx.fail(e))?;
    let token = auth::public_token(&secret, f.unit.id, unix_now());
    let commune_id = f.unit.id;
    let villages = state
        .pool
        .run(move |s| Ok(s.villages_labelled(commune_id, today())?))
        .await
        .map_err(|e| ctx.fail(e))?
        .into_iter()
        .map(|(v, label)| (v.code, label))
        .collect::<Vec<_>>();
    let body = html! {
        p.muted { (f.unit.code) " · " (ctx.t("địa giới ngày", "boundaries of")) " " (today().vi()) }
        h2 { (ctx.t("Kết quả rà soát hộ nghèo, cận nghèo", "Results of the poverty review")) }
        (rates_section(ctx.lang, &f.rates))
        (posted)
        (form_html(&ctx, f.unit.code.as_str(), &token, &villages))
    };
    let title = format!("{} {}", ctx.t("Công khai:", "Public page:"), f.unit.name);
    let r = respond(&ctx, StatusCode::OK, page(ctx.lang, &title, None, body));
    Ok(with_pre_cookie(r, &token))
}

#[derive(Deserialize)]
pub struct FeedbackForm {
    csrf: String,
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: String,
    message: String,
    /// A complaint's subject: a household code, or a village's code.
    #[serde(default)]
    household: String,
    #[serde(default)]
    village: String,
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The same answer for a household code that does not exist and one of another commune: the public form does
/// not tell where a household lives.
fn not_in_commune() -> WebError {
    WebError::bad(
        "Không có hộ nào mang mã này ở xã, hoặc thôn đã chọn không thuộc xã (Mã hộ, Thôn).",
        "No household of this commune has this code, or the village is not one of the commune's (Household code, Village).",
    )
}

fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect::<String>()
        .trim()
        .to_owned()
}

pub async fn feedback(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    form: Result<Form<FeedbackForm>, FormRejection>,
) -> PageResult {
    let u = commune_of(&state, &ctx, code).await?;
    let f = match form {
        Ok(Form(f)) => f,
        Err(e) => return Err(ctx.fail(WebError::malformed(&e))),
    };
    // No session here: the token must be one this server issued for this commune's page in the last two
    // hours, the cookie set with the page must carry it, and the post come from this site. Whether it was
    // spent is checked in the database, with the post's write.
    let secret = state.public_secret().await.map_err(|e| ctx.fail(e))?;
    let pre = auth::cookie(&ctx.headers, auth::PRE_COOKIE).unwrap_or("");
    let nonce = auth::check_public_token(&secret, &f.csrf, u.id, unix_now())
        .filter(|_| auth::same_origin(&ctx.headers) && pre == f.csrf);
    let Some(nonce) = nonce else {
        let target = format!("feedback {}", u.code);
        state
            .pool
            .run(move |s| record(s, None, "refused", &target, "csrf"))
            .await
            .map_err(|e| ctx.fail(e))?;
        return Err(ctx.fail(WebError::Csrf));
    };
    let (name, contact, message) = (clean(&f.name), clean(&f.contact), clean(&f.message));
    let complaint = match FeedbackKind::parse(&f.kind) {
        Some(kind) => kind == FeedbackKind::Complaint,
        None => {
            return Err(ctx.fail(WebError::bad(
                "Loại góp ý không hợp lệ.",
                "Unknown kind of message.",
            )));
        }
    };
    if message.is_empty()
        || message.chars().count() > 4000
        || name.chars().count() > 100
        || contact.chars().count() > 100
        || f.household.chars().count() > 40
        || f.village.chars().count() > 40
    {
        return Err(ctx.fail(WebError::bad(
            "Nội dung cần có, tối đa 4.000 ký tự; họ tên và liên hệ tối đa 100 ký tự; mã hộ và thôn tối đa 40.",
            "A message is needed, 4,000 characters at most; name and contact 100 at most; household code and village 40.",
        )));
    }
    let subject = if complaint {
        let (household, village) = (clean(&f.household), clean(&f.village));
        if !household.is_empty() {
            Some(Subject::Household(household))
        } else if !village.is_empty() {
            let commune_id = u.id;
            let found = state
                .pool
                .run(move |s| {
                    Ok(s.children_at(commune_id, today())?
                        .into_iter()
                        .find(|v| v.code == village))
                })
                .await
                .map_err(|e| ctx.fail(e))?;
            match found {
                Some(v) => Some(Subject::Village(v.id)),
                None => return Err(ctx.fail(not_in_commune())),
            }
        } else {
            return Err(ctx.fail(WebError::bad(
                "Khiếu nại về kết quả rà soát cần mã hộ (Mã hộ) hoặc thôn (Thôn) được nói đến.",
                "A complaint about the review needs the household's code (Household code) or the village (Village) it is about.",
            )));
        }
    } else {
        None
    };
    // The limits need only to tell addresses apart: a keyed hash is stored, not the address.
    let address = auth::hmac(
        secret.as_bytes(),
        &[
            b"address",
            ctx.peer.as_deref().unwrap_or("unknown").as_bytes(),
        ],
    );
    let commune_id = u.id;
    let origin = ctx.peer.clone().unwrap_or_else(|| "web".to_owned());
    let outcome = state
        .pool
        .run(move |s| {
            Ok(s.add_public_post(
                &PublicPost {
                    commune_id,
                    nonce: &nonce,
                    address: &address,
                    now: unix_now(),
                    received_on: today(),
                    complaint: subject,
                    name: &name,
                    contact: &contact,
                    message: &message,
                    origin: &origin,
                },
                // Spent nonces are kept as long as a token can be posted.
                PublicLimits {
                    token_life: auth::PUBLIC_TOKEN_LIFE.as_secs() as i64,
                    ..PublicLimits::default()
                },
            )?)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    match outcome {
        PublicOutcome::Accepted { .. } => {}
        PublicOutcome::TokenSpent => return Err(ctx.fail(WebError::Csrf)),
        PublicOutcome::TooMany { address } => {
            return Err(ctx.fail(WebError::TooManyPosts { address }));
        }
        PublicOutcome::NotInCommune => return Err(ctx.fail(not_in_commune())),
    }
    let body = html! {
        p class="box" {
            (ctx.t(
                "Đã nhận. Cảm ơn bạn; xã sẽ trả lời theo thông tin liên hệ bạn để lại.",
                "Received. Thank you; the commune will answer at the contact you gave."
            ))
        }
        p { a href={ "/public/" (html::url(&u.code)) } { (u.name) } }
    };
    // The form's token is spent: sending the same post again is refused.
    let r = respond(
        &ctx,
        StatusCode::OK,
        page(ctx.lang, ctx.t("Đã gửi", "Sent"), None, body),
    );
    Ok(with_pre_cookie(r, &auth::random_token()))
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/public/{code}", get(commune))
        .route("/public/{code}/feedback", post(feedback))
}

#[cfg(test)]
mod tests {
    #[test]
    fn initials_only() {
        assert_eq!(super::initials("Nguyễn Văn An"), "N. V. A.");
        assert_eq!(super::initials("đặng thị  ánh"), "Đ. T. Á.");
    }
}

//! The public page of a commune, without login: aggregated results only, and a form for feedback or a
//! complaint. Nothing personal is shown; when issue 4's posting period brings the posted list, its names go
//! through [`initials`] and it shows no ID numbers and no birth dates.

use std::fmt::Write;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use giamngheo_core::ids::UnitLevel;
use serde::Deserialize;

use crate::auth::{self, Ctx};
use crate::error::WebError;
use crate::html::{self, esc, page};
use crate::pages::{PageResult, rates_section, record, respond};
use crate::{AppState, today};

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
    body: &mut String,
) -> Result<(), crate::error::Failure> {
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
    for (round, cases) in posted {
        let _ = write!(
            body,
            "<h2>{} {}</h2><p>{} {} → {}. {}</p>",
            ctx.t("Danh sách niêm yết công khai năm", "Posted list of"),
            round.year,
            ctx.t("Niêm yết từ", "Posted from"),
            round.posted_on.map(|d| d.vi()).unwrap_or_default(),
            round.posting_ends.map(|d| d.vi()).unwrap_or_default(),
            ctx.t(
                "Nếu thấy kết quả chưa đúng, hãy gửi khiếu nại ở biểu mẫu dưới đây trong thời gian niêm yết.",
                "If a result looks wrong, send a complaint with the form below while the list is posted."
            )
        );
        let _ = write!(
            body,
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            ctx.t("Chủ hộ", "Head of household"),
            ctx.t("Thôn", "Village"),
            ctx.t("Kết quả đề nghị", "Proposed result")
        );
        for c in &cases {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&initials(c.head_name.as_deref().unwrap_or(""))),
                esc(c.village.as_deref().unwrap_or("")),
                c.computed_class.map_or("", |k| k.name(lang))
            );
        }
        body.push_str("</tbody></table>");
    }
    Ok(())
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

fn form_html(ctx: &Ctx, code: &str, token: &str) -> String {
    format!(
        "<h2>{}</h2><form method=\"post\" action=\"/public/{}/feedback\" class=\"box\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label><input type=\"radio\" name=\"kind\" value=\"feedback\" checked> {}</label>\
         <label><input type=\"radio\" name=\"kind\" value=\"complaint\"> {}</label>\
         <label for=\"name\">{}</label><input id=\"name\" name=\"name\" maxlength=\"100\">\
         <label for=\"contact\">{}</label><input id=\"contact\" name=\"contact\" maxlength=\"100\">\
         <label for=\"message\">{}</label><textarea id=\"message\" name=\"message\" rows=\"5\" cols=\"60\" maxlength=\"4000\" required></textarea>\
         <p><button type=\"submit\">{}</button></p></form>",
        ctx.t("Góp ý, khiếu nại", "Feedback or complaint"),
        html::url(code),
        esc(token),
        ctx.t("Góp ý", "Feedback"),
        ctx.t(
            "Khiếu nại về kết quả rà soát",
            "Complaint about the review results"
        ),
        ctx.t("Họ tên (không bắt buộc)", "Name (optional)"),
        ctx.t(
            "Điện thoại hoặc địa chỉ để trả lời (không bắt buộc)",
            "Phone or address for the answer (optional)"
        ),
        ctx.t("Nội dung", "Message"),
        ctx.t("Gửi", "Send")
    )
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
    let st = state.clone();
    let f = state
        .pool
        .run(move |s| st.figures(s, u))
        .await
        .map_err(|e| ctx.fail(e))?;
    let mut body = String::new();
    let _ = write!(
        body,
        "<p class=\"muted\">{} · {} {}</p><h2>{}</h2>",
        esc(&f.unit.code),
        ctx.t("địa giới ngày", "boundaries of"),
        today().vi(),
        ctx.t(
            "Kết quả rà soát hộ nghèo, cận nghèo",
            "Results of the poverty review"
        )
    );
    rates_section(&mut body, ctx.lang, &f.rates);
    posted_lists(&state, &ctx, f.unit.id, &mut body).await?;
    let token = auth::random_token();
    body.push_str(&form_html(&ctx, &f.unit.code, &token));
    let title = format!("{} {}", ctx.t("Công khai:", "Public page:"), f.unit.name);
    let r = respond(&ctx, StatusCode::OK, page(ctx.lang, &title, None, &body));
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
    // No session here: the token must match the cookie set with the form, and the post come from this site.
    let pre = auth::cookie(&ctx.headers, auth::PRE_COOKIE).unwrap_or("");
    if !auth::same_origin(&ctx.headers) || pre.is_empty() || pre != f.csrf {
        let target = format!("feedback {}", u.code);
        state
            .pool
            .run(move |s| record(s, None, "refused", &target, "csrf"))
            .await
            .map_err(|e| ctx.fail(e))?;
        return Err(ctx.fail(WebError::Csrf));
    }
    let (name, contact, message) = (clean(&f.name), clean(&f.contact), clean(&f.message));
    let complaint = match f.kind.as_str() {
        "feedback" => false,
        "complaint" => true,
        _ => {
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
    {
        return Err(ctx.fail(WebError::bad(
            "Nội dung cần có, tối đa 4.000 ký tự; họ tên và liên hệ tối đa 100 ký tự.",
            "A message is needed, 4,000 characters at most; name and contact 100 at most.",
        )));
    }
    let id = u.id;
    let origin = ctx.peer.clone().unwrap_or_else(|| "web".to_owned());
    state
        .pool
        .run(move |s| {
            s.add_feedback(id, complaint, &name, &contact, &message)?;
            // A complaint joins the queue of the commune's round under way, which must answer it before
            // the decision.
            if complaint && let Some(round) = s.undecided_rounds(id)?.into_iter().next() {
                let who = if name.is_empty() {
                    "người dân ẩn danh"
                } else {
                    name.as_str()
                };
                s.add_complaint(
                    &giamngheo_store::audit::Actor::new(
                        who,
                        giamngheo_core::round::Role::Citizen,
                        &origin,
                    ),
                    round.id,
                    &giamngheo_store::rounds::NewComplaint {
                        household_code: None,
                        received_on: today(),
                        complainant: format!("{who} ({contact})"),
                        channel: "web".to_owned(),
                        content: message.clone(),
                    },
                )?;
            }
            Ok(())
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let body = format!(
        "<p class=\"box\">{}</p><p><a href=\"/public/{}\">{}</a></p>",
        ctx.t(
            "Đã nhận. Cảm ơn bạn; xã sẽ trả lời theo thông tin liên hệ bạn để lại.",
            "Received. Thank you; the commune will answer at the contact you gave."
        ),
        html::url(&u.code),
        esc(&u.name)
    );
    // The form's token is spent: sending the same post again is refused.
    let r = respond(
        &ctx,
        StatusCode::OK,
        page(ctx.lang, ctx.t("Đã gửi", "Sent"), None, &body),
    );
    Ok(with_pre_cookie(r, &auth::random_token()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn initials_only() {
        assert_eq!(super::initials("Nguyễn Văn An"), "N. V. A.");
        assert_eq!(super::initials("đặng thị  ánh"), "Đ. T. Á.");
    }
}

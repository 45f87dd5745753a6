//! The household search, list and record. The finding and loading functions are public because the JSON API
//! answers from the same reads: the scope check and the record of each read of personal data exist once.

use std::fmt::Write;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use giamngheo_core::date::Date;
use giamngheo_core::{Area, DeprivationSet, Income, Lang};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::WebError;
use crate::extract::{Allowed, Params, may};
use crate::html::{self, Markup, html};
use crate::layout::{PageResult, record, staff_page};
use crate::state::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
    after: String,
}

/// A search shows the first 50 matches (in the order of the folded name), as a page of the list does: an
/// officer looking for one household types more rather than reads further, and each match costs the server
/// a read of its member, household, village and commune (200 matches a search held the server to 690
/// searches a second on 1 million households, bench/web.sh).
const SEARCH_LIMIT: i64 = 50;
const PAGE: i64 = 50;

/// Search results (or a page of the list) for an account: personal data, so the read is recorded.
pub async fn find_households(
    state: &AppState,
    a: &Caller,
    q: &str,
    after: &str,
) -> Result<Vec<giamngheo_store::search::Found>, WebError> {
    let (actor, q, after) = (a.clone(), q.trim().to_owned(), after.to_owned());
    state
        .pool
        .run(move |s| {
            let scope = actor.scope_account();
            let mut found = if q.is_empty() {
                s.list_households(scope, &after, PAGE)?
            } else {
                let mut v = s.search_members(scope, &q, SEARCH_LIMIT)?;
                crate::collate::sort_by_name(&mut v, |f| &f.name);
                v
            };
            // The SQL scope join is the guard; this second check keeps a mistake there from leaking.
            found.retain(|f| actor.sees_household(f.commune_id, f.village_id));
            // Villages that share a name after a merger are told apart by their former commune.
            let villages: Vec<i64> = found.iter().filter_map(|f| f.village_id).collect();
            let labels = s.village_labels(&villages, giamngheo_store::today())?;
            for f in &mut found {
                if let Some(label) = f.village_id.and_then(|v| labels.get(&v)) {
                    f.village_name = Some(label.clone());
                }
            }
            let detail = if q.is_empty() {
                format!("list after {after}")
            } else {
                format!("q={q}")
            };
            record(
                s,
                Some(&actor),
                "search",
                "households",
                &format!("{detail}; {} rows", found.len()),
            )?;
            Ok(found)
        })
        .await
}

pub async fn households(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadHouseholds>,
    Params(q): Params<SearchQuery>,
) -> PageResult {
    if q.q.chars().count() > 100 {
        return Err(ctx.fail(WebError::bad("Từ khoá quá dài.", "The search is too long.")));
    }
    let lang = ctx.lang;
    let found = find_households(&state, &a, &q.q, &q.after)
        .await
        .map_err(|e| ctx.fail(e))?;
    let rows: Vec<Vec<Markup>> = found
        .iter()
        .map(|f| {
            vec![
                html! { a href={ "/households/" (html::url(f.code.as_str())) } { (f.name) } },
                html! { (f.relation.name(lang)) },
                html! { (f.birth_date.vi()) },
                html! { (f.code) },
                html! { (f.village_name.as_deref().unwrap_or("")) },
                html! { (f.commune_name) },
            ]
        })
        .collect();
    let body = html! {
        form method="get" action="/households" class="box" {
            label for="q" {
                (ctx.t(
                    "Họ tên (có hoặc không dấu) hoặc số định danh",
                    "Name (with or without accents) or citizen ID"
                ))
            }
            input id="q" name="q" value=(q.q) size="40" autofocus;
            " "
            button type="submit" { (ctx.t("Tìm", "Search")) }
        }
        @if found.is_empty() {
            p.muted { (ctx.t("Không có hộ nào.", "No households.")) }
        } @else {
            (html::table(
                "households",
                &[
                    ctx.t("Họ tên", "Name"),
                    ctx.t("Quan hệ với chủ hộ", "Relation to head"),
                    ctx.t("Ngày sinh", "Born"),
                    ctx.t("Mã hộ", "Household"),
                    ctx.t("Thôn", "Village"),
                    ctx.t("Xã", "Commune"),
                ],
                &rows,
            ))
            @if q.q.trim().is_empty() && found.len() as i64 == PAGE {
                @if let Some(last) = found.last() {
                    p {
                        a href={ "/households?after=" (html::url(last.code.as_str())) } {
                            (ctx.t("Trang sau", "Next page")) " →"
                        }
                    }
                }
            } @else if found.len() as i64 == SEARCH_LIMIT {
                p.muted {
                    (ctx.t(
                        "Chỉ hiện 50 kết quả đầu: hãy gõ thêm.",
                        "Only the first 50 matches are shown: type more."
                    ))
                }
            }
        }
    };
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Hộ gia đình", "Households"),
        body,
    ))
}

/// A household's record for an account, or 404 if it does not exist or lies outside the account's units.
pub async fn load_household(
    state: &AppState,
    a: &Caller,
    code: String,
) -> Result<
    (
        giamngheo_store::households::HouseholdHistory,
        Vec<(i64, Area, u32)>,
    ),
    WebError,
> {
    let actor = a.clone();
    state
        .pool
        .run(move |s| {
            let Some(w) = s.whereabouts(&code)? else {
                return Err(WebError::NotFound);
            };
            if !actor.sees_household(w.commune_id, w.village_id) {
                record(
                    s,
                    Some(&actor),
                    "refused",
                    &format!("household {code}"),
                    "outside the account's units",
                )?;
                return Err(WebError::NotFound);
            }
            let mut h = s.household_history(&code)?;
            let villages: Vec<i64> = h.residences.iter().filter_map(|r| r.village_id).collect();
            let labels = s.village_labels(&villages, giamngheo_store::today())?;
            for r in &mut h.residences {
                if let Some(label) = r.village_id.and_then(|v| labels.get(&v)) {
                    r.village_name = Some(label.clone());
                }
            }
            let inputs = s.review_inputs(h.id)?;
            record(s, Some(&actor), "read", &format!("household {code}"), "")?;
            Ok((h, inputs))
        })
        .await
}

/// The explanation of a review's class in `lang`, from the classifier of its standard.
pub fn explain(
    state: &AppState,
    r: &giamngheo_store::reviews::ReviewView,
    input: Option<&(i64, Area, u32)>,
    lang: Lang,
) -> String {
    let (Some(c), Some((_, area, bits))) = (state.classifier(&r.standard_id), input) else {
        return r.reason.clone();
    };
    let income = match (r.income_per_capita, r.income_score) {
        (Some(v), _) => Income::Vnd(v),
        (None, Some(s)) => Income::Score(s as u32),
        _ => return r.reason.clone(),
    };
    match c.classify(*area, income, DeprivationSet(*bits)) {
        Ok(o) => {
            let mut text = c.reason(&o, lang);
            let names: Vec<&str> = DeprivationSet(*bits)
                .iter()
                .filter_map(|i| c.standard().indicators.get(i))
                .map(|ind| lang.pick(&ind.short_vi, &ind.short_en))
                .collect();
            if !names.is_empty() {
                let _ = write!(
                    text,
                    " [{}: {}]",
                    lang.pick("thiếu hụt", "deprived on"),
                    names.join(", ")
                );
            }
            text
        }
        Err(_) => r.reason.clone(),
    }
}

pub async fn household(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadHouseholds>,
    Path(code): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    let (h, inputs) = load_household(&state, &a, code)
        .await
        .map_err(|e| ctx.fail(e))?;
    let residences: Vec<Vec<Markup>> = h
        .residences
        .iter()
        .rev()
        .map(|r| {
            vec![
                html! { (r.since.vi()) },
                html! { (r.until.map(Date::vi).unwrap_or_default()) },
                html! { (r.village_name.as_deref().unwrap_or("")) },
                html! { a href={ "/units/" (html::url(&r.commune_code)) } { (r.commune_name) } },
                html! { (r.area.name(lang)) },
                html! { (r.address) },
            ]
        })
        .collect();
    let members: Vec<Vec<Markup>> = h
        .members
        .iter()
        .map(|m| {
            vec![
                html! { (m.name) },
                html! { (m.relation.name(lang)) },
                html! { (m.sex.name(lang)) },
                html! { (m.birth_date.vi()) },
                html! { (m.ethnicity) },
                html! { (m.citizen_id.as_deref().unwrap_or("")) },
                html! { (m.since.vi()) },
                html! { (m.until.map(Date::vi).unwrap_or_default()) },
            ]
        })
        .collect();
    let reviews: Vec<Vec<Markup>> = h
        .reviews
        .iter()
        .rev()
        .map(|r| {
            let input = inputs.iter().find(|i| i.0 == r.id);
            let income = match (r.income_per_capita, r.income_score) {
                (Some(v), _) => giamngheo_core::vi_format::vnd(v, lang),
                (None, Some(s)) => format!("{} {}", s, ctx.t("điểm", "points")),
                _ => String::new(),
            };
            vec![
                html! { (r.year) },
                html! { (r.review_date.vi()) },
                html! { (crate::layout::standard_name(&r.standard_id, ctx.lang)) },
                html! { (income) },
                html! { (r.deprivation_count) },
                html! {
                    strong {
                        (r.decided_class.unwrap_or(r.computed_class).name(lang))
                    }
                },
                html! {
                    (r.decided_on
                        .map(Date::vi)
                        .unwrap_or_else(|| ctx.t("chưa quyết định", "not decided").to_owned()))
                },
                html! { (explain(&state, r, input, lang)) },
            ]
        })
        .collect();
    let events: Vec<Vec<Markup>> = h
        .events
        .iter()
        .rev()
        .map(|e| {
            vec![
                html! { (e.date.vi()) },
                html! { (e.kind.name(lang)) },
                html! { (e.person.as_deref().unwrap_or("")) },
                html! { (e.note) },
            ]
        })
        .collect();
    let body = html! {
        p.muted {
            (ctx.t("Đăng ký ngày", "Registered on")) " " (h.registered_on.vi()) " · "
            (ctx.t("phiên bản", "version")) " " (h.version)
        }
        h2 { (ctx.t("Nơi ở", "Residence")) }
        (html::table(
            "residences",
            &[
                ctx.t("Từ", "From"),
                ctx.t("Đến", "Until"),
                ctx.t("Thôn", "Village"),
                ctx.t("Xã", "Commune"),
                ctx.t("Khu vực", "Area"),
                ctx.t("Địa chỉ", "Address"),
            ],
            &residences,
        ))
        h2 { (ctx.t("Thành viên", "Members")) }
        (html::table(
            "members",
            &[
                ctx.t("Họ tên", "Name"),
                ctx.t("Quan hệ", "Relation"),
                ctx.t("Giới tính", "Sex"),
                ctx.t("Ngày sinh", "Born"),
                ctx.t("Dân tộc", "Ethnicity"),
                ctx.t("Số định danh", "Citizen ID"),
                ctx.t("Từ", "From"),
                ctx.t("Đến", "Until"),
            ],
            &members,
        ))
        h2 { (ctx.t("Kết quả rà soát", "Reviews")) }
        @if reviews.is_empty() {
            p.muted { (ctx.t("Chưa có.", "None yet.")) }
        } @else {
            (html::table(
                "reviews",
                &[
                    ctx.t("Năm", "Year"),
                    ctx.t("Ngày rà soát", "Reviewed"),
                    ctx.t("Chuẩn", "Standard"),
                    ctx.t("Thu nhập bình quân", "Income per head"),
                    ctx.t("Số chỉ số thiếu hụt", "Deprivations"),
                    ctx.t("Phân loại", "Class"),
                    ctx.t("Quyết định", "Decided"),
                    ctx.t("Vì sao", "Why"),
                ],
                &reviews,
            ))
        }
        // Issue 4 adds support received and the household's transitions here.
        h2 { (ctx.t("Biến động", "Events")) }
        (html::table(
            "events",
            &[
                ctx.t("Ngày", "Date"),
                ctx.t("Sự kiện", "Event"),
                ctx.t("Người", "Person"),
                ctx.t("Ghi chú", "Note"),
            ],
            &events,
        ))
    };
    let title = format!("{} {}", ctx.t("Hộ", "Household"), h.code);
    Ok(staff_page(&state, &ctx, &a, &title, body))
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/households", get(households))
        .route("/households/{code}", get(household))
}

//! A unit's overview for staff: the cached figures (`AppState::figures`, shared with the public page and the
//! API) with the units under it and the late communes, which only staff see.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use giamngheo_core::Lang;
use giamngheo_core::date::Date;
use giamngheo_core::ids::UnitLevel;
use giamngheo_store::rates::YearRate;
use giamngheo_store::units::Unit;
use serde::Deserialize;

use crate::error::WebError;
use crate::extract::Params;
use crate::extract::Staff;
use crate::html::{self, Markup, html};
use crate::layout::{
    PageResult, chosen_unit, coverage_marks, rates_section, staff_page, standard_name,
};
use crate::state::AppState;
use giamngheo_store::today;

#[derive(Deserialize, Default)]
pub struct UnitQuery {
    unit: Option<String>,
}

/// The communes' offline databases syncing with this server (issue 16): each one's last sync, the conflicts
/// waiting for an officer, and whether the commune is also late with its reports. Shown only where a commune
/// was set up for sync.
fn sync_section(
    lang: Lang,
    syncs: &[giamngheo_store::sync::CommuneSync],
    late: &[giamngheo_store::support::Late],
) -> Markup {
    if syncs.is_empty() {
        return html! {};
    }
    let rows: Vec<Vec<Markup>> = syncs
        .iter()
        .map(|s| {
            let is_late = late.iter().any(|l| l.commune_code == s.commune_code);
            vec![
                html! { a href={ "/dashboard?unit=" (html::url(&s.commune_code)) } { (s.commune_name) } },
                html! { (s.origin) },
                html! {
                    @match &s.last_received_at {
                        Some(at) => (html::moment(at)),
                        None => span.muted { (lang.pick("chưa đồng bộ lần nào", "never synced")) },
                    }
                },
                html! {
                    @if s.open_conflicts > 0 {
                        a href={ "/sync/conflicts?unit=" (html::url(&s.commune_code)) } { (s.open_conflicts) }
                    } @else {
                        (s.open_conflicts)
                    }
                },
                html! { (if is_late { lang.pick("chậm", "late") } else { "" }) },
            ]
        })
        .collect();
    html! {
        h2 { (lang.pick("Đồng bộ của các xã", "The communes' sync")) }
        (html::table(
            "syncs",
            &[
                lang.pick("Xã", "Commune"),
                lang.pick("Thiết bị (nguồn)", "Device (origin)"),
                lang.pick("Lần nhận cuối", "Last received"),
                lang.pick("Xung đột chờ xử lý", "Conflicts waiting"),
                lang.pick("Báo cáo", "Reports"),
            ],
            &rows,
        ))
    }
}

/// Late communes, one row each: the periodic decision and the monthly reports past their deadlines.
fn late_section(lang: Lang, late: &[giamngheo_store::support::Late]) -> Markup {
    use giamngheo_store::support::ReportKind;
    let heading = html! { h2 { (lang.pick("Xã chậm tiến độ", "Late communes")) } };
    if late.is_empty() {
        return html! {
            (heading)
            p.muted { (lang.pick("Không có xã nào chậm.", "No commune is late.")) }
        };
    }
    let mut rows: Vec<Vec<Markup>> = Vec::new();
    let mut i = 0;
    while i < late.len() {
        let code = &late[i].commune_code;
        let mut what = Vec::new();
        let mut months = Vec::new();
        while i < late.len() && &late[i].commune_code == code {
            let l = &late[i];
            match l.kind {
                ReportKind::Periodic => what.push(format!(
                    "{} {} ({} {})",
                    lang.pick("quyết định rà soát định kỳ", "periodic review decision"),
                    l.year,
                    lang.pick("hạn", "due"),
                    l.deadline.vi()
                )),
                ReportKind::Monthly => months.push(l.month.unwrap_or(0).to_string()),
                ReportKind::Preliminary | ReportKind::Official => what.push(format!(
                    "{} {} ({} {})",
                    if l.kind == ReportKind::Preliminary {
                        lang.pick(
                            "kết quả sơ bộ gửi Bộ",
                            "preliminary results to the ministry",
                        )
                    } else {
                        lang.pick(
                            "kết quả chính thức gửi Bộ",
                            "official results to the ministry",
                        )
                    },
                    l.year,
                    lang.pick("hạn", "due"),
                    l.deadline.vi()
                )),
            }
            i += 1;
        }
        if !months.is_empty() {
            what.push(format!(
                "{} {}",
                lang.pick("báo cáo tháng", "monthly reports for"),
                months.join(", ")
            ));
        }
        let l = &late[i - 1];
        rows.push(vec![
            html! { a href={ "/dashboard?unit=" (html::url(&l.commune_code)) } { (l.commune_name) } },
            html! { (what.join("; ")) },
        ]);
    }
    html! {
        (heading)
        (html::table(
            "late",
            &[lang.pick("Xã", "Commune"), lang.pick("Chậm", "Late with")],
            &rows,
        ))
    }
}

/// One province's row on the administrator's home: its figures of the country's year (None: no result that
/// year) and its latest year with a result, which may be later and not complete yet.
pub struct ProvinceRow {
    pub unit: Unit,
    pub rate: Option<YearRate>,
    pub latest: Option<YearRate>,
}

/// Each province (today's boundaries) with its figures of the country's year: the latest year in which some
/// province has a complete and decided result (all its communes reported, nothing provisional), so that the
/// first commune to post next year's list does not become the country's figure; the latest year with any
/// result when none is complete.
fn province_rates(s: &mut giamngheo_store::Store) -> Result<Vec<ProvinceRow>, WebError> {
    let today = today();
    let years: Vec<(i32, Date)> = (2015..=today.year())
        .map(|y| (y, giamngheo_core::calendar::review_day(y)))
        .collect();
    let mut all = Vec::new();
    for p in s.units_at_level(UnitLevel::Province, today)? {
        let rates: Vec<YearRate> = s
            .rates(p.id, today, &years)?
            .into_iter()
            .filter(|r| r.standard_id.is_some() && r.communes_reported > 0)
            .collect();
        all.push((p, rates));
    }
    let complete = all
        .iter()
        .flat_map(|(_, r)| {
            r.iter()
                .filter(|r| !r.partial() && !r.provisional())
                .map(|r| r.year)
        })
        .max();
    let year = complete.or_else(|| {
        all.iter()
            .filter_map(|(_, r)| r.last().map(|r| r.year))
            .max()
    });
    let mut out: Vec<ProvinceRow> = all
        .into_iter()
        .map(|(unit, rates)| ProvinceRow {
            unit,
            rate: rates.iter().find(|r| Some(r.year) == year).cloned(),
            latest: rates.last().cloned(),
        })
        .collect();
    // By the name without "Tỉnh" or "Thành phố", as a reader looks for it.
    crate::collate::sort_by_name(&mut out, |p| &p.unit.short_name);
    Ok(out)
}

/// The country's figures of its year (`province_rates`): the sum over the provinces with a result, with how many
/// provinces and communes that covers (the communes of provinces without a result count as not reported),
/// then a row per province.
fn national_section(lang: Lang, provinces: &[ProvinceRow]) -> Markup {
    let reported: Vec<&YearRate> = provinces.iter().filter_map(|p| p.rate.as_ref()).collect();
    let rows: Vec<Vec<Markup>> = provinces
        .iter()
        .map(|ProvinceRow { unit: p, rate: r, latest }| {
            let figure = |f: &dyn Fn(&YearRate) -> String| html! { (r.as_ref().map(f).unwrap_or_default()) };
            vec![
                html! {
                    a href={ "/dashboard?unit=" (html::url(&p.code)) } { (p.name) }
                    @if let Some(r) = r { (coverage_marks(lang, r)) }
                },
                html! {
                    @if r.is_some() { (lang.pick("có", "yes")) } @else { span.muted { (lang.pick("chưa có", "none yet")) } }
                },
                figure(&|r| html::int(r.households, lang)),
                figure(&|r| html::int(r.poor, lang)),
                figure(&|r| html::pct(r.poor_rate(), lang)),
                figure(&|r| html::int(r.near_poor, lang)),
                figure(&|r| html::pct(r.near_poor_rate(), lang)),
                html! {
                    @if let Some(l) = latest { (l.year) (coverage_marks(lang, l)) }
                },
            ]
        })
        .collect();
    let nation = reported.first().map(|first| {
        let mut n = YearRate {
            households: 0,
            poor: 0,
            near_poor: 0,
            communes: 0,
            communes_reported: 0,
            undecided: 0,
            ..(*first).clone()
        };
        for r in &reported {
            n.households += r.households;
            n.poor += r.poor;
            n.near_poor += r.near_poor;
            n.communes += r.communes;
            n.communes_reported += r.communes_reported;
            n.undecided += r.undecided;
        }
        n
    });
    html! {
        @match &nation {
            Some(n) => {
                h2 { (lang.pick("Cả nước, năm ", "The whole country, ")) (n.year) }
                table.figures id="national" {
                    tbody {
                        tr { th { (lang.pick("Số hộ", "Households")) } td { (html::int(n.households, lang)) } }
                        tr { th { (lang.pick("Hộ nghèo", "Poor")) } td { (html::int(n.poor, lang)) " (" (html::pct(n.poor_rate(), lang)) " %)" } }
                        tr { th { (lang.pick("Hộ cận nghèo", "Near-poor")) } td { (html::int(n.near_poor, lang)) " (" (html::pct(n.near_poor_rate(), lang)) " %)" } }
                        tr { th { (lang.pick("Chuẩn nghèo", "Standard")) } td { (standard_name(n.standard_id.as_deref().unwrap_or(""), lang)) } }
                    }
                }
                p id="coverage" {
                    @match lang {
                        Lang::Vi => {
                            (reported.len()) "/" (provinces.len()) " tỉnh, thành phố có kết quả rà soát năm " (n.year)
                            "; trong các tỉnh đó " (html::int(n.communes_reported, lang)) "/" (html::int(n.communes, lang))
                            " xã có kết quả. Số liệu cả nước chỉ cộng các xã đã có kết quả."
                        }
                        Lang::En => {
                            (reported.len()) " of " (provinces.len()) " provinces have review results for " (n.year)
                            "; in those provinces " (html::int(n.communes_reported, lang)) " of " (html::int(n.communes, lang))
                            " communes have results. The country's figures add up the communes with results only."
                        }
                    }
                    @if n.provisional() {
                        " " span.partial { "(" (lang.pick("tạm tính", "provisional")) ")" }
                    }
                }
            }
            None => {
                p.muted { (lang.pick("Chưa tỉnh nào có kết quả rà soát.", "No province has review results yet.")) }
            }
        }
        h2 { (lang.pick("Các tỉnh, thành phố", "Provinces")) }
        (html::table(
            "provinces",
            &[
                lang.pick("Tỉnh, thành phố", "Province"),
                lang.pick("Có số liệu", "Has data"),
                lang.pick("Số hộ", "Households"),
                lang.pick("Hộ nghèo", "Poor"),
                lang.pick("Tỷ lệ nghèo (%)", "Poor (%)"),
                lang.pick("Hộ cận nghèo", "Near-poor"),
                lang.pick("Tỷ lệ cận nghèo (%)", "Near-poor (%)"),
                lang.pick("Kết quả mới nhất", "Latest results"),
            ],
            &rows,
        ))
    }
}

pub async fn dashboard(
    State(state): State<AppState>,
    Staff { ctx, caller: a }: Staff,
    Params(q): Params<UnitQuery>,
) -> PageResult {
    let lang = ctx.lang;
    let Some(unit) = chosen_unit(&state, &ctx, &a, q.unit).await? else {
        // The whole country: its figures and every province's.
        let provinces = state
            .pool
            .run(province_rates)
            .await
            .map_err(|e| ctx.fail(e))?;
        return Ok(staff_page(
            &state,
            &ctx,
            &a,
            ctx.t("Tổng quan cả nước", "The whole country"),
            national_section(lang, &provinces),
        ));
    };
    let f = state.unit_figures(unit).await.map_err(|e| ctx.fail(e))?;
    // Read at each visit (a sync changes no figure, so the cached figures do not follow it).
    let communes: Vec<i64> = if f.unit.level == giamngheo_core::ids::UnitLevel::Commune {
        vec![f.unit.id]
    } else {
        f.children
            .iter()
            .filter(|(c, _)| c.level == giamngheo_core::ids::UnitLevel::Commune)
            .map(|(c, _)| c.id)
            .collect()
    };
    let syncs = state
        .pool
        .run(move |s| Ok(s.sync_overview(&communes)?))
        .await
        .map_err(|e| ctx.fail(e))?;
    let last = f.rates.last().map(|r| r.year);
    let rows: Vec<Vec<Markup>> = f
        .children
        .iter()
        .map(|(c, r)| {
            let figure = |f: &dyn Fn(&giamngheo_store::rates::YearRate) -> String| {
                html! { (r.as_ref().map(f).unwrap_or_default()) }
            };
            vec![
                html! {
                    a href={ "/dashboard?unit=" (html::url(&c.code)) } { (c.name) }
                    @if let Some(r) = r { (coverage_marks(lang, r)) }
                },
                html! { (c.code) },
                figure(&|r| html::int(r.households, lang)),
                figure(&|r| html::int(r.poor, lang)),
                figure(&|r| html::pct(r.poor_rate(), lang)),
                figure(&|r| html::pct(r.near_poor_rate(), lang)),
            ]
        })
        .collect();
    let body = html! {
        p.muted {
            (f.unit.level.name(lang)) " " (f.unit.code) " · "
            a href={ "/units/" (html::url(&f.unit.code)) } {
                (ctx.t("đơn vị và lịch sử địa giới", "unit and boundary history"))
            }
            " · " (ctx.t("địa giới ngày", "boundaries of")) " " (today().vi())
        }
        h2 { (ctx.t("Tỷ lệ hộ nghèo, cận nghèo theo năm", "Poor and near-poor rates by year")) }
        (rates_section(lang, &f.rates))
        @if !f.children.is_empty() {
            h2 {
                (ctx.t("Đơn vị trực thuộc", "Units under it"))
                @if let Some(y) = last { " (" (y) ")" }
            }
            (html::table(
                "children",
                &[
                    ctx.t("Đơn vị", "Unit"),
                    ctx.t("Mã", "Code"),
                    ctx.t("Số hộ", "Households"),
                    ctx.t("Hộ nghèo", "Poor"),
                    ctx.t("Tỷ lệ nghèo (%)", "Poor (%)"),
                    ctx.t("Tỷ lệ cận nghèo (%)", "Near-poor (%)"),
                ],
                &rows,
            ))
        }
        (late_section(lang, &f.late))
        (sync_section(lang, &syncs, &f.late))
    };
    let title = format!("{}: {}", ctx.t("Tổng quan", "Dashboard"), f.unit.name);
    Ok(staff_page(&state, &ctx, &a, &title, body))
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/dashboard", get(dashboard))
}

//! The round's page, task first: where the round stands and what is left to do, each count linking to its
//! place on the page; then the households filtered by village and result and paged, so that a commune of a
//! thousand households reads as pages of fifty rows rather than one list scrolled for minutes.

use giamngheo_core::date::Date;
use giamngheo_core::round::{CaseState, RoundStatus};
use giamngheo_core::{Class, Lang};
use giamngheo_store::rounds::{CaseView, RoundView};

use crate::extract::Ctx;
use crate::html::{Markup, html};

/// Households per page of the round's table.
pub const PER_PAGE: usize = 50;

/// The households table's query: `village` (a village's id), `result` (a class's code, or `todo` for the
/// households still to survey) and `page` (from 1). A value the page never offers is read as no filter, so
/// an old bookmark still opens the round.
#[derive(serde::Deserialize, Default, Clone)]
pub struct RoundQuery {
    #[serde(default)]
    village: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    page: String,
}

#[derive(Clone, Copy, PartialEq)]
enum ResultFilter {
    All,
    ToSurvey,
    Class(Class),
}

/// The filters read from a `RoundQuery`.
pub struct Filter {
    village: Option<i64>,
    result: ResultFilter,
    page: usize,
}

impl Filter {
    pub fn from_query(q: &RoundQuery) -> Filter {
        let result = match q.result.as_str() {
            "todo" => ResultFilter::ToSurvey,
            code => Class::parse(code).map_or(ResultFilter::All, ResultFilter::Class),
        };
        Filter {
            village: q.village.trim().parse().ok(),
            result,
            page: q.page.trim().parse().unwrap_or(1).max(1),
        }
    }

    fn keeps(&self, c: &CaseView) -> bool {
        self.village.is_none_or(|v| c.village_id == Some(v))
            && match self.result {
                ResultFilter::All => true,
                ResultFilter::ToSurvey => to_survey(c),
                ResultFilter::Class(k) => c.decided_class.or(c.computed_class) == Some(k),
            }
    }

    fn result_code(&self) -> &'static str {
        match self.result {
            ResultFilter::All => "",
            ResultFilter::ToSurvey => "todo",
            ResultFilter::Class(k) => k.code(),
        }
    }

    /// The address of another page of the same filters.
    fn href(&self, round: i64, page: usize) -> String {
        let mut q = Vec::new();
        if let Some(v) = self.village {
            q.push(format!("village={v}"));
        }
        if self.result != ResultFilter::All {
            q.push(format!("result={}", self.result_code()));
        }
        if page > 1 {
            q.push(format!("page={page}"));
        }
        let q = if q.is_empty() {
            String::new()
        } else {
            format!("?{}", q.join("&"))
        };
        format!("/rounds/{round}{q}#households")
    }
}

/// A household the survey step still waits for.
pub fn to_survey(c: &CaseView) -> bool {
    matches!(c.state, CaseState::Listed | CaseState::Resurvey)
}

/// One page of the filtered households, with where it sits among them.
pub struct Shown<'a> {
    pub rows: Vec<&'a CaseView>,
    /// The households the filters keep.
    pub matching: usize,
    pub page: usize,
    pub pages: usize,
    first: usize,
}

pub fn shown<'a>(cases: &'a [CaseView], filter: &Filter) -> Shown<'a> {
    let kept: Vec<&CaseView> = cases.iter().filter(|c| filter.keeps(c)).collect();
    let pages = kept.len().div_ceil(PER_PAGE).max(1);
    let page = filter.page.min(pages);
    let first = (page - 1) * PER_PAGE;
    Shown {
        matching: kept.len(),
        rows: kept.into_iter().skip(first).take(PER_PAGE).collect(),
        page,
        pages,
        first,
    }
}

/// The villages of the round's households in the order of `cases` (sorted by village, numbers counted).
fn villages(cases: &[CaseView]) -> Vec<(i64, &str)> {
    let mut out: Vec<(i64, &str)> = Vec::new();
    for c in cases {
        if let (Some(id), Some(name)) = (c.village_id, c.village.as_deref())
            && !out.iter().any(|(v, _)| *v == id)
        {
            out.push((id, name));
        }
    }
    out
}

/// What the round still needs, counted over the households and complaints the account sees.
pub struct Todo {
    pub to_survey: usize,
    pub to_meet: usize,
    pub to_post: usize,
    pub complaints: usize,
    pub uncertified: usize,
}

impl Todo {
    pub fn count(cases: &[CaseView], open_complaints: usize) -> Todo {
        let n = |f: &dyn Fn(&CaseView) -> bool| cases.iter().filter(|c| f(c)).count();
        Todo {
            to_survey: n(&to_survey),
            to_meet: n(&|c| c.state == CaseState::Surveyed),
            to_post: n(&|c| c.state == CaseState::Agreed),
            complaints: open_complaints,
            uncertified: n(&|c| {
                c.state == CaseState::Decided
                    && c.certificate.is_none()
                    && matches!(c.decided_class, Some(Class::Poor | Class::NearPoor))
            }),
        }
    }
}

/// The top of the page: the step the round is at and the list of what is left, each with its count and a
/// link to its form or its households.
pub fn todo_panel(
    ctx: &Ctx,
    round: &RoundView,
    cases: &[CaseView],
    todo: &Todo,
    today: Date,
) -> Markup {
    let lang = ctx.lang;
    let steps = round.steps_done(cases);
    let current = steps.iter().find(|(_, done)| !done).map(|(s, _)| *s);
    let decided = round.status == RoundStatus::Decided;
    let posting = round
        .posting_ends
        .filter(|_| round.status == RoundStatus::Posted);
    let empty = todo.to_survey == 0
        && todo.to_meet == 0
        && (decided || todo.to_post == 0)
        && todo.complaints == 0
        && posting.is_none()
        && !(decided && todo.uncertified > 0);
    let items = html! {
        @if todo.to_survey > 0 {
            li {
                a href=(Filter { village: None, result: ResultFilter::ToSurvey, page: 1 }.href(round.id, 1)) {
                    (count(lang, todo.to_survey, "hộ chưa rà soát", "Households still to survey"))
                }
            }
        }
        @if todo.to_meet > 0 {
            li {
                a href="#meeting" {
                    (count(lang, todo.to_meet, "hộ đã rà soát, chờ họp dân thống nhất",
                        "Households surveyed, waiting for the village meeting"))
                }
            }
        }
        @if !decided && todo.to_post > 0 {
            li {
                a href="#post" {
                    (count(lang, todo.to_post, "hộ đã thống nhất, chờ niêm yết công khai",
                        "Households agreed, waiting to be posted"))
                }
            }
        }
        @if todo.complaints > 0 {
            li {
                a href="#complaints" {
                    (count(lang, todo.complaints, "khiếu nại, phản ánh cần trả lời",
                        "Complaints to answer"))
                }
            }
        }
        @if let Some(ends) = posting {
            @let left = today.days_until(ends);
            li {
                @if left >= 0 {
                    (ctx.t("Niêm yết công khai đến hết ngày", "Posted publicly until the end of")) " "
                    (ends.vi()) ": "
                    strong {
                        (lang.pick(
                            &format!("còn {} ngày, kể cả hôm nay", left + 1),
                            &format!("days left, today included: {}", left + 1),
                        ))
                    }
                } @else {
                    (ctx.t("Đã hết thời gian niêm yết ngày", "The posting period ended on")) " " (ends.vi())
                }
            }
            li {
                a href="#decide" {
                    (ctx.t("Quyết định công nhận", "The decision"))
                }
                ": "
                @if left >= 0 {
                    (ctx.t("ghi từ ngày", "from")) " " (ends.add_days(1).vi())
                } @else {
                    (ctx.t("có thể ghi", "can be recorded now"))
                }
                @if todo.complaints > 0 {
                    " " (ctx.t("(sau khi trả lời hết khiếu nại)", "(once every complaint is answered)"))
                }
            }
        }
        @if decided && todo.uncertified > 0 {
            li {
                a href="#certificates" {
                    (count(lang, todo.uncertified, "hộ được công nhận chưa có giấy chứng nhận",
                        "Recognised households without a certificate"))
                }
            }
        }
    };
    html! {
        section.todo.box id="todo" {
            h2 { (ctx.t("Việc cần làm", "What is left to do")) }
            p {
                (ctx.t("Bước hiện tại", "Current step")) ": "
                strong {
                    @match current {
                        Some(step) => (step.name(lang)),
                        None => (ctx.t("đã hoàn thành mọi bước", "every step is done")),
                    }
                }
            }
            ul {
                (items)
                @if empty {
                    li.muted { (ctx.t("Không còn việc nào cần làm.", "Nothing is left to do.")) }
                }
            }
        }
    }
}

/// A count and what it counts: "2 hộ chưa rà soát", and in English "Households still to survey: 2", which
/// reads right for one as for many.
fn count(lang: Lang, n: usize, vi: &str, en: &str) -> String {
    let n = crate::html::int(n as i64, lang);
    match lang {
        Lang::Vi => format!("{n} {vi}"),
        Lang::En => format!("{en}: {n}"),
    }
}

/// The filters of the households table, as a plain GET form: a bookmark or a shared link opens the same rows.
pub fn filters(ctx: &Ctx, round: &RoundView, cases: &[CaseView], filter: &Filter) -> Markup {
    let lang = ctx.lang;
    let result = filter.result_code();
    html! {
        form.filters method="get" action={ "/rounds/" (round.id) } {
            label for="village" { (ctx.t("Thôn", "Village")) }
            select id="village" name="village" {
                option value="" { (ctx.t("tất cả các thôn", "every village")) }
                @for (id, name) in villages(cases) {
                    option value=(id) selected[filter.village == Some(id)] { (name) }
                }
            }
            label for="result" { (ctx.t("Kết quả", "Result")) }
            select id="result" name="result" {
                option value="" { (ctx.t("tất cả", "all")) }
                option value="todo" selected[result == "todo"] { (ctx.t("chưa rà soát", "still to survey")) }
                @for k in Class::ALL {
                    option value=(k.code()) selected[result == k.code()] { (k.name(lang)) }
                }
            }
            " "
            button { (ctx.t("Lọc", "Filter")) }
        }
    }
}

/// Where the page sits among the filtered households, and the links to the pages around it.
pub fn pager(ctx: &Ctx, round: &RoundView, shown: &Shown, filter: &Filter) -> Markup {
    let lang = ctx.lang;
    let to = shown.first + shown.rows.len();
    html! {
        p.pager {
            @if shown.matching == 0 {
                (ctx.t("Không có hộ nào khớp bộ lọc.", "No household matches the filters."))
            } @else {
                (ctx.t("Hộ", "Households")) " " (shown.first + 1) "–" (to) " "
                (ctx.t("trên", "of")) " " (crate::html::int(shown.matching as i64, lang))
            }
            @if shown.pages > 1 {
                " · "
                @if shown.page > 1 {
                    a rel="prev" href=(filter.href(round.id, shown.page - 1)) { "← " (ctx.t("Trang trước", "Previous")) }
                    " "
                }
                (ctx.t("Trang", "Page")) " " (shown.page) "/" (shown.pages)
                @if shown.page < shown.pages {
                    " "
                    a rel="next" href=(filter.href(round.id, shown.page + 1)) { (ctx.t("Trang sau", "Next")) " →" }
                }
            }
        }
    }
}

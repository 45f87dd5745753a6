//! The households import from an uploaded file. Its route alone takes a large body (`MAX_UPLOAD`, its own
//! router layer) and a multipart form, so its reading and checking of the upload stay together here.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::routing::get;
use giamngheo_core::date::Date;
use giamngheo_core::messages::Localized;

use crate::auth::Caller;
use crate::error::WebError;
use crate::extract::{Allowed, Ctx, may};
use crate::html::{self, Markup, html, page};
use crate::layout::{PageResult, check_post, nav, record, respond, staff_page};
use crate::state::AppState;
use giamngheo_store::today;

/// Upload limit of the import form.
pub const MAX_UPLOAD: usize = 32 * 1024 * 1024;

/// The households import's template, in the page's language (the same workbook as `giamngheo import
/// template`).
pub async fn template(Allowed { ctx, .. }: Allowed<may::EditRegistry>) -> PageResult {
    let bytes = giamngheo_formats::template::households_template(ctx.lang)
        .map_err(|_| ctx.fail(WebError::Internal))?;
    Ok(crate::layout::attachment(
        ctx.t("mau-nhap-ho.xlsx", "households-template.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

pub async fn import_form(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::EditRegistry>,
) -> PageResult {
    let body = import_form_html(&state, &ctx, &a);
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Nhập hộ từ tệp", "Import households"),
        body,
    ))
}

fn import_form_html(state: &AppState, ctx: &Ctx, a: &Caller) -> Markup {
    html! {
        form method="post" action="/import" enctype="multipart/form-data" class="box" {
            input type="hidden" name="csrf" value=(state.sessions.form_token(&a.token));
            label for="file" {
                (ctx.t("Tệp CSV hoặc XLSX, mỗi dòng một nhân khẩu", "A CSV or XLSX file, one row per member"))
            }
            input id="file" type="file" name="file" accept=".csv,.xlsx" required;
            label for="as_of" { (ctx.t("Dữ liệu tính đến ngày", "The data is as of")) }
            input id="as_of" name="as_of" placeholder="dd/mm/yyyy" value=(today().vi());
            p { button type="submit" { (ctx.t("Kiểm tra và nhập", "Check and import")) } }
        }
        p {
            a href="/import/template.xlsx" {
                (ctx.t("Tải tệp mẫu (XLSX: tiêu đề, một hộ ví dụ, danh sách để chọn)",
                       "Download the template (XLSX: headers, an example household, lists to pick from)"))
            }
        }
        // The columns by the headers an officer writes; the machine names, which are accepted too, as code.
        p.muted {
            (ctx.t("Các cột: ", "Columns: "))
            @for (i, (code, vi, _)) in giamngheo_formats::households::COLUMNS.iter().enumerate() {
                @if i > 0 { ", " }
                (ctx.t(vi, "")) @if ctx.lang == giamngheo_core::Lang::Vi { " (" } code { (code) } @if ctx.lang == giamngheo_core::Lang::Vi { ")" }
            }
            ". "
            (ctx.t(
                "Tiêu đề có thể viết có dấu hay không dấu; dòng tiêu đề không cần ở dòng 1. Nếu có lỗi, không dòng nào được nhập.",
                "Vietnamese headers are accepted too; the header need not be on row 1. If anything is wrong, nothing is imported."
            ))
        }
    }
}

/// An upload that could not be read: too large for the limit, or broken on the way.
fn upload_error(too_large: bool) -> WebError {
    if too_large {
        WebError::TooLarge
    } else {
        WebError::bad(
            "Tệp tải lên không đọc được (file).",
            "The upload could not be read (file).",
        )
    }
}
/// An uploaded file, parsed; problems come back with their row and column.
fn parse_upload(
    name: &str,
    bytes: &[u8],
) -> Result<
    Vec<(u64, giamngheo_core::registry::HouseholdRecord)>,
    Vec<giamngheo_formats::households::ImportProblem>,
> {
    if name.to_ascii_lowercase().ends_with(".xlsx") {
        // Read from memory: no temporary file that others could read or that a crash would leave behind.
        let mut t = match giamngheo_formats::xlsx::read_workbook(std::io::Cursor::new(bytes), name)
        {
            Ok(t) => t,
            Err(e) => {
                return Err(vec![giamngheo_formats::households::ImportProblem {
                    file: name.to_owned(),
                    sheet: None,
                    row: e.row.unwrap_or(0),
                    column: None,
                    kind: giamngheo_formats::households::ProblemKind::Unreadable(e.kind),
                }]);
            }
        };
        giamngheo_formats::households::read_households(&mut t, today())
    } else {
        giamngheo_formats::households::read_households_csv(bytes, name, today(), 2)
    }
}

pub async fn import(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::EditRegistry>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let lang = ctx.lang;
    let Ok(mut mp) = multipart else {
        return Err(ctx.fail(WebError::bad(
            "Biểu mẫu tải lên không hợp lệ (multipart).",
            "Malformed upload form (multipart).",
        )));
    };
    let (mut token, mut as_of, mut file) = (String::new(), String::new(), None);
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                let actor = a.clone();
                state
                    .pool
                    .run(move |s| {
                        record(
                            s,
                            Some(&actor),
                            "refused",
                            "import",
                            if too_large { "too large" } else { "malformed" },
                        )
                    })
                    .await
                    .map_err(|e| ctx.fail(e))?;
                return Err(ctx.fail(upload_error(too_large)));
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        let filename = field.file_name().map(str::to_owned);
        let data = match field.bytes().await {
            Ok(d) => d,
            Err(e) => {
                let too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                return Err(ctx.fail(upload_error(too_large)));
            }
        };
        match name.as_str() {
            "csrf" => token = String::from_utf8_lossy(&data).into_owned(),
            "as_of" => as_of = String::from_utf8_lossy(&data).trim().to_owned(),
            "file" => file = Some((filename.unwrap_or_else(|| "upload.csv".into()), data)),
            _ => {}
        }
    }
    check_post(&state, &ctx, &a, &token, "import").await?;
    let Some((filename, data)) = file.filter(|f| !f.1.is_empty()) else {
        return Err(ctx.fail(WebError::bad("Chưa chọn tệp.", "No file was chosen.")));
    };
    let as_of = if as_of.is_empty() {
        today()
    } else {
        Date::parse(&as_of).map_err(|_| {
            ctx.fail(WebError::bad(
                format!("Ngày không hợp lệ: {as_of}"),
                format!("Not a date: {as_of}"),
            ))
        })?
    };
    let actor = a.clone();
    let fname = filename.clone();
    // What the import says, ready to show: (problems as row, column, message) or the summary.
    let outcome: Result<String, Vec<(u64, String, String)>> = state
        .pool
        .run(move |s| {
            let records = match parse_upload(&fname, &data) {
                Ok(r) => r,
                Err(problems) => {
                    record(
                        s,
                        Some(&actor),
                        "import_refused",
                        &fname,
                        &format!("{} problems", problems.len()),
                    )?;
                    return Ok(Err(problems
                        .iter()
                        .map(|p| (p.row, p.column.clone().unwrap_or_default(), p.message(lang)))
                        .collect()));
                }
            };
            // The store checks the account's units (where each household lives now and where it goes) and
            // records the import under the account's name in the import's own transaction.
            match s.import_households(&actor.writer(), &records, as_of, &mut |_| {}) {
                Ok(sum) => Ok(Ok(format!(
                    "{}: {} {}, {} {}, {} {}, {} {}.",
                    lang.pick("Đã nhập", "Imported"),
                    html::int(sum.added as i64, lang),
                    lang.pick("hộ mới", "new households"),
                    html::int(sum.updated as i64, lang),
                    lang.pick("hộ thay đổi", "changed"),
                    html::int(sum.unchanged as i64, lang),
                    lang.pick("hộ không đổi", "unchanged"),
                    html::int(sum.members_added as i64, lang),
                    lang.pick("nhân khẩu mới", "new members")
                ))),
                Err(giamngheo_store::StoreError::Rejected(rej)) => {
                    record(
                        s,
                        Some(&actor),
                        "import_refused",
                        &fname,
                        &format!("{} rejections", rej.len()),
                    )?;
                    Ok(Err(rej
                        .iter()
                        .map(|r| (r.row, r.field.to_owned(), r.message(lang)))
                        .collect()))
                }
                Err(e) => Err(e.into()),
            }
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let (status, outcome) = match outcome {
        Ok(summary) => (StatusCode::OK, html! { p class="box" { (summary) } }),
        Err(problems) => {
            let rows: Vec<Vec<Markup>> = problems
                .iter()
                .take(1000)
                .map(|(r, c, m)| vec![html! { (r) }, html! { (c) }, html! { (m) }])
                .collect();
            let outcome = html! {
                p.error {
                    (filename) " " (ctx.t("có lỗi, chưa nhập gì", "has problems; nothing was imported"))
                    " — " (html::int(problems.len() as i64, lang))
                }
                (html::table(
                    "problems",
                    &[
                        ctx.t("Dòng", "Row"),
                        ctx.t("Cột", "Column"),
                        ctx.t("Lỗi", "Problem"),
                    ],
                    &rows,
                ))
            };
            (StatusCode::UNPROCESSABLE_ENTITY, outcome)
        }
    };
    let body = html! { (outcome) (import_form_html(&state, &ctx, &a)) };
    let n = nav(&state, &ctx, &a);
    Ok(respond(
        &ctx,
        status,
        page(
            lang,
            ctx.t("Nhập hộ từ tệp", "Import households"),
            Some(&n),
            body,
        ),
    ))
}

/// The import's route, with its own body limit (`MAX_UPLOAD`) instead of the forms' 64 KiB.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/import", get(import_form).post(import))
        .route("/import/template.xlsx", get(template))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
}

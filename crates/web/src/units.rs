//! A unit and its boundary history. Its own module because, unlike the registry pages, it is open to every
//! logged-in role: unit names and boundaries are not personal data, so it reads without recording.

use std::fmt::Write;

use axum::extract::{Path, State};
use giamngheo_core::date::Date;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::html::{self, esc};
use crate::layout::{PageResult, staff_page};
use crate::{AppState, today};

pub async fn unit(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> PageResult {
    let a = ctx.actor()?.clone();
    let lang = ctx.lang;
    let (u, parent, children, lineage) = state
        .pool
        .run(move |s| {
            let Some(u) = s.unit_by_code(&code, today())?.or(s.unit_any(&code)?) else {
                return Err(WebError::NotFound);
            };
            let on = match &u.valid_until {
                Some(d) => Date::parse(d).unwrap_or_else(|_| today()),
                None => today(),
            };
            let parent = s.parent_at(u.id, on)?;
            let children = s.children_at(u.id, on)?;
            let lineage = s.unit_lineage(u.id)?;
            Ok((u, parent, children, lineage))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let mut body = String::new();
    let valid = format!(
        "{} – {}",
        u.valid_from
            .as_deref()
            .map(html::date)
            .unwrap_or_else(|| "…".into()),
        u.valid_until
            .as_deref()
            .map(html::date)
            .unwrap_or_else(|| ctx.t("nay", "now").into())
    );
    let _ = write!(
        body,
        "<p>{} · {} {} · {} {}</p>",
        u.level.name(lang),
        ctx.t("mã", "code"),
        esc(&u.code),
        ctx.t("hiệu lực", "valid"),
        esc(&valid)
    );
    if let Some(p) = &parent {
        let _ = write!(
            body,
            "<p>{}: <a href=\"/units/{}\">{}</a></p>",
            ctx.t("Trực thuộc", "Part of"),
            html::url(&p.code),
            esc(&p.name)
        );
    }
    if a.sees_unit(u.id) && u.valid_until.is_none() {
        let _ = write!(
            body,
            "<p><a href=\"/dashboard?unit={}\">{}</a></p>",
            html::url(&u.code),
            ctx.t("Xem tổng quan", "Open the dashboard")
        );
    }
    if !lineage.is_empty() {
        let _ = write!(
            body,
            "<h2>{}</h2>",
            ctx.t("Lịch sử địa giới", "Boundary history")
        );
        let rows: Vec<Vec<String>> = lineage
            .iter()
            .map(|l| {
                vec![
                    esc(&html::date(&l.date)),
                    esc(if l.outgoing {
                        ctx.t("chuyển vào", "went into")
                    } else {
                        ctx.t("nhận từ", "took in")
                    }),
                    format!(
                        "<a href=\"/units/{}\">{}</a> ({})",
                        html::url(&l.other_code),
                        esc(&l.other_name),
                        esc(&l.other_code)
                    ),
                    esc(&l.kind),
                    l.share
                        .map(|s| html::pct(s * 100.0, lang))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        html::table(
            &mut body,
            "lineage",
            &[
                ctx.t("Ngày", "Date"),
                ctx.t("Hướng", "Direction"),
                ctx.t("Đơn vị", "Unit"),
                ctx.t("Loại", "Kind"),
                ctx.t("Tỷ lệ (%)", "Share (%)"),
            ],
            &rows,
        );
    }
    if !children.is_empty() {
        let _ = write!(
            body,
            "<h2>{} ({})</h2><ul>",
            ctx.t("Đơn vị trực thuộc", "Units under it"),
            children.len()
        );
        for c in &children {
            let _ = write!(
                body,
                "<li><a href=\"/units/{}\">{}</a> <span class=\"muted\">{}</span></li>",
                html::url(&c.code),
                esc(&c.name),
                esc(&c.code)
            );
        }
        body.push_str("</ul>");
    }
    Ok(staff_page(&state, &ctx, &a, &u.name, &body))
}

use crate::output::{out, outln};
use clap::Subcommand;
use giamngheo_core::round::{Procedure, procedures};
use giamngheo_core::standard::{Sourced, builtin};
use giamngheo_core::{Area, Lang, Standard, Vnd, vi_format};

use crate::errors::CliError;
use crate::standard_arg;

#[derive(Subcommand)]
pub enum StandardsCommand {
    /// List the built-in standards.
    List,
    /// Show a standard: lines, thresholds, indicators, sources, and which values are unverified.
    Show {
        /// A built-in id or a standard file.
        standard: String,
    },
}

pub fn run(command: StandardsCommand, lang: Lang) -> Result<(), CliError> {
    match command {
        StandardsCommand::List => list(lang),
        StandardsCommand::Show { standard } => show(&standard, lang),
    }
}

pub fn list(lang: Lang) -> Result<(), CliError> {
    outln!(
        "{:<14} {:<11} {:<16} {}",
        "id",
        lang.pick("năm", "years"),
        lang.pick("văn bản", "instrument"),
        lang.pick("tên", "name")
    );
    for s in builtin::all()? {
        let (a, b) = s.years.value;
        let n = s.unverified().len();
        let note = match lang {
            Lang::Vi => format!("{n} giá trị chưa xác minh"),
            Lang::En => format!("{n} unverified values"),
        };
        outln!(
            "{:<14} {:<11} {:<16} {} ({note})",
            s.id,
            format!("{a}-{b}"),
            s.instrument.code,
            s.name(lang)
        );
    }
    Ok(())
}

fn mark<T>(v: &Sourced<T>, lang: Lang) -> String {
    confidence(v.verified, &v.source, lang)
}

/// Every value says whether its legal text was read and where it comes from.
fn confidence(verified: bool, source: &str, lang: Lang) -> String {
    if verified {
        format!("  ✓ {} [{source}]", lang.pick("đã xác minh", "verified"))
    } else {
        format!(
            "  ⚠ {} [{source}]",
            lang.pick("chưa xác minh", "unverified")
        )
    }
}

fn money(v: &Sourced<Vnd>, lang: Lang) -> String {
    format!("{}{}", vi_format::vnd(v.value.get(), lang), mark(v, lang))
}

pub fn show(id: &str, lang: Lang) -> Result<(), CliError> {
    let s = standard_arg::load(id)?;
    out!("{}", render(&s, lang));
    Ok(())
}

/// The whole standard as text a reviewer can read, with every unverified value marked where it stands.
pub fn render(s: &Standard, lang: Lang) -> String {
    let mut o = String::new();
    let mut line = |t: String| {
        o.push_str(&t);
        o.push('\n');
    };
    line(format!("{} ({})", s.name(lang), s.id));
    if let Some(base) = &s.extends {
        line(format!(
            "  {}: {base}",
            lang.pick("mở rộng từ chuẩn", "extends")
        ));
    }
    let i = &s.instrument;
    let iv = confidence(i.verified, &i.source, lang);
    line(format!(
        "  {}: {} ({}){iv}",
        lang.pick("Văn bản", "Instrument"),
        lang.pick(&i.name_vi, &i.name_en),
        i.signed
    ));
    let (a, b) = s.years.value;
    let early = if s.early_reviews.is_empty() {
        String::new()
    } else {
        let ys: Vec<String> = s.early_reviews.iter().map(u16::to_string).collect();
        format!(" + {}", ys.join(", "))
    };
    line(format!(
        "  {}: {a}-{b}{early}{}",
        lang.pick("Năm rà soát áp dụng", "Review years"),
        mark(&s.years, lang)
    ));
    let rule = match (s.combining.value, lang) {
        (giamngheo_core::standard::CombiningRule::TwoTier, Lang::Vi) => {
            "hai tầng: dưới chuẩn nghèo là hộ nghèo; giữa chuẩn nghèo và chuẩn cận nghèo, số chỉ số thiếu hụt quyết định"
        }
        (giamngheo_core::standard::CombiningRule::TwoTier, Lang::En) => {
            "two-tier: below the poverty line is poor; between the poverty and near-poverty lines the count of deprivations decides"
        }
        (giamngheo_core::standard::CombiningRule::SingleTier, Lang::Vi) => {
            "một tầng: dưới chuẩn nghèo, số chỉ số thiếu hụt quyết định hộ nghèo hay cận nghèo"
        }
        (giamngheo_core::standard::CombiningRule::SingleTier, Lang::En) => {
            "single-tier: below the line, the count of deprivations decides poor or near-poor"
        }
    };
    line(format!(
        "  {}: {rule}{}",
        lang.pick("Quy tắc", "Rule"),
        mark(&s.combining, lang)
    ));
    line(format!(
        "  {}: {}{}",
        lang.pick(
            "Số chỉ số thiếu hụt tối thiểu để là hộ nghèo",
            "Deprivations that make a household poor"
        ),
        s.min_deprivations.value,
        mark(&s.min_deprivations, lang)
    ));
    line(String::new());
    line(format!(
        "  {}",
        lang.pick(
            "Chuẩn thu nhập (đồng/người/tháng, tính cả mức bằng chuẩn):",
            "Income lines (VND per person per month, inclusive):"
        )
    ));
    for area in Area::ALL {
        let l = s.lines(area);
        let area_name = area.name(lang);
        line(format!("    {area_name}:"));
        line(format!(
            "      {}: {}",
            lang.pick("chuẩn nghèo", "poverty line"),
            money(&l.poverty, lang)
        ));
        if let Some(v) = &l.near_poverty {
            line(format!(
                "      {}: {}",
                lang.pick("chuẩn cận nghèo", "near-poverty line"),
                money(v, lang)
            ));
        }
        match &l.middle_income {
            Some(v) => line(format!(
                "      {}: {}",
                lang.pick("mức sống trung bình đến", "middle-income ceiling"),
                money(v, lang)
            )),
            None => line(format!(
                "      {}",
                lang.pick(
                    "mức sống trung bình: chưa có số liệu",
                    "middle-income ceiling: not known"
                )
            )),
        }
    }
    line(String::new());
    match &s.score {
        None => line(format!(
            "  {}",
            lang.pick(
                "Chấm điểm: chuẩn này chưa có ngưỡng điểm thu nhập",
                "Scoring: this standard has no income score lines"
            )
        )),
        Some(sc) => {
            line(format!(
                "  {}",
                lang.pick("Chấm điểm trên phiếu rà soát:", "Review form scoring:")
            ));
            line(format!(
                "    {}: {}{}",
                lang.pick("điểm mỗi chỉ số thiếu hụt", "points per deprived indicator"),
                sc.points_per_deprivation.value,
                mark(&sc.points_per_deprivation, lang)
            ));
            line(format!(
                "    {}: {}{}",
                lang.pick("ngưỡng điểm thiếu hụt", "deprivation score threshold"),
                sc.deprivation_threshold.value,
                mark(&sc.deprivation_threshold, lang)
            ));
            for area in Area::ALL {
                let l = &sc.lines[area.index()];
                let mut t = format!(
                    "    {}: {} ≤ {}{}",
                    area.name(lang),
                    lang.pick("nghèo nếu điểm thu nhập", "poor if income score"),
                    l.poverty.value,
                    mark(&l.poverty, lang)
                );
                if let Some(n) = &l.near_poverty {
                    t.push_str(&format!(
                        "; {} ≤ {}{}",
                        lang.pick("cận nghèo", "near-poor"),
                        n.value,
                        mark(n, lang)
                    ));
                }
                line(t);
            }
        }
    }
    line(String::new());
    line(format!(
        "  {}",
        lang.pick("Chiều và chỉ số thiếu hụt:", "Dimensions and indicators:")
    ));
    let continued_from = earlier_standard(s);
    for d in &s.dimensions {
        line(format!("    {}", lang.pick(&d.name_vi, &d.name_en)));
        for ind in s.indicators.iter().filter(|i| i.dimension == d.id) {
            let v = if ind.verified {
                String::new()
            } else {
                format!(
                    "  ⚠ {}",
                    lang.pick("định nghĩa chưa xác minh", "definition unverified")
                )
            };
            line(format!("      {} [{}]{v}", ind.name(lang), ind.id));
            line(format!(
                "        {}: {}",
                lang.pick("thiếu hụt khi", "deprived when"),
                lang.pick(&ind.deprived_vi, &ind.deprived_en)
            ));
            line(format!(
                "        {}: {}",
                lang.pick("quy tắc", "rule"),
                ind.rule.text().join(" | ")
            ));
            line(format!(
                "        {}: {}",
                lang.pick("nguồn", "source"),
                ind.source
            ));
            if continued_from.is_some() {
                line(match &ind.same_as {
                    Some(r) => format!("        {}: {r}", lang.pick("tiếp nối chỉ số", "continues")),
                    None => format!(
                        "        {}",
                        lang.pick(
                            "chỉ số mới: hộ rà soát theo chuẩn trước chưa được hỏi",
                            "new indicator: households reviewed under the earlier standard were not asked"
                        )
                    ),
                });
            }
        }
    }
    if let Some(earlier) = &continued_from {
        let names = |v: Vec<&giamngheo_core::standard::Indicator>| {
            let ids: Vec<&str> = v.iter().map(|i| i.id.as_str()).collect();
            if ids.is_empty() {
                "-".to_owned()
            } else {
                ids.join(", ")
            }
        };
        line(String::new());
        line(format!(
            "  {} {}: {} {}; {}: {}; {}: {}",
            lang.pick("So với chuẩn", "Against"),
            earlier.id,
            s.shared_with(earlier).len(),
            lang.pick("chỉ số tiếp nối", "indicators continued"),
            lang.pick("mới", "new"),
            names(s.added_since(earlier)),
            lang.pick("không tiếp nối", "not continued"),
            names(s.not_continued(earlier)),
        ));
    }
    let procs = procedures_during(s);
    if !procs.is_empty() {
        line(String::new());
        line(format!(
            "  {}",
            lang.pick(
                "Quy trình rà soát trong các năm áp dụng chuẩn:",
                "Review procedures during the standard's years:"
            )
        ));
    }
    for p in &procs {
        line(format!("    {} [{}]", p.name(lang), p.id));
        for v in p.values(lang) {
            line(format!(
                "      {}: {}{}",
                v.label,
                v.value,
                confidence(v.verified, v.source, lang)
            ));
        }
    }
    let n = s.unverified().len();
    let np: usize = procs.iter().map(|p| p.unverified().len()).sum();
    line(String::new());
    line(match lang {
        Lang::Vi => format!(
            "  {n} giá trị của chuẩn và {np} giá trị của quy trình chưa được đối chiếu với văn bản pháp luật (đánh dấu ⚠); kết quả dùng chúng được ghi chú."
        ),
        Lang::En => format!(
            "  {n} values of the standard and {np} of the procedures not checked against the legal text (marked ⚠); results that use them say so."
        ),
    });
    o
}

/// The procedures in force on some day of the standard's review years (its early reviews included).
fn procedures_during(s: &Standard) -> Vec<&'static Procedure> {
    let (first, last) = s.years.value;
    let first = s.early_reviews.iter().copied().fold(first, u16::min);
    let from = format!("{first:04}-01-01");
    let to = format!("{last:04}-12-31");
    procedures()
        .iter()
        .filter(|p| {
            p.valid_from <= to && p.valid_to.as_deref().is_none_or(|end| end >= from.as_str())
        })
        .collect()
}

/// The built-in standard the indicators of `s` continue, when they all name the same one.
fn earlier_standard(s: &Standard) -> Option<Standard> {
    let mut named = s.indicators.iter().filter_map(|i| i.same_as.as_ref());
    let first = named.next()?;
    if named.any(|r| r.standard != first.standard) {
        return None;
    }
    builtin::get(&first.standard).ok()
}

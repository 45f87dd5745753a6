//! The report tables both front ends show and download: built here once, so the command line's CSV and the
//! web app's are the same table.

use giamngheo_core::Lang;
use giamngheo_core::date::Date;
use giamngheo_core::ids::UnitLevel;
use giamngheo_report::table::{Cell, Table};
use giamngheo_store::analytics::{ListedHousehold, YearProfile, YearTransitions};
use giamngheo_store::rates::{Counts, YearRate, standard_breaks};
use giamngheo_store::targets::Target;
use giamngheo_store::units::Unit;
use giamngheo_store::{Store, StoreError};

use crate::table::{labelled, unit_title};

/// A standard as a cell: its id in CSV, its name in the workbook, the PDF and on screen.
pub fn standard_cell(id: &str, lang: Lang) -> Cell {
    Cell::Coded {
        code: id.to_owned(),
        words: giamngheo_core::standard::builtin::name(id, lang)
            .unwrap_or(id)
            .to_owned(),
    }
}

/// The rates table: the required columns first, then the standard and its break, then urban, rural
/// and ethnic-minority households.
pub fn rates_table(u: &Unit, on: Date, rates: &[YearRate], lang: Lang) -> Table {
    let mut columns: Vec<String> = [
        "unit_code",
        "unit_name",
        "year",
        "households",
        "poor",
        "poor_rate",
        "near_poor",
        "near_poor_rate",
        "standard",
        "standard_changed",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let mut labels: Vec<String> = match lang {
        Lang::Vi => [
            "Mã",
            "Đơn vị",
            "Năm",
            "Số hộ",
            "Hộ nghèo",
            "Tỷ lệ nghèo (%)",
            "Hộ cận nghèo",
            "Tỷ lệ cận nghèo (%)",
            "Chuẩn nghèo",
            "Đổi chuẩn",
        ],
        Lang::En => [
            "Code",
            "Unit",
            "Year",
            "Households",
            "Poor",
            "Poor rate (%)",
            "Near-poor",
            "Near-poor rate (%)",
            "Standard",
            "New standard",
        ],
    }
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for (group, vi, en) in [
        ("urban", "thành thị", "urban"),
        ("rural", "nông thôn", "rural"),
        ("ethnic_minority", "DTTS", "ethnic minority"),
    ] {
        for (field, lvi, len) in [
            ("households", "Số hộ", "Households"),
            ("poor", "Hộ nghèo", "Poor"),
            ("poor_rate", "Tỷ lệ nghèo (%)", "Poor rate (%)"),
            ("near_poor", "Hộ cận nghèo", "Near-poor"),
            (
                "near_poor_rate",
                "Tỷ lệ cận nghèo (%)",
                "Near-poor rate (%)",
            ),
        ] {
            columns.push(format!("{group}_{field}"));
            labels.push(match lang {
                Lang::Vi => format!("{lvi} {vi}"),
                Lang::En => format!("{len}, {en}"),
            });
        }
    }
    columns.push("communes_reported".to_owned());
    columns.push("communes".to_owned());
    labels.push(
        lang.pick("Số xã có kết quả", "Communes reported")
            .to_owned(),
    );
    labels.push(lang.pick("Số xã", "Communes").to_owned());
    columns.push("undecided".to_owned());
    labels.push(
        lang.pick("Hộ chưa có quyết định", "Households not yet decided")
            .to_owned(),
    );
    let mut t = Table {
        title: unit_title(
            u,
            on,
            "Tỷ lệ hộ nghèo, cận nghèo",
            "Poor and near-poor households",
            lang,
        ),
        columns,
        labels,
        ..Table::default()
    };
    let breaks = standard_breaks(rates);
    for (i, r) in rates.iter().enumerate() {
        let mut row = vec![
            Cell::text(&u.code),
            Cell::text(&u.name),
            Cell::Plain(r.year.into()),
        ];
        push_counts(&mut row, &r.all());
        row.push(standard_cell(
            r.standard_id.as_deref().unwrap_or_default(),
            lang,
        ));
        row.push(Cell::Plain(breaks[i].into()));
        for c in [&r.urban, &r.rural, &r.ethnic_minority] {
            push_counts(&mut row, c);
        }
        row.push(Cell::Int(r.communes_reported));
        row.push(Cell::Int(r.communes));
        row.push(Cell::Int(r.undecided));
        if breaks[i] {
            t.breaks.push(i);
        }
        t.rows.push(row);
    }
    note_breaks(&mut t, rates, lang);
    note_coverage(&mut t, None, rates, lang);
    t
}

/// Notes the years whose figures are provisional (reviews not yet decided) or partial (some communes without
/// results), naming the unit when the table holds several: no figure mixes reported and unreported places
/// silently.
pub fn note_coverage(t: &mut Table, unit: Option<&str>, rates: &[YearRate], lang: Lang) {
    let of = unit.map(|u| format!(" ({u})")).unwrap_or_default();
    for r in rates.iter().filter(|r| r.provisional()) {
        let (year, undecided) = (r.year, r.undecided);
        t.notes.push(match lang {
            Lang::Vi => format!(
                "Năm {year}{of}: {undecided} hộ được tính theo kết quả rà soát chưa có quyết định công nhận: số liệu tạm tính."
            ),
            Lang::En => format!(
                "{year}{of}: {undecided} households are counted by review results not yet decided: provisional figures."
            ),
        });
    }
    for r in rates.iter().filter(|r| r.partial()) {
        t.notes.push(match lang {
            Lang::Vi => format!(
                "Năm {}{of}: mới có {}/{} xã có kết quả rà soát; số liệu của năm chỉ tính các xã đó (chưa đầy đủ).",
                r.year, r.communes_reported, r.communes
            ),
            Lang::En => format!(
                "{}{of}: only {} of {} communes have review results; the year's figures cover those communes only (incomplete).",
                r.year, r.communes_reported, r.communes
            ),
        });
    }
}

fn push_counts(row: &mut Vec<Cell>, c: &Counts) {
    row.extend([
        Cell::Int(c.households),
        Cell::Int(c.poor),
        Cell::rate(c.poor_rate()),
        Cell::Int(c.near_poor),
        Cell::rate(c.near_poor_rate()),
    ]);
}

pub fn note_breaks(t: &mut Table, rates: &[YearRate], lang: Lang) {
    let breaks = standard_breaks(rates);
    // The standards in words, as the official reads them; the id only for one this program does not carry.
    fn name(r: &YearRate, lang: Lang) -> &str {
        let id = r.standard_id.as_deref().unwrap_or("");
        giamngheo_core::standard::builtin::name(id, lang).unwrap_or(id)
    }
    for (i, r) in rates.iter().enumerate().filter(|(i, _)| breaks[*i]) {
        t.notes.push(match lang {
            Lang::Vi => format!(
                "Từ năm {} áp dụng {} (trước đó: {}): tỷ lệ trước và sau không so sánh trực tiếp được.",
                r.year,
                name(r, lang),
                name(&rates[i - 1], lang)
            ),
            Lang::En => format!(
                "From {} the standard is the {} (before: the {}): rates before and after are not directly comparable.",
                r.year,
                name(r, lang),
                name(&rates[i - 1], lang)
            ),
        });
    }
}

/// Per year, how the unit's reviewed households moved since their previous review (escaped, newly poor,
/// re-poor, stayed…).
pub fn transitions_table(u: &Unit, on: Date, years: &[YearTransitions], lang: Lang) -> Table {
    use giamngheo_core::transition::Transition;
    let mut t = labelled(
        unit_title(
            u,
            on,
            "Biến động hộ nghèo, cận nghèo",
            "Movements of poor and near-poor households",
            lang,
        ),
        &[
            ("unit_code", "Mã", "Code"),
            ("unit_name", "Đơn vị", "Unit"),
            ("year", "Năm", "Year"),
            ("reviewed", "Số hộ rà soát", "Households reviewed"),
        ],
        lang,
    );
    for tr in Transition::ALL {
        t.columns.push(tr.code().to_owned());
        t.labels.push(tr.name(lang).to_owned());
    }
    for y in years {
        let mut row = vec![
            Cell::text(&u.code),
            Cell::text(&u.name),
            Cell::Plain(y.year.into()),
            Cell::Int(y.reviewed),
        ];
        row.extend(Transition::ALL.iter().map(|t| Cell::Int(y.count(*t))));
        t.rows.push(row);
    }
    t.notes.push(lang.pick(
        "So với lần rà soát định kỳ trước của từng hộ; tái nghèo: đã từng nghèo trước lần đó.",
        "Against each household's previous periodic review; re-poor: poor at some review before that one.",
    ).to_owned());
    t
}

/// Per year and indicator, the share of reviewed households deprived in it and the share both poor and
/// deprived, in percent. Fails only on a standard the build does not carry.
pub fn profile_table(
    u: &Unit,
    on: Date,
    profile: &[YearProfile],
    lang: Lang,
) -> Result<Table, giamngheo_core::StandardError> {
    use giamngheo_store::rates::percent;
    let mut t = labelled(
        unit_title(
            u,
            on,
            "Thiếu hụt dịch vụ xã hội cơ bản",
            "Deprivation profile",
            lang,
        ),
        &[
            ("unit_code", "Mã", "Code"),
            ("unit_name", "Đơn vị", "Unit"),
            ("year", "Năm", "Year"),
            ("standard", "Chuẩn nghèo", "Standard"),
            ("indicator", "Chỉ số (viết tắt)", "Indicator (short)"),
            ("indicator_name", "Chỉ số", "Indicator"),
            ("reviewed", "Số hộ rà soát", "Households reviewed"),
            ("deprived", "Số hộ thiếu hụt", "Deprived"),
            ("deprived_share", "Tỷ lệ thiếu hụt (%)", "Deprived (%)"),
            ("poor_deprived", "Hộ nghèo thiếu hụt", "Poor and deprived"),
            (
                "poor_deprived_share",
                "Tỷ lệ nghèo và thiếu hụt (%)",
                "Poor and deprived (%)",
            ),
        ],
        lang,
    );
    for p in profile {
        let standard = giamngheo_core::standard::builtin::get(&p.standard_id)?;
        for (i, ind) in standard.indicators.iter().enumerate() {
            t.rows.push(vec![
                Cell::text(&u.code),
                Cell::text(&u.name),
                Cell::Plain(p.year.into()),
                standard_cell(&p.standard_id, lang),
                // The indicator's id for machines, its short name for readers.
                Cell::Coded {
                    code: ind.id.clone(),
                    words: lang.pick(&ind.short_vi, &ind.short_en).to_owned(),
                },
                Cell::text(lang.pick(&ind.name_vi, &ind.name_en)),
                Cell::Int(p.reviewed),
                Cell::Int(p.deprived[i]),
                Cell::rate(percent(p.deprived[i], p.reviewed)),
                Cell::Int(p.poor_deprived[i]),
                Cell::rate(percent(p.poor_deprived[i], p.reviewed)),
            ]);
        }
    }
    t.notes.push(
        lang.pick(
            "Tỷ lệ tính trên số hộ được rà soát trong năm (chỉ các hộ này có thông tin thiếu hụt).",
            "Shares are of the households reviewed that year (only they have deprivation data).",
        )
        .to_owned(),
    );
    Ok(t)
}

/// Each year's target against the reviewed rate (`actual`: year and poor rate of the years reviewed), or for
/// later years against the rate projected at the average annual reduction so far.
pub fn targets_table(
    u: &Unit,
    on: Date,
    targets: &[Target],
    actual: &[(i32, f64)],
    lang: Lang,
) -> Table {
    use giamngheo_core::trend;
    let mut t = Table::new(
        unit_title(
            u,
            on,
            "Thực hiện chỉ tiêu giảm nghèo",
            "Poverty reduction targets",
            lang,
        ),
        &[
            "unit_code",
            "unit_name",
            "year",
            "target_poor_rate",
            "poor_rate",
            "judged_rate",
            "status",
            "status_text",
        ],
    );
    t.labels = match lang {
        Lang::Vi => [
            "Mã",
            "Đơn vị",
            "Năm",
            "Chỉ tiêu (%)",
            "Thực hiện (%)",
            "Đánh giá theo (%)",
            "Mã đánh giá",
            "Đánh giá",
        ],
        Lang::En => [
            "Code",
            "Unit",
            "Year",
            "Target (%)",
            "Reviewed (%)",
            "Judged by (%)",
            "Status code",
            "Status",
        ],
    }
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for target in targets {
        let (status, by) = trend::target_status(target.year, target.poor_rate, actual);
        let reviewed = actual.iter().find(|(y, _)| *y == target.year);
        t.rows.push(vec![
            Cell::text(&u.code),
            Cell::text(&u.name),
            Cell::Plain(target.year.into()),
            Cell::rate(target.poor_rate),
            reviewed.map_or(Cell::Empty, |(_, r)| Cell::rate(*r)),
            by.map_or(Cell::Empty, Cell::rate),
            Cell::text(status.code()),
            Cell::text(status.name(lang)),
        ]);
    }
    t.notes.push(lang.pick(
        "Năm chưa rà soát được đánh giá theo tỷ lệ dự báo: tỷ lệ năm rà soát gần nhất trừ mức giảm bình quân hằng năm.",
        "Years not yet reviewed are judged by a projection: the last reviewed rate less the average annual reduction.",
    ).to_owned());
    t
}

/// The list of poor (or near-poor) households of a year, as the commune posts it.
pub fn list_table(
    u: &Unit,
    on: Date,
    y: i32,
    class: giamngheo_core::Class,
    list: &[ListedHousehold],
    lang: Lang,
) -> Table {
    use giamngheo_core::Class;
    use giamngheo_core::vi_format;
    let what = match class {
        Class::Poor => lang.pick("hộ nghèo", "poor households"),
        _ => lang.pick("hộ cận nghèo", "near-poor households"),
    };
    let mut t = labelled(
        unit_title(
            u,
            on,
            &format!("Danh sách {what} năm {y}"),
            &format!("List of {what}, {y}"),
            lang,
        ),
        &[
            ("no", "STT", "No."),
            ("household_code", "Mã hộ", "Household"),
            ("head", "Họ và tên chủ hộ", "Head of household"),
            ("commune", "Xã", "Commune"),
            ("village", "Thôn", "Village"),
            ("area", "Khu vực", "Area"),
            ("ethnic_minority", "DTTS", "Ethnic minority"),
            ("members", "Số nhân khẩu", "Members"),
            (
                "income_per_capita",
                "Thu nhập bình quân (đ/người/tháng)",
                "Income per capita (VND a month)",
            ),
            ("deprivations", "Số chỉ số thiếu hụt", "Deprivations"),
            ("decided_on", "Ngày quyết định", "Decided on"),
        ],
        lang,
    );
    for (i, h) in list.iter().enumerate() {
        t.rows.push(vec![
            Cell::Plain(i as i64 + 1),
            Cell::text(h.code.as_str()),
            Cell::text(&h.head),
            Cell::text(&h.commune),
            Cell::text(&h.village),
            Cell::text(h.area.name(lang)),
            Cell::text(if h.ethnic_minority { "x" } else { "" }),
            Cell::Int(h.members),
            h.income_per_capita.map_or(Cell::Empty, Cell::Int),
            Cell::Int(h.deprivation_count),
            Cell::text(h.decided_on.map(Date::vi).unwrap_or_default()),
        ]);
    }
    t.notes.push(match lang {
        Lang::Vi => format!(
            "Tổng cộng: {} {what}.",
            vi_format::int(list.len() as i64, lang)
        ),
        Lang::En => format!(
            "In all: {} {what}.",
            vi_format::int(list.len() as i64, lang)
        ),
    });
    t
}

/// Why a report could not be made.
#[derive(Debug)]
pub enum ReportError {
    /// The unit has no review at all in this year.
    NotReviewed {
        unit: String,
        year: i32,
    },
    /// The unit has no plan target in the span.
    NoTargets {
        unit: String,
    },
    /// No unit lies under this one to compare.
    NothingUnder {
        unit: String,
    },
    /// A reduction needs a span of two years at least.
    SpanTooShort,
    /// A standard the build does not carry.
    Standard(giamngheo_core::StandardError),
    Store(StoreError),
}

impl From<giamngheo_core::StandardError> for ReportError {
    fn from(e: giamngheo_core::StandardError) -> Self {
        ReportError::Standard(e)
    }
}

impl From<StoreError> for ReportError {
    fn from(e: StoreError) -> Self {
        ReportError::Store(e)
    }
}

impl giamngheo_core::messages::Localized for ReportError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ReportError::NotReviewed { unit, year }, Lang::Vi) => {
                format!("năm {year} không có kết quả rà soát nào ở {unit}")
            }
            (ReportError::NotReviewed { unit, year }, Lang::En) => {
                format!("no review in {unit} in {year}")
            }
            (ReportError::NoTargets { unit }, Lang::Vi) => {
                format!("{unit} chưa có chỉ tiêu nào trong các năm này")
            }
            (ReportError::NoTargets { unit }, Lang::En) => {
                format!("{unit} has no target in these years")
            }
            (ReportError::NothingUnder { unit }, Lang::Vi) => {
                format!(
                    "{unit} không có đơn vị trực thuộc nào có kết quả rà soát ở cả hai năm để so sánh"
                )
            }
            (ReportError::NothingUnder { unit }, Lang::En) => {
                format!("{unit} has no unit under it with reviews in both years to compare")
            }
            (ReportError::SpanTooShort, Lang::Vi) => "cần ít nhất hai năm".to_owned(),
            (ReportError::SpanTooShort, Lang::En) => {
                "a span of at least two years is needed".to_owned()
            }
            (ReportError::Standard(e), lang) => e.message(lang),
            (ReportError::Store(e), lang) => e.message(lang),
        }
    }
}

/// The summary of a year's review: the unit (with its urban and rural households) and each unit under it,
/// with the year's movements, after the review summary form (not checked against the legal form).
pub fn summary_table(
    store: &mut Store,
    u: &Unit,
    on: Date,
    y: i32,
    lang: Lang,
) -> Result<Table, ReportError> {
    use giamngheo_core::transition::Transition;
    let day = giamngheo_core::calendar::review_day(y);
    let mut t = labelled(
        unit_title(
            u,
            on,
            &format!("Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo năm {y}"),
            &format!("Summary of the {y} review of poor and near-poor households"),
            lang,
        ),
        &[
            ("unit_code", "Mã", "Code"),
            ("unit_name", "Đơn vị", "Unit"),
            ("households", "Tổng số hộ", "Households"),
            ("poor", "Hộ nghèo", "Poor"),
            ("poor_rate", "Tỷ lệ hộ nghèo (%)", "Poor rate (%)"),
            ("near_poor", "Hộ cận nghèo", "Near-poor"),
            (
                "near_poor_rate",
                "Tỷ lệ hộ cận nghèo (%)",
                "Near-poor rate (%)",
            ),
            (
                "ethnic_minority_households",
                "Hộ DTTS",
                "Ethnic-minority households",
            ),
            (
                "ethnic_minority_poor",
                "Hộ nghèo DTTS",
                "Ethnic-minority poor",
            ),
            (
                "ethnic_minority_near_poor",
                "Hộ cận nghèo DTTS",
                "Ethnic-minority near-poor",
            ),
            ("escaped", "Thoát nghèo", "Escaped"),
            ("newly_poor", "Nghèo phát sinh", "Newly poor"),
            ("re_poor", "Tái nghèo", "Re-poor"),
            ("newly_near_poor", "Cận nghèo phát sinh", "Newly near-poor"),
        ],
        lang,
    );
    let counts = |row: &mut Vec<Cell>, c: &Counts| {
        row.extend([
            Cell::Int(c.households),
            Cell::Int(c.poor),
            Cell::rate(c.poor_rate()),
            Cell::Int(c.near_poor),
            Cell::rate(c.near_poor_rate()),
        ]);
    };
    let mut units = vec![u.clone()];
    units.extend(store.children_at(u.id, on)?);
    for (i, unit) in units.iter().enumerate() {
        let r = store.rates(unit.id, on, &[(y, day)])?.remove(0);
        if i == 0 && r.standard_id.is_none() {
            return Err(ReportError::NotReviewed {
                unit: u.name.clone(),
                year: y,
            });
        }
        if i == 0 {
            note_coverage(&mut t, None, std::slice::from_ref(&r), lang);
        }
        let m = store.transitions(unit.id, on, y, y)?.remove(0);
        let mut row = vec![Cell::text(&unit.code), Cell::text(&unit.name)];
        counts(&mut row, &r.all());
        row.extend([
            Cell::Int(r.ethnic_minority.households),
            Cell::Int(r.ethnic_minority.poor),
            Cell::Int(r.ethnic_minority.near_poor),
            Cell::Int(m.count(Transition::Escaped) + m.count(Transition::EscapedToNearPoor)),
            Cell::Int(m.count(Transition::NewlyPoor)),
            Cell::Int(m.count(Transition::RePoor)),
            Cell::Int(m.count(Transition::NewlyNearPoor)),
        ]);
        t.rows.push(row);
        if i == 0 {
            for (name, c) in [
                (lang.pick("Thành thị", "Urban"), &r.urban),
                (lang.pick("Nông thôn", "Rural"), &r.rural),
            ] {
                let mut row = vec![Cell::Empty, Cell::text(format!("– {name}"))];
                counts(&mut row, c);
                row.extend(std::iter::repeat_n(Cell::Empty, 7));
                t.rows.push(row);
            }
            // The units under it start below a rule.
            t.breaks.push(3);
        }
    }
    t.notes.push(lang.pick(
        "Thoát nghèo gồm cả hộ thoát nghèo thành hộ cận nghèo. Bố cục theo mẫu tổng hợp kết quả rà soát; chưa đối chiếu với biểu mẫu pháp lý (chưa xác minh).",
        "Escaped includes households that escaped to near-poverty. Layout after the review summary form; not checked against the legal form (unverified).",
    ).to_owned());
    Ok(t)
}

/// One unit over a span, as compare and ranking show it.
pub struct Summary {
    unit: Unit,
    rates: Vec<YearRate>,
    /// Average annual reduction between the first and last years, when both were reviewed.
    per_year: Option<f64>,
    escaped: i64,
    entered: i64,
    re_poor: i64,
}

pub fn summarise(
    store: &mut Store,
    unit: Unit,
    on: Date,
    from: i32,
    to: i32,
) -> Result<Summary, ReportError> {
    use giamngheo_core::transition::Transition;
    let years: Vec<(i32, Date)> = (from..=to)
        .map(|y| (y, giamngheo_core::calendar::review_day(y)))
        .collect();
    let rates = store.rates(unit.id, on, &years)?;
    let (first, last) = (&rates[0], &rates[rates.len() - 1]);
    let per_year = if first.standard_id.is_some() && last.standard_id.is_some() {
        giamngheo_core::trend::average_annual_reduction(
            (first.year, first.poor_rate()),
            (last.year, last.poor_rate()),
        )
    } else {
        None
    };
    let moves = store.transitions(unit.id, on, from, to)?;
    // Movements after the first year: the first year's are against reviews before the span.
    let sum = |f: &dyn Fn(Transition) -> bool| -> i64 {
        moves
            .iter()
            .skip(1)
            .flat_map(|y| y.counts.iter())
            .filter(|(t, _)| f(**t))
            .map(|(_, n)| n)
            .sum()
    };
    Ok(Summary {
        escaped: sum(&|t| t.is_escape()),
        entered: sum(&|t| t == Transition::NewlyPoor),
        re_poor: sum(&|t| t == Transition::RePoor),
        unit,
        rates,
        per_year,
    })
}

/// Units side by side, one row each: the poor-household rate of every year, the average annual reduction, the
/// households that escaped, became poor and fell back over the span, support received, and the last year's
/// deprivations of the poor.
pub fn compare_table(
    store: &mut Store,
    list: Vec<Unit>,
    on: Date,
    from: i32,
    to: i32,
    lang: Lang,
) -> Result<Table, ReportError> {
    let mut summaries = Vec::new();
    for u in list {
        let s = summarise(store, u, on, from, to)?;
        if let Some(r) = s.rates.iter().find(|r| r.standard_id.is_none()) {
            return Err(ReportError::NotReviewed {
                unit: s.unit.name.clone(),
                year: r.year,
            });
        }
        summaries.push(s);
    }
    let mut columns = vec!["unit_code".to_owned(), "unit_name".to_owned()];
    let mut labels = vec![
        lang.pick("Mã", "Code").to_owned(),
        lang.pick("Đơn vị", "Unit").to_owned(),
    ];
    for y in from..=to {
        columns.push(format!("poor_rate_{y}"));
        labels.push(format!("{} {y} (%)", lang.pick("Tỷ lệ nghèo", "Poor rate")));
    }
    for (c, vi, en) in [
        (
            "reduction_per_year",
            "Giảm bình quân (điểm %/năm)",
            "Average reduction (points a year)",
        ),
        ("escaped", "Thoát nghèo", "Escaped"),
        ("newly_poor", "Nghèo phát sinh", "Newly poor"),
        ("re_poor", "Tái nghèo", "Re-poor"),
        (
            "supported_households",
            "Số hộ được hỗ trợ",
            "Households supported",
        ),
        ("support_vnd", "Kinh phí hỗ trợ (đ)", "Support (VND)"),
    ] {
        columns.push(c.to_owned());
        labels.push(lang.pick(vi, en).to_owned());
    }
    // The indicators of the standard in force in the last year, one column each.
    let standard = giamngheo_core::standard::builtin::for_year(to as u16)?;
    let indicators: Vec<String> = standard.indicators.iter().map(|i| i.id.clone()).collect();
    for ind in &standard.indicators {
        columns.push(format!("poor_deprived_{}", ind.id));
        labels.push(format!("{} (%)", lang.pick(&ind.short_vi, &ind.short_en)));
    }
    let boundaries = on.vi();
    let mut t = Table {
        title: match lang {
            Lang::Vi => format!("So sánh các địa phương {from}-{to} (địa giới ngày {boundaries})"),
            Lang::En => format!("Localities compared, {from}-{to} (boundaries of {boundaries})"),
        },
        columns,
        labels,
        ..Table::default()
    };
    for s in &summaries {
        let mut row = vec![Cell::text(&s.unit.code), Cell::text(&s.unit.name)];
        row.extend(s.rates.iter().map(|r| Cell::rate(r.poor_rate())));
        row.push(s.per_year.map_or(Cell::Empty, Cell::rate));
        row.extend([
            Cell::Int(s.escaped),
            Cell::Int(s.entered),
            Cell::Int(s.re_poor),
        ]);
        let (households, _, amount) = store.support_received(
            s.unit.id,
            on,
            Date::new(from, 1, 1).unwrap_or_else(|_| unreachable!("a valid date")),
            Date::new(to, 12, 31).unwrap_or_else(|_| unreachable!("a valid date")),
        )?;
        row.extend([Cell::Int(households), Cell::Int(amount)]);
        // The deprivation profile of the last year: the share of reviewed households poor and deprived.
        let profile = store.profile(s.unit.id, on, to, to)?;
        for id in &indicators {
            let share = profile.first().and_then(|p| {
                let standard = giamngheo_core::standard::builtin::get(&p.standard_id).ok()?;
                let i = standard.indicators.iter().position(|ind| &ind.id == id)?;
                Some(giamngheo_store::rates::percent(
                    p.poor_deprived[i],
                    p.reviewed,
                ))
            });
            row.push(share.map_or(Cell::Empty, Cell::rate));
        }
        t.rows.push(row);
    }
    note_breaks(&mut t, &summaries[0].rates, lang);
    for s in &summaries {
        note_coverage(&mut t, Some(&s.unit.name), &s.rates, lang);
    }
    t.notes.push(
        lang.pick(
            "Thoát nghèo, nghèo phát sinh, tái nghèo: cộng các năm sau năm đầu của khoảng. Hỗ trợ: nhận trong các năm của khoảng, tính theo nơi hộ sống khi nhận. Thiếu hụt: tỷ lệ hộ nghèo và thiếu hụt chỉ số đó trong số hộ được rà soát năm cuối.",
            "Escaped, newly poor, re-poor: summed over the years after the first of the span. Support: received in the years of the span, counted where the household lived then. Deprivations: the share of households reviewed in the last year that are poor and deprived in the indicator.",
        )
        .to_owned(),
    );
    Ok(t)
}

/// The communes under a unit on the boundary date, however many levels down.
pub fn communes_under(store: &mut Store, unit: &Unit, on: Date) -> Result<Vec<Unit>, StoreError> {
    if unit.level == UnitLevel::Commune {
        return Ok(vec![unit.clone()]);
    }
    let mut out = Vec::new();
    for c in store.children_at(unit.id, on)? {
        match c.level {
            UnitLevel::Commune => out.push(c),
            UnitLevel::Village => {}
            _ => out.extend(communes_under(store, &c, on)?),
        }
    }
    Ok(out)
}

/// The communes under a unit ranked by their average annual reduction (fastest first); communes without a
/// review at both ends of the span are listed last, unranked.
pub fn ranking_table(
    store: &mut Store,
    u: &Unit,
    on: Date,
    from: i32,
    to: i32,
    lang: Lang,
) -> Result<Table, ReportError> {
    let mut list = Vec::new();
    for c in communes_under(store, u, on)? {
        list.push(summarise(store, c, on, from, to)?);
    }
    // Fastest reduction first; then the lower final rate; then the code, so the order is stable.
    list.sort_by(|a, b| {
        let last = |s: &Summary| s.rates[s.rates.len() - 1].poor_rate();
        match (a.per_year, b.per_year) {
            (Some(x), Some(y)) => y.total_cmp(&x).then(last(a).total_cmp(&last(b))),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.unit.code.cmp(&b.unit.code))
    });
    let mut t = Table::new(
        unit_title(
            u,
            on,
            &format!("Xếp hạng các xã theo tốc độ giảm nghèo {from}-{to}"),
            &format!("Communes ranked by speed of reduction {from}-{to}"),
            lang,
        ),
        &[
            "rank",
            "unit_code",
            "unit_name",
            "households",
            "poor_rate_first",
            "poor_rate_last",
            "reduction_per_year",
            "escaped",
            "newly_poor",
            "re_poor",
        ],
    );
    t.labels = [
        lang.pick("Hạng", "Rank"),
        lang.pick("Mã", "Code"),
        lang.pick("Xã", "Commune"),
        lang.pick("Số hộ", "Households"),
        &format!("{} {from} (%)", lang.pick("Tỷ lệ nghèo", "Poor rate")),
        &format!("{} {to} (%)", lang.pick("Tỷ lệ nghèo", "Poor rate")),
        lang.pick(
            "Giảm bình quân (điểm %/năm)",
            "Average reduction (points a year)",
        ),
        lang.pick("Thoát nghèo", "Escaped"),
        lang.pick("Nghèo phát sinh", "Newly poor"),
        lang.pick("Tái nghèo", "Re-poor"),
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for (i, s) in list.iter().enumerate() {
        let (first, last) = (&s.rates[0], &s.rates[s.rates.len() - 1]);
        let reviewed = |r: &YearRate| {
            if r.standard_id.is_some() {
                Cell::rate(r.poor_rate())
            } else {
                Cell::Empty
            }
        };
        t.rows.push(vec![
            s.per_year
                .map_or(Cell::Empty, |_| Cell::Plain(i as i64 + 1)),
            Cell::text(&s.unit.code),
            Cell::text(&s.unit.name),
            Cell::Int(last.households),
            reviewed(first),
            reviewed(last),
            s.per_year.map_or(Cell::Empty, Cell::rate),
            Cell::Int(s.escaped),
            Cell::Int(s.entered),
            Cell::Int(s.re_poor),
        ]);
    }
    if let Some(s) = list.first() {
        note_breaks(&mut t, &s.rates, lang);
    }
    for s in &list {
        note_coverage(&mut t, Some(&s.unit.name), &s.rates, lang);
    }
    Ok(t)
}

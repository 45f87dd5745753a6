//! The report tables both front ends show and download: built here once, so the command line's CSV and the
//! web app's are the same table.

use giamngheo_core::Lang;
use giamngheo_core::date::Date;
use giamngheo_report::table::{Cell, Table};
use giamngheo_store::analytics::{YearProfile, YearTransitions};
use giamngheo_store::rates::{Counts, YearRate, standard_breaks};
use giamngheo_store::targets::Target;
use giamngheo_store::units::Unit;

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
    let mut t = Table {
        title: match lang {
            Lang::Vi => format!(
                "Tỷ lệ hộ nghèo, cận nghèo: {} (địa giới ngày {})",
                u.name,
                on.vi()
            ),
            Lang::En => format!(
                "Poor and near-poor households: {} (boundaries of {})",
                u.name,
                on.vi()
            ),
        },
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
        row.push(Cell::text(r.standard_id.clone().unwrap_or_default()));
        row.push(Cell::Plain(breaks[i].into()));
        for c in [&r.urban, &r.rural, &r.ethnic_minority] {
            push_counts(&mut row, c);
        }
        if breaks[i] {
            t.breaks.push(i);
        }
        t.rows.push(row);
    }
    note_breaks(&mut t, rates, lang);
    t
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
    for (i, r) in rates.iter().enumerate().filter(|(i, _)| breaks[*i]) {
        t.notes.push(match lang {
            Lang::Vi => format!(
                "Từ năm {} áp dụng chuẩn {} (trước đó {}): tỷ lệ trước và sau không so sánh trực tiếp được.",
                r.year,
                r.standard_id.as_deref().unwrap_or(""),
                rates[i - 1].standard_id.as_deref().unwrap_or("")
            ),
            Lang::En => format!(
                "From {} the standard is {} (before: {}): rates before and after are not directly comparable.",
                r.year,
                r.standard_id.as_deref().unwrap_or(""),
                rates[i - 1].standard_id.as_deref().unwrap_or("")
            ),
        });
    }
}

/// Per year, how the unit's reviewed households moved since their previous review (escaped, newly poor,
/// re-poor, stayed…).
pub fn transitions_table(u: &Unit, on: Date, years: &[YearTransitions], lang: Lang) -> Table {
    use giamngheo_core::transition::Transition;
    let mut columns = vec!["unit_code", "unit_name", "year", "reviewed"];
    columns.extend(Transition::ALL.iter().map(|t| t.code()));
    let mut t = Table::new(
        match lang {
            Lang::Vi => format!(
                "Biến động hộ nghèo, cận nghèo: {} (địa giới ngày {})",
                u.name,
                on.vi()
            ),
            Lang::En => format!(
                "Movements of poor and near-poor households: {} (boundaries of {})",
                u.name,
                on.vi()
            ),
        },
        &columns,
    );
    t.labels = [
        lang.pick("Mã", "Code"),
        lang.pick("Đơn vị", "Unit"),
        lang.pick("Năm", "Year"),
        lang.pick("Số hộ rà soát", "Households reviewed"),
    ]
    .into_iter()
    .chain(Transition::ALL.iter().map(|t| t.name(lang)))
    .map(str::to_owned)
    .collect();
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
    let mut t = Table::new(
        match lang {
            Lang::Vi => format!(
                "Thiếu hụt dịch vụ xã hội cơ bản: {} (địa giới ngày {})",
                u.name,
                on.vi()
            ),
            Lang::En => format!(
                "Deprivation profile: {} (boundaries of {})",
                u.name,
                on.vi()
            ),
        },
        &[
            "unit_code",
            "unit_name",
            "year",
            "standard",
            "indicator",
            "indicator_name",
            "reviewed",
            "deprived",
            "deprived_share",
            "poor_deprived",
            "poor_deprived_share",
        ],
    );
    t.labels = [
        lang.pick("Mã", "Code"),
        lang.pick("Đơn vị", "Unit"),
        lang.pick("Năm", "Year"),
        lang.pick("Chuẩn nghèo", "Standard"),
        lang.pick("Mã chỉ số", "Indicator code"),
        lang.pick("Chỉ số", "Indicator"),
        lang.pick("Số hộ rà soát", "Households reviewed"),
        lang.pick("Số hộ thiếu hụt", "Deprived"),
        lang.pick("Tỷ lệ thiếu hụt (%)", "Deprived (%)"),
        lang.pick("Hộ nghèo thiếu hụt", "Poor and deprived"),
        lang.pick("Tỷ lệ nghèo và thiếu hụt (%)", "Poor and deprived (%)"),
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for p in profile {
        let standard = giamngheo_core::standard::builtin::get(&p.standard_id)?;
        for (i, ind) in standard.indicators.iter().enumerate() {
            t.rows.push(vec![
                Cell::text(&u.code),
                Cell::text(&u.name),
                Cell::Plain(p.year.into()),
                Cell::text(&p.standard_id),
                Cell::text(&ind.id),
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
        match lang {
            Lang::Vi => format!(
                "Thực hiện chỉ tiêu giảm nghèo: {} (địa giới ngày {})",
                u.name,
                on.vi()
            ),
            Lang::En => format!(
                "Poverty reduction targets: {} (boundaries of {})",
                u.name,
                on.vi()
            ),
        },
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

//! Households with members in a table: one row per member, the household's fields on every row (as the
//! communes' spreadsheets have them). Reading checks every row and reports every problem; writing produces a
//! file that reads back to the same records.

use std::collections::HashMap;
use std::io::Write;

use giamngheo_core::Area;
use giamngheo_core::date::Date;
use giamngheo_core::facts::Sex;
use giamngheo_core::ids::{CitizenId, HouseholdCode, PersonName, UnitCode, UnitLevel};
use giamngheo_core::registry::{
    HouseholdProblem, HouseholdRecord, MemberRecord, MemberRow, Relation,
};
use giamngheo_core::text::fold;

use crate::csv_scan::push_field;
use crate::table::Table;

/// The columns, their Vietnamese headers (as exported to XLSX) and other accepted spellings.
pub const COLUMNS: &[(&str, &str, &[&str])] = &[
    ("household_code", "Mã hộ", &["ma_ho"]),
    ("commune_code", "Mã xã", &["ma_xa", "ma_xa_phuong"]),
    ("village", "Thôn", &["thon", "thon_ban", "thon_to_dan_pho"]),
    ("area", "Khu vực", &["khu_vuc"]),
    ("address", "Địa chỉ", &["dia_chi"]),
    ("full_name", "Họ và tên", &["ho_ten", "ho_va_ten"]),
    (
        "relation",
        "Quan hệ với chủ hộ",
        &["quan_he", "quan_he_voi_chu_ho"],
    ),
    ("sex", "Giới tính", &["gioi_tinh"]),
    (
        "birth_date",
        "Ngày sinh",
        &["ngay_sinh", "ngay_thang_nam_sinh"],
    ),
    ("ethnicity", "Dân tộc", &["dan_toc"]),
    (
        "citizen_id",
        "Số định danh cá nhân",
        &["so_dinh_danh", "so_dinh_danh_ca_nhan", "cccd", "so_cccd"],
    ),
];

const REQUIRED: &[&str] = &[
    "household_code",
    "commune_code",
    "area",
    "full_name",
    "relation",
    "sex",
    "birth_date",
    "ethnicity",
];

/// One problem in one cell or row of an import file.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportProblem {
    pub file: String,
    pub sheet: Option<String>,
    pub row: u64,
    pub column: Option<String>,
    pub kind: ProblemKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ProblemKind {
    MissingColumn,
    Empty,
    BadHouseholdCode(String),
    BadCommuneCode(String),
    BadArea(String),
    BadName(String),
    BadRelation(String),
    BadSex(String),
    BadDate(String),
    FutureBirth(String),
    BadCitizenId(String),
    /// A household field that differs between two rows of the same household.
    Conflicting {
        first_row: u64,
        first: String,
        here: String,
    },
    NoHead,
    TwoHeads {
        first_row: u64,
    },
}

fn header_key(h: &str) -> String {
    fold(h).replace([' ', '-'], "_")
}

/// Reads households from a table; every problem is reported, in row order.
pub fn read_households(
    t: &Table,
    today: Date,
) -> Result<Vec<(u64, HouseholdRecord)>, Vec<ImportProblem>> {
    let problem = |row: u64, column: Option<&str>, kind: ProblemKind| ImportProblem {
        file: t.file.clone(),
        sheet: t.sheet.clone(),
        row,
        column: column.map(str::to_owned),
        kind,
    };
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, h) in t.header.iter().enumerate() {
        let key = header_key(h);
        if let Some((code, _, _)) = COLUMNS.iter().find(|(code, vi, aliases)| {
            key == *code || key == header_key(vi) || aliases.contains(&key.as_str())
        }) {
            index.entry(code).or_insert(i);
        }
    }
    let missing: Vec<ImportProblem> = REQUIRED
        .iter()
        .filter(|c| !index.contains_key(*c))
        .map(|c| problem(1, Some(c), ProblemKind::MissingColumn))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut problems = Vec::new();
    // Household code → (first row, household fields, members with their rows).
    let mut order: Vec<String> = Vec::new();
    struct Group {
        first_row: u64,
        fields: [String; 4],
        members: Vec<(u64, MemberRecord)>,
        valid: bool,
    }
    let mut groups: HashMap<String, Group> = HashMap::new();
    for (row, cells) in &t.rows {
        let row = *row;
        let get = |c: &str| {
            index
                .get(c)
                .and_then(|i| cells.get(*i))
                .map(String::as_str)
                .unwrap_or("")
        };
        let mut ok = true;
        let mut req = |c: &'static str, problems: &mut Vec<ImportProblem>| -> Option<String> {
            let v = get(c);
            if v.is_empty() {
                problems.push(problem(row, Some(c), ProblemKind::Empty));
                ok = false;
                None
            } else {
                Some(v.to_owned())
            }
        };
        let code = req("household_code", &mut problems);
        let commune = req("commune_code", &mut problems);
        let area = req("area", &mut problems);
        let name = req("full_name", &mut problems);
        let relation = req("relation", &mut problems);
        let sex = req("sex", &mut problems);
        let birth = req("birth_date", &mut problems);
        let ethnicity = req("ethnicity", &mut problems);
        let code = code.and_then(|v| {
            HouseholdCode::parse(&v).or_else(|| {
                problems.push(problem(
                    row,
                    Some("household_code"),
                    ProblemKind::BadHouseholdCode(v.clone()),
                ));
                None
            })
        });
        let commune_ok = commune.as_ref().map(|v| {
            // Excel drops leading zeros of codes typed as numbers.
            let padded = if v.len() < 5 && v.bytes().all(|b| b.is_ascii_digit()) {
                format!("{v:0>5}")
            } else {
                v.clone()
            };
            match UnitCode::parse(UnitLevel::Commune, &padded) {
                Some(c) => Some(c),
                None => {
                    problems.push(problem(
                        row,
                        Some("commune_code"),
                        ProblemKind::BadCommuneCode(v.clone()),
                    ));
                    None
                }
            }
        });
        let area_ok = area.as_ref().map(|v| {
            Area::parse(v).or_else(|| {
                problems.push(problem(row, Some("area"), ProblemKind::BadArea(v.clone())));
                None
            })
        });
        let name_ok = name.and_then(|v| {
            PersonName::parse(&v).or_else(|| {
                problems.push(problem(
                    row,
                    Some("full_name"),
                    ProblemKind::BadName(v.clone()),
                ));
                None
            })
        });
        let relation_ok = relation.and_then(|v| {
            Relation::parse(&v).or_else(|| {
                problems.push(problem(
                    row,
                    Some("relation"),
                    ProblemKind::BadRelation(v.clone()),
                ));
                None
            })
        });
        let sex_ok = sex.and_then(|v| {
            Sex::parse_any(&v).or_else(|| {
                problems.push(problem(row, Some("sex"), ProblemKind::BadSex(v.clone())));
                None
            })
        });
        let birth_ok = birth.and_then(|v| match Date::parse(&v) {
            Ok(d) if d > today => {
                problems.push(problem(
                    row,
                    Some("birth_date"),
                    ProblemKind::FutureBirth(v.clone()),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(problem(
                    row,
                    Some("birth_date"),
                    ProblemKind::BadDate(v.clone()),
                ));
                None
            }
        });
        let cid_raw = get("citizen_id");
        let cid = if cid_raw.is_empty() {
            Some(None)
        } else {
            let padded = if cid_raw.len() == 11 && cid_raw.bytes().all(|b| b.is_ascii_digit()) {
                format!("0{cid_raw}")
            } else {
                cid_raw.to_owned()
            };
            match CitizenId::parse(&padded) {
                Some(c) => Some(Some(c)),
                None => {
                    problems.push(problem(
                        row,
                        Some("citizen_id"),
                        ProblemKind::BadCitizenId(cid_raw.to_owned()),
                    ));
                    None
                }
            }
        };
        let Some(code) = code else { continue };
        let fields = [
            commune_ok
                .clone()
                .flatten()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            get("village").to_owned(),
            area_ok
                .flatten()
                .map(|a| a.code().to_owned())
                .unwrap_or_default(),
            get("address").to_owned(),
        ];
        let g = groups.entry(code.as_str().to_owned()).or_insert_with(|| {
            order.push(code.as_str().to_owned());
            Group {
                first_row: row,
                fields: fields.clone(),
                members: Vec::new(),
                valid: true,
            }
        });
        if g.first_row != row {
            for (k, name) in ["commune_code", "village", "area", "address"]
                .iter()
                .enumerate()
            {
                if fold(&g.fields[k]) != fold(&fields[k])
                    && !fields[k].is_empty()
                    && !g.fields[k].is_empty()
                {
                    problems.push(problem(
                        row,
                        Some(name),
                        ProblemKind::Conflicting {
                            first_row: g.first_row,
                            first: g.fields[k].clone(),
                            here: fields[k].clone(),
                        },
                    ));
                    ok = false;
                }
            }
        }
        match (name_ok, sex_ok, birth_ok, cid, relation_ok) {
            (Some(n), Some(s), Some(b), Some(c), Some(r)) if ok => {
                g.members.push((
                    row,
                    MemberRecord::new(n, s, b, ethnicity.as_deref().unwrap_or(""), c, r),
                ));
            }
            _ => g.valid = false,
        }
    }
    let mut out = Vec::with_capacity(order.len());
    for code in order {
        let Some(g) = groups.remove(&code) else {
            continue;
        };
        if !g.valid || g.fields[0].is_empty() || g.fields[2].is_empty() {
            continue;
        }
        let (Some(hc), Some(commune), Some(area)) = (
            HouseholdCode::parse(&code),
            UnitCode::parse(UnitLevel::Commune, &g.fields[0]),
            Area::parse(&g.fields[2]),
        ) else {
            continue;
        };
        let rows: Vec<u64> = g.members.iter().map(|(r, _)| *r).collect();
        let first_head = g
            .members
            .iter()
            .find(|(_, m)| m.relation == Relation::Head)
            .map_or(g.first_row, |(r, _)| *r);
        let members: Vec<MemberRecord> = g.members.into_iter().map(|(_, m)| m).collect();
        let village = Some(g.fields[1].clone()).filter(|v| !v.is_empty());
        match HouseholdRecord::new(hc, commune, village, area, &g.fields[3], members) {
            Ok(h) => out.push((g.first_row, h)),
            Err(HouseholdProblem::NoHead | HouseholdProblem::NoMembers) => {
                problems.push(problem(g.first_row, Some("relation"), ProblemKind::NoHead))
            }
            Err(HouseholdProblem::TwoHeads(i)) => problems.push(problem(
                rows[i],
                Some("relation"),
                ProblemKind::TwoHeads {
                    first_row: first_head,
                },
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        problems.sort_by_key(|p| p.row);
        Err(problems)
    }
}

/// Writes CSV with the column codes as header.
pub fn write_households_csv<W: Write>(out: &mut W, rows: &[MemberRow]) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(1 << 16);
    let header: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    buf.extend_from_slice(header.join(",").as_bytes());
    buf.push(b'\n');
    for r in rows {
        for (i, c) in r.cells().iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            push_field(&mut buf, c.as_bytes());
        }
        buf.push(b'\n');
        if buf.len() > 1 << 16 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)
}

/// Writes an XLSX workbook with Vietnamese headers; every cell is text so Excel keeps leading zeros.
pub fn write_households_xlsx(
    path: &std::path::Path,
    rows: &[MemberRow],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("Hộ gia đình")?;
    let bold = Format::new().set_bold();
    for (i, c) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, c.1, &bold)?;
    }
    for (n, r) in rows.iter().enumerate() {
        for (i, c) in r.cells().iter().enumerate() {
            if !c.is_empty() {
                ws.write_string(n as u32 + 1, i as u16, *c)?;
            }
        }
    }
    wb.save(path)
}

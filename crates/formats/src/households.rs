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
use crate::table::Rows;

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
    /// The file itself cannot be read (encoding, quotes, IO).
    Unreadable(crate::error::CsvErrorKind),
    TwoHeads {
        first_row: u64,
    },
}

fn header_key(h: &str) -> String {
    fold(h).replace([' ', '-'], "_")
}

/// Reads households from rows (a CSV stream or an XLSX sheet); every problem is reported, in row order.
pub fn read_households(
    t: &mut dyn Rows,
    today: Date,
) -> Result<Vec<(u64, HouseholdRecord)>, Vec<ImportProblem>> {
    let file = t.file().to_owned();
    let sheet = t.sheet().map(str::to_owned);
    let problem = |row: u64, column: Option<&str>, kind: ProblemKind| ImportProblem {
        file: file.clone(),
        sheet: sheet.clone(),
        row,
        column: column.map(str::to_owned),
        kind,
    };
    // Column positions, in the order of COLUMNS.
    let mut index: [Option<usize>; 11] = [None; 11];
    for (i, h) in t.header().iter().enumerate() {
        let key = header_key(h);
        if let Some(c) = COLUMNS.iter().position(|(code, vi, aliases)| {
            key == *code || key == header_key(vi) || aliases.contains(&key.as_str())
        }) && index[c].is_none()
        {
            index[c] = Some(i);
        }
    }
    let missing: Vec<ImportProblem> = REQUIRED
        .iter()
        .filter(|c| {
            COLUMNS
                .iter()
                .position(|x| x.0 == **c)
                .is_none_or(|i| index[i].is_none())
        })
        .map(|c| problem(1, Some(c), ProblemKind::MissingColumn))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut problems = Vec::new();
    struct Group {
        code: HouseholdCode,
        first_row: u64,
        /// commune code, village, area code, address
        fields: [String; 4],
        members: Vec<(u64, MemberRecord)>,
        valid: bool,
    }
    // Households in order of first appearance; the map finds a household's group by its code.
    let mut groups: Vec<Group> = Vec::new();
    let mut by_code: HashMap<String, usize> = HashMap::new();
    let read = t.each(&mut |row, cells| {
        let get = |c: usize| index[c].and_then(|i| cells.get(i)).copied().unwrap_or("");
        let mut ok = true;
        let mut req = |c: usize, problems: &mut Vec<ImportProblem>| -> Option<&str> {
            let v = get(c);
            if v.is_empty() {
                problems.push(problem(row, Some(COLUMNS[c].0), ProblemKind::Empty));
                ok = false;
                None
            } else {
                Some(v)
            }
        };
        let code = req(0, &mut problems);
        let commune = req(1, &mut problems);
        let area = req(3, &mut problems);
        let name = req(5, &mut problems);
        let relation = req(6, &mut problems);
        let sex = req(7, &mut problems);
        let birth = req(8, &mut problems);
        let ethnicity = req(9, &mut problems);
        let mut bad =
            |column: &str, kind: ProblemKind| problems.push(problem(row, Some(column), kind));
        let code = code.and_then(|v| {
            HouseholdCode::parse(v).or_else(|| {
                bad(
                    "household_code",
                    ProblemKind::BadHouseholdCode(v.to_owned()),
                );
                None
            })
        });
        let commune_ok = commune.and_then(|v| {
            // Excel drops leading zeros of codes typed as numbers.
            let parsed = if v.len() < 5 && v.bytes().all(|b| b.is_ascii_digit()) {
                UnitCode::parse(UnitLevel::Commune, &format!("{v:0>5}"))
            } else {
                UnitCode::parse(UnitLevel::Commune, v)
            };
            parsed.or_else(|| {
                bad("commune_code", ProblemKind::BadCommuneCode(v.to_owned()));
                None
            })
        });
        let area_ok = area.and_then(|v| {
            Area::parse(v).or_else(|| {
                bad("area", ProblemKind::BadArea(v.to_owned()));
                None
            })
        });
        let name_ok = name.and_then(|v| {
            PersonName::parse(v).or_else(|| {
                bad("full_name", ProblemKind::BadName(v.to_owned()));
                None
            })
        });
        let relation_ok = relation.and_then(|v| {
            Relation::parse(v).or_else(|| {
                bad("relation", ProblemKind::BadRelation(v.to_owned()));
                None
            })
        });
        let sex_ok = sex.and_then(|v| {
            Sex::parse_any(v).or_else(|| {
                bad("sex", ProblemKind::BadSex(v.to_owned()));
                None
            })
        });
        let birth_ok = birth.and_then(|v| match Date::parse(v) {
            Ok(d) if d > today => {
                bad("birth_date", ProblemKind::FutureBirth(v.to_owned()));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                bad("birth_date", ProblemKind::BadDate(v.to_owned()));
                None
            }
        });
        let cid_raw = get(10);
        let cid = if cid_raw.is_empty() {
            Some(None)
        } else {
            let parsed = if cid_raw.len() == 11 && cid_raw.bytes().all(|b| b.is_ascii_digit()) {
                CitizenId::parse(&format!("0{cid_raw}"))
            } else {
                CitizenId::parse(cid_raw)
            };
            match parsed {
                Some(c) => Some(Some(c)),
                None => {
                    bad("citizen_id", ProblemKind::BadCitizenId(cid_raw.to_owned()));
                    None
                }
            }
        };
        let Some(code) = code else { return };
        let fields: [&str; 4] = [
            commune_ok.as_ref().map_or("", |c| c.as_str()),
            get(2),
            area_ok.map_or("", |a| a.code()),
            get(4),
        ];
        let g = match by_code.get(code.as_str()) {
            Some(&i) => {
                let g = &mut groups[i];
                for (k, name) in ["commune_code", "village", "area", "address"]
                    .iter()
                    .enumerate()
                {
                    let (first, here) = (&g.fields[k], fields[k]);
                    if first != here
                        && !first.is_empty()
                        && !here.is_empty()
                        && fold(first) != fold(here)
                    {
                        problems.push(problem(
                            row,
                            Some(name),
                            ProblemKind::Conflicting {
                                first_row: g.first_row,
                                first: first.clone(),
                                here: here.to_owned(),
                            },
                        ));
                        ok = false;
                    }
                }
                g
            }
            None => {
                by_code.insert(code.as_str().to_owned(), groups.len());
                groups.push(Group {
                    code,
                    first_row: row,
                    fields: fields.map(str::to_owned),
                    members: Vec::with_capacity(4),
                    valid: true,
                });
                groups
                    .last_mut()
                    .unwrap_or_else(|| unreachable!("just pushed"))
            }
        };
        match (name_ok, sex_ok, birth_ok, cid, relation_ok) {
            (Some(n), Some(s), Some(b), Some(c), Some(r)) if ok => {
                g.members.push((
                    row,
                    MemberRecord::new(n, s, b, ethnicity.unwrap_or(""), c, r),
                ));
            }
            _ => g.valid = false,
        }
    });
    if let Err(e) = read {
        return Err(vec![ImportProblem {
            file: e.file.clone(),
            sheet: sheet.clone(),
            row: e.row.unwrap_or(0),
            column: e
                .column
                .as_ref()
                .map(|c| c.0.clone())
                .filter(|c| !c.is_empty()),
            kind: ProblemKind::Unreadable(e.kind),
        }]);
    }
    drop(by_code);
    let mut out = Vec::with_capacity(groups.len());
    for g in groups {
        if !g.valid || g.fields[0].is_empty() || g.fields[2].is_empty() {
            continue;
        }
        let (Some(commune), Some(area)) = (
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
        let [_, village, _, address] = g.fields;
        let village = Some(village).filter(|v| !v.is_empty());
        match HouseholdRecord::new(g.code, commune, village, area, &address, members) {
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

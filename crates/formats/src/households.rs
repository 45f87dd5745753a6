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

use crate::csv_scan::push_text_field;
use crate::table::Rows;

/// The columns, their Vietnamese headers (as exported to XLSX) and other accepted spellings.
pub const COLUMNS: &[(&str, &str, &[&str])] = &[
    (
        "household_code",
        "Mã hộ",
        &["ma_ho", "ma_so_ho", "ma_ho_gia_dinh"],
    ),
    (
        "commune_code",
        "Mã xã",
        &[
            "ma_xa",
            "ma_xa_phuong",
            "ma_don_vi_xa",
            "ma_xa_phuong_dac_khu",
        ],
    ),
    (
        "village",
        "Thôn",
        &[
            "thon",
            "thon_ban",
            "thon_to_dan_pho",
            "thon_xom",
            "xom",
            "thon_xom_ban",
            "ap",
            "ban",
            "to_dan_pho",
        ],
    ),
    ("area", "Khu vực", &["khu_vuc"]),
    ("address", "Địa chỉ", &["dia_chi"]),
    (
        "full_name",
        "Họ và tên",
        &[
            "ho_ten",
            "ho_va_ten",
            "ho_va_ten_thanh_vien",
            "ho_ten_thanh_vien",
        ],
    ),
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
        &[
            "so_dinh_danh",
            "so_dinh_danh_ca_nhan",
            "cccd",
            "so_cccd",
            "so_cccd_dinh_danh",
            "cccd_so_dinh_danh",
            "so_dinh_danh_cccd",
            "ma_dinh_danh",
        ],
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

/// Makes the problems of table `t`: `(row, column, kind)`, with the table's file and sheet.
pub fn problem_at(t: &dyn Rows) -> impl Fn(u64, &str, ProblemKind) -> ImportProblem + use<> {
    let file = t.file().to_owned();
    let sheet = t.sheet().map(str::to_owned);
    move |row, column, kind| ImportProblem {
        file: file.clone(),
        sheet: sheet.clone(),
        row,
        column: Some(column.to_owned()),
        kind,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ProblemKind {
    MissingColumn,
    Empty,
    /// A character that cannot be seen or that reverses the text's direction (zero-width, RTL override).
    Invisible(char),
    BadHouseholdCode(String),
    BadCommuneCode(String),
    BadArea(String),
    BadName(String),
    BadRelation(String),
    BadSex(String),
    BadDate(String),
    FutureBirth(String),
    BadCitizenId(String),
    /// Eleven digits: a citizen ID whose leading 0 a spreadsheet dropped.
    CitizenIdLostZero(String),
    /// A household field that differs between two rows of the same household.
    Conflicting {
        first_row: u64,
        first: String,
        here: String,
    },
    NoHead,
    BadNumber(String),
    UnknownIndicator(String),
    NotZeroOne(String),
    BadClass(String),
    /// A value not among those allowed (an answer of the point table, a region).
    BadChoice {
        value: String,
        allowed: Vec<String>,
    },
    /// The file itself cannot be read (encoding, quotes, IO).
    Unreadable(crate::error::CsvErrorKind),
    TwoHeads {
        first_row: u64,
    },
}

/// A header as it is compared: folded (no diacritics, lower case) and every run of other characters than
/// letters and digits one `_`, so "Ngày, tháng, năm sinh" and "Thôn/xóm" read as `ngay_thang_nam_sinh` and
/// `thon_xom`.
fn header_key(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    for c in fold(h).chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// How many rows a title may take above the header row (a spreadsheet's "DANH SÁCH HỘ …" lines).
pub const HEADER_SEARCH_ROWS: usize = 10;

/// Where each column is, by the position of its code in [`COLUMNS`].
pub type ColumnIndex = [Option<usize>; 11];

/// Finds the columns from the header, or lists the missing ones.
pub fn column_index(
    header: &[String],
    file: &str,
    sheet: Option<&str>,
) -> Result<ColumnIndex, Vec<ImportProblem>> {
    let mut index: ColumnIndex = [None; 11];
    for (i, h) in header.iter().enumerate() {
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
        .map(|c| ImportProblem {
            file: file.to_owned(),
            sheet: sheet.map(str::to_owned),
            row: 1,
            column: Some((*c).to_owned()),
            kind: ProblemKind::MissingColumn,
        })
        .collect();
    if missing.is_empty() {
        Ok(index)
    } else {
        Err(missing)
    }
}

/// One row read and checked on its own: the household it belongs to, its household fields and its member.
pub struct ParsedRow {
    pub row: u64,
    code: Option<HouseholdCode>,
    commune: Option<UnitCode>,
    village: String,
    area: Option<Area>,
    address: String,
    /// The member, when every member field of the row is valid.
    member: Option<MemberRecord>,
    /// Problems of this row, as (column, kind).
    problems: Vec<(&'static str, ProblemKind)>,
}

/// A cell's `value` read by `parse`; a value it refuses is reported through `bad` as `problem(value)` in
/// `column`, and reads as missing.
fn checked<T>(
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Option<T>,
    bad: &mut impl FnMut(&'static str, ProblemKind),
    column: &'static str,
    problem: fn(String) -> ProblemKind,
) -> Option<T> {
    let v = value?;
    let read = parse(v);
    if read.is_none() {
        bad(column, problem(v.to_owned()));
    }
    read
}
/// Reads one row. Pure: rows can be read on several threads and grouped afterwards.
pub fn parse_row(index: &ColumnIndex, row: u64, cells: &[&str], today: Date) -> ParsedRow {
    let get = |c: usize| index[c].and_then(|i| cells.get(i)).copied().unwrap_or("");
    let mut problems: Vec<(&'static str, ProblemKind)> = Vec::new();
    let req = |c: usize, problems: &mut Vec<(&'static str, ProblemKind)>| -> Option<&str> {
        let v = get(c);
        if v.is_empty() {
            problems.push((COLUMNS[c].0, ProblemKind::Empty));
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
    let mut bad = |column: &'static str, kind: ProblemKind| problems.push((column, kind));
    // Text that will be stored and searched: a character nobody can see is refused where it stands.
    for c in [2, 4, 5, 9] {
        if let Some(ch) = giamngheo_core::text::invisible(get(c)) {
            bad(COLUMNS[c].0, ProblemKind::Invisible(ch));
        }
    }
    let name = name.filter(|v| giamngheo_core::text::invisible(v).is_none());
    let code = checked(
        code,
        HouseholdCode::parse,
        &mut bad,
        "household_code",
        ProblemKind::BadHouseholdCode,
    );
    let commune = commune.and_then(|v| {
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
    let area = checked(area, Area::parse, &mut bad, "area", ProblemKind::BadArea);
    let name = checked(
        name,
        PersonName::parse,
        &mut bad,
        "full_name",
        ProblemKind::BadName,
    );
    let relation = checked(
        relation,
        Relation::parse,
        &mut bad,
        "relation",
        ProblemKind::BadRelation,
    );
    let sex = checked(sex, Sex::parse_any, &mut bad, "sex", ProblemKind::BadSex);
    let birth = birth.and_then(|v| match Date::parse(v) {
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
        // Eleven digits: most likely a number cell that lost its leading 0. Guessing would store a wrong ID
        // if a digit was missing elsewhere, so it is refused with the fix.
        if cid_raw.len() == 11 && cid_raw.bytes().all(|b| b.is_ascii_digit()) {
            bad(
                "citizen_id",
                ProblemKind::CitizenIdLostZero(cid_raw.to_owned()),
            );
            None
        } else {
            match CitizenId::parse(cid_raw) {
                Some(c) => Some(Some(c)),
                None => {
                    bad("citizen_id", ProblemKind::BadCitizenId(cid_raw.to_owned()));
                    None
                }
            }
        }
    };
    let member = match (name, sex, birth, cid, relation, ethnicity) {
        (Some(n), Some(s), Some(b), Some(c), Some(r), Some(e)) if problems.is_empty() => {
            Some(MemberRecord::new(n, s, b, e, c, r))
        }
        _ => None,
    };
    ParsedRow {
        row,
        code,
        commune,
        village: get(2).to_owned(),
        area,
        address: get(4).to_owned(),
        member,
        problems,
    }
}

/// Groups parsed rows (in file order) into households and reports every problem, in row order.
pub fn group_rows(
    rows: impl IntoIterator<Item = ParsedRow>,
    file: &str,
    sheet: Option<&str>,
) -> Result<Vec<(u64, HouseholdRecord)>, Vec<ImportProblem>> {
    let problem = |row: u64, column: &str, kind: ProblemKind| ImportProblem {
        file: file.to_owned(),
        sheet: sheet.map(str::to_owned),
        row,
        column: Some(column.to_owned()),
        kind,
    };
    struct Group {
        code: HouseholdCode,
        first_row: u64,
        commune: Option<UnitCode>,
        village: String,
        area: Option<Area>,
        address: String,
        members: Vec<(u64, MemberRecord)>,
        valid: bool,
    }
    let mut problems = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut by_code: HashMap<HouseholdCode, usize> = HashMap::new();
    for r in rows {
        let ok = r.problems.is_empty();
        for (column, kind) in r.problems {
            problems.push(problem(r.row, column, kind));
        }
        let Some(code) = r.code else { continue };
        let g = match by_code.get(&code) {
            Some(&i) => {
                let g = &mut groups[i];
                let pairs: [(&str, &str, &str); 4] = [
                    (
                        "commune_code",
                        g.commune.as_ref().map_or("", |c| c.as_str()),
                        r.commune.as_ref().map_or("", |c| c.as_str()),
                    ),
                    ("village", &g.village, &r.village),
                    (
                        "area",
                        g.area.map_or("", |a| a.code()),
                        r.area.map_or("", |a| a.code()),
                    ),
                    ("address", &g.address, &r.address),
                ];
                let mut conflict = false;
                for (name, first, here) in pairs {
                    if first != here
                        && !first.is_empty()
                        && !here.is_empty()
                        && fold(first) != fold(here)
                    {
                        problems.push(problem(
                            r.row,
                            name,
                            ProblemKind::Conflicting {
                                first_row: g.first_row,
                                first: first.to_owned(),
                                here: here.to_owned(),
                            },
                        ));
                        conflict = true;
                    }
                }
                if conflict {
                    g.valid = false;
                }
                // A household field left empty on its first row is taken from a later row that has it.
                if g.village.is_empty() && !r.village.is_empty() {
                    g.village = r.village;
                }
                if g.address.is_empty() && !r.address.is_empty() {
                    g.address = r.address;
                }
                if g.commune.is_none() {
                    g.commune = r.commune;
                }
                if g.area.is_none() {
                    g.area = r.area;
                }
                g
            }
            None => {
                by_code.insert(code.clone(), groups.len());
                groups.push(Group {
                    code,
                    first_row: r.row,
                    commune: r.commune,
                    village: r.village,
                    area: r.area,
                    address: r.address,
                    members: Vec::with_capacity(4),
                    valid: true,
                });
                groups
                    .last_mut()
                    .unwrap_or_else(|| unreachable!("just pushed"))
            }
        };
        match r.member {
            Some(m) if ok => g.members.push((r.row, m)),
            _ => g.valid = false,
        }
    }
    drop(by_code);
    let mut out = Vec::with_capacity(groups.len());
    for g in groups {
        let (true, Some(commune), Some(area)) = (g.valid, g.commune, g.area) else {
            continue;
        };
        let rows: Vec<u64> = g.members.iter().map(|(r, _)| *r).collect();
        let first_head = g
            .members
            .iter()
            .find(|(_, m)| m.relation == Relation::Head)
            .map_or(g.first_row, |(r, _)| *r);
        let members: Vec<MemberRecord> = g.members.into_iter().map(|(_, m)| m).collect();
        let village = Some(g.village).filter(|v| !v.is_empty());
        match HouseholdRecord::new(g.code, commune, village, area, &g.address, members) {
            Ok(h) => out.push((g.first_row, h)),
            Err(HouseholdProblem::NoHead | HouseholdProblem::NoMembers) => {
                problems.push(problem(g.first_row, "relation", ProblemKind::NoHead))
            }
            Err(HouseholdProblem::TwoHeads(i)) => problems.push(problem(
                rows[i],
                "relation",
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

fn unreadable(e: crate::error::CsvError, sheet: Option<&str>) -> Vec<ImportProblem> {
    vec![ImportProblem {
        file: e.file.clone(),
        sheet: sheet.map(str::to_owned),
        row: e.row.unwrap_or(0),
        column: e
            .column
            .as_ref()
            .map(|c| c.0.clone())
            .filter(|c| !c.is_empty()),
        kind: ProblemKind::Unreadable(e.kind),
    }]
}

/// Reads households from rows (a CSV stream or an XLSX sheet) on this thread; every problem is reported.
pub fn read_households(
    t: &mut dyn Rows,
    today: Date,
) -> Result<Vec<(u64, HouseholdRecord)>, Vec<ImportProblem>> {
    let file = t.file().to_owned();
    let sheet = t.sheet().map(str::to_owned);
    // A title above the header row: the header is the first of the first rows that names every column.
    if column_index(t.header(), &file, sheet.as_deref()).is_err() {
        t.promote_header(HEADER_SEARCH_ROWS, &|row| {
            column_index(row, "", None).is_ok()
        });
    }
    let index = column_index(t.header(), &file, sheet.as_deref())?;
    let mut parsed = Vec::new();
    t.each(&mut |row, cells| parsed.push(parse_row(&index, row, cells, today)))
        .map_err(|e| unreadable(e, sheet.as_deref()))?;
    group_rows(parsed, &file, sheet.as_deref())
}

/// Reads households from a CSV file with one worker per core: blocks of whole records are read on the
/// workers, grouped in file order here ([`crate::blocks`]).
pub fn read_households_csv<R: std::io::Read + Send>(
    input: R,
    file: &str,
    today: Date,
    threads: usize,
) -> Result<Vec<(u64, HouseholdRecord)>, Vec<ImportProblem>> {
    use crate::table::Rows as _;
    use std::ops::ControlFlow;
    let mut rows = crate::table::CsvRows::open(input, file).map_err(|e| unreadable(e, None))?;
    // A title above the header row, as in the XLSX reader: the header is the first row naming every column.
    if column_index(&rows.header, file, None).is_err() {
        rows.promote_header(HEADER_SEARCH_ROWS, &|row| {
            column_index(row, "", None).is_ok()
        });
    }
    let index = column_index(&rows.header, file, None)?;
    let (mut reader, first, header_rows) = (rows.reader, rows.first, rows.row_no);
    /// Each block's rows with the records before it, and the first problem in file order.
    struct Read {
        blocks: Vec<(u64, Vec<ParsedRow>)>,
        /// Records before the next block: the header's, then each block's.
        base: u64,
        failure: Option<crate::error::CsvError>,
    }
    let folded = crate::blocks::fold_in_order(
        crate::blocks::Source {
            first,
            reader: &mut reader,
        },
        threads,
        crate::blocks::Reading::Thread,
        || (),
        |_, block| {
            let mut parsed = Vec::new();
            // Rows are numbered from 0 within the block; the base is added when grouping.
            crate::table::scan_rows(block.records(), file, 0, false, &mut |row, cells| {
                parsed.push(parse_row(&index, row, cells, today))
            })
            .map(|(_, records)| (records, parsed))
        },
        Read {
            blocks: Vec::new(),
            base: header_rows,
            failure: None,
        },
        |acc, r| match r {
            Ok((records, parsed)) => {
                acc.blocks.push((acc.base, parsed));
                acc.base += records;
                ControlFlow::Continue(())
            }
            Err(mut e) => {
                e.row = e.row.map(|r| r + acc.base);
                acc.failure = Some(e);
                ControlFlow::Break(())
            }
        },
    );
    if let Some(e) = folded.acc.failure {
        return Err(unreadable(e, None));
    }
    if let Some(e) = folded.read_error {
        return Err(unreadable(crate::error::CsvError::io(file, e), None));
    }
    // Row numbers: each block's rows follow the records of the blocks before it.
    let rows = folded.acc.blocks.into_iter().flat_map(|(base, parsed)| {
        parsed.into_iter().map(move |mut p| {
            p.row += base;
            p
        })
    });
    group_rows(rows, file, None)
}

/// Writes CSV with the column codes as header, one row at a time.
pub struct MembersCsv<W: Write> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> MembersCsv<W> {
    pub fn new(out: W) -> MembersCsv<W> {
        let mut buf = Vec::with_capacity(1 << 16);
        let header: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
        buf.extend_from_slice(header.join(",").as_bytes());
        buf.push(b'\n');
        MembersCsv { out, buf }
    }

    pub fn row(&mut self, r: &MemberRow) -> std::io::Result<()> {
        for (i, c) in r.cells().iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            push_text_field(&mut self.buf, c.as_bytes());
        }
        self.buf.push(b'\n');
        if self.buf.len() > 1 << 16 {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.write_all(&self.buf)?;
        Ok(self.out)
    }
}

/// Writes CSV with the column codes as header.
pub fn write_households_csv<W: Write>(out: &mut W, rows: &[MemberRow]) -> std::io::Result<()> {
    let mut w = MembersCsv::new(out);
    for r in rows {
        w.row(r)?;
    }
    w.finish().map(|_| ())
}

/// Writes an XLSX workbook with Vietnamese headers, one row at a time (constant memory); every cell is text
/// so Excel keeps leading zeros.
pub struct MembersXlsx {
    wb: rust_xlsxwriter::Workbook,
    next: u32,
}

impl MembersXlsx {
    pub fn new() -> Result<MembersXlsx, rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name("Hộ gia đình")?;
        let bold = Format::new().set_bold();
        for (i, c) in COLUMNS.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, c.1, &bold)?;
        }
        Ok(MembersXlsx { wb, next: 1 })
    }

    pub fn row(&mut self, r: &MemberRow) -> Result<(), rust_xlsxwriter::XlsxError> {
        let ws = self.wb.worksheet_from_index(0)?;
        for (i, c) in r.cells().iter().enumerate() {
            if !c.is_empty() {
                ws.write_string(self.next, i as u16, *c)?;
            }
        }
        self.next += 1;
        Ok(())
    }

    pub fn save(mut self, path: &std::path::Path) -> Result<(), rust_xlsxwriter::XlsxError> {
        self.wb.save(path)
    }
}

/// Writes an XLSX workbook with Vietnamese headers; every cell is text so Excel keeps leading zeros.
pub fn write_households_xlsx(
    path: &std::path::Path,
    rows: &[MemberRow],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut w = MembersXlsx::new()?;
    for r in rows {
        w.row(r)?;
    }
    w.save(path)
}

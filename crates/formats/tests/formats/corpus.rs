//! The hostile corpus: files built to make a reader spend memory or time, generated here (nothing large is
//! committed) with the standard library only, so the CLI and web tests include this file too (`#[path]`).
//!
//! XLSX archives are written by hand (stored or deflated entries, the deflate stream encoded here with
//! fixed Huffman codes), which lets a case declare sizes that lie and build a 1 GiB bomb in a millisecond.

#![allow(dead_code)]

/// One hostile file: its name, its bytes and the error kind a reader must answer with (`Debug` of
/// `CsvErrorKind`, up to the first parenthesis or brace).
pub struct Case {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub kind: &'static str,
}

fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, t) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *t = c;
    }
    let mut c = !0u32;
    for &b in data {
        c = table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    !c
}

/// A raw deflate stream written bit by bit: one final block with the fixed Huffman codes.
struct Deflate {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Deflate {
    fn new() -> Deflate {
        let mut d = Deflate {
            out: Vec::new(),
            acc: 0,
            n: 0,
        };
        d.bits(1, 1); // BFINAL
        d.bits(1, 2); // BTYPE = fixed Huffman
        d
    }

    fn bits(&mut self, v: u32, len: u32) {
        self.acc |= u64::from(v) << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, sent most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        let mut r = 0;
        for i in 0..len {
            r |= ((code >> i) & 1) << (len - 1 - i);
        }
        self.bits(r, len);
    }

    fn literal(&mut self, b: u8) {
        if b < 144 {
            self.code(0x30 + u32::from(b), 8);
        } else {
            self.code(0x190 + u32::from(b) - 144, 9);
        }
    }

    fn literals(&mut self, data: &[u8]) {
        for &b in data {
            self.literal(b);
        }
    }

    /// Repeats the previous byte 258 times (length code 285, distance code 0): 13 bits for 258 bytes.
    fn repeat_258(&mut self) {
        self.code(0b1100_0101, 8);
        self.code(0, 5);
    }

    fn finish(mut self) -> Vec<u8> {
        self.code(0, 7); // end of block
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// An archive entry: name, method (0 stored, 8 deflated), data as stored, CRC and size it declares.
struct Entry {
    name: String,
    method: u16,
    data: Vec<u8>,
    crc: u32,
    size: u32,
}

fn stored(name: &str, data: &[u8]) -> Entry {
    Entry {
        name: name.to_owned(),
        method: 0,
        data: data.to_vec(),
        crc: crc32(data),
        size: data.len() as u32,
    }
}

fn deflated(name: &str, data: &[u8]) -> Entry {
    let mut d = Deflate::new();
    d.literals(data);
    Entry {
        name: name.to_owned(),
        method: 8,
        data: d.finish(),
        crc: crc32(data),
        size: data.len() as u32,
    }
}

fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let head = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&e.method.to_le_bytes());
            h.extend_from_slice(&[0, 0, 0x21, 0]); // time, date (1980-01-01)
            h.extend_from_slice(&e.crc.to_le_bytes());
            h.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            h.extend_from_slice(&e.size.to_le_bytes());
            h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(e.name.as_bytes());
            h
        };
        out.extend_from_slice(&head(0x0403_4b50, false));
        out.extend_from_slice(&e.data);
        central.extend_from_slice(&head(0x0201_4b50, true));
    }
    let start = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    let n = entries.len().min(0xFFFF) as u16;
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Trang 1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// The parts every case shares, then the sheet and the shared strings given.
fn book(sheet: Entry, shared: Option<Entry>) -> Vec<u8> {
    let mut entries = vec![
        stored("xl/workbook.xml", WORKBOOK.as_bytes()),
        stored("xl/_rels/workbook.xml.rels", RELS.as_bytes()),
        sheet,
    ];
    entries.extend(shared);
    zip(&entries)
}

/// A sheet's XML around the given rows.
pub fn sheet_xml(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// A valid small workbook: a header and two rows, inline strings and numbers; deflated when asked.
pub fn valid_workbook(deflate: bool) -> Vec<u8> {
    let xml = sheet_xml(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>household_code</t></is></c><c r="B1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>XH-1</t></is></c><c r="B2"><v>15493</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>XH-2</t></is></c><c r="B3"><v>1.5</v></c></row>"#,
    );
    let strings = r#"<sst count="1"><si><t>commune_code</t></si></sst>"#;
    let entry = |name: &str, data: &[u8]| {
        if deflate {
            deflated(name, data)
        } else {
            stored(name, data)
        }
    };
    book(
        entry("xl/worksheets/sheet1.xml", xml.as_bytes()),
        Some(entry("xl/sharedStrings.xml", strings.as_bytes())),
    )
}

/// A workbook around the given sheet XML (any bytes), stored or deflated: the fuzzer's way to reach the XML
/// reader with a valid archive.
pub fn workbook_with_sheet(xml: &[u8], deflate: bool) -> Vec<u8> {
    let name = "xl/worksheets/sheet1.xml";
    let strings = stored(
        "xl/sharedStrings.xml",
        br#"<sst count="1"><si><t>commune_code</t></si></sst>"#,
    );
    let sheet = if deflate {
        deflated(name, xml)
    } else {
        stored(name, xml)
    };
    book(sheet, Some(strings))
}

/// A sheet part that inflates to `size` bytes from about a thousandth of that: tags with 500 KB attributes
/// (small XML events, so the part's limit is what stops it, not the event's).
fn bomb(size: u64) -> Entry {
    const RUNS: usize = 1_938; // 258 × 1938 = 500,004 bytes of 'a' per tag
    let head = sheet_xml("").replace("</sheetData></worksheet>", "");
    let mut d = Deflate::new();
    d.literals(head.as_bytes());
    let mut total = head.len() as u64;
    while total < size {
        d.literals(b"<x a=\"a");
        for _ in 0..RUNS {
            d.repeat_258();
        }
        d.literals(b"\"/>");
        total += 7 + 258 * RUNS as u64 + 3;
    }
    Entry {
        name: "xl/worksheets/sheet1.xml".into(),
        method: 8,
        data: d.finish(),
        crc: 0,
        size: u32::MAX,
    }
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// Every hostile XLSX file, with the kind of error it must be refused with.
pub fn xlsx_cases() -> Vec<Case> {
    let sheet = |rows: &str| stored("xl/worksheets/sheet1.xml", sheet_xml(rows).as_bytes());
    let mut cases = Vec::new();
    // The whole sheet declared, and a value in its last cell: 17 billion cells if the dimension were believed.
    cases.push(Case {
        name: "whole-sheet.xlsx",
        bytes: book(
            sheet(&format!(
                r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
                inline("A1", "a"),
                inline("XFD1048576", "z")
            ))
            .with_dimension(),
            None,
        ),
        kind: "Limit(Columns",
    });
    cases.push(Case {
        name: "past-last-row.xlsx",
        bytes: book(
            sheet(&format!(
                r#"<row r="1">{}</row><row r="1048577">{}</row>"#,
                inline("A1", "a"),
                inline("A1048577", "z")
            )),
            None,
        ),
        kind: "Limit(Rows",
    });
    // A count of four billion declares nothing that is read; a million and one real strings pass the limit.
    let many: String = "<si/>".repeat(1_000_001);
    cases.push(Case {
        name: "shared-strings.xlsx",
        bytes: book(
            sheet(&format!(r#"<row r="1">{}</row>"#, inline("A1", "a"))),
            Some(deflated(
                "xl/sharedStrings.xml",
                format!(r#"<sst count="4000000000" uniqueCount="4000000000">{many}</sst>"#)
                    .as_bytes(),
            )),
        ),
        kind: "Limit(SharedStrings",
    });
    cases.push(Case {
        name: "bomb.xlsx",
        bytes: book(bomb(1 << 30), None),
        kind: "Limit(PartBytes",
    });
    cases.push(Case {
        name: "deep.xlsx",
        bytes: book(
            sheet(&format!("{}{}", "<a>".repeat(200), "</a>".repeat(200))),
            None,
        ),
        kind: "Limit(XmlDepth",
    });
    cases.push(Case {
        name: "long-event.xlsx",
        bytes: book(sheet(&" ".repeat(3 << 20)), None),
        kind: "Limit(XmlEventBytes",
    });
    cases.push(Case {
        name: "long-cell.xlsx",
        bytes: book(
            sheet(&format!(
                r#"<row r="1">{}</row>"#,
                inline("A1", &"x".repeat(40_000))
            )),
            None,
        ),
        kind: "Limit(CellChars",
    });
    // One cell far right makes every row that wide: 2,001 rows of 1,000 columns.
    let mut rows = format!(r#"<row r="1">{}</row>"#, inline("ALL1", "w"));
    for r in 2..=2_001 {
        rows.push_str(&format!(
            r#"<row r="{r}">{}</row>"#,
            inline(&format!("A{r}"), "x")
        ));
    }
    cases.push(Case {
        name: "many-cells.xlsx",
        bytes: book(sheet(&rows), None),
        kind: "Limit(Cells",
    });
    // One 30,000-character shared string used by 3,000 cells: 90 MB of cell text from a 60 KB sheet.
    let mut rows = String::new();
    for r in 1..=3_000 {
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#
        ));
    }
    cases.push(Case {
        name: "shared-amplified.xlsx",
        bytes: book(
            sheet(&rows),
            Some(stored(
                "xl/sharedStrings.xml",
                format!("<sst><si><t>{}</t></si></sst>", "s".repeat(30_000)).as_bytes(),
            )),
        ),
        kind: "Limit(SheetTextBytes",
    });
    let mut entries: Vec<Entry> = (0..10_001)
        .map(|i| stored(&format!("x/{i}"), b""))
        .collect();
    entries.push(stored("xl/workbook.xml", WORKBOOK.as_bytes()));
    cases.push(Case {
        name: "many-entries.xlsx",
        bytes: zip(&entries),
        kind: "Limit(ZipEntries",
    });
    let valid = valid_workbook(false);
    cases.push(Case {
        name: "truncated.xlsx",
        bytes: valid[..valid.len() / 2].to_vec(),
        kind: "BadXlsx",
    });
    // Bytes flipped inside the deflated sheet: the inflater or the CRC check refuses it.
    let mut flipped = valid_workbook(true);
    let at = flipped
        .windows(24)
        .position(|w| w == b"xl/worksheets/sheet1.xml")
        .unwrap()
        + 24
        + 40;
    for b in &mut flipped[at..at + 8] {
        *b ^= 0x5A;
    }
    cases.push(Case {
        name: "flipped.xlsx",
        bytes: flipped,
        kind: "BadXlsx",
    });
    cases.push(Case {
        name: "not-a-zip.xlsx",
        bytes: b"PK\x03\x04 this is not an archive".to_vec(),
        kind: "BadXlsx",
    });
    cases.push(Case {
        name: "not-utf8.xlsx",
        bytes: book(
            sheet(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>caf\xE9</t></is></c></row>"#)
                .replace_bytes(b"caf\\xE9", b"caf\xE9"),
            None,
        ),
        kind: "BadXlsx",
    });
    cases
}

impl Entry {
    /// The same sheet with a `<dimension>` that spans the whole sheet.
    fn with_dimension(self) -> Entry {
        let xml = String::from_utf8(self.data).unwrap().replace(
            "<sheetData>",
            r#"<dimension ref="A1:XFD1048576"/><sheetData>"#,
        );
        stored(&self.name, xml.as_bytes())
    }

    fn replace_bytes(self, from: &[u8], to: &[u8]) -> Entry {
        let at = self
            .data
            .windows(from.len())
            .position(|w| w == from)
            .unwrap();
        let mut data = self.data[..at].to_vec();
        data.extend_from_slice(to);
        data.extend_from_slice(&self.data[at + from.len()..]);
        stored(&self.name, &data)
    }
}

/// Every hostile CSV file (a households header where one is needed), with the kind it must be refused with.
pub fn csv_cases() -> Vec<Case> {
    const HEADER: &str = "household_code,commune_code,village,area,address,full_name,relation,sex,birth_date,ethnicity,citizen_id";
    let mut field = format!("{HEADER}\nXH-1,15493,Thôn 1,nông thôn,");
    field.push_str(&"x".repeat(10 << 20));
    field.push_str(",A,chủ hộ,nam,01/01/1970,Kinh,\n");
    let mut wide = ",".repeat(1_000_000);
    wide.push('\n');
    let mut quote = format!("{HEADER}\nXH-1,15493,\"Thôn 1");
    quote.push_str(&"y".repeat(3 << 20));
    vec![
        Case {
            name: "ten-mb-field.csv",
            bytes: field.into_bytes(),
            kind: "Limit(CsvRecordBytes",
        },
        Case {
            name: "million-columns.csv",
            bytes: wide.into_bytes(),
            kind: "Limit(CsvFields",
        },
        Case {
            name: "open-quote.csv",
            bytes: quote.into_bytes(),
            kind: "Limit(CsvRecordBytes",
        },
        Case {
            name: "cr-only.csv",
            bytes: format!(
                "{HEADER}\rXH-1,15493,Thôn 1,nông thôn,,A,chủ hộ,nam,01/01/1970,Kinh,\r"
            )
            .into_bytes(),
            kind: "CrLineEndings",
        },
        Case {
            name: "not-utf8.csv",
            bytes: {
                let mut b = format!("{HEADER}\nXH-1,15493,Th").into_bytes();
                b.extend_from_slice(
                    b"\xF4n 1,n\xF4ng th\xF4n,,A,ch\xFA h\xF4,nam,01/01/1970,Kinh,\n",
                );
                b
            },
            kind: "NotUtf8",
        },
    ]
}

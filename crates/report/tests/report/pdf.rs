//! PDFs read back: the text of each page recovered from the file itself (content streams and the ToUnicode
//! maps), and, where poppler's pdftotext is installed, as a PDF reader extracts it.

use giamngheo_core::Lang;
use giamngheo_report::pdf::{Document, Orientation};
use giamngheo_report::table::{Cell, Table};

/// The text of every page, one line per text-showing operator, pages separated by a form feed line.
pub fn pdf_text(pdf: &[u8]) -> String {
    let s = String::from_utf8_lossy(pdf);
    // ToUnicode maps: "<gid> <utf16>" pairs, per font in the order the fonts are written (F1, F2).
    let mut maps: Vec<std::collections::HashMap<u16, String>> = Vec::new();
    // A map of more than 100 glyphs comes in several bfchar blocks (the PDF limit): one map per cmap.
    for cmap in s.split("begincmap").skip(1) {
        let cmap = cmap.split("endcmap").next().unwrap();
        let mut m = std::collections::HashMap::new();
        for body in cmap.split("beginbfchar").skip(1) {
            let body = body.split("endbfchar").next().unwrap();
            for line in body.lines().filter(|l| l.starts_with('<')) {
                let hex: Vec<&str> = line
                    .split(['<', '>', ' '])
                    .filter(|x| !x.is_empty())
                    .collect();
                let gid = u16::from_str_radix(hex[0], 16).unwrap();
                let units: Vec<u16> = hex[1]
                    .as_bytes()
                    .chunks(4)
                    .map(|c| u16::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
                    .collect();
                m.insert(gid, String::from_utf16(&units).unwrap());
            }
        }
        maps.push(m);
    }
    // Map lookups are per font; the fonts' maps can be told apart by the font set before each string.
    let mut out = String::new();
    let mut font = 0usize;
    let bytes = pdf;
    let mut i = 0;
    let mut pages = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"/F1 ") {
            font = 0;
        } else if bytes[i..].starts_with(b"/F2 ") {
            font = 1;
        } else if bytes[i..].starts_with(b"BT") && i > 0 && bytes[i - 1] == b'\n' && pages == 0 {
            pages = 1;
        }
        if bytes[i] == b'('
            || (bytes[i] == b'<'
                && bytes.get(i + 1) != Some(&b'<')
                && i > 0
                && bytes[i - 1] != b'<')
        {
            // A string operand: collect it and check it is shown with Tj.
            let (raw, end) = read_string(bytes, i);
            if bytes[end..].starts_with(b" Tj") || bytes[end..].starts_with(b"Tj") {
                let text: String = raw
                    .chunks(2)
                    .map(|c| {
                        let g = u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]);
                        maps.get(font)
                            .and_then(|m| m.get(&g))
                            .cloned()
                            .unwrap_or_else(|| "?".into())
                    })
                    .collect();
                out.push_str(&text);
                out.push('\n');
            }
            i = end;
            continue;
        }
        if bytes[i..].starts_with(b"endstream")
            && out.ends_with('\n')
            && !out.ends_with("\x0c\n")
            && !out.is_empty()
        {
            out.push_str("\x0c\n");
        }
        i += 1;
    }
    out
}

/// A literal `(...)` or hex `<...>` string at `i`: its bytes and the index after it.
fn read_string(b: &[u8], i: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    if b[i] == b'<' {
        let end = i + b[i..].iter().position(|c| *c == b'>').unwrap();
        let hex: Vec<u8> = b[i + 1..end]
            .iter()
            .copied()
            .filter(|c| c.is_ascii_hexdigit())
            .collect();
        for pair in hex.chunks(2) {
            out.push(u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap());
        }
        return (out, end + 1);
    }
    let mut j = i + 1;
    let mut depth = 0;
    while j < b.len() {
        match b[j] {
            b'\\' => {
                j += 1;
                match b[j] {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut v = 0u32;
                        let mut k = 0;
                        while k < 3 && j < b.len() && (b'0'..=b'7').contains(&b[j]) {
                            v = v * 8 + u32::from(b[j] - b'0');
                            j += 1;
                            k += 1;
                        }
                        out.push(v as u8);
                        continue;
                    }
                    c => out.push(c),
                }
            }
            b'(' => {
                depth += 1;
                out.push(b'(');
            }
            b')' if depth == 0 => return (out, j + 1),
            b')' => {
                depth -= 1;
                out.push(b')');
            }
            c => out.push(c),
        }
        j += 1;
    }
    (out, j)
}

fn long_table() -> Table {
    let mut t = Table::new(
        "Danh sách hộ nghèo",
        &["stt", "household_code", "head", "address", "poor_rate"],
    );
    t.labels = ["STT", "Mã hộ", "Chủ hộ", "Địa chỉ thường trú", "Tỷ lệ (%)"]
        .map(str::to_owned)
        .to_vec();
    let names = [
        "Nguyễn Thị Hằng",
        "Trịnh Văn Đức",
        "Lò Văn Thưởng",
        "Hà Thị Ếch",
        "Phạm Ngọc Ẩn",
    ];
    for i in 0..70 {
        t.rows.push(vec![
            Cell::Int(i + 1),
            Cell::text(format!("TX-{:05}", i + 1)),
            Cell::text(names[i as usize % names.len()]),
            Cell::text(format!(
                "Thôn {}, xã Xuân Hồng, huyện Thọ Xuân, tỉnh Thanh Hóa, một địa chỉ dài để xuống dòng",
                i % 7 + 1
            )),
            Cell::rate(1234.5 + i as f64),
        ]);
    }
    t.breaks = vec![40];
    t.notes = vec!["Ghi chú: số liệu minh họa.".into()];
    t
}

fn render(t: &Table, lang: Lang) -> Vec<u8> {
    let mut d = Document::new(&t.title, Orientation::Portrait, lang);
    d.heading(&t.title);
    d.table(t);
    d.finish()
}

#[test]
fn a_long_table_breaks_across_pages_with_headers_and_page_numbers() {
    let pdf = render(&long_table(), Lang::Vi);
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    let pages: Vec<&str> = text.split("\x0c\n").filter(|p| !p.is_empty()).collect();
    assert!(pages.len() >= 2, "{text}");
    let n = pages.len();
    for (i, page) in pages.iter().enumerate() {
        // Every page: the column titles again, and its number out of the total.
        assert!(page.contains("Mã hộ\n"), "page {}", i + 1);
        assert!(
            page.contains(&format!("Trang {}/{n}\n", i + 1)),
            "page {}: {page}",
            i + 1
        );
    }
    // Numbers the Vietnamese way, right-aligned cells, every row once.
    assert!(text.contains("1.234,50\n"));
    for i in 1..=70 {
        assert_eq!(text.matches(&format!("TX-{i:05}\n")).count(), 1, "row {i}");
    }
    insta::assert_snapshot!(pages[0]);
}

#[test]
fn fonts_are_embedded_subset_and_english_pages_are_numbered_in_english() {
    let pdf = render(&long_table(), Lang::En);
    let s = String::from_utf8_lossy(&pdf);
    assert!(s.contains("/FontFile2"));
    assert!(s.contains("/BaseFont /GIAMNG+LiberationSerif"));
    assert!(!s.contains("/usr/share"), "no system path in the file");
    // A subset: far smaller than the 393 KB face.
    assert!(pdf.len() < 200_000, "{}", pdf.len());
    assert!(pdf_text(&pdf).contains("Page 1 of "));
}

#[test]
fn pdftotext_reads_the_vietnamese_text() {
    let dir = std::env::temp_dir().join(format!("giamngheo-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.pdf");
    std::fs::write(&path, render(&long_table(), Lang::Vi)).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Err(e) => println!("skipped: pdftotext is not installed (poppler-utils): {e}"),
        Ok(o) => {
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let text = String::from_utf8(o.stdout).unwrap();
            for expect in [
                "Danh sách hộ nghèo",
                "Địa chỉ thường trú",
                "Nguyễn Thị Hằng",
                "Hà Thị Ếch",
                "Trang 1/",
            ] {
                assert!(text.contains(expect), "{expect}: {text}");
            }
        }
    }
}

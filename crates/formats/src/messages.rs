//! Every message of the file formats' errors, in Vietnamese and English, in one place.

use giamngheo_core::Lang;
use giamngheo_core::messages::Localized;

use crate::error::{CsvError, CsvErrorKind};

/// Excel's name of a 1-based column number: 1 → A, 27 → AA.
pub fn column_letter(mut n: usize) -> String {
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

pub(crate) fn what(kind: &CsvErrorKind, lang: Lang) -> String {
    use CsvErrorKind::*;
    match (kind, lang) {
        (Read(e), Lang::Vi) => format!("không đọc được tệp: {e}"),
        (Read(e), Lang::En) => format!("cannot read the file: {e}"),
        (Write { message, .. }, Lang::Vi) => format!("không ghi được kết quả: {message}"),
        (Write { message, .. }, Lang::En) => format!("cannot write the result: {message}"),
        (Empty, Lang::Vi) => "tệp trống, không có dòng tiêu đề".into(),
        (Empty, Lang::En) => "the file is empty: no header row".into(),
        (Utf16, Lang::Vi) => "tệp được lưu dạng UTF-16 (Unicode Text); hãy lưu lại bằng \"CSV UTF-8\"".into(),
        (Utf16, Lang::En) => "the file is UTF-16 (Unicode Text); save it again as \"CSV UTF-8\"".into(),
        (NotUtf8, Lang::Vi) => {
            "tệp không phải mã UTF-8 (có thể là TCVN3, VNI hoặc Windows-1258); hãy lưu lại bằng \"CSV UTF-8\"".into()
        }
        (NotUtf8, Lang::En) => {
            "the file is not UTF-8 (perhaps TCVN3, VNI or Windows-1258); save it again as \"CSV UTF-8\"".into()
        }
        (MissingColumn { suggestion }, Lang::Vi) => match suggestion {
            Some(s) => format!("thiếu cột này; có cột '{s}', có phải viết sai?"),
            None => "thiếu cột này trong dòng tiêu đề".into(),
        },
        (MissingColumn { suggestion }, Lang::En) => match suggestion {
            Some(s) => format!("the column is missing; there is a column '{s}': is it misspelled?"),
            None => "the column is missing from the header row".into(),
        },
        (DuplicateColumn, Lang::Vi) => "cột này xuất hiện hai lần".into(),
        (DuplicateColumn, Lang::En) => "this column appears twice".into(),
        (NoIncomeColumn, Lang::Vi) => "cần cột income_per_capita (thu nhập bình quân) hoặc income_score (điểm)".into(),
        (NoIncomeColumn, Lang::En) => "a column income_per_capita or income_score is needed".into(),
        (BothIncomeColumns, Lang::Vi) => "chỉ dùng một trong hai cột income_per_capita và income_score".into(),
        (BothIncomeColumns, Lang::En) => "use only one of the columns income_per_capita and income_score".into(),
        (NotZeroOne(v), Lang::Vi) => format!("giá trị '{v}' không hợp lệ: chỉ số thiếu hụt ghi 1 (thiếu hụt) hoặc 0"),
        (NotZeroOne(v), Lang::En) => format!("'{v}' is not valid: an indicator is 1 (deprived) or 0"),
        (BadArea(v), Lang::Vi) => format!("khu vực '{v}' không hợp lệ: ghi nông thôn (rural) hoặc thành thị (urban)"),
        (BadArea(v), Lang::En) => format!("area '{v}' is not valid: write rural (nông thôn) or urban (thành thị)"),
        (BadIncome { value, why }, Lang::Vi) => format!("thu nhập '{value}' {}", why.message(lang)),
        (BadIncome { value, why }, Lang::En) => format!("income '{value}' {}", why.message(lang)),
        (BadScore(v), Lang::Vi) => format!("điểm '{v}' không hợp lệ: cần số nguyên không âm"),
        (BadScore(v), Lang::En) => format!("score '{v}' is not valid: a whole number of points is needed"),
        (UnterminatedQuote, Lang::Vi) => "dấu ngoặc kép không được đóng".into(),
        (UnterminatedQuote, Lang::En) => "a quoted field is never closed".into(),
        (TooManyFields { expected, found }, Lang::Vi) => format!("dòng có {found} ô, tiêu đề có {expected} cột"),
        (TooManyFields { expected, found }, Lang::En) => format!("the row has {found} fields, the header {expected}"),
        (TooFewFields { expected, found }, Lang::Vi) => format!("dòng chỉ có {found} ô, tiêu đề có {expected} cột"),
        (TooFewFields { expected, found }, Lang::En) => format!("the row has only {found} fields, the header {expected}"),
        (BadValue(v), Lang::Vi) => format!("giá trị '{v}' không hợp lệ"),
        (BadValue(v), Lang::En) => format!("'{v}' is not a valid value"),
        (NoScoreLines { standard }, _) => giamngheo_core::classify::NoScoreLines { standard: standard.clone() }.message(lang),
        (Limit(l), _) => limit_message(*l, lang),
        (BadXlsx(d), Lang::Vi) => {
            format!("tệp không phải XLSX hoặc bị hỏng ({d}); hãy mở bằng Excel và lưu lại dạng .xlsx")
        }
        (BadXlsx(d), Lang::En) => {
            format!("the file is not an XLSX workbook or is damaged ({d}); open it in Excel and save it again as .xlsx")
        }
        (CrLineEndings, Lang::Vi) => {
            "dòng kết thúc bằng CR (Mac cũ) nên mọi dòng dính thành một; hãy lưu lại bằng \"CSV UTF-8\"".into()
        }
        (CrLineEndings, Lang::En) => {
            "lines end in a bare CR (old Mac format), so every line runs into one; save it again as \"CSV UTF-8\"".into()
        }
    }
}

fn limit_message(l: crate::limits::Limit, lang: Lang) -> String {
    use crate::limits::{Limit::*, human_bytes};
    let n = l.max();
    let m = human_bytes(n);
    match (l, lang) {
        (XlsxFileBytes, Lang::Vi) => format!("tệp XLSX quá lớn (vượt {m})"),
        (XlsxFileBytes, Lang::En) => format!("the XLSX file is larger than {m}"),
        (ZipEntries, Lang::Vi) => format!("tệp XLSX có hơn {n} phần"),
        (ZipEntries, Lang::En) => format!("the XLSX file holds more than {n} parts"),
        (ZipDirectoryBytes, Lang::Vi) => format!("danh mục của tệp XLSX vượt {m}"),
        (ZipDirectoryBytes, Lang::En) => format!("the XLSX file's directory is larger than {m}"),
        (PartBytes, Lang::Vi) => format!("một phần của tệp XLSX quá lớn khi giải nén (vượt {m})"),
        (PartBytes, Lang::En) => format!("a part of the XLSX file inflates past {m}"),
        (TotalBytes, Lang::Vi) => format!("tệp XLSX quá lớn khi giải nén (vượt {m})"),
        (TotalBytes, Lang::En) => format!("the XLSX file inflates past {m}"),
        (SharedStrings, Lang::Vi) => format!("bảng chuỗi dùng chung có hơn {n} chuỗi"),
        (SharedStrings, Lang::En) => {
            format!("the shared-strings table holds more than {n} strings")
        }
        (SharedStringBytes, Lang::Vi) => format!("bảng chuỗi dùng chung vượt {m}"),
        (SharedStringBytes, Lang::En) => format!("the shared-strings table is larger than {m}"),
        (Rows, Lang::Vi) => format!("có ô nằm sau dòng {n}"),
        (Rows, Lang::En) => format!("a cell lies past row {n}"),
        (Columns, Lang::Vi) => format!(
            "có ô nằm sau cột {} (tối đa {n} cột)",
            column_letter(n as usize)
        ),
        (Columns, Lang::En) => format!(
            "a cell lies past column {} (at most {n} columns)",
            column_letter(n as usize)
        ),
        (Cells, Lang::Vi) => format!("trang tính có hơn {n} ô; hãy chia nhỏ tệp hoặc dùng CSV"),
        (Cells, Lang::En) => {
            format!("the sheet has more than {n} cells; split the file or use CSV")
        }
        (SheetTextBytes, Lang::Vi) => {
            format!("chữ trong trang tính vượt {m}; hãy chia nhỏ tệp hoặc dùng CSV")
        }
        (SheetTextBytes, Lang::En) => {
            format!("the sheet's text passes {m}; split the file or use CSV")
        }
        (CellChars, Lang::Vi) => format!("ô dài hơn {n} ký tự"),
        (CellChars, Lang::En) => format!("the cell is longer than {n} characters"),
        (XmlDepth, Lang::Vi) => format!("XML lồng nhau quá {n} tầng"),
        (XmlDepth, Lang::En) => format!("the XML nests deeper than {n} levels"),
        (XmlEventBytes, Lang::Vi) => format!("một thẻ hoặc đoạn văn bản XML dài hơn {m}"),
        (XmlEventBytes, Lang::En) => format!("an XML tag or run of text is longer than {m}"),
        (CsvRecordBytes, Lang::Vi) => {
            format!("dòng dài hơn {m} (một ô quá dài, hoặc dấu ngoặc kép không được đóng)")
        }
        (CsvRecordBytes, Lang::En) => {
            format!("the record is longer than {m} (a field far too long, or a quote never closed)")
        }
        (CsvFields, Lang::Vi) => format!("dòng có hơn {n} ô"),
        (CsvFields, Lang::En) => format!("the row has more than {n} fields"),
        (TomlBytes, Lang::Vi) => format!("tệp lớn hơn {m}"),
        (TomlBytes, Lang::En) => format!("the file is larger than {m}"),
    }
}

impl Localized for CsvError {
    fn message(&self, lang: Lang) -> String {
        let mut at = match lang {
            Lang::Vi => format!("Tệp {}", self.file),
            Lang::En => format!("File {}", self.file),
        };
        if let Some(row) = self.row {
            at.push_str(&match lang {
                Lang::Vi => format!(", dòng {row}"),
                Lang::En => format!(", row {row}"),
            });
        }
        if let Some((name, pos)) = &self.column {
            // A column known only by its place (an XLSX cell) is named by its letter alone.
            let place = match (*pos > 0, name.is_empty()) {
                (true, true) => column_letter(*pos),
                (true, false) => format!(" ({})", column_letter(*pos)),
                (false, _) => String::new(),
            };
            at.push_str(&match lang {
                Lang::Vi => format!(", cột {name}{place}"),
                Lang::En => format!(", column {name}{place}"),
            });
        }
        format!("{at}: {}", what(&self.kind, lang))
    }
}

impl Localized for crate::households::ImportProblem {
    fn message(&self, lang: Lang) -> String {
        use crate::households::ProblemKind::*;
        let mut at = match lang {
            Lang::Vi => format!("Tệp {}", self.file),
            Lang::En => format!("File {}", self.file),
        };
        if let Some(s) = &self.sheet {
            at.push_str(&match lang {
                Lang::Vi => format!(", trang {s}"),
                Lang::En => format!(", sheet {s}"),
            });
        }
        at.push_str(&match lang {
            Lang::Vi => format!(", dòng {}", self.row),
            Lang::En => format!(", row {}", self.row),
        });
        if let Some(c) = &self.column {
            at.push_str(&match lang {
                Lang::Vi => format!(", cột {c}"),
                Lang::En => format!(", column {c}"),
            });
        }
        let what = match (&self.kind, lang) {
            (MissingColumn, Lang::Vi) => format!(
                "thiếu cột \"{}\" trong dòng tiêu đề (dòng tiêu đề là dòng đầu tiên có đủ tên các cột, trong {} dòng đầu của bảng)",
                column_header(self.column.as_deref()),
                crate::households::HEADER_SEARCH_ROWS + 1
            ),
            (MissingColumn, Lang::En) => format!(
                "the header row has no column \"{}\" (the header is the first row naming every column, within the first {} rows)",
                column_header(self.column.as_deref()),
                crate::households::HEADER_SEARCH_ROWS + 1
            ),
            (CitizenIdLostZero(v), Lang::Vi) => format!(
                "số định danh '{v}' có 11 chữ số: có lẽ Excel đã bỏ số 0 ở đầu; hãy định dạng cột là Văn bản (Text) rồi nhập lại đủ 12 chữ số"
            ),
            (CitizenIdLostZero(v), Lang::En) => format!(
                "citizen ID '{v}' has 11 digits: Excel probably dropped its leading 0; format the column as Text and type all 12 digits"
            ),
            (Empty, Lang::Vi) => "ô trống".to_owned(),
            (Empty, Lang::En) => "the cell is empty".to_owned(),
            (BadHouseholdCode(v), Lang::Vi) => {
                format!("mã hộ '{v}' không hợp lệ (chữ, số, - _ . /, tối đa 40 ký tự)")
            }
            (BadHouseholdCode(v), Lang::En) => {
                format!("household code '{v}' is not valid (letters, digits, - _ . /, at most 40)")
            }
            (BadCommuneCode(v), Lang::Vi) => format!("mã xã '{v}' không hợp lệ (5 chữ số)"),
            (BadCommuneCode(v), Lang::En) => format!("commune code '{v}' is not valid (5 digits)"),
            (BadArea(v), Lang::Vi) => {
                format!("khu vực '{v}' không hợp lệ: nông thôn hoặc thành thị")
            }
            (BadArea(v), Lang::En) => format!("area '{v}' is not valid: rural or urban"),
            (Invisible(c), Lang::Vi) => format!(
                "có ký tự ẩn hoặc ký tự đảo chiều văn bản (U+{:04X}); hãy gõ lại ô này",
                u32::from(*c)
            ),
            (Invisible(c), Lang::En) => format!(
                "holds an invisible or direction-changing character (U+{:04X}); retype this cell",
                u32::from(*c)
            ),
            (BadName(v), Lang::Vi) => format!("họ tên '{v}' không hợp lệ"),
            (BadName(v), Lang::En) => format!("name '{v}' is not valid"),
            (BadRelation(v), Lang::Vi) => {
                format!("quan hệ '{v}' không hợp lệ (chủ hộ, vợ, chồng, con, …)")
            }
            (BadRelation(v), Lang::En) => {
                format!("relation '{v}' is not valid (head, spouse, child, …)")
            }
            (BadSex(v), Lang::Vi) => format!("giới tính '{v}' không hợp lệ: nam hoặc nữ"),
            (BadSex(v), Lang::En) => format!("sex '{v}' is not valid: male or female"),
            (BadDate(v), Lang::Vi) => format!("ngày '{v}' không hợp lệ (dd/mm/yyyy)"),
            (BadDate(v), Lang::En) => format!("date '{v}' is not valid (dd/mm/yyyy)"),
            (FutureBirth(v), Lang::Vi) => format!("ngày sinh '{v}' ở tương lai"),
            (FutureBirth(v), Lang::En) => format!("birth date '{v}' is in the future"),
            (BadCitizenId(v), Lang::Vi) => format!("số định danh '{v}' phải có đúng 12 chữ số"),
            (BadCitizenId(v), Lang::En) => format!("citizen ID '{v}' must have exactly 12 digits"),
            (
                Conflicting {
                    first_row,
                    first,
                    here,
                },
                Lang::Vi,
            ) => {
                format!("'{here}' khác với '{first}' ở dòng {first_row} của cùng hộ")
            }
            (
                Conflicting {
                    first_row,
                    first,
                    here,
                },
                Lang::En,
            ) => {
                format!("'{here}' differs from '{first}' on row {first_row} of the same household")
            }
            (Unreadable(kind), _) => what(kind, lang),
            (BadNumber(v), Lang::Vi) => format!("'{v}' không phải số nguyên không âm"),
            (BadNumber(v), Lang::En) => format!("'{v}' is not a whole non-negative number"),
            (UnknownIndicator(v), Lang::Vi) => {
                format!("không có chỉ số '{v}' trong chuẩn nghèo này")
            }
            (UnknownIndicator(v), Lang::En) => format!("no indicator '{v}' in this standard"),
            (NotZeroOne(v), Lang::Vi) => {
                format!("giá trị '{v}' không hợp lệ: ghi 1 (thiếu hụt) hoặc 0")
            }
            (NotZeroOne(v), Lang::En) => format!("'{v}' is not valid: 1 (deprived) or 0"),
            (BadClass(v), Lang::Vi) => {
                format!("'{v}' không phải poor, near_poor, middle_income hoặc not_poor")
            }
            (BadClass(v), Lang::En) => {
                format!("'{v}' is not poor, near_poor, middle_income or not_poor")
            }
            (BadChoice { value, allowed }, Lang::Vi) => {
                format!(
                    "'{value}' không hợp lệ (chọn một trong: {})",
                    allowed.join(", ")
                )
            }
            (BadChoice { value, allowed }, Lang::En) => {
                format!("'{value}' is not valid (one of: {})", allowed.join(", "))
            }
            (NoHead, Lang::Vi) => "hộ không có chủ hộ".to_owned(),
            (NoHead, Lang::En) => "the household has no head".to_owned(),
            (TwoHeads { first_row }, Lang::Vi) => {
                format!("hộ có hai chủ hộ (chủ hộ thứ nhất ở dòng {first_row})")
            }
            (TwoHeads { first_row }, Lang::En) => {
                format!("the household has two heads (the first on row {first_row})")
            }
        };
        format!("{at}: {what}")
    }
}

/// A household file's column by its Vietnamese header, as the officer's spreadsheet names it.
fn column_header(code: Option<&str>) -> &str {
    let code = code.unwrap_or("");
    crate::households::COLUMNS
        .iter()
        .find(|c| c.0 == code)
        .map_or(code, |c| c.1)
}

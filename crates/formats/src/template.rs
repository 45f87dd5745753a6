//! The households import as an officer starts it: a workbook with the Vietnamese headers the importer reads,
//! an example household filled in, and lists to pick from where a column takes only some words, so that the
//! file comes back importable.

use giamngheo_core::Lang;
use giamngheo_core::area::Area;
use giamngheo_core::facts::Sex;
use giamngheo_core::registry::Relation;
use rust_xlsxwriter::{DataValidation, Format, FormatBorder, Workbook, XlsxError};

use crate::households::COLUMNS;

/// The example household: a head and a child, in a real commune (Xã Thọ Xuân, 15499), marked as an example.
const EXAMPLE: &[[&str; 11]] = &[
    [
        "VD-0001",
        "15499",
        "Thôn 1",
        "nông thôn",
        "Thôn 1, xã Thọ Xuân (ví dụ, hãy xoá dòng này)",
        "Lê Văn An",
        "chủ hộ",
        "nam",
        "12/03/1978",
        "Kinh",
        "038078001234",
    ],
    [
        "VD-0001",
        "15499",
        "Thôn 1",
        "nông thôn",
        "Thôn 1, xã Thọ Xuân (ví dụ, hãy xoá dòng này)",
        "Lê Thị Bình",
        "con",
        "nữ",
        "05/09/2008",
        "Kinh",
        "",
    ],
];

/// The rows the lists cover below the header.
const ROWS: u32 = 5_000;

/// The template workbook: a sheet "Danh sách hộ" with the headers on row 1 and the example on rows 2-3, and a
/// sheet "Hướng dẫn" saying what each column takes.
pub fn households_template(lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_background_color("#E8EEF7");
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("Danh sách hộ", "Households"))?;
    for (c, (code, vi, _)) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        let header = match lang {
            Lang::Vi => (*vi).to_owned(),
            Lang::En => (*code).to_owned(),
        };
        ws.write_string_with_format(0, c, &header, &head)?;
        ws.set_column_width(c, header.chars().count().clamp(12, 40) as f64 + 2.0)?;
        // Codes and citizen IDs are text: Excel must not turn 038078001234 into 38078001234.
        ws.set_column_format(c, &text)?;
    }
    for (r, row) in EXAMPLE.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    let lists: [(&str, Vec<&str>); 3] = [
        ("area", Area::ALL.iter().map(|a| a.name(Lang::Vi)).collect()),
        (
            "relation",
            Relation::ALL.iter().map(|r| r.name(Lang::Vi)).collect(),
        ),
        (
            "sex",
            [Sex::Male, Sex::Female]
                .iter()
                .map(|s| s.name(Lang::Vi))
                .collect(),
        ),
    ];
    for (column, words) in &lists {
        let Some(c) = COLUMNS.iter().position(|(code, _, _)| code == column) else {
            continue;
        };
        let v = DataValidation::new()
            .allow_list_strings(words)?
            .set_error_message(lang.pick(
                "Hãy chọn một giá trị trong danh sách.",
                "Pick a value from the list.",
            ))?;
        ws.add_data_validation(1, c as u16, ROWS, c as u16, &v)?;
    }
    let help = wb.add_worksheet();
    help.set_name(lang.pick("Hướng dẫn", "Help"))?;
    help.set_column_width(0, 28)?;
    help.set_column_width(1, 24)?;
    help.set_column_width(2, 80)?;
    help.write_string_with_format(0, 0, lang.pick("Cột", "Column"), &head)?;
    help.write_string_with_format(0, 1, lang.pick("Tên cột (máy)", "Machine name"), &head)?;
    help.write_string_with_format(0, 2, lang.pick("Ghi gì", "What to write"), &head)?;
    for (r, (code, vi, _)) in COLUMNS.iter().enumerate() {
        let r = r as u32 + 1;
        help.write_string(r, 0, *vi)?;
        help.write_string(r, 1, *code)?;
        help.write_string(r, 2, explain(code, lang))?;
    }
    wb.save_to_buffer()
}

fn explain(column: &str, lang: Lang) -> &'static str {
    match column {
        "household_code" => lang.pick(
            "Mã hộ, giống nhau ở mọi dòng của một hộ (chữ, số, - _ . /).",
            "The household's code, the same on every row of one household.",
        ),
        "commune_code" => lang.pick(
            "Mã xã theo danh mục hành chính (5 chữ số), ví dụ 15499.",
            "The commune's official code (5 digits), e.g. 15499.",
        ),
        "village" => lang.pick("Tên thôn, xóm, bản, tổ dân phố.", "The village's name."),
        "area" => lang.pick("Chọn: thành thị hoặc nông thôn.", "Pick: urban or rural."),
        "address" => lang.pick(
            "Địa chỉ của hộ (không bắt buộc).",
            "The address (optional).",
        ),
        "full_name" => lang.pick("Họ và tên thành viên.", "The member's full name."),
        "relation" => lang.pick(
            "Chọn quan hệ với chủ hộ; mỗi hộ đúng một chủ hộ.",
            "Pick the relation to the head; exactly one head per household.",
        ),
        "sex" => lang.pick("Chọn: nam hoặc nữ.", "Pick: male or female."),
        "birth_date" => lang.pick(
            "Ngày sinh dd/mm/yyyy, ví dụ 12/03/1978.",
            "Birth date dd/mm/yyyy, e.g. 12/03/1978.",
        ),
        "ethnicity" => lang.pick("Dân tộc, ví dụ Kinh, Mường, Thái.", "Ethnicity, e.g. Kinh."),
        "citizen_id" => lang.pick(
            "Số định danh cá nhân 12 chữ số (để trống nếu chưa có); không tự thêm số 0.",
            "The 12-digit personal ID (blank if none); never padded.",
        ),
        _ => "",
    }
}

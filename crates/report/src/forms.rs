//! The forms of the review as PDF: the commune chairman's decision with its lists (Mẫu 02), the certificate
//! of a poor or near-poor household (Mẫu 03) and the request to be recognised as escaped (Mẫu 04), Decision
//! 24/2021/QĐ-TTg. The forms' titles and fields follow what was read of them (`vn-poverty-standards.md`
//! §4.5); the columns of the decision's lists were not seen, so each form says its layout is giamngheo's
//! rendering, not a copy of the gazette's.

use giamngheo_core::Lang;
use giamngheo_core::date::Date;

use crate::fonts::Weight;
use crate::pdf::{Document, Orientation};
use crate::table::{Cell, Table};

/// The commune that issues a form.
#[derive(Clone, Debug)]
pub struct Issuer {
    /// "Xã Xuân Lập" as the heading writes it.
    pub commune: String,
    /// The place in the date line: "Xuân Lập".
    pub place: String,
    pub province: String,
}

/// One household on a list of the decision.
#[derive(Clone, Debug)]
pub struct ListedHousehold {
    pub head_name: String,
    pub household_code: giamngheo_core::ids::HouseholdCode,
    pub village: String,
    /// The transition or remark: "tái nghèo", "thoát nghèo".
    pub note: String,
}

#[derive(Clone, Debug)]
pub struct Decision {
    pub issuer: Issuer,
    pub number: String,
    pub date: Date,
    pub year: i32,
    pub signed_by: String,
    /// The standard's legal instrument ("07/2021/NĐ-CP") and the procedure's ("24/2021/QĐ-TTg").
    pub standard_instrument: String,
    pub procedure_name: String,
    /// (title, households) in order: poor, near-poor, escaped poverty, escaped near-poverty.
    pub lists: Vec<(String, Vec<ListedHousehold>)>,
    /// The audit log's head when the form was made, "1234 · 3fa9c01b7e2d" (entries · hash): printed so that
    /// whoever holds the paper can later see whether the log still begins the same way.
    pub audit_head: Option<String>,
}

#[derive(Clone, Debug)]
pub struct CertificateMember {
    pub name: String,
    pub relation: String,
    pub birth_date: Date,
}

#[derive(Clone, Debug)]
pub struct Certificate {
    pub issuer: Issuer,
    pub number: String,
    pub date: Date,
    pub year: i32,
    pub poor: bool,
    pub head_name: String,
    pub ethnicity: String,
    pub citizen_id: Option<String>,
    pub residence: String,
    pub members: Vec<CertificateMember>,
    pub signed_by: String,
}

#[derive(Clone, Debug)]
pub struct ExitRequest {
    pub issuer: Issuer,
    pub year: i32,
    pub head_name: String,
    pub sex: String,
    pub birth_date: Date,
    pub ethnicity: String,
    pub citizen_id: Option<String>,
    pub residence: String,
    /// The household's class now: poor or near-poor.
    pub poor: bool,
}

fn date_line(issuer: &Issuer, date: Date) -> String {
    format!(
        "{}, ngày {:02} tháng {:02} năm {}",
        issuer.place,
        date.day(),
        date.month(),
        date.year()
    )
}

/// The commune's header of a document it issues: its name and the document's number on the left, the
/// motto and the place and date on the right.
fn commune_motto(doc: &mut Document, issuer: &Issuer, number: &str, date: Date) {
    let commune_upper = issuer.commune.to_uppercase();
    let number = format!("Số: {number}");
    motto(
        doc,
        &["ỦY BAN NHÂN DÂN", &commune_upper, &number],
        &date_line(issuer, date),
    );
}

/// The list a household is on: poor or near-poor.
fn list_name(poor: bool) -> &'static str {
    if poor {
        "hộ nghèo"
    } else {
        "hộ cận nghèo"
    }
}

/// The citizen ID line of a form, dotted for a hand to fill when the registry has none.
fn citizen_id_line(citizen_id: Option<&str>) -> String {
    format!(
        "Số định danh cá nhân / CCCD: {}",
        citizen_id.unwrap_or("……………………")
    )
}

fn motto(doc: &mut Document, left: &[&str], right_date: &str) {
    let mut l: Vec<(&str, Weight)> = Vec::new();
    for (i, s) in left.iter().enumerate() {
        l.push((
            s,
            if i == 0 {
                Weight::Regular
            } else {
                Weight::Bold
            },
        ));
    }
    doc.two_blocks(
        &l,
        &[
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Weight::Bold),
            ("Độc lập - Tự do - Hạnh phúc", Weight::Bold),
            (right_date, Weight::Regular),
        ],
        11.0,
    );
}

const LAYOUT_NOTE: &str = "Bố cục do giamngheo dựng theo tên và các trường của mẫu đã đọc được; chưa đối chiếu với bản mẫu trong Công báo (chưa xác minh).";

/// The chairman's decision recognising the lists (Mẫu 02), its lists annexed.
pub fn decision(d: &Decision) -> Vec<u8> {
    let mut doc = Document::new(
        &format!(
            "Quyết định {} công nhận danh sách hộ nghèo, hộ cận nghèo năm {}",
            d.number, d.year
        ),
        Orientation::Portrait,
        Lang::Vi,
    );
    commune_motto(&mut doc, &d.issuer, &d.number, d.date);
    doc.centered("QUYẾT ĐỊNH", 14.0, Weight::Bold);
    doc.centered(
        &format!(
            "Về việc công nhận danh sách hộ nghèo, hộ cận nghèo; danh sách hộ thoát nghèo, hộ thoát cận nghèo năm {} trên địa bàn {}",
            d.year, d.issuer.commune
        ),
        12.0,
        Weight::Bold,
    );
    doc.space(8.0);
    doc.centered(
        &format!(
            "CHỦ TỊCH ỦY BAN NHÂN DÂN {}",
            d.issuer.commune.to_uppercase()
        ),
        12.0,
        Weight::Bold,
    );
    doc.space(4.0);
    let count = |i: usize| d.lists.get(i).map_or(0, |l| l.1.len());
    for line in [
        "Căn cứ Luật Tổ chức chính quyền địa phương;".to_owned(),
        format!(
            "Căn cứ {} quy định chuẩn nghèo đa chiều;",
            d.standard_instrument
        ),
        format!("Căn cứ {};", d.procedure_name),
        format!(
            "Căn cứ kết quả rà soát hộ nghèo, hộ cận nghèo năm {} và biên bản họp dân của các thôn;",
            d.year
        ),
        "Theo đề nghị của Ban Chỉ đạo rà soát hộ nghèo, hộ cận nghèo cấp xã,".to_owned(),
    ] {
        doc.paragraph(&line, 11.0, Weight::Regular);
    }
    doc.space(6.0);
    doc.centered("QUYẾT ĐỊNH:", 12.0, Weight::Bold);
    doc.paragraph(
        &format!(
            "Điều 1. Công nhận {} hộ nghèo, {} hộ cận nghèo; {} hộ thoát nghèo, {} hộ thoát cận nghèo năm {} trên địa bàn {} (danh sách kèm theo).",
            count(0),
            count(1),
            count(2),
            count(3),
            d.year,
            d.issuer.commune
        ),
        11.0,
        Weight::Regular,
    );
    doc.paragraph(
        "Điều 2. Các hộ nghèo, hộ cận nghèo có tên trong danh sách được hưởng các chính sách hỗ trợ theo quy định; hộ thoát nghèo, hộ thoát cận nghèo được hưởng các chính sách theo quy định trong thời gian quy định.",
        11.0,
        Weight::Regular,
    );
    doc.paragraph(
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Công chức phụ trách lao động - xã hội, trưởng các thôn và các hộ gia đình có tên trong danh sách chịu trách nhiệm thi hành Quyết định này.",
        11.0,
        Weight::Regular,
    );
    doc.space(10.0);
    doc.signature(&["CHỦ TỊCH"], &d.signed_by, 12.0);
    for (title, households) in &d.lists {
        doc.page_break();
        doc.centered(title, 13.0, Weight::Bold);
        doc.centered(
            &format!("(Kèm theo Quyết định số {} ngày {})", d.number, d.date.vi()),
            10.0,
            Weight::Regular,
        );
        doc.space(6.0);
        let mut t = Table::new("", &["TT", "Họ và tên chủ hộ", "Mã hộ", "Thôn", "Ghi chú"]);
        for (i, h) in households.iter().enumerate() {
            t.rows.push(vec![
                Cell::Int((i + 1) as i64),
                Cell::text(h.head_name.clone()),
                Cell::text(h.household_code.to_string()),
                Cell::text(h.village.clone()),
                Cell::text(h.note.clone()),
            ]);
        }
        if households.is_empty() {
            doc.paragraph("(Không có hộ nào.)", 11.0, Weight::Regular);
        } else {
            doc.table(&t);
        }
    }
    doc.space(8.0);
    if let Some(head) = &d.audit_head {
        doc.paragraph(
            &format!(
                "Nhật ký kiểm toán khi lập văn bản: {head} (số mục · đầu chuỗi băm; đối chiếu bằng giamngheo audit verify hoặc audit export)."
            ),
            8.0,
            Weight::Regular,
        );
    }
    doc.paragraph(LAYOUT_NOTE, 8.0, Weight::Regular);
    doc.finish()
}

/// Certificates of poor and near-poor households (Mẫu 03), one a page.
pub fn certificates(list: &[Certificate]) -> Vec<u8> {
    let mut doc = Document::new(
        "Giấy chứng nhận hộ nghèo, hộ cận nghèo",
        Orientation::Portrait,
        Lang::Vi,
    );
    for (i, c) in list.iter().enumerate() {
        if i > 0 {
            doc.page_break();
        }
        commune_motto(&mut doc, &c.issuer, &c.number, c.date);
        doc.centered(
            if c.poor {
                "GIẤY CHỨNG NHẬN HỘ NGHÈO"
            } else {
                "GIẤY CHỨNG NHẬN HỘ CẬN NGHÈO"
            },
            15.0,
            Weight::Bold,
        );
        doc.centered(&format!("Năm {}", c.year), 12.0, Weight::Bold);
        doc.space(8.0);
        doc.paragraph(
            &format!("Chủ tịch Ủy ban nhân dân {} chứng nhận:", c.issuer.commune),
            11.0,
            Weight::Regular,
        );
        let (list, year, members) = (list_name(c.poor), c.year, c.members.len());
        for line in [
            format!("Họ và tên chủ hộ: {}", c.head_name),
            format!("Dân tộc: {}", c.ethnicity),
            citizen_id_line(c.citizen_id.as_deref()),
            format!("Nơi cư trú: {}", c.residence),
            format!("Là {list} năm {year}, gồm {members} thành viên:"),
        ] {
            doc.paragraph(&line, 11.0, Weight::Regular);
        }
        doc.space(4.0);
        let mut t = Table::new("", &["TT", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh"]);
        for (k, m) in c.members.iter().enumerate() {
            t.rows.push(vec![
                Cell::Int((k + 1) as i64),
                Cell::text(m.name.clone()),
                Cell::text(m.relation.clone()),
                Cell::text(m.birth_date.vi()),
            ]);
        }
        doc.table(&t);
        doc.space(10.0);
        doc.signature(&["CHỦ TỊCH"], &c.signed_by, 12.0);
    }
    doc.space(8.0);
    doc.paragraph(LAYOUT_NOTE, 8.0, Weight::Regular);
    doc.finish()
}

/// The request to be recognised as escaped (Mẫu 04), filled from the registry, to sign.
pub fn exit_request(r: &ExitRequest) -> Vec<u8> {
    let mut doc = Document::new(
        "Giấy đề nghị công nhận hộ thoát nghèo, hộ thoát cận nghèo",
        Orientation::Portrait,
        Lang::Vi,
    );
    doc.centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12.0, Weight::Bold);
    doc.centered("Độc lập - Tự do - Hạnh phúc", 12.0, Weight::Bold);
    doc.space(12.0);
    doc.centered(
        "GIẤY ĐỀ NGHỊ CÔNG NHẬN HỘ THOÁT NGHÈO, HỘ THOÁT CẬN NGHÈO",
        13.0,
        Weight::Bold,
    );
    doc.space(6.0);
    doc.centered(
        &format!("Kính gửi: Chủ tịch Ủy ban nhân dân {}", r.issuer.commune),
        12.0,
        Weight::Regular,
    );
    doc.space(8.0);
    let (list, year) = (list_name(r.poor), r.year);
    let escaped = if r.poor {
        "hộ thoát nghèo"
    } else {
        "hộ thoát cận nghèo"
    };
    for line in [
        format!("Họ và tên: {}    Giới tính: {}", r.head_name, r.sex),
        format!(
            "Ngày tháng năm sinh: {}    Dân tộc: {}",
            r.birth_date.vi(),
            r.ethnicity
        ),
        citizen_id_line(r.citizen_id.as_deref()),
        format!("Nơi cư trú: {}", r.residence),
        format!(
            "Hộ gia đình tôi hiện là {list} năm {year}. Nay điều kiện kinh tế của gia đình đã cải thiện, tôi làm giấy đề nghị này đề nghị được xét công nhận {escaped}."
        ),
        "Tôi xin cam đoan những thông tin trên là đúng sự thật.".to_owned(),
    ] {
        doc.paragraph(&line, 11.0, Weight::Regular);
    }
    doc.space(10.0);
    doc.signature(
        &[
            &date_line(
                &r.issuer,
                Date::new(r.year, 1, 1).unwrap_or(Date::from_unix_days(0)),
            )
            .replace("ngày 01 tháng 01", "ngày …… tháng ……"),
            "NGƯỜI ĐỀ NGHỊ",
            "(Ký, ghi rõ họ tên)",
        ],
        &r.head_name,
        11.0,
    );
    doc.space(8.0);
    doc.paragraph(LAYOUT_NOTE, 8.0, Weight::Regular);
    doc.finish()
}

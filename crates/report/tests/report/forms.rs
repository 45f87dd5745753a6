//! The review's forms as PDF (Mẫu 02, 03, 04), read back as text: Vietnamese with its diacritics, the
//! counts in the decision, one certificate a page.

use giamngheo_core::date::Date;
use giamngheo_report::forms::{
    Certificate, CertificateMember, Decision, ExitRequest, Issuer, ListedHousehold, certificates,
    decision, exit_request,
};

use crate::pdf::pdf_text;

fn issuer() -> Issuer {
    Issuer {
        commune: "Xã Xuân Lập".into(),
        place: "Xuân Lập".into(),
        province: "Thanh Hóa".into(),
    }
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn listed(name: &str, code: &str, note: &str) -> ListedHousehold {
    ListedHousehold {
        head_name: name.into(),
        household_code: giamngheo_core::ids::HouseholdCode::parse(code).unwrap(),
        village: "Thôn Đông".into(),
        note: note.into(),
    }
}

#[test]
fn decision_with_its_lists() {
    let pdf = decision(&Decision {
        issuer: issuer(),
        number: "88/QĐ-UBND".into(),
        date: d("2026-11-17"),
        year: 2026,
        signed_by: "Nguyễn Văn Chủ".into(),
        standard_instrument: "Nghị định 07/2021/NĐ-CP".into(),
        procedure_name: "Quyết định 24/2021/QĐ-TTg".into(),
        lists: vec![
            (
                "Danh sách hộ nghèo".into(),
                vec![
                    listed("Lê Văn Hùng", "15493-00001", "vẫn nghèo"),
                    listed("Trịnh Thị Đào", "15493-00007", "tái nghèo"),
                ],
            ),
            ("Danh sách hộ cận nghèo".into(), vec![]),
            (
                "Danh sách hộ thoát nghèo".into(),
                vec![listed("Đỗ Văn Minh", "15493-00002", "thoát nghèo")],
            ),
            ("Danh sách hộ thoát cận nghèo".into(), vec![]),
        ],
        audit_head: Some("1234 · 3fa9c01b7e2d".into()),
    });
    let text = pdf_text(&pdf);
    for want in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 88/QĐ-UBND",
        "Xuân Lập, ngày 17 tháng 11 năm 2026",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ XUÂN LẬP",
        "Điều 1. Công nhận 2 hộ nghèo, 0 hộ cận nghèo; 1 hộ thoát nghèo, 0 hộ thoát cận nghèo năm 2026",
        "Nguyễn Văn Chủ",
        "Trịnh Thị Đào",
        "tái nghèo",
        "(Không có hộ nào.)",
        "chưa xác minh",
        "Trang 1/5",
        "Nhật ký kiểm toán khi lập văn bản: 1234 · 3fa9c01b7e2d",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn certificates_one_a_page_and_the_exit_request() {
    let cert = |name: &str, poor: bool, n: u32| Certificate {
        issuer: issuer(),
        number: format!("{n}/GCN-HN.HCN"),
        date: d("2026-11-18"),
        year: 2026,
        poor,
        head_name: name.into(),
        ethnicity: "Mường".into(),
        citizen_id: Some("038075000111".into()),
        residence: "Thôn Đông, Xã Xuân Lập, Thanh Hóa".into(),
        members: vec![
            CertificateMember {
                name: name.into(),
                relation: "chủ hộ".into(),
                birth_date: d("1975-03-02"),
            },
            CertificateMember {
                name: "Nguyễn Thị Mai".into(),
                relation: "vợ".into(),
                birth_date: d("1978-08-15"),
            },
        ],
        signed_by: "Nguyễn Văn Chủ".into(),
    };
    let pdf = certificates(&[
        cert("Lê Văn Hùng", true, 1),
        cert("Phạm Thị Ngọc", false, 2),
    ]);
    let text = pdf_text(&pdf);
    for want in [
        "GIẤY CHỨNG NHẬN HỘ NGHÈO",
        "GIẤY CHỨNG NHẬN HỘ CẬN NGHÈO",
        "Số: 1/GCN-HN.HCN",
        "Số: 2/GCN-HN.HCN",
        "Họ và tên chủ hộ: Phạm Thị Ngọc",
        "Dân tộc: Mường",
        "Là hộ cận nghèo năm 2026, gồm 2 thành viên:",
        "15/08/1978",
        "Trang 2/2",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let pdf = exit_request(&ExitRequest {
        issuer: issuer(),
        year: 2026,
        head_name: "Lê Văn Hùng".into(),
        sex: "Nam".into(),
        birth_date: d("1975-03-02"),
        ethnicity: "Kinh".into(),
        citizen_id: None,
        residence: "Thôn Đông, Xã Xuân Lập".into(),
        poor: true,
    });
    let text = pdf_text(&pdf);
    for want in [
        "GIẤY ĐỀ NGHỊ CÔNG NHẬN HỘ THOÁT NGHÈO, HỘ THOÁT CẬN NGHÈO",
        "Kính gửi: Chủ tịch Ủy ban nhân dân Xã Xuân Lập",
        "Hộ gia đình tôi hiện là hộ nghèo năm 2026",
        "công nhận hộ thoát nghèo",
        "NGƯỜI ĐỀ NGHỊ",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

//! The write that crossed a commune's scope (issue 12, point 1): a commune officer's web import of a row
//! whose household code belongs to another province's commune, with the officer's own commune in the row.
//! The store's scope check refuses it; nothing about the other household is revealed; an accepted import is
//! audited once, under the officer's name, in the import's own transaction.

use crate::harness::app;
use crate::run;

const HEADER: &str = "household_code,commune_code,village,area,address,full_name,relation,sex,birth_date,ethnicity,citizen_id\n";

#[test]
fn an_officer_cannot_take_over_a_household_of_another_province_by_import() {
    let app = app();
    let (members_before, commune_before, cid_out) = {
        let mut s = app.store();
        let h = s.household_history(&app.hh_out).unwrap();
        let open: Vec<_> = h
            .members
            .iter()
            .filter(|m| m.until.is_none())
            .cloned()
            .collect();
        let res = h
            .residences
            .iter()
            .find(|r| r.until.is_none())
            .unwrap()
            .commune_id;
        let cid = open.iter().find_map(|m| m.citizen_id.clone());
        (open.len(), res, cid)
    };
    run(async {
        let xa = app.login("xa").await;
        let cases: Vec<(&str, String)> = vec![
            (
                "takeover",
                format!(
                    "{HEADER}{},{},Thôn 1,rural,,Kẻ Giả Mạo,head,male,1990-01-01,Kinh,\n",
                    app.hh_out, app.commune
                ),
            ),
            (
                "new household in another province",
                format!(
                    "{HEADER}NEW-OUT-1,{},Thôn 1,rural,,Trần Văn Bình,head,male,1980-01-01,Kinh,\n",
                    app.commune_out
                ),
            ),
        ];
        for (what, csv) in cases {
            let r = app.import(&xa, "x.csv", csv.as_bytes()).await;
            assert_eq!(r.status.as_u16(), 422, "{what}: {}", r.body);
            assert!(r.body.contains("ngoài địa bàn"), "{what}: {}", r.body);
        }
        // A citizen ID held in the other province: refused without saying where.
        {
            let cid = cid_out
                .as_deref()
                .expect("the demo household outside has a member with a citizen ID");
            let csv = format!(
                "{HEADER}NEW-IN-1,{},Thôn 1,rural,,Người Dò Tìm,head,male,1980-01-01,Kinh,{cid}\n",
                app.commune
            );
            let r = app.import(&xa, "probe.csv", csv.as_bytes()).await;
            assert_eq!(r.status.as_u16(), 422, "{}", r.body);
            assert!(!r.body.contains(&app.hh_out), "{}", r.body);
            r.assert_says("ngoài địa bàn");
        }
        // An import inside the officer's commune goes through and is audited as the officer.
        let csv = format!(
            "{HEADER}NEW-IN-2,{},Thôn 1,rural,,Hộ Mới Hợp Lệ,head,male,1980-01-01,Kinh,\n",
            app.commune
        );
        let r = app.import(&xa, "ok.csv", csv.as_bytes()).await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.body);
    });
    let mut s = app.store();
    let h = s.household_history(&app.hh_out).unwrap();
    assert_eq!(
        h.members.iter().filter(|m| m.until.is_none()).count(),
        members_before
    );
    assert_eq!(
        h.residences
            .iter()
            .find(|r| r.until.is_none())
            .unwrap()
            .commune_id,
        commune_before
    );
    let log = s.audit_entries(1, 1_000_000, None).unwrap();
    let imports: Vec<_> = log
        .iter()
        .filter(|(e, _)| e.action == "import_households" && e.actor == "xa")
        .collect();
    assert_eq!(
        imports.len(),
        1,
        "one entry, the import's own, names the officer"
    );
    assert!(
        !log.iter().any(|(e, _)| e.action == "import_households"
            && e.actor == "hệ thống"
            && e.origin == "web"),
        "no web import is recorded as the system"
    );
}

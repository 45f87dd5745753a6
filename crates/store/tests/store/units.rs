use giamngheo_core::ids::{UnitCode, UnitLevel};

use crate::harness::{date, import, load_units, on_both, on_both_with_units, reform, units};

#[test]
fn official_units_load_once_with_their_dates() {
    on_both("units_load", |db| {
        let s = load_units(&mut db.store);
        // 63 provinces before, 34 after, of which those keeping their code continue as one unit.
        assert_eq!(s.districts, 696, "{}", db.name);
        assert_eq!(s.communes, 10_035 + 3_321, "{}", db.name);
        assert!(s.links > 10_000, "{}", db.name);
        let again = load_units(&mut db.store);
        assert_eq!(
            again.communes, 0,
            "loading twice changes nothing ({})",
            db.name
        );

        // (level, code, date, exists, name)
        let cases = [
            (
                UnitLevel::Commune,
                "15493",
                "2020-01-01",
                Some("Xã Xuân Hồng"),
            ),
            (
                UnitLevel::Commune,
                "15493",
                "2025-06-30",
                Some("Xã Xuân Hồng"),
            ),
            (UnitLevel::Commune, "15493", "2025-07-01", None),
            (
                UnitLevel::District,
                "395",
                "2019-12-31",
                Some("Huyện Thọ Xuân"),
            ),
            (UnitLevel::District, "395", "2025-07-01", None),
            (
                UnitLevel::Province,
                "38",
                "2019-01-01",
                Some("Tỉnh Thanh Hóa"),
            ),
            (
                UnitLevel::Province,
                "38",
                "2026-01-01",
                Some("Tỉnh Thanh Hóa"),
            ),
            (
                UnitLevel::Province,
                "49",
                "2025-06-30",
                Some("Tỉnh Quảng Nam"),
            ),
            (UnitLevel::Province, "49", "2025-07-01", None),
        ];
        for (level, code, day, expect) in cases {
            let got = db
                .store
                .unit_at(level, code, date(day))
                .unwrap()
                .map(|u| u.name);
            assert_eq!(
                got.as_deref(),
                expect,
                "{level:?} {code} on {day} ({})",
                db.name
            );
        }
        // A commune of Hiệp Đức is under Quảng Nam before the reform and its successor under Đà Nẵng after.
        let que_tho =
            crate::harness::unit(&mut db.store, UnitLevel::Commune, "20764", "2020-01-01");
        let district = crate::harness::parent(&mut db.store, que_tho.id, "2020-01-01");
        assert_eq!(district.name, "Huyện Hiệp Đức");
        let lineage = db.store.lineage().unwrap();
        let code = UnitCode::parse(UnitLevel::Commune, "20764").unwrap();
        let next = lineage.record_successor(&code, date("2020-01-01"), date("2026-01-01"));
        let new = crate::harness::unit(
            &mut db.store,
            UnitLevel::Commune,
            next.as_str(),
            "2026-01-01",
        );
        let province = crate::harness::parent(&mut db.store, new.id, "2026-01-01");
        assert_eq!(province.name, "Thành phố Đà Nẵng", "{}", db.name);
    });
}

#[test]
fn a_commune_merged_from_three_and_a_commune_split() {
    on_both_with_units("units_map", |db| {
        let lineage = db.store.lineage().unwrap();
        let u = units();
        let (before, after) = (date("2024-01-01"), date("2026-01-01"));
        // A new commune with exactly three predecessors, all merged whole.
        let mut by_new: std::collections::HashMap<&str, Vec<&str>> =
            std::collections::HashMap::new();
        for l in &u.links {
            by_new
                .entry(l.new.as_str())
                .or_default()
                .push(l.old.as_str());
        }
        let split_olds: std::collections::HashSet<&str> = u
            .links
            .iter()
            .filter(|l| l.kind == giamngheo_core::units::LineageKind::Split)
            .map(|l| l.old.as_str())
            .collect();
        let (new, olds) = by_new
            .iter()
            .filter(|(_, olds)| olds.len() == 3 && olds.iter().all(|o| !split_olds.contains(o)))
            .min_by_key(|(n, _)| **n)
            .unwrap();
        for old in olds {
            let code = UnitCode::parse(UnitLevel::Commune, old).unwrap();
            let got = lineage.successors(&code, before, after);
            assert_eq!(
                got,
                vec![(UnitCode::parse(UnitLevel::Commune, new).unwrap(), 1.0)],
                "{old} ({})",
                db.name
            );
        }
        // A commune split between new communes: records go to the default successor.
        let split = u
            .links
            .iter()
            .find(|l| l.kind == giamngheo_core::units::LineageKind::Split && l.default_successor)
            .unwrap();
        let got = lineage.record_successor(&split.old, before, after);
        assert_eq!(got, split.new, "{}", db.name);
        // Before the reform date nothing moves.
        assert_eq!(
            lineage.record_successor(&split.old, before, date("2025-06-30")),
            split.old
        );
    });
}

#[test]
fn the_reform_moves_households_to_the_successor_and_keeps_those_without_one() {
    use crate::households::head_only;
    on_both_with_units("units_reform", |db| {
        // A commune whose successor the lineage does not give (removed here to make the case).
        let orphan = "15502".to_owned();
        db.store
            .conn()
            .batch("DELETE FROM unit_lineage WHERE from_id = (SELECT id FROM unit WHERE level = 'commune' AND code = '15502' AND valid_from IS NULL)")
            .unwrap();
        let recs = vec![
            (
                2,
                head_only("R-1", "15493", "Thôn 1", "Lê Văn A", "1970-01-01"),
            ),
            (
                3,
                head_only("R-2", &orphan, "Thôn 1", "Lê Văn B", "1970-01-01"),
            ),
        ];
        import(&mut db.store, &recs, "2020-01-01");
        assert_eq!(
            db.store
                .apply_reform(&giamngheo_store::audit::Actor::system(), reform())
                .unwrap(),
            1,
            "{}",
            db.name
        );
        crate::harness::assert_member_search_kept(db, "a reform");
        assert_eq!(
            db.store
                .apply_reform(&giamngheo_store::audit::Actor::system(), reform())
                .unwrap(),
            0,
            "twice changes nothing ({})",
            db.name
        );
        let moved = db.store.household_history("R-1").unwrap();
        assert_eq!(moved.residences.len(), 2);
        assert_eq!(
            moved.residences[1].commune_code, "15499",
            "Xuân Hồng went into Xã Thọ Xuân ({})",
            db.name
        );
        assert_eq!(moved.residences[1].village_name.as_deref(), Some("Thôn 1"));
        let kept = db.store.household_history("R-2").unwrap();
        assert_eq!(kept.residences.len(), 1, "{}", db.name);
        assert!(
            kept.residences[0].until.is_none(),
            "never closed without a successor"
        );
    });
}

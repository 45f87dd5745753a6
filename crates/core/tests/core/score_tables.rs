//! The income proxy score from a point table: by region, with the points of every answer, and the
//! illustrative table marked as not official.

use giamngheo_core::Lang;
use giamngheo_core::score_table::{Region, ScoreError, ScoreTable, ScoreTableError};

#[test]
fn scores_by_region() {
    let t = ScoreTable::illustrative();
    assert!(!t.official, "the shipped table is illustrative");
    assert!(t.name_vi.contains("MINH HỌA"));
    let answers = [
        ("household_size", "3"),
        ("dependants", "1"),
        ("education", "college"),
        ("non_farm_work", "other"),
        ("pension", "0"),
    ];
    // (region, expected total)
    let cases = [
        (Region::Nt2, 40 + 5 + 10 + 20),
        (Region::Nt1, 50 + 5 + 15 + 25),
        (Region::Urban, 40 + 5 + 15 + 5),
        (Region::Nt6, 45 + 15 + 15 + 10),
    ];
    for (region, want) in cases {
        let s = t.score(region, &answers, Lang::Vi).unwrap();
        assert_eq!(s.total, want, "{region:?}");
        assert_eq!(s.lines.len(), 5);
        assert_eq!(s.lines.iter().map(|l| l.2).sum::<u32>(), want);
    }
    let s = t
        .score(
            Region::Nt2,
            &[("household_size", "7+"), ("pension", "")],
            Lang::En,
        )
        .unwrap();
    assert_eq!(
        (s.total, s.lines.len()),
        (0, 1),
        "a blank answer scores nothing"
    );
    assert_eq!(s.lines[0].1, "more than 6");
    for r in Region::ALL {
        assert_eq!(Region::parse(r.code()), Some(r));
    }
}

#[test]
fn bad_answers_and_bad_tables_are_named() {
    let t = ScoreTable::illustrative();
    let e = t
        .score(Region::Nt1, &[("household_size", "9")], Lang::Vi)
        .unwrap_err();
    assert!(matches!(&e, ScoreError::UnknownAnswer { item, .. } if item == "household_size"));
    assert!(
        e.message(Lang::Vi)
            .contains("chọn một trong: 1, 2, 3, 4, 5, 6, 7+"),
        "{}",
        e.message(Lang::Vi)
    );
    assert_eq!(
        t.score(Region::Nt1, &[("cows", "2")], Lang::Vi)
            .unwrap_err(),
        ScoreError::UnknownItem("cows".into())
    );
    let head = "id = \"x\"\nname_vi = \"x\"\nname_en = \"x\"\nofficial = true\nsource = \"tỉnh\"\n";
    let all = "urban = 1, nt1 = 1, nt2 = 1, nt3 = 1, nt4 = 1, nt5 = 1";
    let cases: Vec<(String, ScoreTableError)> = vec![
        (
            format!(
                "{head}[[items]]\nid = \"a\"\nname_vi = \"a\"\nname_en = \"a\"\nanswers = [{{ id = \"1\", name_vi = \"\", name_en = \"\", points = {{ {all} }} }}]\n"
            ),
            ScoreTableError::MissingRegion {
                item: "a".into(),
                answer: "1".into(),
                region: "nt6",
            },
        ),
        (
            format!(
                "{head}[[items]]\nid = \"a\"\nname_vi = \"a\"\nname_en = \"a\"\nanswers = [{{ id = \"1\", name_vi = \"\", name_en = \"\", points = {{ {all}, nt6 = 1, nt7 = 2 }} }}]\n"
            ),
            ScoreTableError::UnknownRegion {
                item: "a".into(),
                answer: "1".into(),
                region: "nt7".into(),
            },
        ),
        (
            format!(
                "{head}[[items]]\nid = \"a\"\nname_vi = \"a\"\nname_en = \"a\"\nanswers = []\n"
            ),
            ScoreTableError::NoAnswers("a".into()),
        ),
    ];
    for (text, want) in cases {
        assert_eq!(ScoreTable::parse(&text), Err(want));
    }
    let ok = format!(
        "{head}[[items]]\nid = \"a\"\nname_vi = \"a\"\nname_en = \"a\"\nanswers = [{{ id = \"1\", name_vi = \"\", name_en = \"\", points = {{ {all}, nt6 = 7 }} }}]\n"
    );
    let t = ScoreTable::parse(&ok).unwrap();
    assert!(t.official);
    assert_eq!(
        t.score(Region::Nt6, &[("a", "1")], Lang::Vi).unwrap().total,
        7
    );
}

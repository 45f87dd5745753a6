use giamngheo_core::text::{closest, fold, nfc};
use giamngheo_core::vi_format;
use giamngheo_core::{Area, Lang};

#[test]
fn folding_ignores_diacritics_case_and_d_bar() {
    let cases = [
        ("Nguyễn Văn A", "nguyen van a"),
        ("nguyen van a", "nguyen van a"),
        ("ĐẶNG  Thị   Hằng", "dang thi hang"),
        ("Nguye\u{0302}\u{0303}n", "nguyen"),
        ("  Lê ", "le"),
    ];
    for (input, expect) in cases {
        assert_eq!(fold(input), expect, "{input:?}");
    }
}

#[test]
fn nfc_composes_decomposed_vietnamese() {
    let decomposed = "Nguye\u{0302}\u{0303}n Thi\u{0323} Ha\u{0306}\u{0300}ng";
    assert_eq!(nfc(decomposed), "Nguyễn Thị Hằng");
    assert_ne!(decomposed, "Nguyễn Thị Hằng");
}

#[test]
fn numbers_and_money_the_vietnamese_way() {
    let cases: &[(i64, Lang, &str)] = &[
        (0, Lang::Vi, "0 đ"),
        (700_000, Lang::Vi, "700.000 đ"),
        (1_500_000, Lang::Vi, "1.500.000 đ"),
        (1_500_000, Lang::En, "VND 1,500,000"),
        (12_345, Lang::Vi, "12.345 đ"),
        (999, Lang::Vi, "999 đ"),
    ];
    for (n, lang, expect) in cases {
        assert_eq!(vi_format::vnd(*n, *lang), *expect);
    }
    assert_eq!(vi_format::decimal(7.42, 2, Lang::Vi), "7,42");
    assert_eq!(vi_format::decimal(7.42, 2, Lang::En), "7.42");
}

#[test]
fn areas_parse_in_both_languages() {
    let cases = [
        ("rural", Some(Area::Rural)),
        ("urban", Some(Area::Urban)),
        ("nông thôn", Some(Area::Rural)),
        ("Thành thị", Some(Area::Urban)),
        ("nong thon", Some(Area::Rural)),
        ("city", None),
        ("", None),
    ];
    for (input, expect) in cases {
        assert_eq!(Area::parse(input), expect, "{input:?}");
    }
}

#[test]
fn misspellings_find_the_closest_name() {
    let names = ["household_id", "income_per_capita", "sanitation", "water"];
    assert_eq!(closest("sanitaton", names), Some("sanitation"));
    assert_eq!(
        closest("income_per_capital", names),
        Some("income_per_capita")
    );
    assert_eq!(closest("ho_ten", names), None);
}

#[test]
fn invisible_and_direction_changing_characters_are_found() {
    use giamngheo_core::ids::PersonName;
    use giamngheo_core::text::invisible;
    let cases: &[(&str, Option<char>)] = &[
        ("Nguyễn Văn An", None),
        ("Nguyễn\u{200B}Văn An", Some('\u{200B}')),
        ("Nguyễn Văn\u{200D} An", Some('\u{200D}')),
        ("\u{202E}nA năV nễyugN", Some('\u{202E}')),
        ("Lê\u{2066}Thị\u{2069}", Some('\u{2066}')),
        ("Trần\u{00AD}Bình", Some('\u{00AD}')),
        ("\u{FEFF}Phạm Hoa", Some('\u{FEFF}')),
        ("Hồ Thị Hoa\u{E0041}", Some('\u{E0041}')),
        // Combining marks are letters in Vietnamese, not hidden text.
        ("Nguye\u{0302}\u{0303}n", None),
    ];
    for (text, want) in cases {
        assert_eq!(invisible(text), *want, "{text:?}");
        assert_eq!(
            PersonName::parse(text).is_some(),
            want.is_none(),
            "{text:?}"
        );
    }
}

#[test]
fn every_code_has_its_words_in_both_languages() {
    use giamngheo_core::ids::UnitLevel;
    use giamngheo_core::registry::{EventKind, Relation};
    for r in Relation::ALL {
        assert_eq!(Relation::parse(r.name(Lang::Vi)), Some(r), "{r:?}");
        assert!(
            !r.name(Lang::En).is_empty() && !r.name(Lang::En).contains('_'),
            "{r:?}"
        );
        assert_eq!(Relation::parse(r.code()), Some(r));
    }
    for k in EventKind::ALL {
        assert!(!k.name(Lang::Vi).is_empty(), "{k:?}");
        assert!(!k.name(Lang::En).contains('_'), "{k:?}");
    }
    for &s in giamngheo_core::facts::Sex::ALL {
        for lang in [Lang::Vi, Lang::En] {
            assert_eq!(giamngheo_core::facts::Sex::parse_any(s.name(lang)), Some(s));
        }
    }
    for a in [Area::Rural, Area::Urban] {
        assert_eq!(Area::parse(a.name(Lang::Vi)), Some(a));
        assert_eq!(Area::parse(a.name(Lang::En)), Some(a));
    }
    let levels = [
        (UnitLevel::Province, "Tỉnh", "Province"),
        (UnitLevel::District, "Huyện", "District"),
        (UnitLevel::Commune, "Xã", "Commune"),
        (UnitLevel::Village, "Thôn", "Village"),
    ];
    for (level, vi, en) in levels {
        assert_eq!((level.name(Lang::Vi), level.name(Lang::En)), (vi, en));
    }
}

#[test]
fn labels_sort_as_people_count() {
    use giamngheo_core::text::natural_cmp;
    let mut villages = vec![
        "Thôn 10",
        "Thôn 2",
        "Thôn 1",
        "thôn 11",
        "Bản Mường",
        "Thôn 02a",
        "Ấp Tân",
    ];
    villages.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(
        villages,
        [
            "Ấp Tân",
            "Bản Mường",
            "Thôn 1",
            "Thôn 2",
            "Thôn 02a",
            "Thôn 10",
            "thôn 11"
        ]
    );
    let mut codes = vec!["15499-00010", "15499-00002", "15499-00100"];
    codes.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(codes, ["15499-00002", "15499-00010", "15499-00100"]);
}

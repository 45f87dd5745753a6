//! Monotonicity: more income never makes a household poorer; another deprivation never makes it richer.

use giamngheo_core::standard::builtin;
use giamngheo_core::{Area, Classifier, DeprivationSet, Income};
use proptest::prelude::*;

fn classifiers() -> Vec<Classifier> {
    builtin::all()
        .unwrap()
        .into_iter()
        .map(Classifier::new)
        .collect()
}

proptest! {
    #[test]
    fn more_income_is_never_poorer(
        which in 0usize..3, urban: bool, income in 0i64..5_000_000, more in 0i64..3_000_000, mask in 0u32..4096,
    ) {
        let c = &classifiers()[which];
        let area = if urban { Area::Urban } else { Area::Rural };
        let d = DeprivationSet(mask);
        let a = c.classify(area, Income::Vnd(income), d).unwrap().class;
        let b = c.classify(area, Income::Vnd(income + more), d).unwrap().class;
        prop_assert!(a <= b, "{a:?} at {income}, {b:?} at {}", income + more);
    }

    #[test]
    fn a_higher_score_is_never_poorer(which in 0usize..2, urban: bool, score in 0u32..300, more in 0u32..100, mask in 0u32..4096) {
        let c = &classifiers()[which];
        let area = if urban { Area::Urban } else { Area::Rural };
        let d = DeprivationSet(mask);
        let a = c.classify(area, Income::Score(score), d).unwrap().class;
        let b = c.classify(area, Income::Score(score + more), d).unwrap().class;
        prop_assert!(a <= b);
    }

    #[test]
    fn another_deprivation_is_never_richer(
        which in 0usize..3, urban: bool, income in 0i64..5_000_000, mask in 0u32..4096, extra in 0usize..12,
    ) {
        let c = &classifiers()[which];
        let area = if urban { Area::Urban } else { Area::Rural };
        let before = DeprivationSet(mask);
        let mut after = before;
        after.insert(extra);
        let a = c.classify(area, Income::Vnd(income), before).unwrap().class;
        let b = c.classify(area, Income::Vnd(income), after).unwrap().class;
        prop_assert!(b <= a, "{a:?} then {b:?} with indicator {extra} added at {income}");
    }
}

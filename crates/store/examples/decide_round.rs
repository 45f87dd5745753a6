//! Benchmark: a periodic round of N households (default 100,000) in one commune, step by step.
//!
//! `cargo run --release -p giamngheo-store --example decide_round -- DB [N]` builds the registry (N
//! households of three members in commune 15499, every one on last year's poor or near-poor list), then times
//! each step of the round: opening (the list), the survey (classifying every household), the village meeting,
//! the posting, the decision (recognised classes, transitions, one audit entry per household), the
//! certificates and the lists. DB is a SQLite file or a postgres:// URL (a schema `bench_round` is used
//! and dropped first). Used by `bench/round.sh`.

use std::time::Instant;

use giamngheo_core::date::Date;
use giamngheo_core::facts::Sex;
use giamngheo_core::ids::{HouseholdCode, PersonName, UnitCode, UnitLevel};
use giamngheo_core::registry::{HouseholdRecord, MemberRecord, Relation, ReviewInput};
use giamngheo_core::round::{Role, RoundKind};
use giamngheo_core::{Area, Class, Classifier, DeprivationSet, Income};
use giamngheo_store::Store;
use giamngheo_store::audit::Actor;
use giamngheo_store::reviews::NewReview;
use giamngheo_store::rounds::{NewMeeting, NewRound, SurveyInput, VoteInput};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|_| panic!("date {s}"))
}

fn step(name: &str, t: &mut Instant, n: usize) -> f64 {
    let secs = t.elapsed().as_secs_f64();
    println!("step={name} households={n} seconds={secs:.3}");
    *t = Instant::now();
    secs
}

fn main() {
    let mut args = std::env::args().skip(1);
    let db = args.next().unwrap_or_else(|| "bench-round.db".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let mut store = if db.starts_with("postgres") {
        let mut c = postgres::Client::connect(&db, postgres::NoTls).expect("connect");
        c.batch_execute("DROP SCHEMA IF EXISTS bench_round CASCADE")
            .expect("drop schema");
        Store::open_postgres(&db, Some("bench_round")).expect("open")
    } else {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{db}{suffix}"));
        }
        Store::open(&db).expect("open")
    };
    let units = giamngheo_formats::units::national().expect("units");
    store
        .load_units(
            &giamngheo_store::audit::Actor::system(),
            &units.before,
            &units.after,
            &units.links,
            d("2025-07-01"),
        )
        .expect("load units");
    let commune = UnitCode::parse(UnitLevel::Commune, "15499").expect("code");
    // Names without digits (the registry refuses them): the household number spelt in syllables.
    let name = |i: usize, j: usize| {
        const FAMILY: [&str; 6] = ["Nguyễn", "Lê", "Trịnh", "Phạm", "Hoàng", "Đỗ"];
        const SYLLABLE: [&str; 12] = [
            "An", "Bình", "Cường", "Dũng", "Hoa", "Lan", "Minh", "Nam", "Oanh", "Phúc", "Quân",
            "Sơn",
        ];
        let mut text = String::from(FAMILY[(i + j) % 6]);
        let mut k = i * 3 + j;
        loop {
            text.push(' ');
            text.push_str(SYLLABLE[k % 12]);
            k /= 12;
            if k == 0 {
                break;
            }
        }
        PersonName::parse(&text).expect("name")
    };
    let records: Vec<(u64, HouseholdRecord)> = (0..n)
        .map(|i| {
            let members = (0..3)
                .map(|j| {
                    MemberRecord::new(
                        name(i, j),
                        if j == 1 { Sex::Female } else { Sex::Male },
                        Date::new(
                            1960 + (i % 40) as i32 + j as i32 * 2,
                            1 + (i % 12) as u8,
                            1 + (j as u8),
                        )
                        .expect("birth"),
                        "Kinh",
                        None,
                        if j == 0 {
                            Relation::Head
                        } else {
                            Relation::Child
                        },
                    )
                })
                .collect();
            let rec = HouseholdRecord::new(
                HouseholdCode::parse(&format!("15499-{i:06}")).expect("household code"),
                commune.clone(),
                Some(format!("Thôn {}", 1 + i % 40)),
                Area::Rural,
                "",
                members,
            )
            .expect("household");
            (i as u64 + 2, rec)
        })
        .collect();
    let mut t = Instant::now();
    store
        .import_households(
            &giamngheo_store::audit::Actor::system(),
            &records,
            d("2025-09-01"),
            &mut |_| {},
        )
        .expect("import");
    step("registry_import", &mut t, n);
    let ids: Vec<(i64, i64)> = store
        .conn()
        .query(
            "SELECT r.household_id, r.commune_id FROM residence r ORDER BY r.household_id",
            &[],
        )
        .expect("ids")
        .into_iter()
        .map(|r| (r[0].int().unwrap_or(0), r[1].int().unwrap_or(0)))
        .collect();
    let last_year: Vec<NewReview> = ids
        .iter()
        .enumerate()
        .map(|(i, &(household_id, commune_id))| {
            let class = if i % 3 == 0 {
                Class::NearPoor
            } else {
                Class::Poor
            };
            NewReview {
                household_id,
                year: 2025,
                round: RoundKind::Periodic,
                review_date: d("2025-11-15"),
                commune_id,
                village_id: None,
                area: "rural".into(),
                ethnic_minority: false,
                members: 3,
                standard_id: "vn-2022-2025".into(),
                income_per_capita: Some(1_300_000),
                income_score: None,
                deprivations: 0b111,
                computed_class: class,
                reason: String::new(),
                decided: Some((class, d("2025-12-10"))),
                corrects: None,
                facts: None,
            }
        })
        .collect();
    store
        .insert_reviews(&giamngheo_store::audit::Actor::system(), &last_year)
        .expect("last year");
    step("last_year_reviews", &mut t, n);

    let officer = Actor::new("Cán bộ giảm nghèo", Role::CommuneOfficer, "bench");
    let classifier =
        Classifier::new(giamngheo_core::standard::builtin::get("vn-2022-2025").expect("standard"));
    let mut total = 0.0;
    let round = store
        .open_round(
            &officer,
            &NewRound {
                commune_id: ids[0].1,
                kind: RoundKind::Periodic,
                year: 2026,
                month: None,
                opened_on: d("2026-09-01"),
                standard_id: "vn-2022-2025".into(),
            },
        )
        .expect("open");
    total += step("open_and_list", &mut t, n);
    let cases = store.round_cases(round).expect("cases");
    assert_eq!(cases.len(), n, "every household is on the list");
    // Incomes spread around the lines: some stay poor, some escape, some become near-poor.
    let inputs: Vec<SurveyInput> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| SurveyInput {
            input: ReviewInput {
                row: i as u64 + 2,
                household_code: c.household_code.clone(),
                income: Income::Vnd(900_000 + (i as i64 * 7_919) % 2_500_000),
                deprivations: DeprivationSet((i as u32 * 2_654_435_761) >> 20 & 0xfff),
                area: None,
                decided: None,
            },
            expected_version: None,
        })
        .collect();
    store
        .record_survey(&officer, round, &classifier, d("2026-10-01"), &inputs)
        .expect("survey");
    total += step("survey_classify", &mut t, n);
    let votes = cases
        .iter()
        .enumerate()
        .map(|(i, c)| VoteInput {
            row: i as u64 + 2,
            household_code: c.household_code.clone(),
            votes_for: 30,
            votes_against: 5,
        })
        .collect();
    store
        .record_meeting(
            &officer,
            round,
            &NewMeeting {
                village_id: None,
                held_on: d("2026-10-20"),
                chair: "Trưởng thôn".into(),
                secretary: "Thư ký".into(),
                attendees: 40,
                minutes: None,
                votes,
            },
        )
        .expect("meeting");
    total += step("meeting", &mut t, n);
    store
        .post_results(&officer, round, d("2026-11-12"), "Nhà văn hóa")
        .expect("post");
    total += step("post", &mut t, n);
    let decision = store
        .decide_round(
            &officer,
            round,
            d("2026-11-17"),
            "1/QĐ-UBND",
            "Chủ tịch UBND xã",
        )
        .expect("decide");
    let decide = step("decide", &mut t, n);
    total += decide;
    let issued = store
        .issue_certificates(&officer, round, d("2026-11-18"), None)
        .expect("certificates");
    total += step("certificates", &mut t, issued as usize);
    let listed = store.round_cases(round).expect("lists");
    total += step("lists", &mut t, listed.len());
    let audit = store.verify_audit().expect("audit").expect("chain");
    let verify = step("audit_verify", &mut t, audit as usize);
    println!(
        "backend={:?} households={n} by_class={:?} transitions={:?} audit_entries={audit} round_seconds={total:.3} decide_seconds={decide:.3} verify_seconds={verify:.3}",
        store.backend(),
        decision.by_class,
        decision
            .transitions
            .iter()
            .map(|(t, k)| format!("{}={k}", t.code()))
            .collect::<Vec<_>>()
    );
}

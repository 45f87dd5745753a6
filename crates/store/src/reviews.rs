//! Review records: for each household and review, the facts, the standard, the computed class with its reason,
//! and the decided class. Decided records are immutable (the database refuses changes); a correction is a new
//! record that points to the one it corrects.

use giamngheo_core::Class;
use giamngheo_core::date::Date;

use crate::Store;
use crate::audit::{Actor, Change, record_one};
use crate::db::{BatchInsert, Conn, Value, parse_date};
use crate::error::StoreError;
use crate::row_ids::{IdTable, next_id};
pub use giamngheo_core::registry::{ReviewInput, ReviewRow};
use giamngheo_core::round::{Action, RoundKind};

/// A review to record. The class and reason come from the classifier; where the household lived, its size
/// and whether its head belongs to an ethnic minority are kept as they were on the review date.
#[derive(Clone, Debug, PartialEq)]
pub struct NewReview {
    pub household_id: i64,
    pub year: i32,
    pub round: RoundKind,
    pub review_date: Date,
    pub commune_id: i64,
    pub village_id: Option<i64>,
    pub area: String,
    pub ethnic_minority: bool,
    pub members: i64,
    pub standard_id: String,
    pub income_per_capita: Option<i64>,
    pub income_score: Option<i64>,
    pub deprivations: u32,
    pub computed_class: Class,
    pub reason: String,
    /// Set when the review is recorded already decided (imports of past years).
    pub decided: Option<(Class, Date)>,
    pub corrects: Option<i64>,
    pub facts: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReviewView {
    pub id: i64,
    pub year: i64,
    pub round: RoundKind,
    pub review_date: Date,
    pub standard_id: String,
    pub income_per_capita: Option<i64>,
    pub income_score: Option<i64>,
    pub deprivation_count: i64,
    pub computed_class: Class,
    pub reason: String,
    pub decided_class: Option<Class>,
    pub decided_on: Option<Date>,
    pub corrects_id: Option<i64>,
}

pub(crate) const REVIEW_COLUMNS: &str = "INSERT INTO review (id, household_id, year, round, review_date, commune_id, village_id, area, \
     ethnic_minority, members, standard_id, income_per_capita, income_score, deprivations, deprivation_count, \
     computed_class, reason, decided_class, decided_on, corrects_id, facts)";

pub(crate) fn review_values(id: i64, r: &NewReview) -> Vec<Value> {
    vec![
        Value::Int(id),
        Value::Int(r.household_id),
        Value::from(r.year),
        r.round.code().into(),
        r.review_date.iso().into(),
        Value::Int(r.commune_id),
        r.village_id.into(),
        r.area.clone().into(),
        r.ethnic_minority.into(),
        Value::Int(r.members),
        r.standard_id.clone().into(),
        r.income_per_capita.into(),
        r.income_score.into(),
        Value::from(r.deprivations),
        Value::from(r.deprivations.count_ones()),
        r.computed_class.code().into(),
        r.reason.clone().into(),
        r.decided.map(|(c, _)| c.code()).into(),
        r.decided.map(|(_, d)| d.iso()).into(),
        r.corrects.into(),
        r.facts.clone().into(),
    ]
}

/// Refuses a review outside the actor's units (as not found) and a role that may not change the registry.
fn review_in_scope(c: &mut Conn, actor: &Actor, id: i64) -> Result<(), StoreError> {
    crate::scope::permit(actor, Action::EditRegistry)?;
    let place = c
        .query_one(
            "SELECT commune_id, village_id FROM review WHERE id = $1",
            &[id.into()],
        )?
        .and_then(|r| {
            Some(crate::scope::Place {
                commune: r[0].int()?,
                village: r[1].int(),
            })
        });
    match place {
        Some(p) if actor.scope.covers(p) => Ok(()),
        _ => Err(StoreError::NotFound {
            what: "review",
            key: id.to_string(),
        }),
    }
}

impl Store {
    /// Records reviews in one transaction; returns the id of the first (ids are consecutive).
    pub fn insert_reviews(
        &mut self,
        actor: &Actor,
        reviews: &[NewReview],
    ) -> Result<i64, StoreError> {
        crate::scope::permit(actor, Action::EditRegistry)?;
        for r in reviews {
            let place = crate::scope::Place {
                commune: r.commune_id,
                village: r.village_id,
            };
            if !actor.scope.covers(place) {
                return Err(StoreError::NotFound {
                    what: "household",
                    key: r.household_id.to_string(),
                });
            }
        }
        self.conn.transaction(|c| {
            let first = next_id(c, IdTable::Review)?;
            let mut batch = BatchInsert::new(c.backend(), REVIEW_COLUMNS, 21);
            for (i, r) in reviews.iter().enumerate() {
                batch.push(c, review_values(first + i as i64, r))?;
            }
            batch.flush(c)?;
            let corrects: Vec<i64> = reviews.iter().filter_map(|r| r.corrects).collect();
            record_one(
                c,
                actor,
                Change {
                    action: if corrects.is_empty() {
                        "insert_reviews"
                    } else {
                        "correct_review"
                    },
                    entity: "review",
                    entity_id: format!("{first}..{}", first + reviews.len() as i64),
                    old_value: (!corrects.is_empty()).then(|| format!("{corrects:?}")),
                    new_value: Some(format!("{} records", reviews.len())),
                    reason: None,
                },
            )?;
            Ok(first)
        })
    }

    /// Decides a review: the class the commune chairman recognised. Deciding twice is refused.
    pub fn decide_review(
        &mut self,
        actor: &Actor,
        id: i64,
        class: Class,
        on: Date,
    ) -> Result<(), StoreError> {
        self.conn.transaction(|c| {
            review_in_scope(c, actor, id)?;
            let n = c.execute(
                "UPDATE review SET decided_class = $2, decided_on = $3 WHERE id = $1 AND decided_on IS NULL",
                &[id.into(), class.code().into(), on.iso().into()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "undecided review",
                    key: id.to_string(),
                });
            }
            record_one(
                c,
                actor,
                Change {
                    action: "decide_review",
                    entity: "review",
                    entity_id: id.to_string(),
                    old_value: None,
                    new_value: Some(format!("{} {}", class.code(), on.iso())),
                    reason: None,
                },
            )?;
            Ok(())
        })
    }

    /// Records a correction of a decided review as a new review pointing to it.
    pub fn correct_review(
        &mut self,
        actor: &Actor,
        corrected: i64,
        mut review: NewReview,
    ) -> Result<i64, StoreError> {
        review.corrects = Some(corrected);
        self.insert_reviews(actor, std::slice::from_ref(&review))
    }

    /// Changes the reason of a review (allowed only while it is undecided).
    pub fn set_review_reason(
        &mut self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.conn.transaction(|c| {
            review_in_scope(c, actor, id)?;
            let old = c
                .query_one("SELECT reason FROM review WHERE id = $1", &[id.into()])?
                .and_then(|r| r[0].text().map(str::to_owned));
            c.execute(
                "UPDATE review SET reason = $2 WHERE id = $1",
                &[id.into(), reason.into()],
            )?;
            record_one(
                c,
                actor,
                Change {
                    action: "set_review_reason",
                    entity: "review",
                    entity_id: id.to_string(),
                    old_value: old,
                    new_value: Some(reason.to_owned()),
                    reason: None,
                },
            )?;
            Ok(())
        })
    }

    pub fn delete_review(&mut self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        self.conn.transaction(|c| {
            review_in_scope(c, actor, id)?;
            c.execute("DELETE FROM review WHERE id = $1", &[id.into()])?;
            record_one(
                c,
                actor,
                Change {
                    action: "delete_review",
                    entity: "review",
                    entity_id: id.to_string(),
                    old_value: None,
                    new_value: None,
                    reason: None,
                },
            )?;
            Ok(())
        })
    }
}

pub(crate) fn reviews_of(c: &mut Conn, household_id: i64) -> Result<Vec<ReviewView>, StoreError> {
    let rows = c.query(
        "SELECT id, year, round, review_date, standard_id, income_per_capita, income_score, deprivation_count, \
         computed_class, reason, decided_class, decided_on, corrects_id FROM review WHERE household_id = $1 ORDER BY year, id",
        &[household_id.into()],
    )?;
    rows.into_iter()
        .map(|r| {
            let mut next = crate::db::cells(r);
            Ok(ReviewView {
                id: next().int().unwrap_or(0),
                year: next().int().unwrap_or(0),
                round: next().decode("review", "round", RoundKind::parse)?,
                review_date: next().decode("review", "review_date", parse_date)?,
                standard_id: next().into_text().unwrap_or_default(),
                income_per_capita: next().int(),
                income_score: next().int(),
                deprivation_count: next().int().unwrap_or(0),
                computed_class: next().decode("review", "computed_class", Class::parse)?,
                reason: next().into_text().unwrap_or_default(),
                decided_class: next().decode_opt("review", "decided_class", Class::parse)?,
                decided_on: next().decode_opt("review", "decided_on", parse_date)?,
                corrects_id: next().int(),
            })
        })
        .collect()
}

/// What an import of reviews did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewImportSummary {
    pub added: u64,
    pub replaced: u64,
    pub unchanged: u64,
    pub by_class: [u64; 4],
}

impl Store {
    /// Records the periodic review of `year` for the households of a file, classified by `classifier`, all
    /// in one transaction after every row has been checked: the household exists and lived in a commune on
    /// the review date, appears once, and has no decided review of that year that differs (a decided review
    /// is changed only by a correction). An undecided review of the year is replaced; an identical one is
    /// left as it is, so importing the same file twice changes nothing.
    pub fn import_reviews(
        &mut self,
        actor: &Actor,
        year: i32,
        review_date: Date,
        classifier: &giamngheo_core::Classifier,
        reviews: &[ReviewInput],
    ) -> Result<ReviewImportSummary, StoreError> {
        use crate::error::{Rejection, RejectionKind};
        use giamngheo_core::{Area, Income, Lang};
        crate::scope::permit(actor, Action::EditRegistry)?;
        let day = review_date.iso();
        let mut rejections = Vec::new();
        let mut seen: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
        let mut planned: Vec<(NewReview, Option<(i64, bool)>)> = Vec::new();
        let mut summary = ReviewImportSummary::default();
        for r in reviews {
            if let Some(repeated) = Rejection::repeated(&mut seen, &r.household_code, r.row) {
                rejections.push(repeated);
                continue;
            }
            let found = self.conn.query_one(
                "SELECT h.id, r.commune_id, r.village_id, r.area, \
                 (SELECT count(*) FROM membership m WHERE m.household_id = h.id AND m.valid_from <= $2 AND (m.valid_until IS NULL OR m.valid_until >= $2)), \
                 (SELECT p.ethnicity FROM membership m JOIN person p ON p.id = m.person_id WHERE m.household_id = h.id AND m.relation = 'head' \
                  AND m.valid_from <= $2 AND (m.valid_until IS NULL OR m.valid_until >= $2) LIMIT 1) \
                 FROM household h JOIN residence r ON r.household_id = h.id \
                 WHERE h.code = $1 AND r.valid_from <= $2 AND (r.valid_until IS NULL OR r.valid_until >= $2)",
                &[r.household_code.as_str().into(), day.clone().into()],
            )?;
            // A household outside the actor's units is reported as one the registry does not have.
            let found = found.filter(|h| {
                h[1].int().is_some_and(|commune| {
                    actor.scope.covers(crate::scope::Place {
                        commune,
                        village: h[2].int(),
                    })
                })
            });
            let Some(h) = found else {
                rejections.push(Rejection {
                    row: r.row,
                    field: "household_code",
                    kind: RejectionKind::UnknownHousehold {
                        code: r.household_code.clone(),
                        date: review_date.vi(),
                    },
                });
                continue;
            };
            let household_id = h[0].int().unwrap_or(0);
            let area = r
                .area
                .or_else(|| h[3].text().and_then(Area::parse))
                .unwrap_or(Area::Rural);
            let outcome = match classifier.classify(area, r.income, r.deprivations) {
                Ok(o) => o,
                Err(_) => {
                    rejections.push(Rejection {
                        row: r.row,
                        field: "income_score",
                        kind: RejectionKind::NoScoreLines,
                    });
                    continue;
                }
            };
            let (income_per_capita, income_score) = match r.income {
                Income::Vnd(v) => (Some(v), None),
                Income::Score(s) => (None, Some(i64::from(s))),
            };
            let review = NewReview {
                household_id,
                year,
                round: RoundKind::Periodic,
                review_date,
                commune_id: h[1].int().unwrap_or(0),
                village_id: h[2].int(),
                area: area.code().to_owned(),
                ethnic_minority: h[5]
                    .text()
                    .is_some_and(giamngheo_core::registry::is_ethnic_minority),
                members: h[4].int().unwrap_or(0),
                standard_id: classifier.standard().id.clone(),
                income_per_capita,
                income_score,
                deprivations: r.deprivations.0,
                computed_class: outcome.class,
                reason: classifier.reason(&outcome, Lang::Vi),
                decided: r.decided,
                corrects: None,
                facts: None,
            };
            let existing = self.conn.query_one(
                "SELECT id, decided_on, income_per_capita, income_score, deprivations, decided_class, standard_id FROM review \
                 WHERE household_id = $1 AND year = $2 AND round = 'periodic' \
                 AND NOT EXISTS (SELECT 1 FROM review w WHERE w.corrects_id = review.id) ORDER BY id DESC LIMIT 1",
                &[household_id.into(), Value::from(year)],
            )?;
            let prior = match existing {
                None => None,
                Some(e) => {
                    let same = e[2].int() == income_per_capita
                        && e[3].int() == income_score
                        && e[4].int() == Some(i64::from(r.deprivations.0))
                        && e[5].text() == r.decided.map(|(c, _)| c.code())
                        && e[6].text() == Some(classifier.standard().id.as_str());
                    let decided = e[1].text().is_some();
                    if decided && !same {
                        rejections.push(Rejection {
                            row: r.row,
                            field: "household_code",
                            kind: RejectionKind::AlreadyDecided {
                                code: r.household_code.clone(),
                                year,
                            },
                        });
                        continue;
                    }
                    Some((e[0].int().unwrap_or(0), same))
                }
            };
            summary.by_class[outcome.class as usize] += 1;
            planned.push((review, prior));
        }
        if !rejections.is_empty() {
            rejections.sort_by_key(|r| r.row);
            return Err(StoreError::Rejected(rejections));
        }
        self.conn.transaction(|c| {
            let mut id = next_id(c, IdTable::Review)?;
            let mut batch = BatchInsert::new(c.backend(), REVIEW_COLUMNS, 21);
            for (review, prior) in &planned {
                match prior {
                    Some((_, true)) => {
                        summary.unchanged += 1;
                        continue;
                    }
                    Some((old, false)) => {
                        c.execute("DELETE FROM review WHERE id = $1", &[(*old).into()])?;
                        summary.replaced += 1;
                    }
                    None => summary.added += 1,
                }
                batch.push(c, review_values(id, review))?;
                id += 1;
            }
            batch.flush(c)?;
            record_one(
                c,
                actor,
                Change {
                    action: "import_reviews",
                    entity: "review",
                    entity_id: format!("{year}"),
                    old_value: None,
                    new_value: Some(format!(
                        "standard={} added={} replaced={} unchanged={}",
                        classifier.standard().id,
                        summary.added,
                        summary.replaced,
                        summary.unchanged
                    )),
                    reason: None,
                },
            )?;
            Ok(summary)
        })
    }

    /// The latest periodic review of each household for `year`, ordered by household code.
    pub fn export_reviews(&mut self, year: i32) -> Result<Vec<ReviewRow>, StoreError> {
        let rows = self.conn.query(
            "SELECT h.code, v.year, v.review_date, v.standard_id, v.area, v.income_per_capita, v.income_score, v.deprivations, \
             v.computed_class, v.decided_class, v.decided_on, v.reason FROM review v JOIN household h ON h.id = v.household_id \
             WHERE v.year = $1 AND v.round = 'periodic' AND NOT EXISTS (SELECT 1 FROM review w WHERE w.corrects_id = v.id) \
             ORDER BY h.code, v.id",
            &[Value::from(year)],
        )?;
        // Sorted here, not by the database: PostgreSQL's collation and SQLite's byte order differ.
        let mut rows = rows;
        rows.sort_by(|a, b| a[0].text().cmp(&b[0].text()));
        Ok(rows
            .into_iter()
            .map(|r| ReviewRow {
                household_code: r[0].text().unwrap_or_default().to_owned(),
                year: r[1].int().unwrap_or(0),
                review_date: r[2].text().unwrap_or_default().to_owned(),
                standard_id: r[3].text().unwrap_or_default().to_owned(),
                area: r[4].text().unwrap_or_default().to_owned(),
                income_per_capita: r[5].int(),
                income_score: r[6].int(),
                deprivations: r[7].int().unwrap_or(0) as u32,
                computed_class: r[8].text().unwrap_or_default().to_owned(),
                decided_class: r[9].text().map(str::to_owned),
                decided_on: r[10].text().map(str::to_owned),
                reason: r[11].text().unwrap_or_default().to_owned(),
            })
            .collect())
    }
}

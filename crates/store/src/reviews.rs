//! Review records: for each household and review, the facts, the standard, the computed class with its reason,
//! and the decided class. Decided records are immutable (the database refuses changes); a correction is a new
//! record that points to the one it corrects.

use giamngheo_core::Class;
use giamngheo_core::date::Date;

use crate::Store;
use crate::db::{BatchInsert, Conn, Value};
use crate::error::StoreError;
use crate::units::next_id;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Round {
    /// The annual review, 1 September to 14 December.
    Periodic,
    /// A review in the year, on request.
    InYear,
}

impl Round {
    pub fn code(self) -> &'static str {
        match self {
            Round::Periodic => "periodic",
            Round::InYear => "in_year",
        }
    }
}

/// A review to record. The class and reason come from the classifier; where the household lived, its size
/// and whether its head belongs to an ethnic minority are kept as they were on the review date.
#[derive(Clone, Debug, PartialEq)]
pub struct NewReview {
    pub household_id: i64,
    pub year: i32,
    pub round: Round,
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
    pub round: String,
    pub review_date: String,
    pub standard_id: String,
    pub income_per_capita: Option<i64>,
    pub income_score: Option<i64>,
    pub deprivation_count: i64,
    pub computed_class: String,
    pub reason: String,
    pub decided_class: Option<String>,
    pub decided_on: Option<String>,
    pub corrects_id: Option<i64>,
}

const REVIEW_COLUMNS: &str = "INSERT INTO review (id, household_id, year, round, review_date, commune_id, village_id, area, \
     ethnic_minority, members, standard_id, income_per_capita, income_score, deprivations, deprivation_count, \
     computed_class, reason, decided_class, decided_on, corrects_id, facts)";

fn review_values(id: i64, r: &NewReview) -> Vec<Value> {
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

impl Store {
    /// Records reviews in one transaction; returns the id of the first (ids are consecutive).
    pub fn insert_reviews(&mut self, reviews: &[NewReview]) -> Result<i64, StoreError> {
        self.conn.transaction(|c| {
            let first = next_id(c, "review")?;
            let mut batch = BatchInsert::new(c.backend(), REVIEW_COLUMNS, 21);
            for (i, r) in reviews.iter().enumerate() {
                batch.push(c, review_values(first + i as i64, r))?;
            }
            batch.flush(c)?;
            Ok(first)
        })
    }

    /// Decides a review: the class the commune chairman recognised. Deciding twice is refused.
    pub fn decide_review(&mut self, id: i64, class: Class, on: Date) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE review SET decided_class = $2, decided_on = $3 WHERE id = $1 AND decided_on IS NULL",
            &[id.into(), class.code().into(), on.iso().into()],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "undecided review",
                key: id.to_string(),
            });
        }
        Ok(())
    }

    /// Records a correction of a decided review as a new review pointing to it.
    pub fn correct_review(
        &mut self,
        corrected: i64,
        mut review: NewReview,
    ) -> Result<i64, StoreError> {
        review.corrects = Some(corrected);
        self.insert_reviews(std::slice::from_ref(&review))
    }

    /// Changes the reason of a review (allowed only while it is undecided).
    pub fn set_review_reason(&mut self, id: i64, reason: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE review SET reason = $2 WHERE id = $1",
            &[id.into(), reason.into()],
        )?;
        Ok(())
    }

    pub fn delete_review(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM review WHERE id = $1", &[id.into()])?;
        Ok(())
    }
}

pub(crate) fn reviews_of(c: &mut Conn, household_id: i64) -> Result<Vec<ReviewView>, StoreError> {
    let rows = c.query(
        "SELECT id, year, round, review_date, standard_id, income_per_capita, income_score, deprivation_count, \
         computed_class, reason, decided_class, decided_on, corrects_id FROM review WHERE household_id = $1 ORDER BY year, id",
        &[household_id.into()],
    )?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut it = r.into_iter();
            let mut next = || it.next().unwrap_or(Value::Null);
            ReviewView {
                id: next().int().unwrap_or(0),
                year: next().int().unwrap_or(0),
                round: next().into_text().unwrap_or_default(),
                review_date: next().into_text().unwrap_or_default(),
                standard_id: next().into_text().unwrap_or_default(),
                income_per_capita: next().int(),
                income_score: next().int(),
                deprivation_count: next().int().unwrap_or(0),
                computed_class: next().into_text().unwrap_or_default(),
                reason: next().into_text().unwrap_or_default(),
                decided_class: next().into_text(),
                decided_on: next().into_text(),
                corrects_id: next().int(),
            }
        })
        .collect())
}

//! Transitions and deprivation profiles of a unit year by year, from each household's periodic reviews (the
//! latest record of a year: a correction replaces the record it corrects; the decided class counts, else the
//! computed one).

use std::collections::BTreeMap;

use giamngheo_core::date::Date;
use giamngheo_core::ids::HouseholdCode;
use giamngheo_core::transition::{Transition, TransitionTracker};
use giamngheo_core::{Area, Class};

use crate::Store;
use crate::db::{Value, parse_date};
use crate::error::StoreError;
use crate::rates::fill_rate_units;

/// How many of a unit's households reviewed in a year made each transition since their previous review.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YearTransitions {
    pub year: i32,
    pub reviewed: i64,
    pub counts: BTreeMap<Transition, i64>,
}

impl YearTransitions {
    pub fn count(&self, t: Transition) -> i64 {
        self.counts.get(&t).copied().unwrap_or(0)
    }
}

/// For each indicator (bit `i` of the standard's list), the reviewed households deprived in it and those
/// both poor and deprived.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YearProfile {
    pub year: i32,
    pub standard_id: String,
    pub reviewed: i64,
    pub poor: i64,
    pub deprived: Vec<i64>,
    pub poor_deprived: Vec<i64>,
}

/// The review `v` lies in the units of `rates::fill_rate_units` (a literal, so statements stay `&'static`).
macro_rules! in_units {
    () => {
        "(v.village_id IN (SELECT id FROM rate_units) OR (v.village_id IS NULL AND v.commune_id IN (SELECT id FROM rate_units)))"
    };
}

impl Store {
    /// Transitions of the households reviewed in `unit_id` (on its `boundaries`) in each year `from..=to`: the
    /// class of that review against the household's previous periodic review wherever it lived then, and
    /// whether it was poor at any review before that (re-poor). Classified by `core::transition`.
    pub fn transitions(
        &mut self,
        unit_id: i64,
        boundaries: Date,
        from: i32,
        to: i32,
    ) -> Result<Vec<YearTransitions>, StoreError> {
        fill_rate_units(&mut self.conn, unit_id, boundaries)?;
        let sql = concat!(
            "SELECT v.household_id, v.year, coalesce(v.decided_class, v.computed_class), CASE WHEN ",
            in_units!(),
            " THEN 1 ELSE 0 END FROM review v WHERE v.round = 'periodic' AND v.year <= $2 \
             AND NOT EXISTS (SELECT 1 FROM review w WHERE w.corrects_id = v.id) \
             AND v.household_id IN (SELECT v.household_id FROM review v WHERE v.round = 'periodic' \
             AND v.year >= $1 AND v.year <= $2 AND ",
            in_units!(),
            ") ORDER BY v.household_id, v.year, v.id"
        );
        let mut years: Vec<YearTransitions> = (from..=to)
            .map(|year| YearTransitions {
                year,
                ..Default::default()
            })
            .collect();
        // One household's reviews arrive together, oldest first; of several records in a year the last counts.
        let mut household = None;
        let mut pending: Option<(i32, Class, bool)> = None;
        let mut tracker = TransitionTracker::default();
        let mut flush = |tracker: &mut TransitionTracker, p: Option<(i32, Class, bool)>| {
            if let Some((year, class, here)) = p {
                let t = tracker.next(class);
                if here && year >= from {
                    let y = &mut years[(year - from) as usize];
                    y.reviewed += 1;
                    *y.counts.entry(t).or_default() += 1;
                }
            }
        };
        self.conn
            .query_each(sql, &[Value::from(from), Value::from(to)], &mut |r| {
                let h = r[0].int();
                let year = r[1].int().unwrap_or(0) as i32;
                let class = r[2].text().and_then(Class::parse).unwrap_or(Class::NotPoor);
                let here = r[3].int() == Some(1);
                if h != household {
                    flush(&mut tracker, pending.take());
                    tracker = TransitionTracker::default();
                    household = h;
                } else if pending.is_some_and(|(y, ..)| y != year) {
                    flush(&mut tracker, pending.take());
                }
                pending = Some((year, class, here));
                Ok(())
            })?;
        flush(&mut tracker, pending.take());
        Ok(years)
    }

    /// The deprivation profile of the households reviewed in `unit_id` each year `from..=to`.
    pub fn profile(
        &mut self,
        unit_id: i64,
        boundaries: Date,
        from: i32,
        to: i32,
    ) -> Result<Vec<YearProfile>, StoreError> {
        fill_rate_units(&mut self.conn, unit_id, boundaries)?;
        let sql = concat!(
            "SELECT v.year, v.standard_id, v.deprivations, \
             CASE WHEN coalesce(v.decided_class, v.computed_class) = 'poor' THEN 1 ELSE 0 END AS poor, count(*) \
             FROM review v WHERE v.round = 'periodic' AND v.year >= $1 AND v.year <= $2 AND ",
            in_units!(),
            " AND NOT EXISTS (SELECT 1 FROM review w WHERE w.corrects_id = v.id) \
             GROUP BY v.year, v.standard_id, v.deprivations, poor ORDER BY v.year"
        );
        let mut out: Vec<YearProfile> = Vec::new();
        for r in self
            .conn
            .query(sql, &[Value::from(from), Value::from(to)])?
        {
            let year = r[0].int().unwrap_or(0) as i32;
            let n = r[4].int().unwrap_or(0);
            let bits = r[2].int().unwrap_or(0) as u32;
            let poor = r[3].int() == Some(1);
            if out.last().is_none_or(|p| p.year != year) {
                out.push(YearProfile {
                    year,
                    standard_id: r[1].text().unwrap_or_default().to_owned(),
                    deprived: vec![0; 32],
                    poor_deprived: vec![0; 32],
                    ..Default::default()
                });
            }
            let p = out
                .last_mut()
                .unwrap_or_else(|| unreachable!("pushed above"));
            p.reviewed += n;
            if poor {
                p.poor += n;
            }
            for i in 0..32 {
                if bits & (1 << i) != 0 {
                    p.deprived[i] += n;
                    if poor {
                        p.poor_deprived[i] += n;
                    }
                }
            }
        }
        Ok(out)
    }
}

/// A household on the poor or near-poor list of a year.
#[derive(Clone, Debug, PartialEq)]
pub struct ListedHousehold {
    pub code: HouseholdCode,
    pub head: String,
    pub commune: String,
    pub village: String,
    pub area: Area,
    pub ethnic_minority: bool,
    pub members: i64,
    pub income_per_capita: Option<i64>,
    pub income_score: Option<i64>,
    pub deprivation_count: i64,
    pub class: Class,
    pub decided_on: Option<Date>,
}

impl Store {
    /// The households of `unit_id` whose periodic review of `year` put them in `class` (decided, else
    /// computed), with the head on the review date; ordered by commune, village and code.
    pub fn household_list(
        &mut self,
        unit_id: i64,
        boundaries: Date,
        year: i32,
        class: Class,
    ) -> Result<Vec<ListedHousehold>, StoreError> {
        fill_rate_units(&mut self.conn, unit_id, boundaries)?;
        let sql = concat!(
            "SELECT h.code, coalesce((SELECT min(p.full_name) FROM membership m JOIN person p ON p.id = m.person_id \
             WHERE m.household_id = v.household_id AND m.relation = 'head' AND m.valid_from <= v.review_date \
             AND (m.valid_until IS NULL OR m.valid_until >= v.review_date)), ''), \
             cu.name, coalesce(vu.name, ''), v.area, v.ethnic_minority, v.members, v.income_per_capita, v.income_score, \
             v.deprivation_count, coalesce(v.decided_class, v.computed_class), v.decided_on \
             FROM review v JOIN household h ON h.id = v.household_id JOIN unit cu ON cu.id = v.commune_id \
             LEFT JOIN unit vu ON vu.id = v.village_id \
             WHERE v.round = 'periodic' AND v.year = $1 AND coalesce(v.decided_class, v.computed_class) = $2 AND ",
            in_units!(),
            " AND NOT EXISTS (SELECT 1 FROM review w WHERE w.corrects_id = v.id) \
             ORDER BY cu.code, coalesce(vu.code, ''), h.code"
        );
        self.conn
            .query(sql, &[Value::from(year), Value::from(class.code())])?
            .into_iter()
            .map(|r| {
                let mut next = crate::db::cells(r);
                Ok(ListedHousehold {
                    code: next().decode("household", "code", HouseholdCode::parse)?,
                    head: next().into_text().unwrap_or_default(),
                    commune: next().into_text().unwrap_or_default(),
                    village: next().into_text().unwrap_or_default(),
                    area: next().decode("review", "area", Area::parse)?,
                    ethnic_minority: next().int() == Some(1),
                    members: next().int().unwrap_or(0),
                    income_per_capita: next().int(),
                    income_score: next().int(),
                    deprivation_count: next().int().unwrap_or(0),
                    class: next().decode("review", "decided_class", Class::parse)?,
                    decided_on: next().decode_opt("review", "decided_on", parse_date)?,
                })
            })
            .collect()
    }
}

impl Store {
    /// Support received from `from` to `to` (inclusive) by households living in `unit_id` (on its
    /// `boundaries`) when they received it: how many households, how many items, and the amount in đồng.
    pub fn support_received(
        &mut self,
        unit_id: i64,
        boundaries: Date,
        from: Date,
        to: Date,
    ) -> Result<(i64, i64, i64), StoreError> {
        fill_rate_units(&mut self.conn, unit_id, boundaries)?;
        let r = self.conn.query_one(
            "SELECT count(DISTINCT s.household_id), count(*), CAST(coalesce(sum(s.amount_vnd), 0) AS BIGINT) \
             FROM support s JOIN residence v ON v.household_id = s.household_id AND v.valid_from <= s.received_on \
             AND (v.valid_until IS NULL OR v.valid_until >= s.received_on) \
             WHERE s.received_on >= $1 AND s.received_on <= $2 \
             AND (v.village_id IN (SELECT id FROM rate_units) OR (v.village_id IS NULL AND v.commune_id IN (SELECT id FROM rate_units)))",
            &[from.iso().into(), to.iso().into()],
        )?;
        let n = |i: usize| r.as_ref().and_then(|r| r[i].int()).unwrap_or(0);
        Ok((n(0), n(1), n(2)))
    }
}

/// A household's last decided review up to a year, as the forecast under another standard reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct LastDecided {
    pub household_id: i64,
    pub commune_id: i64,
    pub village_id: Option<i64>,
    pub year: i32,
    pub standard_id: String,
    pub area: giamngheo_core::Area,
    pub members: i64,
    pub income_per_capita: Option<i64>,
    pub deprivations: u32,
    pub class: Class,
    /// The survey answers (TOML, as `giamngheo explain` reads them), when the review kept them.
    pub facts: Option<String>,
}

impl Store {
    /// The latest year up to `year` in which `unit_id` (on its `boundaries`) has decided periodic reviews.
    pub fn last_decided_year(
        &mut self,
        unit_id: i64,
        boundaries: Date,
        year: i32,
    ) -> Result<Option<i32>, StoreError> {
        fill_rate_units(&mut self.conn, unit_id, boundaries)?;
        let sql = concat!(
            "SELECT 1 FROM review v WHERE v.year = $1 AND v.round = 'periodic' AND v.decided_class IS NOT NULL AND ",
            in_units!(),
            " LIMIT 1"
        );
        // Year by year down, each one index range: reviews go back a few years, not centuries.
        for y in (year - 30..=year).rev() {
            if !self.conn.query(sql, &[Value::from(y)])?.is_empty() {
                return Ok(Some(y));
            }
        }
        Ok(None)
    }

    /// Each household's last decided review (periodic or in-year, corrections replacing what they correct)
    /// from `since` to `year`, for the households reviewed in `unit_id` (on its `boundaries`), handed to `f`
    /// one at a time in household order. Households whose last decided review is older than `since` are not
    /// read: the caller picks `since` from [`Store::last_decided_year`]. The reviews are read in the order of
    /// the (year, commune) index and the last of each household kept in memory: ordering a province's
    /// quarter of a million reviews by household in SQL cost more than reading them.
    pub fn last_decided_reviews(
        &mut self,
        unit_id: i64,
        boundaries: Date,
        since: i32,
        year: i32,
        f: &mut dyn FnMut(LastDecided),
    ) -> Result<(), StoreError> {
        fill_rate_units(&mut self.conn, unit_id, boundaries)?;
        // Corrected reviews are few: read once, not probed for each of a province's rows.
        let corrected: std::collections::HashSet<i64> = self
            .conn
            .query_ints(
                "SELECT corrects_id FROM review WHERE corrects_id IS NOT NULL",
                &[],
            )?
            .into_iter()
            .collect();
        // Every column but the facts, so the read stays in the covering index review_decided_cover.
        let sql = concat!(
            "SELECT v.household_id, v.commune_id, v.village_id, v.year, v.standard_id, v.area, v.members, \
             v.income_per_capita, v.deprivations, v.decided_class, v.review_date, v.id \
             FROM review v WHERE v.year >= $1 AND v.year <= $2 AND v.decided_class IS NOT NULL AND ",
            in_units!()
        );
        // Per household: the latest review by (date, id), its id, and the review itself.
        let mut last: std::collections::HashMap<i64, ((String, i64), LastDecided)> =
            std::collections::HashMap::new();
        let mut standards: Vec<String> = Vec::new();
        self.conn
            .query_each(sql, &[Value::from(since), Value::from(year)], &mut |r| {
                let mut r = r.into_iter();
                let mut next = || r.next().unwrap_or(Value::Null);
                let household_id = next().int().unwrap_or(0);
                let commune_id = next().int().unwrap_or(0);
                let village_id = next().int();
                let review_year = next().int().unwrap_or(0) as i32;
                let standard = next();
                let area = giamngheo_core::Area::parse(next().text().unwrap_or_default())
                    .unwrap_or(giamngheo_core::Area::Rural);
                let members = next().int().unwrap_or(0);
                let income_per_capita = next().int();
                let deprivations = next().int().unwrap_or(0) as u32;
                let class =
                    Class::parse(next().text().unwrap_or_default()).unwrap_or(Class::NotPoor);
                let key = (
                    next().into_text().unwrap_or_default(),
                    next().int().unwrap_or(0),
                );
                if corrected.contains(&key.1)
                    || last.get(&household_id).is_some_and(|(k, _)| *k >= key)
                {
                    return Ok(());
                }
                // A handful of standards across a province: one copy of each id, cloned per row.
                let standard = standard.text().unwrap_or_default();
                let standard_id = match standards.iter().find(|s| *s == standard) {
                    Some(s) => s.clone(),
                    None => {
                        standards.push(standard.to_owned());
                        standard.to_owned()
                    }
                };
                last.insert(
                    household_id,
                    (
                        key,
                        LastDecided {
                            household_id,
                            commune_id,
                            village_id,
                            year: review_year,
                            standard_id,
                            area,
                            members,
                            income_per_capita,
                            deprivations,
                            class,
                            facts: None,
                        },
                    ),
                );
                Ok(())
            })?;
        // The survey facts of the reviews kept, by their own small index (most reviews carry none).
        let kept: std::collections::HashMap<i64, i64> = last
            .iter()
            .map(|(household, ((_, review), _))| (*review, *household))
            .collect();
        self.conn.query_each(
            "SELECT id, facts FROM review WHERE year >= $1 AND year <= $2 AND facts IS NOT NULL",
            &[Value::from(since), Value::from(year)],
            &mut |r| {
                let mut r = r.into_iter();
                let id = r.next().and_then(|v| v.int()).unwrap_or(0);
                if let Some(household) = kept.get(&id)
                    && let Some((_, row)) = last.get_mut(household)
                {
                    row.facts = r.next().and_then(|v| v.into_text());
                }
                Ok(())
            },
        )?;
        let mut rows: Vec<LastDecided> = last.into_values().map(|(_, r)| r).collect();
        rows.sort_unstable_by_key(|r| r.household_id);
        for r in rows {
            f(r);
        }
        Ok(())
    }

    /// The codes of households by id, for the few a report lists (read in batches by the primary key).
    pub fn household_codes(
        &mut self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, HouseholdCode>, StoreError> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(64) {
            let mut params: Vec<Value> = chunk.iter().map(|id| Value::Int(*id)).collect();
            params.resize(64, Value::Int(0));
            for r in self.conn.query(
                "SELECT id, code FROM household WHERE id IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
                 $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, \
                 $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50, $51, $52, \
                 $53, $54, $55, $56, $57, $58, $59, $60, $61, $62, $63, $64)",
                &params,
            )? {
                out.insert(
                    r[0].int().unwrap_or(0),
                    r[1].clone()
                        .decode("household", "code", HouseholdCode::parse)?,
                );
            }
        }
        Ok(out)
    }
}

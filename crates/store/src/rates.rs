//! Poor-household rates of a unit, on the boundaries of any date: households resident on each review date in
//! the villages and communes that lay under the unit on the boundary date, and those decided poor or near-poor.

use giamngheo_core::date::Date;
use giamngheo_core::registry::is_ethnic_minority;

use crate::Store;
use crate::db::{Backend, Conn, Value};
use crate::error::StoreError;

/// Households and those poor and near-poor in one group (all, urban, rural, ethnic-minority).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counts {
    pub households: i64,
    pub poor: i64,
    pub near_poor: i64,
}

impl Counts {
    pub fn poor_rate(&self) -> f64 {
        percent(self.poor, self.households)
    }

    pub fn near_poor_rate(&self) -> f64 {
        percent(self.near_poor, self.households)
    }
}

/// `100 × part ÷ whole`, 0 for an empty group.
pub fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct YearRate {
    pub year: i32,
    pub standard_id: Option<String>,
    pub households: i64,
    pub poor: i64,
    pub near_poor: i64,
    /// Households by area of residence on the review date, and by the ethnicity of their head then (any
    /// ethnicity but Kinh, `registry::is_ethnic_minority`); poor and near-poor by what the review recorded.
    pub urban: Counts,
    pub rural: Counts,
    pub ethnic_minority: Counts,
}

impl YearRate {
    pub fn all(&self) -> Counts {
        Counts {
            households: self.households,
            poor: self.poor,
            near_poor: self.near_poor,
        }
    }

    pub fn poor_rate(&self) -> f64 {
        self.all().poor_rate()
    }

    pub fn near_poor_rate(&self) -> f64 {
        self.all().near_poor_rate()
    }
}

/// Whether each year's standard differs from the year before it in the list: the break a report marks, since
/// rates under two standards are not comparable.
pub fn standard_breaks(rates: &[YearRate]) -> Vec<bool> {
    rates
        .iter()
        .enumerate()
        .map(|(i, r)| i > 0 && rates[i - 1].standard_id != r.standard_id)
        .collect()
}

/// Fills the temporary table `rate_units` with the unit and every unit under it on the boundary date; queries
/// then select records whose village (or commune, for records without a village) is in it.
pub(crate) fn fill_rate_units(
    c: &mut Conn,
    unit_id: i64,
    boundaries: Date,
) -> Result<(), StoreError> {
    c.batch("CREATE TEMP TABLE IF NOT EXISTS rate_units (id BIGINT PRIMARY KEY)")?;
    c.batch("DELETE FROM rate_units")?;
    c.execute(
        "INSERT INTO rate_units (id) WITH RECURSIVE sub(id) AS (SELECT CAST($1 AS BIGINT) UNION \
         SELECT p.unit_id FROM unit_parent p JOIN sub ON p.parent_id = sub.id \
         WHERE (p.valid_from IS NULL OR p.valid_from <= $2) AND (p.valid_until IS NULL OR p.valid_until >= $2)) \
         SELECT id FROM sub",
        &[unit_id.into(), boundaries.iso().into()],
    )?;
    Ok(())
}

/// Fills the cache of resident households on `day` and of the periodic reviews of `year`, for the whole
/// registry, unless it holds them already (migration 0005: any change to the registry empties it). The latest
/// record of each household's review counts (a correction replaces the record it corrects), by its decided
/// class, else its computed one.
/// Runs inside the caller's transaction.
fn ensure_cached(c: &mut Conn, year: i32, day: Date) -> Result<(), StoreError> {
    let d = day.iso();
    let y = year.to_string();
    let cached = |c: &mut Conn, kind: &'static str, key: &str| -> Result<bool, StoreError> {
        Ok(c.query_one(
            "SELECT 1 FROM rate_cached WHERE kind = $1 AND key = $2",
            &[kind.into(), key.into()],
        )?
        .is_some())
    };
    {
        if !cached(c, "households", &d)? {
            c.execute(
                "DELETE FROM rate_households WHERE day = $1",
                &[d.clone().into()],
            )?;
            c.execute(
                "INSERT INTO rate_households (day, commune_id, village_id, area, ethnicity, households) \
                 SELECT $1, x.commune_id, x.village_id, x.area, x.ethnicity, count(*) FROM \
                 (SELECT r.commune_id, r.village_id, r.area, \
                  (SELECT min(p.ethnicity) FROM membership m JOIN person p ON p.id = m.person_id \
                   WHERE m.household_id = r.household_id AND m.relation = 'head' AND m.valid_from <= $1 \
                   AND (m.valid_until IS NULL OR m.valid_until >= $1)) AS ethnicity \
                  FROM residence r WHERE r.valid_from <= $1 AND (r.valid_until IS NULL OR r.valid_until >= $1)) x \
                 GROUP BY x.commune_id, x.village_id, x.area, x.ethnicity",
                &[d.clone().into()],
            )?;
            c.execute(
                "INSERT INTO rate_cached (kind, key) VALUES ('households', $1)",
                &[d.clone().into()],
            )?;
        }
        if !cached(c, "reviews", &y)? {
            c.execute("DELETE FROM rate_reviews WHERE year = $1", &[year.into()])?;
            c.execute(
                "INSERT INTO rate_reviews (year, commune_id, village_id, area, ethnic_minority, class, standard_id, reviews) \
                 SELECT $1, v.commune_id, v.village_id, v.area, v.ethnic_minority, coalesce(v.decided_class, v.computed_class), \
                 v.standard_id, count(*) FROM review v \
                 WHERE v.year = $1 AND v.round = 'periodic' AND NOT EXISTS (SELECT 1 FROM review w WHERE w.corrects_id = v.id) \
                 GROUP BY v.commune_id, v.village_id, v.area, v.ethnic_minority, coalesce(v.decided_class, v.computed_class), v.standard_id",
                &[year.into()],
            )?;
            c.execute(
                "INSERT INTO rate_cached (kind, key) VALUES ('reviews', $1)",
                &[y.clone().into()],
            )?;
        }
    }
    Ok(())
}

impl Store {
    /// Rates of `unit_id` (as it stood on `boundaries`) for each year, counting households resident on that
    /// year's review date and the latest record of each household's periodic review (a correction replaces
    /// the record it corrects). The decided class counts; an undecided review counts by its computed class.
    pub fn rates(
        &mut self,
        unit_id: i64,
        boundaries: Date,
        years: &[(i32, Date)],
    ) -> Result<Vec<YearRate>, StoreError> {
        let b = boundaries.iso();
        if let Some(done) = cached_results(&mut self.conn, unit_id, &b, years)? {
            return Ok(done);
        }
        // Counted, remembered and read in one transaction: a change to the registry either comes before (and
        // is counted) or after (and empties what was remembered).
        self.conn.transaction(|c| {
            if c.backend() == Backend::Postgres {
                // Two reports filling the same day at once would count it twice.
                c.batch("LOCK TABLE rate_cached IN EXCLUSIVE MODE")?;
            }
            fill_rate_units(c, unit_id, boundaries)?;
            let out = count_rates(c, years)?;
            for r in &out {
                let day = years.iter().find(|(y, _)| *y == r.year).map(|(_, d)| d.iso()).unwrap_or_default();
                c.execute("DELETE FROM rate_results WHERE unit_id = $1 AND boundaries = $2 AND year = $3 AND day = $4",
                    &[unit_id.into(), b.clone().into(), r.year.into(), day.clone().into()])?;
                c.execute(
                    "INSERT INTO rate_results (unit_id, boundaries, year, day, standard_id, households, poor, near_poor, \
                     urban_households, urban_poor, urban_near_poor, rural_households, rural_poor, rural_near_poor, \
                     em_households, em_poor, em_near_poor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                    &[
                        unit_id.into(),
                        b.clone().into(),
                        r.year.into(),
                        day.into(),
                        r.standard_id.clone().map_or(Value::Null, Value::from),
                        r.households.into(),
                        r.poor.into(),
                        r.near_poor.into(),
                        r.urban.households.into(),
                        r.urban.poor.into(),
                        r.urban.near_poor.into(),
                        r.rural.households.into(),
                        r.rural.poor.into(),
                        r.rural.near_poor.into(),
                        r.ethnic_minority.households.into(),
                        r.ethnic_minority.poor.into(),
                        r.ethnic_minority.near_poor.into(),
                    ],
                )?;
            }
            Ok(out)
        })
    }
}

/// The remembered results of a unit for these years, if every one is there and the counts it came from are
/// still valid.
fn cached_results(
    c: &mut Conn,
    unit_id: i64,
    boundaries: &str,
    years: &[(i32, Date)],
) -> Result<Option<Vec<YearRate>>, StoreError> {
    let mut out = Vec::with_capacity(years.len());
    for (year, day) in years {
        let Some(r) = c.query_one(
            "SELECT standard_id, households, poor, near_poor, urban_households, urban_poor, urban_near_poor, \
             rural_households, rural_poor, rural_near_poor, em_households, em_poor, em_near_poor FROM rate_results \
             WHERE unit_id = $1 AND boundaries = $2 AND year = $3 AND day = $4 \
             AND EXISTS (SELECT 1 FROM rate_cached WHERE kind = 'households' AND key = $4) \
             AND EXISTS (SELECT 1 FROM rate_cached WHERE kind = 'reviews' AND key = $5)",
            &[
                unit_id.into(),
                boundaries.into(),
                (*year).into(),
                day.iso().into(),
                year.to_string().into(),
            ],
        )?
        else {
            return Ok(None);
        };
        let n = |i: usize| r[i].int().unwrap_or(0);
        let counts = |i: usize| Counts {
            households: n(i),
            poor: n(i + 1),
            near_poor: n(i + 2),
        };
        out.push(YearRate {
            year: *year,
            standard_id: r[0].text().map(str::to_owned),
            households: n(1),
            poor: n(2),
            near_poor: n(3),
            urban: counts(4),
            rural: counts(7),
            ethnic_minority: counts(10),
        });
    }
    Ok(Some(out))
}

/// The rates of the units in `rate_units`, from the cache of counts (filled where missing).
fn count_rates(c: &mut Conn, years: &[(i32, Date)]) -> Result<Vec<YearRate>, StoreError> {
    let mut out = Vec::with_capacity(years.len());
    for (year, day) in years {
        ensure_cached(c, *year, *day)?;
        let d = day.iso();
        let mut rate = YearRate {
            year: *year,
            standard_id: None,
            households: 0,
            poor: 0,
            near_poor: 0,
            urban: Counts::default(),
            rural: Counts::default(),
            ethnic_minority: Counts::default(),
        };
        // Ethnicity is free text (with diacritics or without): grouped here, judged by the one core rule.
        for r in c.query(
                "SELECT h.area, h.ethnicity, CAST(sum(h.households) AS BIGINT) FROM rate_households h WHERE h.day = $1 \
                 AND (h.village_id IN (SELECT id FROM rate_units) OR (h.village_id IS NULL AND h.commune_id IN (SELECT id FROM rate_units))) \
                 GROUP BY h.area, h.ethnicity",
                &[d.into()],
            )? {
                let n = r[2].int().unwrap_or(0);
                rate.households += n;
                match r[0].text() {
                    Some("urban") => rate.urban.households += n,
                    _ => rate.rural.households += n,
                }
                if r[1].text().is_some_and(is_ethnic_minority) {
                    rate.ethnic_minority.households += n;
                }
            }
        let rows = c.query(
                "SELECT v.class, v.area, v.ethnic_minority, CAST(sum(v.reviews) AS BIGINT), min(v.standard_id) FROM rate_reviews v \
                 WHERE v.year = $1 \
                 AND (v.village_id IN (SELECT id FROM rate_units) OR (v.village_id IS NULL AND v.commune_id IN (SELECT id FROM rate_units))) \
                 GROUP BY v.class, v.area, v.ethnic_minority",
                &[Value::from(*year)],
            )?;
        for r in rows {
            let n = r[3].int().unwrap_or(0);
            let area = if r[1].text() == Some("urban") {
                &mut rate.urban
            } else {
                &mut rate.rural
            };
            let em = r[2].int().unwrap_or(0) != 0;
            match r[0].text() {
                Some("poor") => {
                    rate.poor += n;
                    area.poor += n;
                    if em {
                        rate.ethnic_minority.poor += n;
                    }
                }
                Some("near_poor") => {
                    rate.near_poor += n;
                    area.near_poor += n;
                    if em {
                        rate.ethnic_minority.near_poor += n;
                    }
                }
                _ => {}
            }
            if rate.standard_id.is_none() {
                rate.standard_id = r[4].text().map(str::to_owned);
            }
        }
        out.push(rate);
    }
    Ok(out)
}

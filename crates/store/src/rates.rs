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
    /// The communes of the unit with households on the review date, and those of them with a review that
    /// year. The counts above cover the reported communes only (all of them when none reported), so a year
    /// in which one commune of 166 has its results is that commune's rate, said to be 1 of 166, never a
    /// province's rate of 0,11 %.
    pub communes: i64,
    pub communes_reported: i64,
    /// The reviews counted that no decision has recognised yet (a round still open or in its posting period):
    /// the year's figures are provisional until it is 0.
    pub undecided: i64,
}

impl YearRate {
    /// Whether some communes of the unit have no result for the year: the figures cover only the others.
    pub fn partial(&self) -> bool {
        self.communes_reported > 0 && self.communes_reported < self.communes
    }

    /// Whether some of the year's reviews counted are not decided yet.
    pub fn provisional(&self) -> bool {
        self.undecided > 0
    }

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

/// Counts the households resident on each of `days` (ISO dates) into `rate_households`, for the whole registry
/// or (`only`) for the communes in the temporary table `rate_refresh`, in one pass over the residences and the
/// heads' memberships whatever the number of days: a head looked up per residence and day in SQL cost 3.8 s a
/// day on 1 million households. A household's ethnicity on a day is its head's then (the least by text if the
/// registry holds two heads that day), none without a head.
fn count_households(c: &mut Conn, days: &[String], only: bool) -> Result<(), StoreError> {
    use std::collections::HashMap;
    if days.len() > 64 {
        for chunk in days.chunks(64) {
            count_households(c, chunk, only)?;
        }
        return Ok(());
    }
    if days.is_empty() {
        return Ok(());
    }
    // A bit per day: which days a record covers.
    let covers = |from: &str, until: Option<&str>| -> u64 {
        days.iter().enumerate().fold(0u64, |m, (i, d)| {
            let d = d.as_str();
            if from <= d && until.is_none_or(|u| u >= d) {
                m | 1 << i
            } else {
                m
            }
        })
    };
    let mut ethnicities: Vec<String> = Vec::new();
    // (household, days covered, ethnicity index), in household order.
    let mut heads: Vec<(i64, u64, u32)> = Vec::new();
    let heads_sql: &'static str = if only {
        // From the commune's residences to their households' heads, by index (a household with two residences
        // there gives its heads twice, which changes no least ethnicity).
        // CROSS JOIN holds SQLite to that order (it knows nothing of the temporary table and scanned every
        // membership: 1.1 s for a commune of 136,636 residences).
        "SELECT m.household_id, m.valid_from, m.valid_until, p.ethnicity FROM rate_refresh f \
         CROSS JOIN residence r CROSS JOIN membership m JOIN person p ON p.id = m.person_id \
         WHERE r.commune_id = f.commune_id AND m.household_id = r.household_id AND m.relation = 'head'"
    } else {
        "SELECT m.household_id, m.valid_from, m.valid_until, p.ethnicity FROM membership m JOIN person p ON p.id = m.person_id \
         WHERE m.relation = 'head'"
    };
    c.query_each(heads_sql, &[], &mut |r| {
        let mask = covers(r[1].text().unwrap_or_default(), r[2].text());
        if mask != 0 {
            let e = r[3].text().unwrap_or_default();
            let i = match ethnicities.iter().position(|x| x == e) {
                Some(i) => i,
                None => {
                    ethnicities.push(e.to_owned());
                    ethnicities.len() - 1
                }
            };
            heads.push((r[0].int().unwrap_or(0), mask, i as u32));
        }
        Ok(())
    })?;
    heads.sort_unstable();
    // (day, commune, village, area, ethnicity) → households.
    let mut groups: HashMap<(usize, i64, Option<i64>, bool, Option<u32>), i64> = HashMap::new();
    let residences_sql: &'static str = if only {
        "SELECT r.household_id, r.valid_from, r.valid_until, r.commune_id, r.village_id, r.area \
         FROM rate_refresh f CROSS JOIN residence r WHERE r.commune_id = f.commune_id"
    } else {
        "SELECT r.household_id, r.valid_from, r.valid_until, r.commune_id, r.village_id, r.area FROM residence r"
    };
    c.query_each(residences_sql, &[], &mut |r| {
        let mask = covers(r[1].text().unwrap_or_default(), r[2].text());
        if mask == 0 {
            return Ok(());
        }
        let hh = r[0].int().unwrap_or(0);
        let commune = r[3].int().unwrap_or(0);
        let village = r[4].int();
        let urban = r[5].text() == Some("urban");
        let first = heads.partition_point(|h| h.0 < hh);
        let mine = &heads[first..first + heads[first..].partition_point(|h| h.0 == hh)];
        for day in 0..days.len() {
            if mask & (1 << day) == 0 {
                continue;
            }
            let eth = mine
                .iter()
                .filter(|h| h.1 & (1 << day) != 0)
                .map(|h| h.2)
                .min_by(|a, b| ethnicities[*a as usize].cmp(&ethnicities[*b as usize]));
            *groups
                .entry((day, commune, village, urban, eth))
                .or_default() += 1;
        }
        Ok(())
    })?;
    let mut insert = crate::db::BatchInsert::new(
        c.backend(),
        "INSERT INTO rate_households (day, commune_id, village_id, area, ethnicity, households)",
        6,
    );
    for ((day, commune, village, urban, eth), n) in groups {
        insert.push(
            c,
            [
                Value::from(days[day].as_str()),
                Value::Int(commune),
                village.map_or(Value::Null, Value::Int),
                Value::Static(if urban { "urban" } else { "rural" }),
                eth.map_or(Value::Null, |e| {
                    Value::from(ethnicities[e as usize].as_str())
                }),
                Value::Int(n),
            ],
        )?;
    }
    insert.flush(c)
}

/// Counts the periodic reviews of `years` into `rate_reviews`: the latest record of each household's review (a
/// correction replaces the record it corrects), by its decided class, else its computed one; for the whole
/// registry or (`only`) for the communes in `rate_refresh`. A statement per year, with the year as a parameter:
/// given a table of years instead, SQLite walked the whole index of every year's reviews (3.6 s a year).
fn count_reviews(c: &mut Conn, years: &[i32], only: bool) -> Result<(), StoreError> {
    let sql: &'static str = if only {
        "INSERT INTO rate_reviews (year, commune_id, village_id, area, ethnic_minority, class, standard_id, reviews, decided) \
         SELECT v.year, v.commune_id, v.village_id, v.area, v.ethnic_minority, coalesce(v.decided_class, v.computed_class), \
         v.standard_id, count(*), CASE WHEN v.decided_on IS NULL THEN 0 ELSE 1 END FROM review v \
         WHERE v.year = $1 AND v.commune_id IN (SELECT commune_id FROM rate_refresh) AND v.round = 'periodic' \
         AND NOT EXISTS (SELECT 1 FROM review w WHERE w.corrects_id = v.id) \
         GROUP BY v.year, v.commune_id, v.village_id, v.area, v.ethnic_minority, coalesce(v.decided_class, v.computed_class), v.standard_id, \
         CASE WHEN v.decided_on IS NULL THEN 0 ELSE 1 END"
    } else {
        "INSERT INTO rate_reviews (year, commune_id, village_id, area, ethnic_minority, class, standard_id, reviews, decided) \
         SELECT v.year, v.commune_id, v.village_id, v.area, v.ethnic_minority, coalesce(v.decided_class, v.computed_class), \
         v.standard_id, count(*), CASE WHEN v.decided_on IS NULL THEN 0 ELSE 1 END FROM review v \
         WHERE v.year = $1 AND v.round = 'periodic' AND NOT EXISTS (SELECT 1 FROM review w WHERE w.corrects_id = v.id) \
         GROUP BY v.year, v.commune_id, v.village_id, v.area, v.ethnic_minority, coalesce(v.decided_class, v.computed_class), v.standard_id, \
         CASE WHEN v.decided_on IS NULL THEN 0 ELSE 1 END"
    };
    for y in years {
        c.execute(sql, &[(*y).into()])?;
    }
    Ok(())
}

/// The days (of `years`' review days) and review years the cache lacks.
fn missing(c: &mut Conn, years: &[(i32, Date)]) -> Result<(Vec<String>, Vec<i32>), StoreError> {
    let mut days = Vec::new();
    let mut review_years = Vec::new();
    for (year, day) in years {
        let d = day.iso();
        if !is_cached(c, "households", &d)? && !days.contains(&d) {
            days.push(d);
        }
        if !is_cached(c, "reviews", &year.to_string())? && !review_years.contains(year) {
            review_years.push(*year);
        }
    }
    Ok((days, review_years))
}

fn is_cached(c: &mut Conn, kind: &'static str, key: &str) -> Result<bool, StoreError> {
    Ok(c.query_one(
        "SELECT 1 FROM rate_cached WHERE kind = $1 AND key = $2",
        &[kind.into(), key.into()],
    )?
    .is_some())
}

/// Fills the cache for these days and review years where it still lacks them (another report may have filled
/// some since they were found missing), for the whole registry. Runs inside the caller's transaction.
fn fill(c: &mut Conn, days: &[String], review_years: &[i32]) -> Result<(), StoreError> {
    let mut left_days = Vec::new();
    for d in days {
        if !is_cached(c, "households", d)? {
            c.execute(
                "DELETE FROM rate_households WHERE day = $1",
                &[d.clone().into()],
            )?;
            left_days.push(d.clone());
        }
    }
    let mut left_years = Vec::new();
    for y in review_years {
        if !is_cached(c, "reviews", &y.to_string())? {
            c.execute("DELETE FROM rate_reviews WHERE year = $1", &[(*y).into()])?;
            left_years.push(*y);
        }
    }
    count_households(c, &left_days, false)?;
    count_reviews(c, &left_years, false)?;
    for d in left_days {
        c.execute(
            "INSERT INTO rate_cached (kind, key) VALUES ('households', $1)",
            &[d.into()],
        )?;
    }
    for y in left_years {
        c.execute(
            "INSERT INTO rate_cached (kind, key) VALUES ('reviews', $1)",
            &[y.to_string().into()],
        )?;
    }
    Ok(())
}

/// Recounts, for every day and year the cache holds, the communes a change marked in `rate_stale` (migration
/// 0007), and forgets the remembered results of every unit that holds one of them on any date (the commune,
/// its villages, the units above it). Runs inside the caller's transaction; does nothing when nothing is marked.
pub(crate) fn refresh_stale(c: &mut Conn) -> Result<(), StoreError> {
    if c.query_one("SELECT 1 FROM rate_stale", &[])?.is_none() {
        return Ok(());
    }
    c.batch("CREATE TEMP TABLE IF NOT EXISTS rate_refresh (commune_id BIGINT PRIMARY KEY)")?;
    c.batch("DELETE FROM rate_refresh")?;
    c.batch("INSERT INTO rate_refresh (commune_id) SELECT commune_id FROM rate_stale")?;
    let days: Vec<String> = c
        .query("SELECT key FROM rate_cached WHERE kind = 'households'", &[])?
        .into_iter()
        .filter_map(|r| r[0].text().map(str::to_owned))
        .collect();
    c.batch(
        "DELETE FROM rate_households WHERE commune_id IN (SELECT commune_id FROM rate_refresh)",
    )?;
    count_households(c, &days, true)?;
    let years: Vec<i32> = c
        .query("SELECT key FROM rate_cached WHERE kind = 'reviews'", &[])?
        .into_iter()
        .filter_map(|r| r[0].text().and_then(|k| k.parse().ok()))
        .collect();
    c.batch("DELETE FROM rate_reviews WHERE commune_id IN (SELECT commune_id FROM rate_refresh)")?;
    count_reviews(c, &years, true)?;
    c.batch(
        "DELETE FROM rate_results WHERE unit_id IN ( \
         WITH RECURSIVE up(id) AS (SELECT commune_id FROM rate_refresh \
         UNION SELECT p.parent_id FROM unit_parent p JOIN up ON p.unit_id = up.id) \
         SELECT id FROM up UNION SELECT p.unit_id FROM unit_parent p WHERE p.parent_id IN (SELECT commune_id FROM rate_refresh))",
    )?;
    c.batch("DELETE FROM rate_stale WHERE commune_id IN (SELECT commune_id FROM rate_refresh)")?;
    Ok(())
}

/// Brings the cache up to date for these years before the report's own transaction. Filling what it lacks
/// takes seconds on a registry of millions (10.8 s for twelve years on 1 million households), so it is cut
/// into transactions of about a second each (the residences of all the days in one pass, then each review
/// year), and on SQLite, which has one writer at a time, the write lock is let go for a moment between them:
/// an officer saving a survey meanwhile waits for one piece, never for the whole fill (SQLite's busy handler
/// polls every 100 ms at most, so a shorter gap would rarely let it in).
pub(crate) fn prepare_cache(conn: &mut Conn, years: &[(i32, Date)]) -> Result<(), StoreError> {
    let (days, review_years) = missing(conn, years)?;
    let mut pieces: Vec<(Vec<String>, Vec<i32>)> = Vec::new();
    if !days.is_empty() {
        pieces.push((days, Vec::new()));
    }
    pieces.extend(review_years.into_iter().map(|y| (Vec::new(), vec![y])));
    pieces.push((Vec::new(), Vec::new()));
    let n = pieces.len();
    for (i, (days, review_years)) in pieces.into_iter().enumerate() {
        conn.transaction(|c| {
            if c.backend() == Backend::Postgres {
                // Two reports filling the same day at once would count it twice.
                c.batch("LOCK TABLE rate_cached IN EXCLUSIVE MODE")?;
            }
            fill(c, &days, &review_years)?;
            // The last piece: the communes changed meanwhile.
            if i + 1 == n { refresh_stale(c) } else { Ok(()) }
        })?;
        if i + 1 < n && conn.backend() == Backend::Sqlite {
            std::thread::sleep(std::time::Duration::from_millis(120));
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
        prepare_cache(&mut self.conn, years)?;
        // Counted, remembered and read in one transaction: a change to the registry either comes before (and
        // is counted) or after (and marks what was remembered stale).
        self.conn.transaction(|c| {
            if c.backend() == Backend::Postgres {
                // Two reports filling the same day at once would count it twice.
                c.batch("LOCK TABLE rate_cached IN EXCLUSIVE MODE")?;
            }
            refresh_stale(c)?;
            fill_rate_units(c, unit_id, boundaries)?;
            let out = count_rates(c, years)?;
            for r in &out {
                let day = years.iter().find(|(y, _)| *y == r.year).map(|(_, d)| d.iso()).unwrap_or_default();
                c.execute("DELETE FROM rate_results WHERE unit_id = $1 AND boundaries = $2 AND year = $3 AND day = $4",
                    &[unit_id.into(), b.clone().into(), r.year.into(), day.clone().into()])?;
                c.execute(
                    "INSERT INTO rate_results (unit_id, boundaries, year, day, standard_id, households, poor, near_poor, \
                     urban_households, urban_poor, urban_near_poor, rural_households, rural_poor, rural_near_poor, \
                     em_households, em_poor, em_near_poor, communes, communes_reported, undecided) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
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
                        r.communes.into(),
                        r.communes_reported.into(),
                        r.undecided.into(),
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
             rural_households, rural_poor, rural_near_poor, em_households, em_poor, em_near_poor, communes, communes_reported, undecided FROM rate_results \
             WHERE unit_id = $1 AND boundaries = $2 AND year = $3 AND day = $4 \
             AND EXISTS (SELECT 1 FROM rate_cached WHERE kind = 'households' AND key = $4) \
             AND EXISTS (SELECT 1 FROM rate_cached WHERE kind = 'reviews' AND key = $5) \
             AND NOT EXISTS (SELECT 1 FROM rate_stale)",
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
            communes: n(13),
            communes_reported: n(14),
            undecided: n(15),
        });
    }
    Ok(Some(out))
}

/// Up to this many units (a commune and its villages, a district), a unit's counts are found by an index
/// probe per unit; above it (a province: 5,340 units) one pass over the day's counts of every place is
/// cheaper (measured warm on 1 million households: 15 ms a day against 44-90 ms of probes).
const PROBE_MAX_UNITS: i64 = 500;

// Records count by their village, or by their commune when they have none; the halves of a probe are summed by
// the caller. CROSS JOIN holds SQLite to unit by unit (migration 0009's indexes).
// Each group also by commune, so that a year's figures can cover the communes that reported and say how many.
const HOUSEHOLDS_BY_PROBE: &str = "SELECT h.area, h.ethnicity, CAST(sum(h.households) AS BIGINT), h.commune_id FROM rate_units u CROSS JOIN rate_households h \
     WHERE h.village_id = u.id AND h.day = $1 GROUP BY h.commune_id, h.area, h.ethnicity \
     UNION ALL \
     SELECT h.area, h.ethnicity, CAST(sum(h.households) AS BIGINT), h.commune_id FROM rate_units u CROSS JOIN rate_households h \
     WHERE h.commune_id = u.id AND h.village_id IS NULL AND h.day = $1 GROUP BY h.commune_id, h.area, h.ethnicity";
const HOUSEHOLDS_BY_PASS: &str = "SELECT h.area, h.ethnicity, CAST(sum(h.households) AS BIGINT), h.commune_id FROM rate_households h WHERE h.day = $1 \
     AND (h.village_id IN (SELECT id FROM rate_units) OR (h.village_id IS NULL AND h.commune_id IN (SELECT id FROM rate_units))) \
     GROUP BY h.commune_id, h.area, h.ethnicity";
const REVIEWS_BY_PROBE: &str = "SELECT v.class, v.area, v.ethnic_minority, CAST(sum(v.reviews) AS BIGINT), min(v.standard_id), v.commune_id, v.decided FROM rate_units u \
     CROSS JOIN rate_reviews v WHERE v.village_id = u.id AND v.year = $1 \
     GROUP BY v.commune_id, v.class, v.area, v.ethnic_minority, v.decided \
     UNION ALL \
     SELECT v.class, v.area, v.ethnic_minority, CAST(sum(v.reviews) AS BIGINT), min(v.standard_id), v.commune_id, v.decided FROM rate_units u \
     CROSS JOIN rate_reviews v WHERE v.commune_id = u.id AND v.village_id IS NULL AND v.year = $1 \
     GROUP BY v.commune_id, v.class, v.area, v.ethnic_minority, v.decided";
const REVIEWS_BY_PASS: &str = "SELECT v.class, v.area, v.ethnic_minority, CAST(sum(v.reviews) AS BIGINT), min(v.standard_id), v.commune_id, v.decided FROM rate_reviews v \
     WHERE v.year = $1 \
     AND (v.village_id IN (SELECT id FROM rate_units) OR (v.village_id IS NULL AND v.commune_id IN (SELECT id FROM rate_units))) \
     GROUP BY v.commune_id, v.class, v.area, v.ethnic_minority, v.decided";

/// The rates of the units in `rate_units`, from the cache of counts (filled where missing).
fn count_rates(c: &mut Conn, years: &[(i32, Date)]) -> Result<Vec<YearRate>, StoreError> {
    let mut out = Vec::with_capacity(years.len());
    let (days, review_years) = missing(c, years)?;
    fill(c, &days, &review_years)?;
    let many = c
        .query_int("SELECT count(*) FROM rate_units", &[])?
        .unwrap_or(0)
        > PROBE_MAX_UNITS;
    for (year, day) in years {
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
            communes: 0,
            communes_reported: 0,
            undecided: 0,
        };
        let households = c.query(
            if many {
                HOUSEHOLDS_BY_PASS
            } else {
                HOUSEHOLDS_BY_PROBE
            },
            &[d.into()],
        )?;
        let rows = c.query(
            if many {
                REVIEWS_BY_PASS
            } else {
                REVIEWS_BY_PROBE
            },
            &[Value::from(*year)],
        )?;
        let reported: std::collections::HashSet<i64> = rows
            .iter()
            .filter(|r| r[3].int().unwrap_or(0) > 0)
            .filter_map(|r| r[5].int())
            .collect();
        let communes: std::collections::HashSet<i64> =
            households.iter().filter_map(|r| r[3].int()).collect();
        rate.communes = communes.len() as i64;
        rate.communes_reported = communes.intersection(&reported).count() as i64;
        // Ethnicity is free text (with diacritics or without): grouped here, judged by the one core rule.
        for r in &households {
            if !reported.is_empty() && !r[3].int().is_some_and(|c| reported.contains(&c)) {
                continue;
            }
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
        for r in rows {
            let n = r[3].int().unwrap_or(0);
            if r[6].int() == Some(0) {
                rate.undecided += n;
            }
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

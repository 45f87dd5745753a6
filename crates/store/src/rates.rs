//! Poor-household rates of a unit, on the boundaries of any date: households resident on each review date in
//! the villages and communes that lay under the unit on the boundary date, and those decided poor or near-poor.

use giamngheo_core::date::Date;

use crate::Store;
use crate::db::Value;
use crate::error::StoreError;

#[derive(Clone, Debug, PartialEq)]
pub struct YearRate {
    pub year: i32,
    pub standard_id: Option<String>,
    pub households: i64,
    pub poor: i64,
    pub near_poor: i64,
}

impl YearRate {
    pub fn poor_rate(&self) -> f64 {
        if self.households == 0 {
            0.0
        } else {
            100.0 * self.poor as f64 / self.households as f64
        }
    }

    pub fn near_poor_rate(&self) -> f64 {
        if self.households == 0 {
            0.0
        } else {
            100.0 * self.near_poor as f64 / self.households as f64
        }
    }
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
        let c = &mut self.conn;
        c.batch("CREATE TEMP TABLE IF NOT EXISTS rate_units (id BIGINT PRIMARY KEY)")?;
        c.batch("DELETE FROM rate_units")?;
        c.execute(
            "INSERT INTO rate_units (id) WITH RECURSIVE sub(id) AS (SELECT CAST($1 AS BIGINT) UNION \
             SELECT p.unit_id FROM unit_parent p JOIN sub ON p.parent_id = sub.id \
             WHERE (p.valid_from IS NULL OR p.valid_from <= $2) AND (p.valid_until IS NULL OR p.valid_until >= $2)) \
             SELECT id FROM sub",
            &[unit_id.into(), b.into()],
        )?;
        let mut out = Vec::with_capacity(years.len());
        for (year, day) in years {
            let d = day.iso();
            let households = c
                .query_one(
                    "SELECT count(*) FROM residence r WHERE r.valid_from <= $1 AND (r.valid_until IS NULL OR r.valid_until >= $1) \
                     AND (r.village_id IN (SELECT id FROM rate_units) OR (r.village_id IS NULL AND r.commune_id IN (SELECT id FROM rate_units)))",
                    &[d.clone().into()],
                )?
                .and_then(|r| r[0].int())
                .unwrap_or(0);
            let rows = c.query(
                "SELECT coalesce(v.decided_class, v.computed_class), count(*), min(v.standard_id) FROM review v \
                 WHERE v.year = $1 AND v.round = 'periodic' \
                 AND (v.village_id IN (SELECT id FROM rate_units) OR (v.village_id IS NULL AND v.commune_id IN (SELECT id FROM rate_units))) \
                 AND NOT EXISTS (SELECT 1 FROM review w WHERE w.corrects_id = v.id) \
                 GROUP BY coalesce(v.decided_class, v.computed_class)",
                &[Value::from(*year)],
            )?;
            let mut rate = YearRate {
                year: *year,
                standard_id: None,
                households,
                poor: 0,
                near_poor: 0,
            };
            for r in rows {
                let n = r[1].int().unwrap_or(0);
                match r[0].text() {
                    Some("poor") => rate.poor = n,
                    Some("near_poor") => rate.near_poor = n,
                    _ => {}
                }
                if rate.standard_id.is_none() {
                    rate.standard_id = r[2].text().map(str::to_owned);
                }
            }
            out.push(rate);
        }
        Ok(out)
    }
}

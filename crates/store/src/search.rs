//! Reads for the web app, each limited to an account's scope in SQL: household search by name (folded:
//! no diacritics, no case, `đ` as `d`) or citizen ID, where a household lives now, and a unit's lineage.
//!
//! `scope` is an account id whose `account_scope` rows bound the result, or `None` for the whole country.
//! A household is inside a scope when its current residence's commune or village is one of those units.

use giamngheo_core::Area;
use giamngheo_core::date::Date;
use giamngheo_core::ids::{HouseholdCode, UnitCode, UnitLevel};
use giamngheo_core::registry::Relation;
use giamngheo_core::text::fold;
use giamngheo_core::units::LineageKind;

use crate::Store;
use crate::db::{Backend, Value, parse_date};
use crate::error::StoreError;
use crate::units::{Unit, unit_from_row};

/// One member of a household that a search found.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub household_id: i64,
    pub code: HouseholdCode,
    pub name: String,
    pub relation: Relation,
    pub birth_date: Date,
    pub commune_id: i64,
    pub village_id: Option<i64>,
    pub commune_name: String,
    pub village_name: Option<String>,
}

/// Where a household lives now (or last lived, if it has no current residence).
#[derive(Clone, Debug, PartialEq)]
pub struct Whereabouts {
    pub household_id: i64,
    pub commune_id: i64,
    pub village_id: Option<i64>,
}

/// A lineage link of a unit, with the unit at the other end.
#[derive(Clone, Debug, PartialEq)]
pub struct LineageView {
    pub date: Date,
    pub kind: LineageKind,
    pub share: Option<f64>,
    /// true: this unit went into `other`; false: `other` went into this unit.
    pub outgoing: bool,
    pub other_code: UnitCode,
    pub other_name: String,
}

fn found(r: Vec<Value>) -> Result<Found, StoreError> {
    let mut next = crate::db::cells(r);
    Ok(Found {
        household_id: next().int().unwrap_or(0),
        code: next().decode("household", "code", HouseholdCode::parse)?,
        name: next().into_text().unwrap_or_default(),
        relation: next().decode("membership", "relation", Relation::parse)?,
        birth_date: next().decode("person", "birth_date", parse_date)?,
        commune_id: next().int().unwrap_or(0),
        village_id: next().int(),
        commune_name: next().into_text().unwrap_or_default(),
        village_name: next().into_text(),
    })
}

/// The columns of a [`Found`], from a `member_search` row `ms` (migration 0006).
const FOUND_FROM_MS: &str = "SELECT h.id, h.code, p.full_name, m.relation, p.birth_date, ms.commune_id, ms.village_id, cu.name, vu.name";
const FOUND_JOINS: &str = "JOIN person p ON p.id = ms.person_id \
     JOIN membership m ON m.person_id = ms.person_id AND m.household_id = ms.household_id AND m.valid_until IS NULL \
     JOIN household h ON h.id = ms.household_id \
     JOIN unit cu ON cu.id = ms.commune_id LEFT JOIN unit vu ON vu.id = ms.village_id";

/// How a folded name matches the folded query.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Match {
    /// The name starts with the query: one index range of `member_search` on (unit, name).
    Prefix,
    /// A later word of the name starts with the query ("xuan", "thi xuan" find "Nguyễn Thị Xuân"), and the name
    /// itself does not (the prefix search found those): one index range of `member_word` (migration 0019) on
    /// (unit, tail). It runs only when the prefix search left room.
    WordStart,
}

impl Match {
    /// The search table and the column compared with the query.
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Match::Prefix => ("member_search", "ms.name_fold"),
            Match::WordStart => ("member_word", "ms.tail"),
        }
    }

    /// The condition on the registry tables alone, while the search tables are stale, with `$1` and `$2` the
    /// range of [`prefix_range`]: a later word is found by scanning the names.
    fn registry_condition(self, backend: Backend, name: &str) -> String {
        let prefix = format!("{name} >= $1 AND {name} < $2");
        let find = match backend {
            Backend::Sqlite => "instr",
            Backend::Postgres => "strpos",
        };
        match self {
            Match::Prefix => prefix,
            Match::WordStart => format!("{find}({name}, ' ' || $1) > 0 AND NOT ({prefix})"),
        }
    }
}

/// The range of names that start with the folded query: from it to it followed by the last code point.
fn prefix_range(folded: &str) -> (String, String) {
    (folded.to_owned(), format!("{folded}\u{10FFFF}"))
}

/// Where a search over the search tables looks: the whole country, or one unit of the account's scope.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Within {
    Country,
    Commune,
    Village,
}

/// The search by folded name over the search tables: the condition of `m` on `$1`, `$2`, inside the unit `$3`
/// (none for the whole country), the first `$4` in the order of the compared name: one index range, read in
/// its order. A scope is searched unit by unit and the units' first rows merged in that order
/// (`Store::search_members`), so every backend shows the same first page.
fn search_sql(backend: Backend, m: Match, within: Within) -> &'static str {
    static CACHE: [std::sync::OnceLock<String>; 12] = [const { std::sync::OnceLock::new() }; 12];
    let slot = usize::from(backend == Backend::Postgres) * 6
        + usize::from(m == Match::WordStart) * 3
        + within as usize;
    CACHE[slot].get_or_init(|| build_search_sql(backend, m, within))
}

/// The same search on the registry tables themselves, while `member_search` is stale: each candidate by
/// name checked for its membership, residence and the account's scope.
fn registry_search_sql(backend: Backend, m: Match) -> &'static str {
    static CACHE: [std::sync::OnceLock<String>; 4] = [const { std::sync::OnceLock::new() }; 4];
    let slot = usize::from(backend == Backend::Postgres) * 2 + usize::from(m == Match::WordStart);
    let build = || {
        let name = m.registry_condition(backend, &by_bytes(backend, "p.name_fold"));
        format!(
            "SELECT h.id, h.code, p.full_name, m.relation, p.birth_date, r.commune_id, r.village_id, cu.name, vu.name, p.id \
             FROM person p JOIN membership m ON m.person_id = p.id AND m.valid_until IS NULL \
             JOIN household h ON h.id = m.household_id \
             JOIN residence r ON r.household_id = h.id AND r.valid_until IS NULL \
             JOIN unit cu ON cu.id = r.commune_id LEFT JOIN unit vu ON vu.id = r.village_id \
             WHERE {name} \
             AND ($3 = 0 OR EXISTS (SELECT 1 FROM account_scope s WHERE s.account_id = $3 AND (s.unit_id = r.commune_id OR s.unit_id = r.village_id))) \
             LIMIT $4"
        )
    };
    CACHE[slot].get_or_init(build)
}

/// A name column compared by byte: PostgreSQL does so only under the "C" collation, which its indexes on
/// folded names use.
fn by_bytes(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => column.to_owned(),
        Backend::Postgres => format!("{column} COLLATE \"C\""),
    }
}

fn build_search_sql(backend: Backend, m: Match, within: Within) -> String {
    let (table, column) = m.table();
    let column = by_bytes(backend, column);
    let mut name = format!("{column} >= $1 AND {column} < $2");
    if m == Match::WordStart {
        let full = by_bytes(backend, "p.name_fold");
        name.push_str(&format!(" AND NOT ({full} >= $1 AND {full} < $2)"));
    }
    // The order of each index's range (migration 0022), so that nothing is sorted: a common last word ("xuan")
    // ties thousands of names, which a sort would read whole.
    let (unit, then) = match within {
        Within::Country => ("$3 = 0", ""),
        // NULL villages first on both (PostgreSQL puts them last unless told).
        Within::Commune => (
            "ms.commune_id = $3",
            match backend {
                Backend::Sqlite => "ms.village_id, ",
                Backend::Postgres => "ms.village_id NULLS FIRST, ",
            },
        ),
        Within::Village => ("ms.village_id = $3", "ms.commune_id, "),
    };
    // The range is read and cut to its first `$4` rows on its own, then joined: every row of the search tables
    // is an open membership in an open residence, so the joins drop none, and the planner cannot mistake a
    // range of thousands (a common name across a country) for a handful and hash-join the registry whole.
    let person = if m == Match::WordStart {
        "JOIN person p ON p.id = ms.person_id "
    } else {
        ""
    };
    format!(
        "{FOUND_FROM_MS}, ms.person_id, ms.sort_key, ms.village_id FROM \
         (SELECT ms.household_id, ms.person_id, ms.commune_id, ms.village_id, {column} AS sort_key FROM {table} ms {person}\
         WHERE {unit} AND {name} ORDER BY {column}, {then}ms.household_id, ms.person_id LIMIT $4) ms {FOUND_JOINS} \
         ORDER BY ms.sort_key, {then}ms.household_id, ms.person_id"
    )
}

impl Store {
    /// Members whose folded name starts with the folded query ("nguyen van a" finds "Nguyễn Văn An"), then, while
    /// there is room, those with a later word starting with it ("xuan" and "thi xuan" find "Nguyễn Thị Xuân"), or
    /// whose citizen ID is the query, in households inside the scope; at most `limit` rows, unsorted (the
    /// caller sorts in Vietnamese order).
    pub fn search_members(
        &mut self,
        scope: Option<i64>,
        query: &str,
        limit: i64,
    ) -> Result<Vec<Found>, StoreError> {
        let q = query.trim();
        let scope = Value::Int(scope.unwrap_or(0));
        if !q.is_empty() && q.bytes().all(|b| b.is_ascii_digit()) {
            let rows = self.conn.query(
                "SELECT h.id, h.code, p.full_name, m.relation, p.birth_date, r.commune_id, r.village_id, cu.name, vu.name \
                 FROM person p JOIN membership m ON m.person_id = p.id AND m.valid_until IS NULL \
                 JOIN household h ON h.id = m.household_id \
                 JOIN residence r ON r.household_id = h.id AND r.valid_until IS NULL \
                 JOIN unit cu ON cu.id = r.commune_id LEFT JOIN unit vu ON vu.id = r.village_id \
                 WHERE p.citizen_id = $1 \
                 AND ($2 = 0 OR EXISTS (SELECT 1 FROM account_scope s WHERE s.account_id = $2 AND (s.unit_id = r.commune_id OR s.unit_id = r.village_id))) \
                 LIMIT $3",
                &[q.into(), scope, limit.into()],
            )?;
            return rows.into_iter().map(found).collect();
        }
        let folded = fold(q);
        if folded.is_empty() {
            return Ok(Vec::new());
        }
        // Left stale by a bulk write until `prepare_search`: the registry tables answer, slower but right.
        let stale = crate::households::member_search_stale(&mut self.conn)?;
        // The units searched: the whole country, or the scope's communes (its villages lie in them), or for a
        // village reviewer the scope's villages.
        let units: Vec<(Within, i64)> = match scope {
            Value::Int(0) => vec![(Within::Country, 0)],
            _ => {
                let rows = self.conn.query(
                    "SELECT s.unit_id, u.level FROM account_scope s JOIN unit u ON u.id = s.unit_id \
                     WHERE s.account_id = $1 ORDER BY s.unit_id",
                    std::slice::from_ref(&scope),
                )?;
                let of = |level: &str| -> Vec<i64> {
                    rows.iter()
                        .filter(|r| r[1].text() == Some(level))
                        .filter_map(|r| r[0].int())
                        .collect()
                };
                let communes = of("commune");
                if communes.is_empty() {
                    of("village")
                        .into_iter()
                        .map(|v| (Within::Village, v))
                        .collect()
                } else {
                    communes.into_iter().map(|c| (Within::Commune, c)).collect()
                }
            }
        };
        let (low, high) = prefix_range(&folded);
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for m in [Match::Prefix, Match::WordStart] {
            let room = limit - out.len() as i64;
            if room <= 0 {
                break;
            }
            // Two later words of one name can both start with the query ("thu" in "Lê Thu Thủy"): a member is
            // listed once, so the later-word search reads twice the room it fills.
            let fetch = if m == Match::WordStart {
                room * 2
            } else {
                room
            };
            // Each unit's first rows in the order of the compared name, then the first of them all.
            let mut rows: Vec<(String, i64, i64, i64, Vec<Value>)> = Vec::new();
            if stale {
                let sql = registry_search_sql(self.backend(), m);
                for r in self.conn.query(
                    sql,
                    &[
                        low.as_str().into(),
                        high.as_str().into(),
                        scope.clone(),
                        fetch.into(),
                    ],
                )? {
                    rows.push((String::new(), 0, 0, 0, r));
                }
            } else {
                for (within, unit) in &units {
                    let sql = search_sql(self.backend(), m, *within);
                    for r in self.conn.query(
                        sql,
                        &[
                            low.as_str().into(),
                            high.as_str().into(),
                            (*unit).into(),
                            fetch.into(),
                        ],
                    )? {
                        let key = r
                            .get(10)
                            .and_then(Value::text)
                            .unwrap_or_default()
                            .to_owned();
                        let village = r.get(11).and_then(Value::int).unwrap_or(0);
                        let (h, p) = (
                            r[0].int().unwrap_or(0),
                            r.get(9).and_then(Value::int).unwrap_or(0),
                        );
                        rows.push((key, village, h, p, r));
                    }
                }
                rows.sort_by(|a, b| (&a.0, a.1, a.2, a.3).cmp(&(&b.0, b.1, b.2, b.3)));
            }
            for (_, _, _, _, r) in rows {
                let person = r.get(9).and_then(Value::int).unwrap_or(0);
                let f = found(r)?;
                if seen.insert((f.household_id, person)) && (out.len() as i64) < limit {
                    out.push(f);
                }
            }
        }
        Ok(out)
    }

    /// Households of the scope with their head, by household code from `after` (for paging), at most `limit`.
    pub fn list_households(
        &mut self,
        scope: Option<i64>,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Found>, StoreError> {
        let rows = self.conn.query(
            "SELECT h.id, h.code, p.full_name, m.relation, p.birth_date, r.commune_id, r.village_id, cu.name, vu.name \
             FROM household h JOIN residence r ON r.household_id = h.id AND r.valid_until IS NULL \
             JOIN membership m ON m.household_id = h.id AND m.valid_until IS NULL AND m.relation = 'head' \
             JOIN person p ON p.id = m.person_id \
             JOIN unit cu ON cu.id = r.commune_id LEFT JOIN unit vu ON vu.id = r.village_id \
             WHERE h.code > $1 \
             AND ($2 = 0 OR EXISTS (SELECT 1 FROM account_scope s WHERE s.account_id = $2 AND (s.unit_id = r.commune_id OR s.unit_id = r.village_id))) \
             ORDER BY h.code LIMIT $3",
            &[after.into(), Value::Int(scope.unwrap_or(0)), limit.into()],
        )?;
        rows.into_iter().map(found).collect()
    }

    /// Where the household with this code lives now, or last lived; None if there is no such household.
    pub fn whereabouts(&mut self, code: &str) -> Result<Option<Whereabouts>, StoreError> {
        let row = self.conn.query_one(
            "SELECT h.id, r.commune_id, r.village_id FROM household h JOIN residence r ON r.household_id = h.id \
             WHERE h.code = $1 ORDER BY (CASE WHEN r.valid_until IS NULL THEN 1 ELSE 0 END) DESC, r.valid_from DESC LIMIT 1",
            &[code.into()],
        )?;
        Ok(row.map(|r| Whereabouts {
            household_id: r[0].int().unwrap_or(0),
            commune_id: r[1].int().unwrap_or(0),
            village_id: r[2].int(),
        }))
    }

    /// A unit by its code, the one valid on `date` if several units had that code over time.
    pub fn unit_by_code(
        &mut self,
        code: &str,
        date: giamngheo_core::date::Date,
    ) -> Result<Option<Unit>, StoreError> {
        for level in UnitLevel::ALL {
            if let Some(u) = self.unit_at(level, code, date)? {
                return Ok(Some(u));
            }
        }
        Ok(None)
    }

    /// The units the unit came from and went to.
    pub fn unit_lineage(&mut self, unit_id: i64) -> Result<Vec<LineageView>, StoreError> {
        let rows = self.conn.query(
            "SELECT l.date, l.kind, l.share, 1, t.code, t.name, t.level FROM unit_lineage l JOIN unit t ON t.id = l.to_id WHERE l.from_id = $1 \
             UNION ALL \
             SELECT l.date, l.kind, l.share, 0, f.code, f.name, f.level FROM unit_lineage l JOIN unit f ON f.id = l.from_id WHERE l.to_id = $1 \
             ORDER BY 1, 5",
            &[unit_id.into()],
        )?;
        rows.into_iter()
            .map(|r| {
                let level = r[6].clone().decode("unit", "level", UnitLevel::parse)?;
                let mut next = crate::db::cells(r);
                Ok(LineageView {
                    date: next().decode("unit_lineage", "date", parse_date)?,
                    kind: next().decode("unit_lineage", "kind", LineageKind::parse)?,
                    share: next().real(),
                    outgoing: next().int() == Some(1),
                    other_code: next().decode("unit", "code", |c| UnitCode::parse(level, c))?,
                    other_name: next().into_text().unwrap_or_default(),
                })
            })
            .collect()
    }

    /// A fingerprint of the registry that changes when households, events or reviews are added: cached
    /// figures computed under one fingerprint are stale under another.
    pub fn registry_fingerprint(&mut self) -> Result<(i64, i64, i64), StoreError> {
        let r = self.conn.query_one(
            "SELECT (SELECT coalesce(max(id), 0) FROM household), (SELECT coalesce(max(id), 0) FROM household_event), \
             (SELECT coalesce(max(id), 0) FROM review)",
            &[],
        )?;
        Ok(r.map_or((0, 0, 0), |r| {
            (
                r[0].int().unwrap_or(0),
                r[1].int().unwrap_or(0),
                r[2].int().unwrap_or(0),
            )
        }))
    }

    /// The area and deprivation bits of each review of a household, by review id: what the classifier needs
    /// to explain a class again in another language.
    pub fn review_inputs(
        &mut self,
        household_id: i64,
    ) -> Result<Vec<(i64, Area, u32)>, StoreError> {
        let rows = self.conn.query(
            "SELECT id, area, deprivations FROM review WHERE household_id = $1 ORDER BY id",
            &[household_id.into()],
        )?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    r[0].int().unwrap_or(0),
                    r[1].clone().decode("review", "area", Area::parse)?,
                    r[2].int().unwrap_or(0) as u32,
                ))
            })
            .collect()
    }

    /// A unit by code whatever its dates: the latest unit to carry the code.
    pub fn unit_any(&mut self, code: &str) -> Result<Option<Unit>, StoreError> {
        let row = self.conn.query_one(
            "SELECT id, level, code, name, short_name, valid_from, valid_until FROM unit WHERE code = $1 \
             ORDER BY coalesce(valid_from, '') DESC LIMIT 1",
            &[code.into()],
        )?;
        row.map(unit_from_row).transpose()
    }

    /// The units of a level valid on a date, by code.
    pub fn units_at_level(
        &mut self,
        level: UnitLevel,
        date: giamngheo_core::date::Date,
    ) -> Result<Vec<Unit>, StoreError> {
        let rows = self.conn.query(
            "SELECT id, level, code, name, short_name, valid_from, valid_until FROM unit WHERE level = $1 \
             AND (valid_from IS NULL OR valid_from <= $2) AND (valid_until IS NULL OR valid_until >= $2) ORDER BY code",
            &[level.code().into(), date.iso().into()],
        )?;
        rows.into_iter().map(unit_from_row).collect()
    }

    /// The rates of every unit directly under `unit_id` (on `boundaries`) for one year, in one pass: what
    /// [`Store::rates`] gives for each child, without one scan of the year's reviews per child (a commune
    /// has hundreds of villages). Children without any review are left out; the subgroup counts (urban, rural,
    /// ethnic minority) are left empty: the dashboard shows the totals.
    pub fn child_rates(
        &mut self,
        unit_id: i64,
        boundaries: giamngheo_core::date::Date,
        year: i32,
        review_date: giamngheo_core::date::Date,
    ) -> Result<Vec<(i64, crate::rates::YearRate)>, StoreError> {
        let b = boundaries.iso();
        let d = review_date.iso();
        crate::rates::prepare_cache(&mut self.conn, &[(year, review_date)])?;
        self.conn.transaction(|c| {
        if c.backend() == Backend::Postgres {
            c.batch("LOCK TABLE rate_cached IN EXCLUSIVE MODE")?;
        }
        crate::rates::refresh_stale(c)?;
        c.batch("CREATE TEMP TABLE IF NOT EXISTS web_child_units (id BIGINT NOT NULL, child BIGINT NOT NULL)")?;
        c.batch("DELETE FROM web_child_units")?;
        c.execute(
            "INSERT INTO web_child_units (id, child) WITH RECURSIVE sub(id, child) AS ( \
             SELECT p.unit_id, p.unit_id FROM unit_parent p WHERE p.parent_id = $1 \
             AND (p.valid_from IS NULL OR p.valid_from <= $2) AND (p.valid_until IS NULL OR p.valid_until >= $2) \
             UNION SELECT p.unit_id, sub.child FROM unit_parent p JOIN sub ON p.parent_id = sub.id \
             WHERE (p.valid_from IS NULL OR p.valid_from <= $2) AND (p.valid_until IS NULL OR p.valid_until >= $2)) \
             SELECT DISTINCT id, child FROM sub",
            &[unit_id.into(), b.into()],
        )?;
        let mut out: std::collections::BTreeMap<i64, crate::rates::YearRate> = Default::default();
        let blank = |year| crate::rates::YearRate {
            year,
            standard_id: None,
            households: 0,
            poor: 0,
            near_poor: 0,
            // The dashboard's per-child figures are totals; the breakdowns come from `Store::rates`.
            urban: Default::default(),
            rural: Default::default(),
            ethnic_minority: Default::default(),
            communes: 0,
            communes_reported: 0,
            undecided: 0,
        };
        // From the rates cache's counts: households by their village, or by their commune when they have none
        // (as `rates` does), by commune, so that each child counts the communes that reported (as `rates`).
        let households = c.query(
            "SELECT w.child, CAST(sum(h.households) AS BIGINT), h.commune_id FROM web_child_units w CROSS JOIN rate_households h \
             WHERE h.village_id = w.id AND h.day = $1 GROUP BY w.child, h.commune_id \
             UNION ALL \
             SELECT w.child, CAST(sum(h.households) AS BIGINT), h.commune_id FROM web_child_units w CROSS JOIN rate_households h \
             WHERE h.commune_id = w.id AND h.village_id IS NULL AND h.day = $1 GROUP BY w.child, h.commune_id",
            &[d.into()],
        )?;
        let reviews = c.query(
            "SELECT w.child, v.class, CAST(sum(v.reviews) AS BIGINT), min(v.standard_id), v.commune_id, v.decided FROM web_child_units w \
             CROSS JOIN rate_reviews v WHERE v.village_id = w.id AND v.year = $1 GROUP BY w.child, v.commune_id, v.class, v.decided \
             UNION ALL \
             SELECT w.child, v.class, CAST(sum(v.reviews) AS BIGINT), min(v.standard_id), v.commune_id, v.decided FROM web_child_units w \
             CROSS JOIN rate_reviews v WHERE v.commune_id = w.id AND v.village_id IS NULL AND v.year = $1 \
             GROUP BY w.child, v.commune_id, v.class, v.decided",
            &[Value::from(year)],
        )?;
        let reported: std::collections::HashSet<(i64, i64)> = reviews
            .iter()
            .filter(|r| r[2].int().unwrap_or(0) > 0)
            .filter_map(|r| Some((r[0].int()?, r[4].int()?)))
            .collect();
        let mut communes: std::collections::HashSet<(i64, i64)> = Default::default();
        for r in &households {
            let (Some(child), Some(commune)) = (r[0].int(), r[2].int()) else { continue };
            let e = out.entry(child).or_insert_with(|| blank(year));
            if communes.insert((child, commune)) {
                e.communes += 1;
                if reported.contains(&(child, commune)) {
                    e.communes_reported += 1;
                }
            }
            if reported.contains(&(child, commune)) {
                e.households += r[1].int().unwrap_or(0);
            }
        }
        for r in reviews {
            let e = out.entry(r[0].int().unwrap_or(0)).or_insert_with(|| blank(year));
            if r[5].int() == Some(0) {
                e.undecided += r[2].int().unwrap_or(0);
            }
            let n = r[2].int().unwrap_or(0);
            match r[1].text() {
                Some("poor") => e.poor += n,
                Some("near_poor") => e.near_poor += n,
                _ => {}
            }
            if e.standard_id.is_none() {
                e.standard_id = r[3].text().map(str::to_owned);
            }
        }
        Ok(out)
        })
        .map(|out| out
            .into_iter()
            .filter(|(_, r)| r.standard_id.is_some())
            .collect())
    }
}

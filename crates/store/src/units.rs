//! Administrative units over time: loading the official lists, villages, lineage, and lookups by date.

use std::collections::HashMap;

use giamngheo_core::date::Date;
use giamngheo_core::ids::{UnitCode, UnitLevel};
use giamngheo_core::text::{fold, nfc};
use giamngheo_core::units::{LineageKind, LineageLink, ReformLink, UnitLineage, UnitRecord};

use crate::Store;
use crate::audit::Actor;
use crate::db::{BatchInsert, Conn, Row, Value, parse_date};
use crate::error::StoreError;
use crate::row_ids::{IdTable, next_id};
use giamngheo_core::round::Action;

/// One unit as stored: a code valid over a range of dates.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub id: i64,
    pub level: UnitLevel,
    pub code: UnitCode,
    pub name: String,
    pub short_name: String,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitLoadSummary {
    pub provinces: u64,
    pub districts: u64,
    pub communes: u64,
    pub links: u64,
}

impl UnitLoadSummary {
    /// Counts one loaded unit of `level` (any level below a district counts as a commune).
    fn count(&mut self, level: UnitLevel) {
        match level {
            UnitLevel::Province => self.provinces += 1,
            UnitLevel::District => self.districts += 1,
            _ => self.communes += 1,
        }
    }
}

/// A unit from the columns `id, level, code, name, short_name, valid_from, valid_until`.
pub(crate) fn unit_from_row(r: Vec<Value>) -> Result<Unit, StoreError> {
    let mut next = crate::db::cells(r);
    let id = next().int().unwrap_or(0);
    let level = next().decode("unit", "level", UnitLevel::parse)?;
    Ok(Unit {
        id,
        level,
        code: next().decode("unit", "code", |c| UnitCode::parse(level, c))?,
        name: next().into_text().unwrap_or_default(),
        short_name: next().into_text().unwrap_or_default(),
        valid_from: next().decode_opt("unit", "valid_from", parse_date)?,
        valid_until: next().decode_opt("unit", "valid_until", parse_date)?,
    })
}

impl Store {
    /// Loads the official unit lists around a reform: the list in force until the day before `reform`, the
    /// list from `reform`, and the links from each old commune to its successors. Units already loaded are
    /// left as they are, so loading twice changes nothing.
    pub fn load_units(
        &mut self,
        actor: &Actor,
        before: &[UnitRecord],
        after: &[UnitRecord],
        links: &[ReformLink],
        reform: Date,
    ) -> Result<UnitLoadSummary, StoreError> {
        crate::scope::permit(actor, Action::ManageUnits)?;
        self.conn.transaction(|c| {
            if c.query_one("SELECT id FROM unit WHERE level = 'commune' AND valid_from = $1", &[reform.iso().into()])?.is_some() {
                return Ok(UnitLoadSummary::default());
            }
            let end = reform.pred().iso();
            let start = reform.iso();
            let mut id = next_id(c, IdTable::Unit)?;
            let mut summary = UnitLoadSummary::default();
            let mut units = BatchInsert::new(c.backend(),
                "INSERT INTO unit (id, level, code, name, short_name, name_fold, valid_from, valid_until, lat, lon)",
                10,
            );
            let mut parents = BatchInsert::new(c.backend(), "INSERT INTO unit_parent (unit_id, parent_id, valid_from, valid_until)", 4);
            // Provinces that keep their code across the reform are one continuing unit.
            let after_provinces: HashMap<&str, &UnitRecord> =
                after.iter().filter(|u| u.level == UnitLevel::Province).map(|u| (u.code.as_str(), u)).collect();
            let mut old_ids: HashMap<(UnitLevel, String), i64> = HashMap::new();
            let mut new_ids: HashMap<(UnitLevel, String), i64> = HashMap::new();
            for u in before {
                let continuing = u.level == UnitLevel::Province && after_provinces.contains_key(u.code.as_str());
                let until = if continuing { None } else { Some(end.clone()) };
                let rec = if continuing { after_provinces[u.code.as_str()] } else { u };
                units.push(c, unit_values(id, rec, None, until))?;
                old_ids.insert((u.level, u.code.as_str().to_owned()), id);
                if continuing {
                    new_ids.insert((u.level, u.code.as_str().to_owned()), id);
                }
                summary.count(u.level);
                id += 1;
            }
            for u in after {
                if u.level == UnitLevel::Province && new_ids.contains_key(&(u.level, u.code.as_str().to_owned())) {
                    continue;
                }
                units.push(c, unit_values(id, u, Some(start.clone()), None))?;
                new_ids.insert((u.level, u.code.as_str().to_owned()), id);
                summary.count(u.level);
                id += 1;
            }
            units.flush(c)?;
            let parent_level = |l: UnitLevel, old: bool| match l {
                UnitLevel::Commune if old => Some(UnitLevel::District),
                UnitLevel::Commune | UnitLevel::District => Some(UnitLevel::Province),
                _ => None,
            };
            for (list, ids, old) in [(before, &old_ids, true), (after, &new_ids, false)] {
                for u in list {
                    let (Some(p), Some(pl)) = (&u.parent, parent_level(u.level, old)) else { continue };
                    let (Some(child), Some(parent)) =
                        (ids.get(&(u.level, u.code.as_str().to_owned())), ids.get(&(pl, p.as_str().to_owned())))
                    else {
                        continue;
                    };
                    let (from, until) = if old { (None, Some(end.clone())) } else { (Some(start.clone()), None) };
                    parents.push(c, [Value::Int(*child), Value::Int(*parent), from.into(), until.into()])?;
                }
            }
            parents.flush(c)?;
            let mut lineage = BatchInsert::new(c.backend(),
                "INSERT INTO unit_lineage (from_id, to_id, date, kind, share, default_successor)",
                6,
            );
            let mut province_votes: HashMap<(String, String), u64> = HashMap::new();
            let old_parent: HashMap<&str, &str> = before
                .iter()
                .filter_map(|u| Some((u.code.as_str(), u.parent.as_ref()?.as_str())))
                .collect();
            let new_parent: HashMap<&str, &str> =
                after.iter().filter_map(|u| Some((u.code.as_str(), u.parent.as_ref()?.as_str()))).collect();
            for l in links {
                let (Some(from), Some(to)) = (
                    old_ids.get(&(UnitLevel::Commune, l.old.as_str().to_owned())),
                    new_ids.get(&(UnitLevel::Commune, l.new.as_str().to_owned())),
                ) else {
                    continue;
                };
                lineage.push(
                    c,
                    [
                        Value::Int(*from),
                        Value::Int(*to),
                        start.clone().into(),
                        l.kind.code().into(),
                        Value::Null,
                        l.default_successor.into(),
                    ],
                )?;
                summary.links += 1;
                if l.default_successor || l.kind == LineageKind::Merge {
                    let district = old_parent.get(l.old.as_str()).copied().unwrap_or_default();
                    let old_province = old_parent.get(district).copied().unwrap_or_default();
                    let new_province = new_parent.get(l.new.as_str()).copied().unwrap_or_default();
                    *province_votes.entry((old_province.to_owned(), new_province.to_owned())).or_default() += 1;
                }
            }
            // An old province that ended went to the new province most of its communes went to.
            let mut best: HashMap<String, (String, u64)> = HashMap::new();
            for ((old, new), n) in province_votes {
                let e = best.entry(old).or_insert((new.clone(), 0));
                if n > e.1 {
                    *e = (new, n);
                }
            }
            for (old, (new, _)) in best {
                let (Some(from), Some(to)) =
                    (old_ids.get(&(UnitLevel::Province, old.clone())), new_ids.get(&(UnitLevel::Province, new)))
                else {
                    continue;
                };
                if from != to {
                    lineage.push(
                        c,
                        [Value::Int(*from), Value::Int(*to), start.clone().into(), "merge".into(), Value::Null, true.into()],
                    )?;
                }
            }
            lineage.flush(c)?;
            crate::audit::record_bulk(c, actor, "load_units", "unit", format!(
                        "provinces={} districts={} communes={} links={}",
                        summary.provinces, summary.districts, summary.communes, summary.links
                    ))?;
            Ok(summary)
        })
    }

    /// The unit of a level with this code that existed on `date`.
    pub fn unit_at(
        &mut self,
        level: UnitLevel,
        code: &str,
        date: Date,
    ) -> Result<Option<Unit>, StoreError> {
        let d = date.iso();
        let row = self.conn.query_one(
            "SELECT id, level, code, name, short_name, valid_from, valid_until FROM unit \
             WHERE level = $1 AND code = $2 AND (valid_from IS NULL OR valid_from <= $3) \
             AND (valid_until IS NULL OR valid_until >= $3)",
            &[level.code().into(), code.into(), d.into()],
        )?;
        row.map(unit_from_row).transpose()
    }

    pub fn unit(&mut self, id: i64) -> Result<Option<Unit>, StoreError> {
        let row = self.conn.query_one(
            "SELECT id, level, code, name, short_name, valid_from, valid_until FROM unit WHERE id = $1",
            &[id.into()],
        )?;
        row.map(unit_from_row).transpose()
    }

    /// The parent of a unit on a date.
    pub fn parent_at(&mut self, unit_id: i64, date: Date) -> Result<Option<Unit>, StoreError> {
        let row = self.conn.query_one(
            "SELECT u.id, u.level, u.code, u.name, u.short_name, u.valid_from, u.valid_until \
             FROM unit_parent p JOIN unit u ON u.id = p.parent_id WHERE p.unit_id = $1 \
             AND (p.valid_from IS NULL OR p.valid_from <= $2) AND (p.valid_until IS NULL OR p.valid_until >= $2)",
            &[unit_id.into(), date.iso().into()],
        )?;
        row.map(unit_from_row).transpose()
    }

    /// The units of one level whose name or code matches, valid on `date`.
    pub fn find_units(
        &mut self,
        level: UnitLevel,
        name_or_code: &str,
        date: Date,
    ) -> Result<Vec<Unit>, StoreError> {
        let folded = fold(name_or_code);
        let rows = self.conn.query(
            "SELECT id, level, code, name, short_name, valid_from, valid_until FROM unit \
             WHERE level = $1 AND (code = $2 OR name_fold = $3 OR name_fold LIKE $4) \
             AND (valid_from IS NULL OR valid_from <= $5) AND (valid_until IS NULL OR valid_until >= $5) ORDER BY code",
            &[level.code().into(), name_or_code.trim().into(), folded.clone().into(), format!("% {folded}").into(), date.iso().into()],
        )?;
        rows.into_iter().map(unit_from_row).collect()
    }

    /// A village under a commune by its folded name, if the registry has it (villages are created only by the
    /// writes that put a household in them, under their actor's scope and audit).
    pub fn find_village(&mut self, commune_id: i64, name: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_one(
                "SELECT u.id FROM unit u JOIN unit_parent p ON p.unit_id = u.id \
                 WHERE u.level = 'village' AND p.parent_id = $1 AND u.name_fold = $2 ORDER BY u.id LIMIT 1",
                &[commune_id.into(), fold(&nfc(name.trim())).into()],
            )?
            .and_then(|r| r[0].int()))
    }

    /// Every lineage link, keyed by unit code, for mapping figures between boundaries.
    pub fn lineage(&mut self) -> Result<UnitLineage, StoreError> {
        let rows = self.conn.query(
            "SELECT f.level, f.code, t.code, l.date, l.kind, l.share, l.default_successor \
             FROM unit_lineage l JOIN unit f ON f.id = l.from_id JOIN unit t ON t.id = l.to_id",
            &[],
        )?;
        let mut links = Vec::with_capacity(rows.len());
        for r in rows {
            let Some(level) = r[0].text().and_then(UnitLevel::parse) else {
                continue;
            };
            let (Some(from), Some(to)) = (
                r[1].text().and_then(|c| UnitCode::parse(level, c)),
                r[2].text().and_then(|c| UnitCode::parse(level, c)),
            ) else {
                continue;
            };
            let (Some(date), Some(kind)) = (
                r[3].text().and_then(|d| Date::parse(d).ok()),
                r[4].text().and_then(LineageKind::parse),
            ) else {
                continue;
            };
            links.push(LineageLink {
                date,
                kind,
                from,
                to,
                share: r[5].real(),
                default_successor: r[6].int() == Some(1),
            });
        }
        Ok(UnitLineage::new(links))
    }

    /// Adds lineage links between existing units (tests, and provincial corrections of the official data).
    #[allow(clippy::too_many_arguments)]
    pub fn add_lineage(
        &mut self,
        actor: &Actor,
        from: i64,
        to: i64,
        date: Date,
        kind: LineageKind,
        share: Option<f64>,
        default_successor: bool,
    ) -> Result<(), StoreError> {
        crate::scope::permit(actor, Action::ManageUnits)?;
        self.conn.transaction(|c| {
            c.execute(
                "INSERT INTO unit_lineage (from_id, to_id, date, kind, share, default_successor) VALUES ($1, $2, $3, $4, $5, $6)",
                &[from.into(), to.into(), date.iso().into(), kind.code().into(), share.into(), default_successor.into()],
            )?;
            crate::audit::record_done(c, actor, "add_lineage", "unit", from.to_string(), format!("{} → {to} {} {share:?}", kind.code(), date.iso()))?;
            Ok(())
        })
    }
}

fn unit_values(id: i64, u: &UnitRecord, from: Option<String>, until: Option<String>) -> Vec<Value> {
    vec![
        Value::Int(id),
        u.level.code().into(),
        u.code.as_str().into(),
        u.name.clone().into(),
        u.short_name.clone().into(),
        fold(&u.name).into(),
        from.into(),
        until.into(),
        u.lat.into(),
        u.lon.into(),
    ]
}

impl Store {
    /// Applies a reform to the registry: every residence still open in a commune that ended before `reform`
    /// is closed the day before and reopened in the commune that took it (the village's new parent, or the
    /// commune's record successor). Nobody moved, so the event is an update, not a move. Returns how many
    /// households were re-assigned. Running it twice changes nothing.
    pub fn apply_reform(&mut self, actor: &Actor, reform: Date) -> Result<u64, StoreError> {
        crate::scope::permit(actor, Action::ManageUnits)?;
        let day = reform.iso();
        let end = reform.pred().iso();
        self.conn.transaction(|c| {
            let rows = c.query(
                "SELECT r.household_id, r.commune_id, r.village_id, r.area, r.address, \
                 (SELECT p.parent_id FROM unit_parent p WHERE p.unit_id = r.village_id AND p.valid_from = $1 ORDER BY p.parent_id LIMIT 1), \
                 (SELECT l.to_id FROM unit_lineage l WHERE l.from_id = r.commune_id ORDER BY l.default_successor DESC, l.to_id LIMIT 1) \
                 FROM residence r JOIN unit u ON u.id = r.commune_id \
                 WHERE r.valid_until IS NULL AND u.valid_until IS NOT NULL AND u.valid_until < $1",
                &[day.clone().into()],
            )?;
            // A reform moving many households leaves the search table to be rebuilt once instead of per row.
            let bulk = rows.len() >= crate::households::BULK_MIN;
            let mut paused = Vec::new();
            if bulk {
                paused = crate::households::pause_member_search(c)?;
            }
            let mut event_id = next_id(c, IdTable::HouseholdEvent)?;
            let mut residences = BatchInsert::new(c.backend(),
                "INSERT INTO residence (household_id, valid_from, valid_until, commune_id, village_id, area, address)",
                7,
            );
            let mut events = BatchInsert::new(c.backend(), "INSERT INTO household_event (id, household_id, person_id, date, kind, note)", 6);
            // A commune with no successor in the lineage keeps its households where they are: nothing is
            // closed that is not reopened.
            let moving: Vec<(Row, i64)> = rows
                .into_iter()
                .filter_map(|r| {
                    let to = r[5].int().or(r[6].int())?;
                    Some((r, to))
                })
                .collect();
            // Their residences closed first, 500 to a statement (one at a time, 4.5 million households took
            // PostgreSQL most of an hour), before the new ones open.
            for chunk in moving.chunks(500) {
                let marks: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
                let mut params = vec![end.clone().into()];
                params.extend(chunk.iter().map(|(r, _)| r[0].clone()));
                c.execute_built(
                    &format!(
                        "UPDATE residence SET valid_until = $1 WHERE valid_until IS NULL AND household_id IN ({})",
                        marks.join(", ")
                    ),
                    &params,
                )?;
            }
            let mut n = 0;
            for (r, new_commune) in moving {
                residences.push(
                    c,
                    [r[0].clone(), day.clone().into(), Value::Null, Value::Int(new_commune), r[2].clone(), r[3].clone(), r[4].clone()],
                )?;
                events.push(
                    c,
                    [
                        Value::Int(event_id),
                        r[0].clone(),
                        Value::Null,
                        day.clone().into(),
                        "updated".into(),
                        format!("sắp xếp đơn vị hành chính {}", reform.vi()).into(),
                    ],
                )?;
                event_id += 1;
                n += 1;
            }
            residences.flush(c)?;
            events.flush(c)?;
            crate::households::resume_triggers(c, paused)?;
            crate::audit::record_bulk(c, actor, "apply_reform", "residence", format!("{} residences moved on {}", n, reform.iso()))?;
            Ok(n)
        })
    }
}

/// A village's name as pages show it: its own, or, when another village under the same commune on that day
/// has the same name (after a merger, four "Thôn 1"), with the commune it lay under before in brackets:
/// "Thôn 1 (xã Xuân Lập)".
fn village_label(name: &str, twins: i64, former: Option<&str>) -> String {
    match former {
        Some(f) if twins > 0 => {
            // "Xã Xuân Lập" reads "xã Xuân Lập" inside a name.
            let mut chars = f.chars();
            let former: String = match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect(),
                None => String::new(),
            };
            format!("{name} ({former})")
        }
        _ => name.to_owned(),
    }
}

/// The display names read so far, for one day and one state of the unit lists.
#[derive(Default)]
pub(crate) struct VillageLabels {
    key: Option<(i64, Date)>,
    at: Option<std::time::Instant>,
    labels: HashMap<i64, String>,
    unknown: std::collections::HashSet<i64>,
}

impl Store {
    /// Each village's display name on `date` (see `village_label`), by id; unknown ids are left out.
    pub fn village_labels(
        &mut self,
        village_ids: &[i64],
        date: Date,
    ) -> Result<HashMap<i64, String>, StoreError> {
        // Kept while no unit was added (a reform adds its new communes) and for a minute at most: a search
        // names two hundred villages, and reading their communes' lists on every search cost more than the
        // search itself.
        let newest: i64 = self
            .conn
            .query_int("SELECT coalesce(max(id), 0) FROM unit", &[])?
            .unwrap_or(0);
        let memo = &mut self.village_labels;
        if memo.key != Some((newest, date)) || memo.at.is_none_or(|t| t.elapsed().as_secs() >= 60) {
            *memo = VillageLabels {
                key: Some((newest, date)),
                at: Some(std::time::Instant::now()),
                ..VillageLabels::default()
            };
        }
        let d = date.iso();
        let mut out = HashMap::new();
        for &id in village_ids {
            if let Some(l) = self.village_labels.labels.get(&id) {
                out.insert(id, l.clone());
                continue;
            }
            if self.village_labels.unknown.contains(&id) {
                continue;
            }
            let commune = self
                .conn
                .query_int(
                    "SELECT p.parent_id FROM unit_parent p WHERE p.unit_id = $1 \
                     AND (p.valid_from IS NULL OR p.valid_from <= $2) AND (p.valid_until IS NULL OR p.valid_until >= $2)",
                    &[id.into(), d.clone().into()],
                )?;
            match commune {
                Some(c) => {
                    let labels = self.commune_village_labels(c, &d)?;
                    self.village_labels.labels.extend(labels);
                }
                None => {
                    self.village_labels.unknown.insert(id);
                }
            }
            match self.village_labels.labels.get(&id) {
                Some(l) => {
                    out.insert(id, l.clone());
                }
                None => {
                    self.village_labels.unknown.insert(id);
                }
            }
        }
        Ok(out)
    }

    /// Every village of a commune on the day `d` with its display name: two reads, whatever the count.
    fn commune_village_labels(
        &mut self,
        commune: i64,
        d: &str,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let villages: Vec<(i64, String, String)> = self
            .conn
            .query(
                "SELECT u.id, u.name, u.name_fold FROM unit_parent s JOIN unit u ON u.id = s.unit_id \
                 WHERE s.parent_id = $1 AND u.level = 'village' \
                 AND (s.valid_from IS NULL OR s.valid_from <= $2) AND (s.valid_until IS NULL OR s.valid_until >= $2)",
                &[commune.into(), d.into()],
            )?
            .into_iter()
            .map(|r| {
                (
                    r[0].int().unwrap_or(0),
                    r[1].text().unwrap_or_default().to_owned(),
                    r[2].text().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let mut count: HashMap<&str, i64> = HashMap::new();
        for (_, _, fold) in &villages {
            *count.entry(fold.as_str()).or_default() += 1;
        }
        // The commune each village lay under before, the latest before the day, for the names shared.
        let mut former: HashMap<i64, (String, String)> = HashMap::new();
        if count.values().any(|n| *n > 1) {
            self.conn.query_each(
                "SELECT q.unit_id, f.name, coalesce(q.valid_from, '') FROM unit_parent s \
                 JOIN unit_parent q ON q.unit_id = s.unit_id JOIN unit f ON f.id = q.parent_id \
                 WHERE s.parent_id = $1 \
                 AND (s.valid_from IS NULL OR s.valid_from <= $2) AND (s.valid_until IS NULL OR s.valid_until >= $2) \
                 AND NOT ((q.valid_from IS NULL OR q.valid_from <= $2) AND (q.valid_until IS NULL OR q.valid_until >= $2)) \
                 AND (q.valid_from IS NULL OR q.valid_from <= $2)",
                &[commune.into(), d.into()],
                &mut |r| {
                    let id = r[0].int().unwrap_or(0);
                    let name = r[1].text().unwrap_or_default().to_owned();
                    let from = r[2].text().unwrap_or_default().to_owned();
                    if former.get(&id).is_none_or(|(f, _)| *f < from) {
                        former.insert(id, (from, name));
                    }
                    Ok(())
                },
            )?;
        }
        Ok(villages
            .iter()
            .map(|(id, name, fold)| {
                let twins = count.get(fold.as_str()).map_or(0, |n| n - 1);
                let before = former.get(id).map(|(_, n)| n.as_str());
                (*id, village_label(name, twins, before))
            })
            .collect())
    }

    /// The villages under a commune on `date`, each with its display name, in the order of their names.
    pub fn villages_labelled(
        &mut self,
        commune_id: i64,
        date: Date,
    ) -> Result<Vec<(Unit, String)>, StoreError> {
        let villages = self.children_at(commune_id, date)?;
        let ids: Vec<i64> = villages.iter().map(|v| v.id).collect();
        let labels = self.village_labels(&ids, date)?;
        Ok(villages
            .into_iter()
            .map(|v| {
                let label = labels.get(&v.id).cloned().unwrap_or_else(|| v.name.clone());
                (v, label)
            })
            .collect())
    }

    /// The units directly under `parent` on `date`.
    pub fn children_at(&mut self, parent: i64, date: Date) -> Result<Vec<Unit>, StoreError> {
        let rows = self.conn.query(
            "SELECT u.id, u.level, u.code, u.name, u.short_name, u.valid_from, u.valid_until \
             FROM unit_parent p JOIN unit u ON u.id = p.unit_id WHERE p.parent_id = $1 \
             AND (p.valid_from IS NULL OR p.valid_from <= $2) AND (p.valid_until IS NULL OR p.valid_until >= $2) ORDER BY u.code",
            &[parent.into(), date.iso().into()],
        )?;
        rows.into_iter().map(unit_from_row).collect()
    }
}

/// The village of this name under a commune (on `on`, when given), or a new one: inside the caller's
/// transaction, so an import that fails leaves no village behind.
pub(crate) fn village_in(
    c: &mut Conn,
    commune_id: i64,
    name: &str,
    since: Option<Date>,
    on: Option<Date>,
) -> Result<i64, StoreError> {
    let name = nfc(name.trim());
    let folded = fold(&name);
    let on: Value = on.map(|d| d.iso()).into();
    if let Some(r) = c.query_one(
        "SELECT u.id FROM unit u JOIN unit_parent p ON p.unit_id = u.id \
         WHERE u.level = 'village' AND p.parent_id = $1 AND u.name_fold = $2 \
         AND (CAST($3 AS TEXT) IS NULL OR ((p.valid_from IS NULL OR p.valid_from <= $3) AND (p.valid_until IS NULL OR p.valid_until >= $3))) \
         ORDER BY u.id LIMIT 1",
        &[commune_id.into(), folded.clone().into(), on],
    )? {
        return r[0].int().ok_or_else(|| StoreError::Db("village id".into()));
    }
    let commune = c
        .query_one(
            "SELECT code, valid_until FROM unit WHERE id = $1",
            &[commune_id.into()],
        )?
        .ok_or(StoreError::NotFound {
            what: "commune",
            key: commune_id.to_string(),
        })?;
    let n = c
        .query_int(
            "SELECT count(*) FROM unit_parent p JOIN unit u ON u.id = p.unit_id WHERE u.level = 'village' AND p.parent_id = $1",
            &[commune_id.into()],
        )?
        .unwrap_or(0);
    let code = format!("{}-{:02}", commune[0].text().unwrap_or_default(), n + 1);
    let id = next_id(c, IdTable::Unit)?;
    let from: Value = since.map(|d| d.iso()).into();
    c.execute(
        "INSERT INTO unit (id, level, code, name, short_name, name_fold, valid_from, valid_until, lat, lon) \
         VALUES ($1, 'village', $2, $3, $4, $5, $6, NULL, NULL, NULL)",
        &[id.into(), code.into(), name.clone().into(), name.clone().into(), folded.into(), from.clone()],
    )?;
    c.execute(
        "INSERT INTO unit_parent (unit_id, parent_id, valid_from, valid_until) VALUES ($1, $2, $3, $4)",
        &[id.into(), commune_id.into(), from, commune[1].clone()],
    )?;
    // A village of a commune that ended continues under the commune that took its records.
    if commune[1].text().is_some() {
        let next = c.query_one(
            "SELECT to_id, date FROM unit_lineage WHERE from_id = $1 ORDER BY default_successor DESC, to_id LIMIT 1",
            &[commune_id.into()],
        )?;
        if let Some(r) = next {
            c.execute(
                "INSERT INTO unit_parent (unit_id, parent_id, valid_from, valid_until) VALUES ($1, $2, $3, NULL)",
                &[id.into(), r[0].clone(), r[1].clone()],
            )?;
        }
    }
    Ok(id)
}

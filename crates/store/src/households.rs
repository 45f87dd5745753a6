//! Households and members over time: import with upsert by household code, and reads as of any date.

use std::collections::HashMap;

use giamngheo_core::Area;
use giamngheo_core::date::Date;
use giamngheo_core::facts::Sex;
use giamngheo_core::ids::{HouseholdCode, UnitCode, UnitLevel};
use giamngheo_core::registry::{EventKind, HouseholdRecord, MemberRecord, MemberRow, Relation};
use giamngheo_core::text::fold;

use giamngheo_core::round::Action;

use crate::Store;
use crate::audit::Actor;
use crate::db::{BatchInsert, Conn, Value, parse_date};
use crate::error::{Rejection, RejectionKind, StoreError};
use crate::row_ids::{IdTable, next_id};
use crate::scope::{self, Place};

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportSummary {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub members_added: u64,
    /// Possible duplicates that were imported all the same (namesakes exist): same folded name and birth date
    /// in two households.
    pub possible_duplicates: Vec<PossibleDuplicate>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PossibleDuplicate {
    pub row: u64,
    pub name: String,
    pub birth_date: Date,
    /// None: a household outside the actor's units, which is not named.
    pub other_household: Option<String>,
}

/// A member as the registry holds them on a date.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberView {
    pub person_id: i64,
    pub name: String,
    pub sex: Sex,
    pub birth_date: Date,
    pub ethnicity: String,
    pub citizen_id: Option<String>,
    pub relation: Relation,
    pub since: Date,
    pub until: Option<Date>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResidenceView {
    pub commune_id: i64,
    pub commune_code: UnitCode,
    pub commune_name: String,
    pub village_id: Option<i64>,
    pub village_name: Option<String>,
    pub area: Area,
    pub address: String,
    pub since: Date,
    pub until: Option<Date>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventView {
    pub date: Date,
    pub kind: EventKind,
    pub person: Option<String>,
    pub note: String,
}

/// A household with everything that happened to it.
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdHistory {
    pub id: i64,
    pub code: HouseholdCode,
    pub registered_on: Date,
    pub version: i64,
    pub residences: Vec<ResidenceView>,
    pub members: Vec<MemberView>,
    pub events: Vec<EventView>,
    pub reviews: Vec<crate::reviews::ReviewView>,
}

impl HouseholdHistory {
    /// The household as it was on `date`: its residence and members then.
    pub fn as_of(&self, date: Date) -> Option<(ResidenceView, Vec<MemberView>)> {
        let within =
            |from: Date, until: Option<Date>| from <= date && until.is_none_or(|u| u >= date);
        let res = self
            .residences
            .iter()
            .find(|r| within(r.since, r.until))?
            .clone();
        let members = self
            .members
            .iter()
            .filter(|m| within(m.since, m.until))
            .cloned()
            .collect();
        Some((res, members))
    }
}

/// Every household of the registry by code: its id and where it lives now (None once it has left).
/// Up to this many keys, the import's checks look each up by its unique index; more, and one pass over the
/// registry is cheaper. A one-household web import into a registry of a million then reads a few rows, not all.
const LOOKUP_MAX: usize = 2_000;

/// The households of the file that the registry has, by code: their id and where they live now (None once
/// they have left).
fn existing_households(
    c: &mut Conn,
    resolved: &[Resolved],
) -> Result<HashMap<String, (i64, Option<Place>)>, StoreError> {
    let mut out = HashMap::new();
    let mut take = |r: crate::db::Row| -> Result<(), StoreError> {
        let place = r[2].int().map(|commune| Place {
            commune,
            village: r[3].int(),
        });
        if let (Some(code), Some(id)) = (r[0].text(), r[1].int()) {
            out.insert(code.to_owned(), (id, place));
        }
        Ok(())
    };
    if resolved.len() <= LOOKUP_MAX {
        for r in resolved {
            c.query_each(
                "SELECT h.code, h.id, r.commune_id, r.village_id FROM household h \
                 LEFT JOIN residence r ON r.household_id = h.id AND r.valid_until IS NULL WHERE h.code = $1",
                &[r.record.code.as_str().into()],
                &mut take,
            )?;
        }
    } else {
        c.query_each(
            "SELECT h.code, h.id, r.commune_id, r.village_id FROM household h \
             LEFT JOIN residence r ON r.household_id = h.id AND r.valid_until IS NULL",
            &[],
            &mut take,
        )?;
    }
    Ok(out)
}

/// The import's rules that depend on the registry, read under the write lock: an existing household must
/// live inside the actor's units now, and a citizen ID may not be held by a current member of another
/// household (named only when that household is inside the actor's units).
#[allow(clippy::too_many_arguments)]
fn check_against_registry(
    c: &mut Conn,
    actor: &Actor,
    resolved: &[Resolved],
    existing: &HashMap<String, (i64, Option<Place>)>,
    seen_ids: &HashMap<&str, (&HouseholdCode, u64)>,
    as_of: Date,
    mut rejections: Vec<Rejection>,
) -> Result<(), StoreError> {
    // A household changed after the import's date (a birth, a move) would have that change undone by a
    // membership or residence ending before it began: the import must be dated on or after it.
    let mut changed_after: HashMap<i64, String> = HashMap::new();
    for sql in [
        "SELECT household_id, max(valid_from) FROM membership WHERE valid_until IS NULL \
         GROUP BY household_id HAVING max(valid_from) > $1",
        "SELECT household_id, max(valid_from) FROM residence WHERE valid_until IS NULL \
         GROUP BY household_id HAVING max(valid_from) > $1",
    ] {
        for r in c.query(sql, &[as_of.iso().into()])? {
            if let (Some(id), Some(d)) = (r[0].int(), r[1].text()) {
                let e = changed_after.entry(id).or_default();
                if d > e.as_str() {
                    *e = d.to_owned();
                }
            }
        }
    }
    for r in resolved {
        if let Some((_, place)) = existing.get(r.record.code.as_str()) {
            let inside = match place {
                Some(p) => actor.scope.covers(*p),
                None => actor.scope == scope::Scope::Everywhere,
            };
            if !inside {
                rejections.push(Rejection {
                    row: r.row,
                    field: "household_code",
                    kind: RejectionKind::HouseholdOutsideScope {
                        code: r.record.code.clone(),
                    },
                });
            } else if let Some((id, _)) = existing.get(r.record.code.as_str())
                && let Some(last) = changed_after.get(id)
            {
                rejections.push(Rejection {
                    row: r.row,
                    field: "as_of",
                    kind: RejectionKind::ChangedAfter {
                        code: r.record.code.clone(),
                        date: Date::parse(last).map_or_else(|_| last.clone(), |d| d.vi()),
                    },
                });
            }
        }
    }
    if !seen_ids.is_empty() {
        let mut held = |row: crate::db::Row| -> Result<(), StoreError> {
            let (Some(cid), Some(holder)) = (row[0].text(), row[1].text()) else {
                return Ok(());
            };
            if let Some((code, file_row)) = seen_ids.get(cid)
                && **code != holder
            {
                let inside = row[2].int().is_some_and(|commune| {
                    actor.scope.covers(Place {
                        commune,
                        village: row[3].int(),
                    })
                });
                rejections.push(Rejection {
                    row: *file_row,
                    field: "citizen_id",
                    kind: if inside {
                        RejectionKind::CitizenIdElsewhere {
                            citizen_id: cid.to_owned(),
                            household: row[1].clone().decode(
                                "household",
                                "code",
                                HouseholdCode::parse,
                            )?,
                        }
                    } else {
                        RejectionKind::CitizenIdOutsideScope {
                            citizen_id: cid.to_owned(),
                        }
                    },
                });
            }
            Ok(())
        };
        if seen_ids.len() <= LOOKUP_MAX {
            for cid in seen_ids.keys() {
                c.query_each(
                    "SELECT m.citizen_id, h.code, r.commune_id, r.village_id FROM membership m \
                     JOIN household h ON h.id = m.household_id \
                     LEFT JOIN residence r ON r.household_id = h.id AND r.valid_until IS NULL \
                     WHERE m.citizen_id = $1",
                    &[(*cid).into()],
                    &mut held,
                )?;
            }
        } else {
            c.query_each(
                "SELECT m.citizen_id, h.code, r.commune_id, r.village_id FROM membership m \
                 JOIN household h ON h.id = m.household_id \
                 LEFT JOIN residence r ON r.household_id = h.id AND r.valid_until IS NULL \
                 WHERE m.citizen_id IS NOT NULL",
                &[],
                &mut held,
            )?;
        }
    }
    if rejections.is_empty() {
        Ok(())
    } else {
        rejections.sort_by_key(|r| r.row);
        Err(StoreError::Rejected(rejections))
    }
}

/// Where one household of an import goes: its units resolved before anything is written.
struct Resolved<'a> {
    row: u64,
    record: &'a HouseholdRecord,
    commune_id: i64,
}

impl Store {
    /// Imports households with their members. Everything is checked first (units exist on `as_of`, no citizen
    /// ID in two households, no household twice); if anything is wrong nothing is written and every problem is
    /// returned. A household already in the registry is compared with the record: unchanged ones are left
    /// alone, so importing the same file twice changes nothing; changes are recorded as events dated `as_of`.
    pub fn import_households(
        &mut self,
        actor: &Actor,
        records: &[(u64, HouseholdRecord)],
        as_of: Date,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportSummary, StoreError> {
        scope::permit(actor, Action::EditRegistry)?;
        let mut clock = std::time::Instant::now();
        let mut rejections = Vec::new();
        let mut resolved = Vec::with_capacity(records.len());
        let mut communes: HashMap<String, Option<i64>> = HashMap::new();
        let mut seen_codes: HashMap<&str, u64> = HashMap::new();
        let mut seen_ids: HashMap<&str, (&HouseholdCode, u64)> = HashMap::new();
        for (row, rec) in records {
            if let Some(repeated) = Rejection::repeated(&mut seen_codes, &rec.code, *row) {
                rejections.push(repeated);
                continue;
            }
            let code = rec.commune.as_str();
            let id = match communes.get(code) {
                Some(id) => *id,
                None => {
                    let id = self.unit_at(UnitLevel::Commune, code, as_of)?.map(|u| u.id);
                    communes.insert(code.to_owned(), id);
                    id
                }
            };
            let Some(commune_id) = id else {
                rejections.push(Rejection {
                    row: *row,
                    field: "commune_code",
                    kind: RejectionKind::UnknownUnit {
                        code: rec.commune.clone(),
                        date: as_of.vi(),
                    },
                });
                continue;
            };
            // Where the household goes must be the actor's own commune (a village's reviewer creates no
            // households); where an existing one lives now is checked inside the write transaction.
            if !actor.scope.covers_unit(commune_id) {
                rejections.push(Rejection {
                    row: *row,
                    field: "commune_code",
                    kind: RejectionKind::CommuneOutsideScope {
                        code: rec.commune.clone(),
                    },
                });
                continue;
            }
            let mut own: Vec<&str> = Vec::new();
            for m in rec.members() {
                // The same ID twice in one household is as wrong as in two.
                if let Some(cid) = &m.citizen_id {
                    if own.contains(&cid.as_str()) {
                        rejections.push(Rejection {
                            row: *row,
                            field: "citizen_id",
                            kind: RejectionKind::CitizenIdElsewhere {
                                citizen_id: cid.as_str().to_owned(),
                                household: rec.code.clone(),
                            },
                        });
                    }
                    own.push(cid.as_str());
                }
                if let Some(cid) = &m.citizen_id
                    && let Some((other, _)) = seen_ids.insert(cid.as_str(), (&rec.code, *row))
                    && *other != rec.code
                {
                    rejections.push(Rejection {
                        row: *row,
                        field: "citizen_id",
                        kind: RejectionKind::CitizenIdElsewhere {
                            citizen_id: cid.as_str().to_owned(),
                            household: other.clone(),
                        },
                    });
                }
            }
            resolved.push(Resolved {
                row: *row,
                record: rec,
                commune_id,
            });
        }
        // A file with problems of its own is still checked against the registry (inside the transaction,
        // below), so that every problem is reported at once.
        phase("resolve and villages", &mut clock);
        // Advisory only (names and birth dates alike), so read before the write lock is taken.
        let possible_duplicates = self.possible_duplicates(actor, &resolved)?;
        phase("duplicates", &mut clock);
        let registry_size = self.household_count()? as usize;
        let day_text = as_of.iso();
        let day = Value::Shared(std::sync::Arc::from(day_text.as_str()));
        // A large import into a registry smaller than itself builds the secondary indexes once at the end
        // (a sorted build) instead of row by row; references were checked above, so SQLite's per-row foreign
        // key checks are switched off for it too. Both happen inside the transaction or around it, all or nothing.
        let bulk = resolved.len() >= BULK_MIN && resolved.len() > 2 * registry_size;
        let sqlite = self.conn.backend() == crate::db::Backend::Sqlite;
        if bulk && sqlite {
            self.conn.batch("PRAGMA foreign_keys = OFF")?;
        }
        let result = self.conn.transaction(|c| {
            if c.backend() == crate::db::Backend::Postgres {
                c.batch("LOCK TABLE household IN EXCLUSIVE MODE")?;
            }
            // Every rule that depends on the registry is checked here, under the write lock, so that two
            // imports started together cannot both pass it (the unique index on current citizen IDs backs it).
            let existing = existing_households(c, &resolved)?;
            check_against_registry(c, actor, &resolved, &existing, &seen_ids, as_of, rejections)?;
            phase("checks", &mut clock);
            // Villages are found or created inside the transaction: a failed import leaves none behind.
            let mut villages: HashMap<(i64, String), i64> = HashMap::new();
            let mut village_of: Vec<Option<i64>> = Vec::with_capacity(resolved.len());
            for r in &resolved {
                village_of.push(match &r.record.village {
                    None => None,
                    Some(v) => Some(match villages.entry((r.commune_id, fold(v))) {
                        std::collections::hash_map::Entry::Occupied(e) => *e.get(),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            *e.insert(crate::units::village_in(c, r.commune_id, v, None, Some(as_of))?)
                        }
                    }),
                });
            }
            let mut paused = Vec::new();
            if bulk {
                for (name, _) in BULK_INDEXES {
                    c.batch(&format!("DROP INDEX {name}"))?;
                }
                paused = pause_member_search(c)?;
            }
            let mut summary = ImportSummary { possible_duplicates, ..ImportSummary::default() };
            let mut hh_id = next_id(c, IdTable::Household)?;
            let mut person_id = next_id(c, IdTable::Person)?;
            let mut event_id = next_id(c, IdTable::HouseholdEvent)?;
            let mut households = BatchInsert::new(c.backend(), "INSERT INTO household (id, code, registered_on, version)", 4);
            let mut residences = BatchInsert::new(c.backend(),
                "INSERT INTO residence (household_id, valid_from, valid_until, commune_id, village_id, area, address)",
                7,
            );
            let mut persons = BatchInsert::new(c.backend(),
                "INSERT INTO person (id, full_name, name_fold, sex, birth_date, ethnicity, citizen_id, death_date)",
                8,
            );
            let mut memberships =
                BatchInsert::new(c.backend(), "INSERT INTO membership (person_id, household_id, relation, valid_from, valid_until, citizen_id)", 6);
            let mut events = BatchInsert::new(c.backend(), "INSERT INTO household_event (id, household_id, person_id, date, kind, note)", 6);
            for (n, r) in resolved.iter().enumerate() {
                if n % 4096 == 0 {
                    progress(n as u64);
                }
                let rec = r.record;
                let village_id = village_of[n];
                if let Some(&(id, _)) = existing.get(rec.code.as_str()) {
                    let changed =
                        update_household(c, id, rec, r.commune_id, village_id, &day_text, &mut person_id, &mut event_id)?;
                    if changed.0 {
                        summary.updated += 1;
                        summary.members_added += changed.1;
                    } else {
                        summary.unchanged += 1;
                    }
                    continue;
                }
                let id = hh_id;
                hh_id += 1;
                households.add([Value::Int(id), rec.code.as_str().into(), day.clone(), Value::Int(1)]);
                residences.add(
                    [
                        Value::Int(id),
                        day.clone(),
                        Value::Null,
                        Value::Int(r.commune_id),
                        village_id.into(),
                        Value::Static(rec.area.code()),
                        rec.address.clone().into(),
                    ],
                );
                for m in rec.members() {
                    persons.add(person_values(person_id, m));
                    memberships.add([
                        Value::Int(person_id),
                        Value::Int(id),
                        Value::Static(m.relation.code()),
                        day.clone(),
                        Value::Null,
                        m.citizen_id.as_ref().map(|c| c.as_str()).into(),
                    ]);
                    person_id += 1;
                    summary.members_added += 1;
                }
                events.add([
                    Value::Int(event_id),
                    Value::Int(id),
                    Value::Null,
                    day.clone(),
                    Value::Static(EventKind::Registered.code()),
                    Value::Static(""),
                ]);
                event_id += 1;
                summary.added += 1;
                // Parents before children, so every reference is to a row already written.
                if households.is_full() || residences.is_full() || persons.is_full() || memberships.is_full() || events.is_full() {
                    households.flush(c)?;
                    residences.flush(c)?;
                    persons.flush(c)?;
                    memberships.flush(c)?;
                    events.flush(c)?;
                }
            }
            households.flush(c)?;
            residences.flush(c)?;
            persons.flush(c)?;
            memberships.flush(c)?;
            events.flush(c)?;
            phase("insert", &mut clock);
            if bulk {
                for (_, create) in BULK_INDEXES {
                    c.batch(create)?;
                }
                resume_triggers(c, std::mem::take(&mut paused))?;
            }
            phase("indexes", &mut clock);
            progress(resolved.len() as u64);
            crate::audit::record_bulk(c, actor, "import_households", "household", format!(
                        "as_of={} added={} updated={} unchanged={} members_added={}",
                        day_text, summary.added, summary.updated, summary.unchanged, summary.members_added
                    ))?;
            Ok(summary)
        });
        phase("commit", &mut clock);
        if bulk && sqlite {
            self.conn.batch("PRAGMA foreign_keys = ON")?;
        }
        result
    }

    /// Members whose folded name and birth date are those of a member of another household, in the registry
    /// or elsewhere in the file. Keys are 64-bit hashes, so a million members cost no string per member.
    fn possible_duplicates(
        &mut self,
        actor: &Actor,
        resolved: &[Resolved],
    ) -> Result<Vec<PossibleDuplicate>, StoreError> {
        let rows = self.conn.query(
            "SELECT p.name_fold, p.birth_date, h.code, r.commune_id, r.village_id FROM person p \
             JOIN membership m ON m.person_id = p.id JOIN household h ON h.id = m.household_id \
             LEFT JOIN residence r ON r.household_id = h.id AND r.valid_until IS NULL WHERE m.valid_until IS NULL",
            &[],
        )?;
        // A household outside the actor's units is named by no code ("" here, None in the result).
        let mut registry: HashMap<u64, String> = HashMap::with_capacity(rows.len());
        for r in rows {
            if let (Some(f), Some(b), Some(code)) = (
                r[0].text(),
                r[1].text().and_then(|d| Date::parse(d).ok()),
                r[2].text(),
            ) {
                let inside = r[3].int().is_some_and(|commune| {
                    actor.scope.covers(Place {
                        commune,
                        village: r[4].int(),
                    })
                });
                registry.insert(
                    person_key(f, b),
                    if inside {
                        code.to_owned()
                    } else {
                        String::new()
                    },
                );
            }
        }
        let mut in_file: HashMap<u64, usize> = HashMap::new();
        let mut out = Vec::new();
        for (i, r) in resolved.iter().enumerate() {
            let code = r.record.code.as_str();
            for m in r.record.members() {
                let key = person_key(m.name.folded(), m.birth_date);
                let other = match in_file.entry(key) {
                    std::collections::hash_map::Entry::Occupied(e) => {
                        let o = resolved[*e.get()].record.code.as_str();
                        (o != code).then_some(o)
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(i);
                        None
                    }
                };
                let other = other.or_else(|| {
                    registry
                        .get(&key)
                        .map(String::as_str)
                        .filter(|o| *o != code)
                });
                if let Some(other) = other {
                    out.push(PossibleDuplicate {
                        row: r.row,
                        name: m.name.as_str().to_owned(),
                        birth_date: m.birth_date,
                        other_household: (!other.is_empty()).then(|| other.to_owned()),
                    });
                }
            }
        }
        Ok(out)
    }

    /// A household's full history by its code.
    pub fn household_history(&mut self, code: &str) -> Result<HouseholdHistory, StoreError> {
        let c = &mut self.conn;
        let h = c
            .query_one(
                "SELECT id, code, registered_on, version FROM household WHERE code = $1",
                &[code.into()],
            )?
            .ok_or_else(|| StoreError::NotFound {
                what: "household",
                key: code.to_owned(),
            })?;
        let id = h[0].int().unwrap_or(0);
        let residences = c
            .query(
                "SELECT r.commune_id, cu.code, cu.name, r.village_id, vu.name, r.area, r.address, r.valid_from, r.valid_until \
                 FROM residence r JOIN unit cu ON cu.id = r.commune_id LEFT JOIN unit vu ON vu.id = r.village_id \
                 WHERE r.household_id = $1 ORDER BY r.valid_from",
                &[id.into()],
            )?
            .into_iter()
            .map(|r| {
                let mut next = crate::db::cells(r);
                Ok(ResidenceView {
                    commune_id: next().int().unwrap_or(0),
                    commune_code: next().decode("unit", "code", |c| {
                        UnitCode::parse(UnitLevel::Commune, c)
                    })?,
                    commune_name: next().into_text().unwrap_or_default(),
                    village_id: next().int(),
                    village_name: next().into_text(),
                    area: next().decode("residence", "area", Area::parse)?,
                    address: next().into_text().unwrap_or_default(),
                    since: next().decode("residence", "valid_from", parse_date)?,
                    until: next().decode_opt("residence", "valid_until", parse_date)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let members = c
            .query(
                "SELECT p.id, p.full_name, p.sex, p.birth_date, p.ethnicity, p.citizen_id, m.relation, m.valid_from, m.valid_until \
                 FROM membership m JOIN person p ON p.id = m.person_id WHERE m.household_id = $1 ORDER BY m.valid_from, p.id",
                &[id.into()],
            )?
            .into_iter()
            .map(member_view)
            .collect::<Result<_, _>>()?;
        let events = c
            .query(
                "SELECT e.date, e.kind, p.full_name, e.note FROM household_event e LEFT JOIN person p ON p.id = e.person_id \
                 WHERE e.household_id = $1 ORDER BY e.date, e.id",
                &[id.into()],
            )?
            .into_iter()
            .map(|r| {
                let mut next = crate::db::cells(r);
                Ok(EventView {
                    date: next().decode("household_event", "date", parse_date)?,
                    kind: next().decode("household_event", "kind", EventKind::parse)?,
                    person: next().into_text(),
                    note: next().into_text().unwrap_or_default(),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let reviews = crate::reviews::reviews_of(c, id)?;
        Ok(HouseholdHistory {
            id,
            code: h[1]
                .clone()
                .decode("household", "code", HouseholdCode::parse)?,
            registered_on: h[2]
                .clone()
                .decode("household", "registered_on", parse_date)?,
            version: h[3].int().unwrap_or(1),
            residences,
            members,
            events,
            reviews,
        })
    }

    /// Household codes with their current commune and village, for exports and generators.
    pub fn household_count(&mut self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_int("SELECT count(*) FROM household", &[])?
            .unwrap_or(0))
    }
}

fn member_view(r: Vec<Value>) -> Result<MemberView, StoreError> {
    let mut next = crate::db::cells(r);
    Ok(MemberView {
        person_id: next().int().unwrap_or(0),
        name: next().into_text().unwrap_or_default(),
        sex: next().decode("person", "sex", Sex::parse)?,
        birth_date: next().decode("person", "birth_date", parse_date)?,
        ethnicity: next().into_text().unwrap_or_default(),
        citizen_id: next().into_text(),
        relation: next().decode("membership", "relation", Relation::parse)?,
        since: next().decode("membership", "valid_from", parse_date)?,
        until: next().decode_opt("membership", "valid_until", parse_date)?,
    })
}

/// Stops the triggers that keep `member_search` (migration 0006): a bulk write (an import larger than the
/// registry, a reform) leaves the table stale rather than pay a trigger per row, or the 22 s of rebuilding it
/// for 1 million households inside the import (which took the import of 1 million households from 47 to 71 s).
/// While it is stale, the search reads the registry tables directly; [`Store::prepare_search`] (which the web
/// server calls before it listens) rebuilds it and starts the triggers again.
///
/// Its triggers are also taken off the tables until [`resume_triggers`] with what this returns, in the same
/// transaction: a trigger that only checks the flag still costs a check per row written (SQLite: ~2.5 s of an
/// import of 3.7 million members).
pub(crate) fn pause_member_search(c: &mut Conn) -> Result<Vec<String>, StoreError> {
    c.batch("DELETE FROM member_search_paused")?;
    c.batch("INSERT INTO member_search_paused (paused) VALUES (1)")?;
    let mut resume = Vec::new();
    match c.backend() {
        crate::db::Backend::Sqlite => {
            for r in c.query(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'member_search_%' ORDER BY name",
                &[],
            )? {
                let (Some(name), Some(sql)) = (r[0].text(), r[1].text()) else { continue };
                c.batch(&format!("DROP TRIGGER {name}"))?;
                resume.push(sql.to_owned());
            }
        }
        crate::db::Backend::Postgres => {
            for (table, trigger) in [
                ("membership", "member_search_membership"),
                ("residence", "member_search_residence"),
                ("person", "member_search_person"),
                ("member_search", "member_search_word"),
            ] {
                c.batch(&format!("ALTER TABLE {table} DISABLE TRIGGER {trigger}"))?;
                resume.push(format!("ALTER TABLE {table} ENABLE TRIGGER {trigger}"));
            }
        }
    }
    Ok(resume)
}

/// Puts back the triggers [`pause_member_search`] took off (the table stays marked stale).
pub(crate) fn resume_triggers(c: &mut Conn, resume: Vec<String>) -> Result<(), StoreError> {
    for sql in resume {
        c.batch(&sql)?;
    }
    Ok(())
}

/// Fills `member_search` and `member_word` again from the registry (their indexes built once, sorted) and starts
/// their triggers again, in the caller's transaction, so no other writer sees the tables half-built.
fn rebuild_member_search(c: &mut Conn) -> Result<(), StoreError> {
    const INDEXES: &[(&str, &str, &str)] = &[
        // The village (or commune) in the index too: a search from any word tests each name of a commune in
        // the index alone, without visiting the table for every row (migration 0017).
        (
            "member_search_commune",
            "member_search",
            "(commune_id, name_fold, village_id, household_id, person_id)",
        ),
        (
            "member_search_village",
            "member_search",
            "(village_id, name_fold, commune_id, household_id, person_id)",
        ),
        (
            "member_search_name",
            "member_search",
            "(name_fold, household_id, person_id)",
        ),
        // The names' later words (migration 0019).
        (
            "member_word_commune",
            "member_word",
            "(commune_id, tail, village_id, household_id, person_id)",
        ),
        (
            "member_word_village",
            "member_word",
            "(village_id, tail, commune_id, household_id, person_id)",
        ),
        (
            "member_word_tail",
            "member_word",
            "(tail, household_id, person_id)",
        ),
    ];
    // The word triggers on member_search would otherwise fire once per row written below.
    let resume = pause_member_search(c)?;
    for (name, _, _) in INDEXES {
        c.batch(&format!("DROP INDEX {name}"))?;
    }
    c.batch("DELETE FROM member_word")?;
    c.batch("DELETE FROM member_search")?;
    c.batch(
        "INSERT INTO member_search (household_id, person_id, commune_id, village_id, name_fold) \
         SELECT m.household_id, m.person_id, r.commune_id, r.village_id, p.name_fold \
         FROM membership m JOIN residence r ON r.household_id = m.household_id AND r.valid_until IS NULL \
         JOIN person p ON p.id = m.person_id WHERE m.valid_until IS NULL ORDER BY m.household_id, m.person_id",
    )?;
    c.batch(
        "INSERT INTO member_word (household_id, person_id, word_at, commune_id, village_id, tail) \
         SELECT ms.household_id, ms.person_id, s.i, ms.commune_id, ms.village_id, substr(ms.name_fold, s.i + 1) \
         FROM member_search ms JOIN search_position s ON s.i < length(ms.name_fold) \
         WHERE substr(ms.name_fold, s.i, 1) = ' ' ORDER BY ms.household_id, ms.person_id, s.i",
    )?;
    let collate = match c.backend() {
        crate::db::Backend::Sqlite => "",
        crate::db::Backend::Postgres => " COLLATE \"C\"",
    };
    for (name, table, cols) in INDEXES {
        let cols = cols
            .replace("name_fold", &format!("name_fold{collate}"))
            .replace("tail", &format!("tail{collate}"))
            // NULL villages first, as SQLite orders them, so a search reads a range in one order on both.
            .replace(
                "village_id, household_id",
                if collate.is_empty() {
                    "village_id, household_id"
                } else {
                    "village_id NULLS FIRST, household_id"
                },
            );
        c.batch(&format!("CREATE INDEX {name} ON {table} {cols}"))?;
    }
    resume_triggers(c, resume)?;
    c.batch("DELETE FROM member_search_paused")
}

/// Whether `member_search` is stale (a bulk write paused its triggers).
pub(crate) fn member_search_stale(c: &mut Conn) -> Result<bool, StoreError> {
    Ok(c.query_one("SELECT 1 FROM member_search_paused", &[])?
        .is_some())
}

impl Store {
    /// Rebuilds the search table if a bulk write left it stale; true if it did. Seconds on a registry of
    /// millions, once after each large import, in one transaction.
    pub fn prepare_search(&mut self) -> Result<bool, StoreError> {
        if !member_search_stale(&mut self.conn)? {
            return Ok(false);
        }
        self.conn.transaction(|c| {
            if member_search_stale(c)? {
                rebuild_member_search(c)?;
            }
            Ok(())
        })?;
        // PostgreSQL plans from statistics that a bulk write leaves far behind (its autovacuum comes later):
        // at a million households, a search planned on them took minutes instead of milliseconds.
        if self.conn.backend() == crate::db::Backend::Postgres {
            self.conn.batch(
                "ANALYZE household, person, membership, residence, household_event, review, member_search, member_word",
            )?;
        }
        Ok(true)
    }
}

/// From this many new households (and more than the registry holds), an import takes the bulk path.
pub const BULK_MIN: usize = 5_000;

/// The secondary indexes an import of many households rebuilds at its end (the same names on both backends):
/// those whose keys arrive in random order. The others (by household, by person) grow at their right edge as
/// ids are assigned in order, which costs nothing to keep up row by row.
const BULK_INDEXES: &[(&str, &str)] = &[
    (
        "residence_commune",
        "CREATE INDEX residence_commune ON residence (commune_id)",
    ),
    (
        "residence_village",
        "CREATE INDEX residence_village ON residence (village_id)",
    ),
    (
        "person_name_fold",
        "CREATE INDEX person_name_fold ON person (name_fold)",
    ),
    (
        "person_citizen_id",
        "CREATE INDEX person_citizen_id ON person (citizen_id)",
    ),
    // Unique: rebuilt at the end of a bulk import inside its transaction, so a citizen ID stored twice fails
    // the whole import there.
    (
        "membership_citizen_id",
        "CREATE UNIQUE INDEX membership_citizen_id ON membership (citizen_id)",
    ),
];

fn person_values(id: i64, m: &MemberRecord) -> [Value; 8] {
    [
        Value::Int(id),
        m.name.as_str().into(),
        m.name.folded().into(),
        Value::Static(m.sex.code()),
        m.birth_date.iso().into(),
        m.ethnicity.clone().into(),
        m.citizen_id.as_ref().map(|c| c.as_str()).into(),
        Value::Null,
    ]
}

/// Applies the differences between the registry and a record; returns (changed, members added).
#[allow(clippy::too_many_arguments)]
fn update_household(
    c: &mut Conn,
    id: i64,
    rec: &HouseholdRecord,
    commune_id: i64,
    village_id: Option<i64>,
    day: &str,
    person_id: &mut i64,
    event_id: &mut i64,
) -> Result<(bool, u64), StoreError> {
    let mut changed = false;
    let mut added = 0;
    let mut event = |c: &mut Conn,
                     kind: EventKind,
                     person: Option<i64>,
                     note: String|
     -> Result<(), StoreError> {
        c.execute(
            "INSERT INTO household_event (id, household_id, person_id, date, kind, note) VALUES ($1, $2, $3, $4, $5, $6)",
            &[Value::Int(*event_id), Value::Int(id), person.into(), day.into(), kind.code().into(), note.into()],
        )?;
        *event_id += 1;
        Ok(())
    };
    let res = c.query_one(
        "SELECT commune_id, village_id, area, address FROM residence WHERE household_id = $1 AND valid_until IS NULL",
        &[id.into()],
    )?;
    let same_residence = res.as_ref().is_some_and(|r| {
        r[0].int() == Some(commune_id)
            && r[1].int() == village_id
            && r[2].text() == Some(rec.area.code())
            && r[3].text() == Some(&rec.address)
    });
    if !same_residence {
        changed = true;
        let yesterday = Date::parse(day)
            .map(|d| d.pred().iso())
            .unwrap_or_else(|_| day.to_owned());
        c.execute(
            "UPDATE residence SET valid_until = $2 WHERE household_id = $1 AND valid_until IS NULL",
            &[id.into(), yesterday.into()],
        )?;
        c.execute(
            "INSERT INTO residence (household_id, valid_from, valid_until, commune_id, village_id, area, address) \
             VALUES ($1, $2, NULL, $3, $4, $5, $6)",
            &[id.into(), day.into(), commune_id.into(), village_id.into(), rec.area.code().into(), rec.address.clone().into()],
        )?;
        event(c, EventKind::Moved, None, String::new())?;
    }
    let current: Vec<MemberView> = c
        .query(
            "SELECT p.id, p.full_name, p.sex, p.birth_date, p.ethnicity, p.citizen_id, m.relation, m.valid_from, m.valid_until \
             FROM membership m JOIN person p ON p.id = m.person_id WHERE m.household_id = $1 AND m.valid_until IS NULL",
            &[id.into()],
        )?
        .into_iter()
        .map(member_view)
        .collect::<Result<_, _>>()?;
    let same_person = |v: &MemberView, m: &MemberRecord| match (&v.citizen_id, &m.citizen_id) {
        (Some(a), Some(b)) => a == b.as_str(),
        _ => fold(&v.name) == m.name.folded() && v.birth_date == m.birth_date,
    };
    let mut matched = vec![false; current.len()];
    for m in rec.members() {
        match current
            .iter()
            .enumerate()
            .find(|(i, v)| !matched[*i] && same_person(v, m))
        {
            Some((i, v)) => {
                matched[i] = true;
                let same = v.name == m.name.as_str()
                    && v.sex == m.sex
                    && v.birth_date == m.birth_date
                    && v.ethnicity == m.ethnicity
                    && v.citizen_id.as_deref() == m.citizen_id.as_ref().map(|c| c.as_str())
                    && v.relation == m.relation;
                if !same {
                    changed = true;
                    c.execute(
                        "UPDATE person SET full_name = $2, name_fold = $3, sex = $4, birth_date = $5, ethnicity = $6, citizen_id = $7 WHERE id = $1",
                        &person_values(v.person_id, m)[..7],
                    )?;
                    c.execute(
                        "UPDATE membership SET citizen_id = $2 WHERE person_id = $1 AND valid_until IS NULL",
                        &[v.person_id.into(), m.citizen_id.as_ref().map(|c| c.as_str()).into()],
                    )?;
                    if v.relation != m.relation {
                        c.execute(
                            "UPDATE membership SET relation = $3 WHERE person_id = $1 AND household_id = $2 AND valid_until IS NULL",
                            &[v.person_id.into(), id.into(), m.relation.code().into()],
                        )?;
                    }
                    event(
                        c,
                        EventKind::Updated,
                        Some(v.person_id),
                        format!("{} → {}", v.name, m.name.as_str()),
                    )?;
                }
            }
            None => {
                changed = true;
                let pid = *person_id;
                *person_id += 1;
                let values = person_values(pid, m);
                c.execute(
                    "INSERT INTO person (id, full_name, name_fold, sex, birth_date, ethnicity, citizen_id, death_date) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &values,
                )?;
                c.execute(
                    "INSERT INTO membership (person_id, household_id, relation, valid_from, valid_until, citizen_id) VALUES ($1, $2, $3, $4, NULL, $5)",
                    &[pid.into(), id.into(), m.relation.code().into(), day.into(), m.citizen_id.as_ref().map(|c| c.as_str()).into()],
                )?;
                event(c, EventKind::MemberJoined, Some(pid), String::new())?;
                added += 1;
            }
        }
    }
    let yesterday = Date::parse(day)
        .map(|d| d.pred().iso())
        .unwrap_or_else(|_| day.to_owned());
    for (i, v) in current.iter().enumerate() {
        if !matched[i] {
            changed = true;
            c.execute(
                "UPDATE membership SET valid_until = $3, citizen_id = NULL WHERE person_id = $1 AND household_id = $2 AND valid_until IS NULL",
                &[v.person_id.into(), id.into(), yesterday.clone().into()],
            )?;
            event(c, EventKind::MemberLeft, Some(v.person_id), String::new())?;
        }
    }
    if changed {
        c.execute(
            "UPDATE household SET version = version + 1 WHERE id = $1",
            &[id.into()],
        )?;
    }
    Ok((changed, added))
}

impl Store {
    /// Every member of every household as on `as_of`, one row each, ordered by household code: the export.
    pub fn export_members(&mut self, as_of: Date) -> Result<Vec<MemberRow>, StoreError> {
        let mut out = Vec::new();
        self.each_member(as_of, &mut |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    /// The export, row by row, in household-code order (byte order on both backends).
    pub fn each_member(
        &mut self,
        as_of: Date,
        f: &mut dyn FnMut(MemberRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let d = as_of.iso();
        // Byte order of the codes on both backends (PostgreSQL would otherwise sort by its locale).
        let code_order = match self.conn.backend() {
            crate::db::Backend::Sqlite => "h.code",
            crate::db::Backend::Postgres => "h.code COLLATE \"C\"",
        };
        let sql = format!(
            "SELECT h.code, cu.code, coalesce(vu.name, ''), r.area, r.address, p.full_name, m.relation, p.sex, p.birth_date, \
             p.ethnicity, coalesce(p.citizen_id, '') \
             FROM household h \
             JOIN residence r ON r.household_id = h.id AND r.valid_from <= $1 AND (r.valid_until IS NULL OR r.valid_until >= $1) \
             JOIN unit cu ON cu.id = r.commune_id LEFT JOIN unit vu ON vu.id = r.village_id \
             JOIN membership m ON m.household_id = h.id AND m.valid_from <= $1 AND (m.valid_until IS NULL OR m.valid_until >= $1) \
             JOIN person p ON p.id = m.person_id \
             ORDER BY {code_order}, CASE WHEN m.relation = 'head' THEN 0 ELSE 1 END, p.id"
        );
        self.conn.query_each_built(&sql, &[d.into()], &mut |r| {
            let t = |i: usize| r[i].text().unwrap_or_default().to_owned();
            f(MemberRow {
                household_code: t(0),
                commune_code: t(1),
                village: t(2),
                area: t(3),
                address: t(4),
                full_name: t(5),
                relation: t(6),
                sex: t(7),
                birth_date: Date::parse(&t(8)).map(|d| d.vi()).unwrap_or_else(|_| t(8)),
                ethnicity: t(9),
                citizen_id: t(10),
            })
        })
    }
}

/// Where a household lived on a date, for generators and bulk reviews.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    pub code: HouseholdCode,
    pub id: i64,
    pub commune_id: i64,
    pub village_id: Option<i64>,
    pub area: Area,
    pub members: i64,
}

impl Store {
    /// Every household resident on `date` with its commune, village, area and number of members then.
    pub fn households_on(&mut self, date: Date) -> Result<Vec<Located>, StoreError> {
        let d = date.iso();
        let rows = self.conn.query(
            "SELECT h.code, h.id, r.commune_id, r.village_id, r.area, \
             (SELECT count(*) FROM membership m WHERE m.household_id = h.id AND m.valid_from <= $1 AND (m.valid_until IS NULL OR m.valid_until >= $1)) \
             FROM household h JOIN residence r ON r.household_id = h.id \
             WHERE r.valid_from <= $1 AND (r.valid_until IS NULL OR r.valid_until >= $1) ORDER BY h.id",
            &[d.into()],
        )?;
        rows.into_iter()
            .map(|r| {
                Ok(Located {
                    code: r[0]
                        .clone()
                        .decode("household", "code", HouseholdCode::parse)?,
                    id: r[1].int().unwrap_or(0),
                    commune_id: r[2].int().unwrap_or(0),
                    village_id: r[3].int(),
                    area: r[4].clone().decode("residence", "area", Area::parse)?,
                    members: r[5].int().unwrap_or(0),
                })
            })
            .collect()
    }
}

/// Phase timings on standard error when GIAMNGHEO_TIMING is set (for benchmarks).
pub(crate) fn phase(name: &str, since: &mut std::time::Instant) {
    if std::env::var_os("GIAMNGHEO_TIMING").is_some() {
        eprintln!("timing {name}: {:.2} s", since.elapsed().as_secs_f64());
    }
    *since = std::time::Instant::now();
}

/// FNV-1a over the folded name and the birth date.
/// Ends `person`'s current membership of `household` on `until`, freeing the citizen ID it held; no such
/// membership is `NotFound` for the member `key` names.
fn end_membership(
    c: &mut Conn,
    person: i64,
    household: i64,
    until: &str,
    key: impl FnOnce() -> String,
) -> Result<(), StoreError> {
    let n = c.execute(
        "UPDATE membership SET valid_until = $3, citizen_id = NULL WHERE person_id = $1 AND household_id = $2 AND valid_until IS NULL",
        &[person.into(), household.into(), until.into()],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound {
            what: "member",
            key: key(),
        });
    }
    Ok(())
}

fn person_key(folded: &str, born: Date) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let date = [born.month(), born.day()];
    for b in folded
        .bytes()
        .chain([0])
        .chain(born.year().to_le_bytes())
        .chain(date)
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Store {
    fn event(
        c: &mut Conn,
        household: i64,
        person: Option<i64>,
        date: &str,
        kind: EventKind,
        note: &str,
    ) -> Result<(), StoreError> {
        let id = next_id(c, IdTable::HouseholdEvent)?;
        c.execute(
            "INSERT INTO household_event (id, household_id, person_id, date, kind, note) VALUES ($1, $2, $3, $4, $5, $6)",
            &[id.into(), household.into(), person.into(), date.into(), kind.code().into(), note.into()],
        )?;
        c.execute(
            "UPDATE household SET version = version + 1 WHERE id = $1",
            &[household.into()],
        )?;
        Ok(())
    }

    /// A child born into a household on `date`: a new person and membership, and a birth event.
    pub fn record_birth(
        &mut self,
        actor: &Actor,
        code: &str,
        member: &MemberRecord,
        date: Date,
    ) -> Result<i64, StoreError> {
        let day = date.iso();
        self.conn.transaction(|c| {
            let hh = scope::household_for(c, actor, Action::EditRegistry, code)?;
            let pid = next_id(c, IdTable::Person)?;
            c.execute(
                "INSERT INTO person (id, full_name, name_fold, sex, birth_date, ethnicity, citizen_id, death_date) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &person_values(pid, member),
            )?;
            c.execute(
                "INSERT INTO membership (person_id, household_id, relation, valid_from, valid_until, citizen_id) VALUES ($1, $2, $3, $4, NULL, $5)",
                &[pid.into(), hh.into(), member.relation.code().into(), day.clone().into(), member.citizen_id.as_ref().map(|c| c.as_str()).into()],
            )?;
            Self::event(c, hh, Some(pid), &day, EventKind::Birth, "")?;
            crate::audit::record_done(c, actor, "birth", "household", code.to_owned(), format!("{day} person={pid} {}", member.name.as_str()))?;
            Ok(pid)
        })
    }

    /// A member who died on `date`: the membership ends that day and the death is recorded.
    pub fn record_death(
        &mut self,
        actor: &Actor,
        code: &str,
        person_id: i64,
        date: Date,
    ) -> Result<(), StoreError> {
        let day = date.iso();
        self.conn.transaction(|c| {
            let hh = scope::household_for(c, actor, Action::EditRegistry, code)?;
            end_membership(c, person_id, hh, &day, || format!("{code}/{person_id}"))?;
            c.execute(
                "UPDATE person SET death_date = $2 WHERE id = $1",
                &[person_id.into(), day.clone().into()],
            )?;
            Self::event(c, hh, Some(person_id), &day, EventKind::Death, "")?;
            crate::audit::record_done(
                c,
                actor,
                "death",
                "household",
                code.to_owned(),
                format!("{day} person={person_id}"),
            )?;
            Ok(())
        })
    }

    /// Members leave `from` on `date` to found household `new_code` at the same residence, `head` at its head.
    pub fn split_household(
        &mut self,
        actor: &Actor,
        from: &str,
        new_code: &str,
        members: &[i64],
        head: i64,
        date: Date,
    ) -> Result<i64, StoreError> {
        let day = date.iso();
        let before = date.pred().iso();
        self.conn.transaction(|c| {
            let old = scope::household_for(c, actor, Action::EditRegistry, from)?;
            if c.query_one("SELECT id FROM household WHERE code = $1", &[new_code.into()])?.is_some() {
                return Err(StoreError::Conflict { what: "household", key: new_code.to_owned() });
            }
            if !members.contains(&head) {
                return Err(StoreError::NotFound { what: "member", key: format!("{from}/{head}") });
            }
            let new = next_id(c, IdTable::Household)?;
            c.execute(
                "INSERT INTO household (id, code, registered_on, version) VALUES ($1, $2, $3, 1)",
                &[new.into(), new_code.into(), day.clone().into()],
            )?;
            let res = c
                .query_one(
                    "SELECT commune_id, village_id, area, address FROM residence WHERE household_id = $1 AND valid_until IS NULL",
                    &[old.into()],
                )?
                .ok_or(StoreError::NotFound { what: "residence", key: from.to_owned() })?;
            c.execute(
                "INSERT INTO residence (household_id, valid_from, valid_until, commune_id, village_id, area, address) \
                 VALUES ($1, $2, NULL, $3, $4, $5, $6)",
                &[new.into(), day.clone().into(), res[0].clone(), res[1].clone(), res[2].clone(), res[3].clone()],
            )?;
            for &p in members {
                end_membership(c, p, old, &before, || format!("{from}/{p}"))?;
                let relation = if p == head { "head" } else { "other" };
                c.execute(
                    "INSERT INTO membership (person_id, household_id, relation, valid_from, valid_until, citizen_id) \
                     SELECT $1, $2, $3, $4, NULL, citizen_id FROM person WHERE id = $1",
                    &[p.into(), new.into(), relation.into(), day.clone().into()],
                )?;
            }
            Self::event(c, new, Some(head), &day, EventKind::SplitFrom, from)?;
            for &p in members {
                Self::event(c, old, Some(p), &day, EventKind::MemberLeft, new_code)?;
            }
            crate::audit::record_done(c, actor, "split", "household", from.to_owned(), format!("{day} new={new_code} members={members:?} head={head}"))?;
            Ok(new)
        })
    }

    /// Household `from` joins household `into` on `date`: its members move, its residence ends.
    pub fn merge_households(
        &mut self,
        actor: &Actor,
        from: &str,
        into: &str,
        date: Date,
    ) -> Result<(), StoreError> {
        let day = date.iso();
        let before = date.pred().iso();
        if from == into {
            return Err(StoreError::Conflict {
                what: "household",
                key: into.to_owned(),
            });
        }
        self.conn.transaction(|c| {
            let old = scope::household_for(c, actor, Action::EditRegistry, from)?;
            let target = scope::household_for(c, actor, Action::EditRegistry, into)?;
            if c.query_one("SELECT 1 FROM residence WHERE household_id = $1 AND valid_until IS NULL", &[target.into()])?.is_none() {
                return Err(StoreError::NotFound { what: "residence", key: into.to_owned() });
            }
            let members: Vec<i64> = c
                .query_ints("SELECT person_id FROM membership WHERE household_id = $1 AND valid_until IS NULL", &[old.into()])?;
            c.execute(
                "UPDATE membership SET valid_until = $2, citizen_id = NULL WHERE household_id = $1 AND valid_until IS NULL",
                &[old.into(), before.clone().into()],
            )?;
            c.execute(
                "UPDATE residence SET valid_until = $2 WHERE household_id = $1 AND valid_until IS NULL",
                &[old.into(), before.clone().into()],
            )?;
            for p in &members {
                c.execute(
                    "INSERT INTO membership (person_id, household_id, relation, valid_from, valid_until, citizen_id) \
                     SELECT $1, $2, 'other', $3, NULL, citizen_id FROM person WHERE id = $1",
                    &[(*p).into(), target.into(), day.clone().into()],
                )?;
            }
            Self::event(c, old, None, &day, EventKind::MergedInto, into)?;
            Self::event(c, target, None, &day, EventKind::MemberJoined, from)?;
            crate::audit::record_done(c, actor, "merge", "household", from.to_owned(), format!("{day} into={into}"))?;
            Ok(())
        })
    }
}

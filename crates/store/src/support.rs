//! Support: the programmes (health insurance cards, tuition, housing, credit, livelihood models, vocational
//! training and those a province adds), what each household and member received, and the reports communes
//! owe upward with their deadlines, from which the late communes are listed.

use giamngheo_core::date::Date;
use giamngheo_core::ids::UnitLevel;
use giamngheo_core::ids::{HouseholdCode, UnitCode};
use giamngheo_core::round::{Action, procedure_on};

use crate::Store;
use crate::audit::{Actor, Change, record_one};
use crate::db::{Value, parse_date};
use crate::error::StoreError;

#[derive(Clone, Debug, PartialEq)]
pub struct Programme {
    pub id: i64,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// The deprivation indicator the programme addresses, when it addresses one.
    pub indicator: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewSupport {
    pub programme_code: String,
    pub household_code: HouseholdCode,
    pub person_citizen_id: Option<String>,
    pub received_on: Date,
    pub amount_vnd: Option<i64>,
    pub quantity: Option<i64>,
    pub provider: String,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SupportView {
    pub programme_code: String,
    pub programme_vi: String,
    pub person: Option<String>,
    pub received_on: Date,
    pub amount_vnd: Option<i64>,
    pub quantity: Option<i64>,
    pub provider: String,
    pub indicator: Option<String>,
}

/// A report a commune owes upward.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportKind {
    /// The month's in-year results, by the 5th of the next month.
    Monthly,
    /// The periodic round's decision, by the end of the periodic window (14 December).
    Periodic,
    /// A province's preliminary periodic results to the ministry (before 15 November).
    Preliminary,
    /// A province's official periodic results (before 20 December).
    Official,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Late {
    pub commune_code: UnitCode,
    pub commune_name: String,
    pub kind: ReportKind,
    pub year: i32,
    pub month: Option<u8>,
    pub deadline: Date,
    /// The round exists but is not decided (periodic), rather than not opened at all.
    pub round_open: bool,
}

impl Store {
    pub fn programmes(&mut self) -> Result<Vec<Programme>, StoreError> {
        let rows = self.conn.query(
            "SELECT id, code, name_vi, name_en, indicator FROM support_programme ORDER BY id",
            &[],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| Programme {
                id: r[0].int().unwrap_or(0),
                code: r[1].text().unwrap_or_default().to_owned(),
                name_vi: r[2].text().unwrap_or_default().to_owned(),
                name_en: r[3].text().unwrap_or_default().to_owned(),
                indicator: r[4].text().map(str::to_owned),
            })
            .collect())
    }

    /// Adds a programme (a province's own); the code must be new.
    pub fn add_programme(
        &mut self,
        actor: &Actor,
        code: &str,
        name_vi: &str,
        name_en: &str,
        indicator: Option<&str>,
    ) -> Result<i64, StoreError> {
        crate::scope::permit(actor, Action::ManageProgrammes)?;
        self.conn.transaction(|c| {
            if c.query_one(
                "SELECT id FROM support_programme WHERE code = $1",
                &[code.into()],
            )?
            .is_some()
            {
                return Err(StoreError::Conflict {
                    what: "support programme",
                    key: code.to_owned(),
                });
            }
            let id = c
                .query_int(
                    "INSERT INTO support_programme (code, name_vi, name_en, indicator) VALUES ($1, $2, $3, $4) RETURNING id",
                    &[
                        code.into(),
                        giamngheo_core::text::nfc(name_vi).into(),
                        giamngheo_core::text::nfc(name_en).into(),
                        indicator.into(),
                    ],
                )?
                .unwrap_or(0);
            record_one(
                c,
                actor,
                Change {
                    action: "add_programme",
                    entity: "support_programme",
                    entity_id: id.to_string(),
                    old_value: None,
                    new_value: Some(code.to_owned()),
                    reason: None,
                },
            )?;
            Ok(id)
        })
    }

    /// Records support received, all rows or none; each row is audited.
    pub fn record_support(
        &mut self,
        actor: &Actor,
        items: &[NewSupport],
    ) -> Result<u64, StoreError> {
        crate::scope::permit(actor, Action::RecordSupport)?;
        self.conn.transaction(|c| {
            let mut audit = crate::audit::AuditWriter::start(c)?;
            for s in items {
                let p = c
                    .query_one(
                        "SELECT id, indicator FROM support_programme WHERE code = $1",
                        &[s.programme_code.as_str().into()],
                    )?
                    .ok_or_else(|| StoreError::NotFound {
                        what: "support programme",
                        key: s.programme_code.clone(),
                    })?;
                let household_id = crate::scope::household_for(
                    c,
                    actor,
                    Action::RecordSupport,
                    s.household_code.as_str(),
                )?;
                let h = [Value::Int(household_id)];
                let person: Value = match &s.person_citizen_id {
                    None => Value::Null,
                    Some(id) => c
                        .query_one(
                            "SELECT p.id FROM person p JOIN membership m ON m.person_id = p.id WHERE p.citizen_id = $1 AND m.household_id = $2",
                            &[id.as_str().into(), h[0].clone()],
                        )?
                        .map(|r| r[0].clone())
                        .ok_or_else(|| StoreError::NotFound {
                            what: "member",
                            key: id.clone(),
                        })?,
                };
                let id = crate::row_ids::next_id(c, crate::row_ids::IdTable::Support)?;
                c.execute(
                    "INSERT INTO support (id, programme_id, household_id, person_id, received_on, amount_vnd, quantity, provider, indicator, note) \
                         VALUES ($10, $1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        &[
                            p[0].clone(),
                            h[0].clone(),
                            person,
                            s.received_on.iso().into(),
                            s.amount_vnd.into(),
                            s.quantity.into(),
                            giamngheo_core::text::nfc(&s.provider).into(),
                            p[1].clone(),
                            s.note.as_deref().map(giamngheo_core::text::nfc).into(),
                            id.into(),
                        ],
                )?;
                audit.record(
                    c,
                    actor,
                    Change {
                        action: "record_support",
                        entity: "support",
                        entity_id: id.to_string(),
                        old_value: None,
                        new_value: Some(format!(
                            "{} {} {} {}",
                            s.household_code,
                            s.programme_code,
                            s.received_on.iso(),
                            s.amount_vnd.map_or(String::new(), |a| a.to_string())
                        )),
                        reason: None,
                    },
                )?;
            }
            audit.finish(c)?;
            Ok(items.len() as u64)
        })
    }

    /// What a household received, oldest first.
    pub fn support_of(&mut self, household_code: &str) -> Result<Vec<SupportView>, StoreError> {
        let rows = self.conn.query(
            "SELECT p.code, p.name_vi, (SELECT full_name FROM person WHERE id = s.person_id), s.received_on, s.amount_vnd, s.quantity, s.provider, s.indicator \
             FROM support s JOIN support_programme p ON p.id = s.programme_id JOIN household h ON h.id = s.household_id \
             WHERE h.code = $1 ORDER BY s.received_on, s.id",
            &[household_code.into()],
        )?;
        rows.into_iter()
            .map(|r| {
                Ok(SupportView {
                    programme_code: r[0].text().unwrap_or_default().to_owned(),
                    programme_vi: r[1].text().unwrap_or_default().to_owned(),
                    person: r[2].text().map(str::to_owned),
                    received_on: r[3].clone().decode("support", "received_on", parse_date)?,
                    amount_vnd: r[4].int(),
                    quantity: r[5].int(),
                    provider: r[6].text().unwrap_or_default().to_owned(),
                    indicator: r[7].text().map(str::to_owned),
                })
            })
            .collect()
    }

    /// Records that a commune sent its monthly report (month 1-12) or its periodic results (month `None`).
    pub fn submit_report(
        &mut self,
        actor: &Actor,
        unit_id: i64,
        year: i32,
        month: Option<u8>,
        on: Date,
    ) -> Result<(), StoreError> {
        let kind = if month.is_some() {
            ReportKind::Monthly
        } else {
            ReportKind::Official
        };
        self.submit(actor, unit_id, kind, year, month, on)
    }

    /// Records that a province sent its preliminary or official periodic results to the ministry.
    pub fn submit_province_report(
        &mut self,
        actor: &Actor,
        province_id: i64,
        year: i32,
        preliminary: bool,
        on: Date,
    ) -> Result<(), StoreError> {
        let kind = if preliminary {
            ReportKind::Preliminary
        } else {
            ReportKind::Official
        };
        self.submit(actor, province_id, kind, year, None, on)
    }

    fn submit(
        &mut self,
        actor: &Actor,
        unit_id: i64,
        kind: ReportKind,
        year: i32,
        month: Option<u8>,
        on: Date,
    ) -> Result<(), StoreError> {
        crate::scope::permit_unit(
            actor,
            Action::SubmitReport,
            unit_id,
            "unit",
            &unit_id.to_string(),
        )?;
        let kind = match kind {
            ReportKind::Monthly => "monthly",
            ReportKind::Preliminary => "preliminary",
            ReportKind::Periodic | ReportKind::Official => "official",
        };
        self.conn.transaction(|c| {
            let report = crate::row_ids::next_id(c, crate::row_ids::IdTable::UpwardReport)?;
            c.execute(
                "INSERT INTO upward_report (id, unit_id, kind, year, month, submitted_on, submitted_by) VALUES ($7, $1, $2, $3, $4, $5, $6)",
                &[
                    unit_id.into(),
                    kind.into(),
                    Value::from(year),
                    Value::from(u32::from(month.unwrap_or(0))),
                    on.iso().into(),
                    actor.name.clone().into(),
                    report.into(),
                ],
            )?;
            record_one(
                c,
                actor,
                Change {
                    action: "submit_report",
                    entity: "unit",
                    entity_id: unit_id.to_string(),
                    old_value: None,
                    new_value: Some(format!("{kind} {year}-{:02}", month.unwrap_or(0))),
                    reason: None,
                },
            )?;
            Ok(())
        })
    }

    /// The communes under `unit_id` (on the boundaries of `as_of`) that are late on `as_of`: a periodic
    /// round of `year` not decided by its deadline, or a monthly report not sent by its day: the law asks
    /// for one on the 5th of each month from February to September, so for January to August.
    pub fn late_communes(
        &mut self,
        unit_id: i64,
        year: i32,
        as_of: Date,
    ) -> Result<Vec<Late>, StoreError> {
        let procedure =
            procedure_on(as_of).or_else(|| Date::new(year, 12, 1).ok().and_then(procedure_on));
        let Some(procedure) = procedure else {
            return Ok(Vec::new());
        };
        let mut communes = Vec::new();
        let mut stack = vec![unit_id];
        while let Some(u) = stack.pop() {
            for child in self.children_at(u, as_of)? {
                match child.level {
                    UnitLevel::Commune => communes.push(child),
                    UnitLevel::Village => {}
                    _ => stack.push(child.id),
                }
            }
        }
        if communes.is_empty()
            && let Some(u) = self.unit(unit_id)?
            && u.level == UnitLevel::Commune
        {
            communes.push(u);
        }
        communes.sort_by(|a, b| a.code.cmp(&b.code));
        let mut late = Vec::new();
        for commune in communes {
            let periodic_deadline = procedure.periodic_window(year).map_or(as_of, |(_, to)| to);
            if as_of > periodic_deadline {
                let round = self.conn.query_one(
                    "SELECT status FROM review_round WHERE commune_id = $1 AND year = $2 AND kind = 'periodic'",
                    &[commune.id.into(), Value::from(year)],
                )?;
                let decided = round
                    .as_ref()
                    .is_some_and(|r| r[0].text() == Some("decided"));
                if !decided {
                    late.push(Late {
                        commune_code: commune.code.clone(),
                        commune_name: commune.name.clone(),
                        kind: ReportKind::Periodic,
                        year,
                        month: None,
                        deadline: periodic_deadline,
                        round_open: round.is_some(),
                    });
                }
            }
            let sent: Vec<i64> = self
                .conn
                .query_ints(
                    "SELECT month FROM upward_report WHERE unit_id = $1 AND year = $2 AND kind = 'monthly'",
                    &[commune.id.into(), Value::from(year)],
                )?;
            for month in 1..=8u8 {
                let deadline = procedure.monthly_report_deadline(year, month);
                if as_of > deadline && !sent.contains(&i64::from(month)) {
                    late.push(Late {
                        commune_code: commune.code.clone(),
                        commune_name: commune.name.clone(),
                        kind: ReportKind::Monthly,
                        year,
                        month: Some(month),
                        deadline,
                        round_open: false,
                    });
                }
            }
        }
        // A province owes the ministry its preliminary and official results.
        if let Some(u) = self.unit(unit_id)?
            && u.level == UnitLevel::Province
            && let Some((preliminary, official)) = procedure.province_deadlines(year)
        {
            let sent: Vec<String> = self
                .conn
                .query(
                    "SELECT kind FROM upward_report WHERE unit_id = $1 AND year = $2 AND kind IN ('preliminary', 'official')",
                    &[unit_id.into(), Value::from(year)],
                )?
                .into_iter()
                .filter_map(|r| r[0].text().map(str::to_owned))
                .collect();
            for (kind, code, deadline) in [
                (ReportKind::Preliminary, "preliminary", preliminary),
                (ReportKind::Official, "official", official),
            ] {
                if as_of >= deadline && !sent.iter().any(|k| k == code) {
                    late.push(Late {
                        commune_code: u.code.clone(),
                        commune_name: u.name.clone(),
                        kind,
                        year,
                        month: None,
                        deadline,
                        round_open: false,
                    });
                }
            }
        }
        Ok(late)
    }
}

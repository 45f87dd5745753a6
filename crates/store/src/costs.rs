//! Unit costs of the support programmes (migration 0014): what supporting one household under a programme
//! costs in a year, as a province or a commune enters it. The forecast and the graduation plans price support
//! with them.

use giamngheo_core::round::Action;

use crate::Store;
use crate::audit::{Actor, Change};
use crate::error::StoreError;

#[derive(Clone, Debug, PartialEq)]
pub struct ProgrammeCost {
    pub programme_code: String,
    pub unit_id: i64,
    pub year: i32,
    /// Đồng per household supported.
    pub cost_vnd: i64,
    /// Where the figure comes from (a plan, a decision).
    pub note: String,
}

impl Store {
    /// Sets unit costs, replacing those of the same programme, unit and year, all in one transaction and
    /// audited; the unit must lie in the acting person's scope.
    pub fn set_programme_costs(
        &mut self,
        actor: &Actor,
        costs: &[ProgrammeCost],
    ) -> Result<(), StoreError> {
        crate::scope::permit_units(actor, Action::SetTargets, costs.iter().map(|c| c.unit_id))?;
        let today = crate::today().iso();
        self.conn.transaction(|c| {
            let mut audit = crate::audit::AuditWriter::start(c)?;
            for cost in costs {
                let programme = c
                    .query_int(
                        "SELECT id FROM support_programme WHERE code = $1",
                        &[cost.programme_code.as_str().into()],
                    )?
                    .ok_or_else(|| StoreError::NotFound {
                        what: "support programme",
                        key: cost.programme_code.clone(),
                    })?;
                audit.record(
                    c,
                    actor,
                    Change {
                        action: "set_programme_cost",
                        entity: "unit",
                        entity_id: cost.unit_id.to_string(),
                        old_value: None,
                        new_value: Some(format!(
                            "{} {} {} VND",
                            cost.programme_code, cost.year, cost.cost_vnd
                        )),
                        reason: (!cost.note.is_empty()).then(|| cost.note.clone()),
                    },
                )?;
                c.execute(
                    "DELETE FROM programme_cost WHERE programme_id = $1 AND unit_id = $2 AND year = $3",
                    &[programme.into(), cost.unit_id.into(), cost.year.into()],
                )?;
                c.execute(
                    "INSERT INTO programme_cost (programme_id, unit_id, year, cost_vnd, note, set_on) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        programme.into(),
                        cost.unit_id.into(),
                        cost.year.into(),
                        cost.cost_vnd.into(),
                        giamngheo_core::text::nfc(&cost.note).into(),
                        today.clone().into(),
                    ],
                )?;
            }
            audit.finish(c)?;
            Ok(())
        })
    }

    /// The unit costs entered for a unit and a year, by programme code.
    pub fn programme_costs(
        &mut self,
        unit_id: i64,
        year: i32,
    ) -> Result<Vec<ProgrammeCost>, StoreError> {
        Ok(self
            .conn
            .query(
                "SELECT p.code, c.cost_vnd, c.note FROM programme_cost c \
                 JOIN support_programme p ON p.id = c.programme_id \
                 WHERE c.unit_id = $1 AND c.year = $2 ORDER BY p.id",
                &[unit_id.into(), year.into()],
            )?
            .into_iter()
            .map(|r| ProgrammeCost {
                programme_code: r[0].text().unwrap_or_default().to_owned(),
                unit_id,
                year,
                cost_vnd: r[1].int().unwrap_or(0),
                note: r[2].text().unwrap_or_default().to_owned(),
            })
            .collect())
    }
}

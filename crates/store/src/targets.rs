//! Plan targets per unit and year: the poor-household rate a unit plans to reach at the end of a year.

use crate::Store;
use crate::audit::Actor;
use crate::db::Value;
use crate::error::StoreError;
use giamngheo_core::round::Action;

#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub unit_id: i64,
    pub year: i32,
    /// Percent, as the plan states it.
    pub poor_rate: f64,
    pub near_poor_rate: Option<f64>,
    pub note: String,
}

impl Store {
    /// Sets targets, replacing those of the same unit and year, all in one transaction.
    pub fn set_targets(&mut self, actor: &Actor, targets: &[Target]) -> Result<(), StoreError> {
        crate::scope::permit_units(actor, Action::SetTargets, targets.iter().map(|t| t.unit_id))?;
        let today = crate::today().iso();
        self.conn.transaction(|c| {
            let mut audit = crate::audit::AuditWriter::start(c)?;
            for t in targets {
                audit.record(
                    c,
                    actor,
                    crate::audit::Change {
                        action: "set_target",
                        entity: "unit",
                        entity_id: t.unit_id.to_string(),
                        old_value: None,
                        new_value: Some(format!(
                            "{} poor={} near_poor={}",
                            t.year,
                            t.poor_rate,
                            t.near_poor_rate.map_or_else(|| "-".to_owned(), |r| r.to_string())
                        )),
                        reason: (!t.note.is_empty()).then(|| t.note.clone()),
                    },
                )?;
                c.execute(
                    "DELETE FROM plan_target WHERE unit_id = $1 AND year = $2",
                    &[t.unit_id.into(), t.year.into()],
                )?;
                c.execute(
                    "INSERT INTO plan_target (unit_id, year, poor_rate, near_poor_rate, note, set_on) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        t.unit_id.into(),
                        t.year.into(),
                        t.poor_rate.into(),
                        t.near_poor_rate.map_or(Value::Null, Value::from),
                        t.note.clone().into(),
                        today.clone().into(),
                    ],
                )?;
            }
            audit.finish(c)?;
            Ok(())
        })
    }

    /// The targets of a unit for the years `from..=to`, by year.
    pub fn targets(&mut self, unit_id: i64, from: i32, to: i32) -> Result<Vec<Target>, StoreError> {
        Ok(self
            .conn
            .query(
                "SELECT year, poor_rate, near_poor_rate, note FROM plan_target \
                 WHERE unit_id = $1 AND year >= $2 AND year <= $3 ORDER BY year",
                &[unit_id.into(), from.into(), to.into()],
            )?
            .into_iter()
            .map(|r| Target {
                unit_id,
                year: r[0].int().unwrap_or(0) as i32,
                poor_rate: r[1].real().unwrap_or(0.0),
                near_poor_rate: r[2].real(),
                note: r[3].text().unwrap_or_default().to_owned(),
            })
            .collect())
    }
}

//! The one scope check that every write goes through, below the web app and the command line, so that no
//! front end can forget it: may this actor's role take this action (core `Role::may`, the one table of who
//! may do what), and do the places it touches lie inside the actor's units — where a household lives now,
//! and where it will live after the change.
//!
//! A household outside the scope is answered exactly like one that does not exist (`NotFound`), so a refusal
//! reveals nothing about where a household lives.

use std::collections::HashSet;
use std::sync::Arc;

use giamngheo_core::round::{Action, RoundError};

use crate::audit::Actor;
use crate::db::Conn;
use crate::error::StoreError;

/// The units an actor may change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// The whole country: administrators without a unit, and the command line (whoever holds the database
    /// file holds all of it; the scope protects the server's accounts from each other).
    #[default]
    Everywhere,
    /// These units (an account's unit and every unit under it, villages included), by id.
    Units(Arc<HashSet<i64>>),
}

impl Scope {
    pub fn units(ids: impl IntoIterator<Item = i64>) -> Scope {
        Scope::Units(Arc::new(ids.into_iter().collect()))
    }

    pub fn covers_unit(&self, unit_id: i64) -> bool {
        match self {
            Scope::Everywhere => true,
            Scope::Units(s) => s.contains(&unit_id),
        }
    }

    /// Whether a household living here is inside: its commune is, or its village is (a village reviewer's
    /// scope holds only villages).
    pub fn covers(&self, place: Place) -> bool {
        self.covers_unit(place.commune) || place.village.is_some_and(|v| self.covers_unit(v))
    }
}

/// Where a household lives (or will live): a commune and perhaps a village, by unit id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    pub commune: i64,
    pub village: Option<i64>,
}

/// May the actor's role take this action at all?
pub(crate) fn permit(actor: &Actor, action: Action) -> Result<(), StoreError> {
    if actor.role.may(action) {
        Ok(())
    } else {
        Err(StoreError::Procedure(RoundError::NotAllowed {
            role: actor.role,
            action,
        }))
    }
}

/// May the actor take this action on a unit (a round's commune, a target's unit)? A unit outside the scope is
/// answered as not found.
pub(crate) fn permit_unit(
    actor: &Actor,
    action: Action,
    unit_id: i64,
    what: &'static str,
    key: &str,
) -> Result<(), StoreError> {
    permit(actor, action)?;
    if actor.scope.covers_unit(unit_id) {
        Ok(())
    } else {
        Err(StoreError::NotFound {
            what,
            key: key.to_owned(),
        })
    }
}

/// [`permit_unit`] for every unit of a batch (targets, costs): each must be inside the actor's scope.
pub(crate) fn permit_units(
    actor: &Actor,
    action: Action,
    unit_ids: impl IntoIterator<Item = i64>,
) -> Result<(), StoreError> {
    for id in unit_ids {
        permit_unit(actor, action, id, "unit", &id.to_string())?;
    }
    Ok(())
}

/// Where a household lives now (its open residence), or None if it has none.
pub(crate) fn current_place(c: &mut Conn, household_id: i64) -> Result<Option<Place>, StoreError> {
    Ok(c
        .query_one(
            "SELECT commune_id, village_id FROM residence WHERE household_id = $1 AND valid_until IS NULL",
            &[household_id.into()],
        )?
        .and_then(|r| {
            Some(Place {
                commune: r[0].int()?,
                village: r[1].int(),
            })
        }))
}

/// The id of a household the actor may change by this action. A household that
/// does not exist, has no open residence, or lives outside the actor's units is `NotFound` alike.
pub(crate) fn household_for(
    c: &mut Conn,
    actor: &Actor,
    action: Action,
    code: &str,
) -> Result<i64, StoreError> {
    permit(actor, action)?;
    let not_found = || StoreError::NotFound {
        what: "household",
        key: code.to_owned(),
    };
    let id = c
        .query_int("SELECT id FROM household WHERE code = $1", &[code.into()])?
        .ok_or_else(not_found)?;
    match current_place(c, id)? {
        Some(p) if actor.scope.covers(p) => Ok(id),
        // A household that has left the registry (merged into another) can still be named by whoever may
        // change everything, so that history stays reachable; an account with a scope cannot.
        None if actor.scope == Scope::Everywhere => Ok(id),
        _ => Err(not_found()),
    }
}

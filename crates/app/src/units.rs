//! Finding the unit a person names: by its code, or by its name with or without diacritics.

use giamngheo_core::date::Date;
use giamngheo_core::ids::UnitLevel;
use giamngheo_store::units::Unit;
use giamngheo_store::{Store, StoreError};

/// Every level, largest first.
pub const ALL_LEVELS: [UnitLevel; 4] = [
    UnitLevel::Province,
    UnitLevel::District,
    UnitLevel::Commune,
    UnitLevel::Village,
];

/// The units of `levels` valid on `on` that answer to `key`. A code is exact: "38" is the province, not every
/// "Thôn 38", so a unit whose code is the key is the only answer.
pub fn find(
    store: &mut Store,
    key: &str,
    on: Date,
    levels: &[UnitLevel],
) -> Result<Vec<Unit>, StoreError> {
    let mut found = Vec::new();
    for level in levels {
        found.extend(store.find_units(*level, key, on)?);
    }
    if found.iter().any(|u| u.code == key.trim()) {
        found.retain(|u| u.code == key.trim());
    }
    Ok(found)
}

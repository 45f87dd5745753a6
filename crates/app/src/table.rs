//! What every table of the app's reports shares: its title over a unit and its columns' labels, written
//! once so the tables cannot drift apart in wording.

use giamngheo_core::Lang;
use giamngheo_core::date::Date;
use giamngheo_report::table::Table;
use giamngheo_store::units::Unit;

/// A table with its machine column names and the readers' labels, from (name, Vietnamese, English).
pub(crate) fn labelled(title: String, columns: &[(&str, &str, &str)], lang: Lang) -> Table {
    Table {
        title,
        columns: columns.iter().map(|c| c.0.to_owned()).collect(),
        labels: columns
            .iter()
            .map(|c| lang.pick(c.1, c.2).to_owned())
            .collect(),
        ..Table::default()
    }
}

/// A report's title over a unit: what it shows, the unit, and the date of the boundaries it is counted on.
pub(crate) fn unit_title(u: &Unit, on: Date, vi: &str, en: &str, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{vi}: {} (địa giới ngày {})", u.name, on.vi()),
        Lang::En => format!("{en}: {} (boundaries of {})", u.name, on.vi()),
    }
}

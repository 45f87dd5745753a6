//! Administrative units over time. Units are valid for a range of dates; lineage links say where a unit's
//! territory went when units merged, split or were renamed. Every report maps its figures through
//! [`UnitLineage`] so that any figure can be shown on the boundaries of any date.

use std::collections::HashMap;

use crate::date::Date;
use crate::ids::UnitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineageKind {
    /// The whole old unit went into the new one (possibly with others).
    Merge,
    /// The old unit's territory was divided among several new units.
    Split,
    Rename,
    /// The unit moved under another parent (a village to a new commune).
    Reparent,
}

impl LineageKind {
    pub fn code(self) -> &'static str {
        match self {
            LineageKind::Merge => "merge",
            LineageKind::Split => "split",
            LineageKind::Rename => "rename",
            LineageKind::Reparent => "reparent",
        }
    }

    /// The change in words, in the interface's language.
    pub fn name(self, lang: crate::Lang) -> &'static str {
        match self {
            LineageKind::Merge => lang.pick("sáp nhập", "merge"),
            LineageKind::Split => lang.pick("chia tách", "split"),
            LineageKind::Rename => lang.pick("đổi tên", "rename"),
            LineageKind::Reparent => lang.pick("chuyển đơn vị cấp trên", "new parent unit"),
        }
    }

    pub fn parse(s: &str) -> Option<LineageKind> {
        [
            LineageKind::Merge,
            LineageKind::Split,
            LineageKind::Rename,
            LineageKind::Reparent,
        ]
        .into_iter()
        .find(|k| k.code() == s.trim())
    }
}

/// One link from an old unit to a unit that took (part of) it, on the date the new unit began.
#[derive(Clone, Debug, PartialEq)]
pub struct LineageLink {
    pub date: Date,
    pub kind: LineageKind,
    pub from: UnitCode,
    pub to: UnitCode,
    /// The share of the old unit's households or population that went to `to`, where known.
    pub share: Option<f64>,
    /// For a split: the new unit that takes the old unit's records by default.
    pub default_successor: bool,
}

/// All lineage links, indexed for mapping.
#[derive(Clone, Debug, Default)]
pub struct UnitLineage {
    /// Links by old unit, in date order.
    out: HashMap<UnitCode, Vec<LineageLink>>,
}

impl UnitLineage {
    pub fn new(links: impl IntoIterator<Item = LineageLink>) -> UnitLineage {
        let mut out: HashMap<UnitCode, Vec<LineageLink>> = HashMap::new();
        for l in links {
            out.entry(l.from.clone()).or_default().push(l);
        }
        for v in out.values_mut() {
            v.sort_by(|a, b| {
                a.date
                    .cmp(&b.date)
                    .then(b.default_successor.cmp(&a.default_successor))
            });
        }
        UnitLineage { out }
    }

    /// Where the territory of `unit` (as it was on `from`) lies on the boundaries of `to` (later), with the share
    /// of it in each unit. Shares of a split come from the links; where a split gives none, the default
    /// successor takes everything, as it takes the records.
    pub fn successors(&self, unit: &UnitCode, from: Date, to: Date) -> Vec<(UnitCode, f64)> {
        // Each entry: a unit, the share of the original territory in it, and the date it took that form.
        let mut current: Vec<(UnitCode, f64, Date)> = vec![(unit.clone(), 1.0, from)];
        for _ in 0..16 {
            let mut next: Vec<(UnitCode, f64, Date)> = Vec::new();
            let mut moved = false;
            for (u, w, since) in &current {
                let links: Vec<&LineageLink> = self
                    .out
                    .get(u)
                    .map(|v| {
                        v.iter()
                            .filter(|l| l.date > *since && l.date <= to)
                            .collect()
                    })
                    .unwrap_or_default();
                let Some(first) = links.first() else {
                    add(&mut next, u.clone(), *w, *since);
                    continue;
                };
                moved = true;
                // Only the earliest change applies in this generation; later ones are followed from the new unit.
                let date = first.date;
                let same: Vec<&&LineageLink> = links.iter().filter(|l| l.date == date).collect();
                let known: f64 = same.iter().filter_map(|l| l.share).sum();
                if same.iter().all(|l| l.share.is_some()) && known > 0.0 {
                    for l in &same {
                        add(
                            &mut next,
                            l.to.clone(),
                            w * l.share.unwrap_or(0.0) / known,
                            date,
                        );
                    }
                } else {
                    let target = same
                        .iter()
                        .find(|l| l.default_successor)
                        .unwrap_or(&same[0]);
                    add(&mut next, target.to.clone(), *w, date);
                }
            }
            current = next;
            if !moved {
                break;
            }
        }
        // The same unit reached by two paths (split, then merged back) is one entry.
        let mut out: Vec<(UnitCode, f64)> = Vec::with_capacity(current.len());
        for (u, w, _) in current {
            match out.iter_mut().find(|(x, _)| *x == u) {
                Some((_, x)) => *x += w,
                None => out.push((u, w)),
            }
        }
        out
    }

    /// The one unit on the boundaries of `to` that takes the records of `unit` (as on `from`).
    pub fn record_successor(&self, unit: &UnitCode, from: Date, to: Date) -> UnitCode {
        let mut u = unit.clone();
        let mut after = from;
        for _ in 0..16 {
            let next = self.out.get(&u).and_then(|v| {
                let mut cands = v.iter().filter(|l| l.date > after && l.date <= to);
                let first = cands.next()?;
                let date = first.date;
                Some(
                    std::iter::once(first)
                        .chain(cands.filter(|l| l.date == date))
                        .find(|l| l.default_successor)
                        .unwrap_or(first)
                        .clone(),
                )
            });
            match next {
                Some(l) => {
                    u = l.to;
                    after = l.date;
                }
                None => break,
            }
        }
        u
    }
}

fn add(v: &mut Vec<(UnitCode, f64, Date)>, u: UnitCode, w: f64, since: Date) {
    match v.iter_mut().find(|(x, _, d)| *x == u && *d == since) {
        Some((_, x, _)) => *x += w,
        None => v.push((u, w, since)),
    }
}

/// One administrative unit as an official list gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitRecord {
    pub level: crate::ids::UnitLevel,
    pub code: UnitCode,
    pub name: String,
    pub short_name: String,
    pub parent: Option<UnitCode>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// An old commune's successor in a reform's lists.
#[derive(Clone, Debug, PartialEq)]
pub struct ReformLink {
    pub old: UnitCode,
    pub new: UnitCode,
    pub kind: LineageKind,
    pub default_successor: bool,
}

//! The income proxy score of the survey form (Phiếu B): reviewers record observable characteristics, each
//! answer carries points that differ by region (urban, and the six rural regions), and the sum stands for
//! per-capita income. The point tables are data a province provides as a file; giamngheo ships their
//! structure and one illustrative table, marked as such everywhere it is used, because the official tables
//! (Circular 07/2021 Annexes III and IV) were not found as text (`vn-poverty-standards.md` §5).

use std::collections::HashMap;

use serde::Deserialize;

use crate::Lang;
use crate::text::nfc;

/// Where the household lives, for the point columns: urban, or one of the six rural regions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Region {
    Urban,
    /// Red River Delta.
    Nt1,
    /// Northern Midlands and Mountains.
    Nt2,
    /// North Central and Central Coast.
    Nt3,
    /// Central Highlands.
    Nt4,
    /// Southeast.
    Nt5,
    /// Mekong Delta.
    Nt6,
}

impl Region {
    pub const ALL: [Region; 7] = [
        Region::Urban,
        Region::Nt1,
        Region::Nt2,
        Region::Nt3,
        Region::Nt4,
        Region::Nt5,
        Region::Nt6,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Region::Urban => "urban",
            Region::Nt1 => "nt1",
            Region::Nt2 => "nt2",
            Region::Nt3 => "nt3",
            Region::Nt4 => "nt4",
            Region::Nt5 => "nt5",
            Region::Nt6 => "nt6",
        }
    }

    pub fn parse(s: &str) -> Option<Region> {
        let s = s.trim().to_lowercase();
        Region::ALL.into_iter().find(|r| r.code() == s)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Region::Urban => lang.pick("thành thị", "urban"),
            Region::Nt1 => lang.pick("nông thôn Đồng bằng sông Hồng", "rural Red River Delta"),
            Region::Nt2 => lang.pick(
                "nông thôn Trung du và miền núi phía Bắc",
                "rural Northern Midlands and Mountains",
            ),
            Region::Nt3 => lang.pick(
                "nông thôn Bắc Trung Bộ và Duyên hải miền Trung",
                "rural North Central and Central Coast",
            ),
            Region::Nt4 => lang.pick("nông thôn Tây Nguyên", "rural Central Highlands"),
            Region::Nt5 => lang.pick("nông thôn Đông Nam Bộ", "rural Southeast"),
            Region::Nt6 => lang.pick("nông thôn Đồng bằng sông Cửu Long", "rural Mekong Delta"),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    id: String,
    name_vi: String,
    name_en: String,
    official: bool,
    source: String,
    items: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    name_vi: String,
    name_en: String,
    answers: Vec<RawAnswer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswer {
    id: String,
    name_vi: String,
    name_en: String,
    points: HashMap<String, u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    points: [u32; 7],
}

impl Answer {
    pub fn points(&self, region: Region) -> u32 {
        self.points[region as usize]
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    pub answers: Vec<Answer>,
}

/// A point table, checked: every answer has points for every region, ids are unique.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreTable {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    /// False for the illustrative table: every score computed with it says so.
    pub official: bool,
    pub source: String,
    pub items: Vec<Item>,
}

/// What is wrong with a point table file, naming the item and answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScoreTableError {
    Syntax(String),
    DuplicateItem(String),
    DuplicateAnswer {
        item: String,
        answer: String,
    },
    MissingRegion {
        item: String,
        answer: String,
        region: &'static str,
    },
    UnknownRegion {
        item: String,
        answer: String,
        region: String,
    },
    NoAnswers(String),
}

/// What is wrong with one household's answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScoreError {
    UnknownItem(String),
    UnknownAnswer {
        item: String,
        answer: String,
        allowed: Vec<String>,
    },
}

/// A score with the points of each answer: the explanation shown to the household and the meeting.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    pub total: u32,
    pub lines: Vec<(String, String, u32)>,
}

/// The illustrative table shipped with giamngheo (not official).
pub const ILLUSTRATIVE: &str = include_str!("../../../standards/score-tables/illustrative.toml");

impl ScoreTable {
    pub fn parse(text: &str) -> Result<ScoreTable, ScoreTableError> {
        let raw: RawTable =
            toml::from_str(text).map_err(|e| ScoreTableError::Syntax(e.to_string()))?;
        let mut items = Vec::new();
        let mut seen = Vec::new();
        for it in raw.items {
            if seen.contains(&it.id) {
                return Err(ScoreTableError::DuplicateItem(it.id));
            }
            seen.push(it.id.clone());
            if it.answers.is_empty() {
                return Err(ScoreTableError::NoAnswers(it.id));
            }
            let mut answers: Vec<Answer> = Vec::new();
            for a in it.answers {
                if answers.iter().any(|x| x.id == a.id) {
                    return Err(ScoreTableError::DuplicateAnswer {
                        item: it.id.clone(),
                        answer: a.id,
                    });
                }
                if let Some(bad) = a.points.keys().find(|k| Region::parse(k).is_none()) {
                    return Err(ScoreTableError::UnknownRegion {
                        item: it.id.clone(),
                        answer: a.id.clone(),
                        region: bad.clone(),
                    });
                }
                let mut points = [0u32; 7];
                for r in Region::ALL {
                    points[r as usize] =
                        *a.points
                            .get(r.code())
                            .ok_or_else(|| ScoreTableError::MissingRegion {
                                item: it.id.clone(),
                                answer: a.id.clone(),
                                region: r.code(),
                            })?;
                }
                answers.push(Answer {
                    id: a.id,
                    name_vi: nfc(&a.name_vi),
                    name_en: a.name_en,
                    points,
                });
            }
            items.push(Item {
                id: it.id,
                name_vi: nfc(&it.name_vi),
                name_en: it.name_en,
                answers,
            });
        }
        Ok(ScoreTable {
            id: raw.id,
            name_vi: nfc(&raw.name_vi),
            name_en: raw.name_en,
            official: raw.official,
            source: raw.source,
            items,
        })
    }

    pub fn illustrative() -> ScoreTable {
        // Compiled in and parsed by the core's tests: a failure here is a build defect.
        ScoreTable::parse(ILLUSTRATIVE)
            .unwrap_or_else(|e| panic!("the illustrative score table must parse: {e:?}"))
    }

    /// The score of one household: `answers` are (item id, answer id); an item left out scores nothing
    /// (the form's "none of these").
    pub fn score(
        &self,
        region: Region,
        answers: &[(&str, &str)],
        lang: Lang,
    ) -> Result<Score, ScoreError> {
        let mut total = 0;
        let mut lines = Vec::new();
        for (item_id, answer_id) in answers {
            let item = self
                .items
                .iter()
                .find(|i| i.id == *item_id)
                .ok_or_else(|| ScoreError::UnknownItem((*item_id).to_owned()))?;
            if answer_id.trim().is_empty() {
                continue;
            }
            let answer = item
                .answers
                .iter()
                .find(|a| a.id == answer_id.trim())
                .ok_or_else(|| ScoreError::UnknownAnswer {
                    item: item.id.clone(),
                    answer: (*answer_id).to_owned(),
                    allowed: item.answers.iter().map(|a| a.id.clone()).collect(),
                })?;
            let p = answer.points(region);
            total += p;
            lines.push((
                lang.pick(&item.name_vi, &item.name_en).to_owned(),
                lang.pick(&answer.name_vi, &answer.name_en).to_owned(),
                p,
            ));
        }
        Ok(Score { total, lines })
    }
}

impl ScoreError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ScoreError::UnknownItem(i), Lang::Vi) => format!("bảng điểm không có mục {i}"),
            (ScoreError::UnknownItem(i), Lang::En) => format!("the point table has no item {i}"),
            (
                ScoreError::UnknownAnswer {
                    item,
                    answer,
                    allowed,
                },
                Lang::Vi,
            ) => format!(
                "mục {item} không có câu trả lời '{answer}' (chọn một trong: {})",
                allowed.join(", ")
            ),
            (
                ScoreError::UnknownAnswer {
                    item,
                    answer,
                    allowed,
                },
                Lang::En,
            ) => format!(
                "item {item} has no answer '{answer}' (one of: {})",
                allowed.join(", ")
            ),
        }
    }
}

impl ScoreTableError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ScoreTableError::Syntax(e), _) => {
                format!(
                    "{}: {e}",
                    lang.pick("tệp bảng điểm sai cú pháp", "point table file syntax")
                )
            }
            (ScoreTableError::DuplicateItem(i), Lang::Vi) => format!("mục {i} xuất hiện hai lần"),
            (ScoreTableError::DuplicateItem(i), Lang::En) => format!("item {i} appears twice"),
            (ScoreTableError::DuplicateAnswer { item, answer }, Lang::Vi) => {
                format!("mục {item}: câu trả lời {answer} xuất hiện hai lần")
            }
            (ScoreTableError::DuplicateAnswer { item, answer }, Lang::En) => {
                format!("item {item}: answer {answer} appears twice")
            }
            (
                ScoreTableError::MissingRegion {
                    item,
                    answer,
                    region,
                },
                Lang::Vi,
            ) => {
                format!("mục {item}, câu trả lời {answer}: thiếu điểm vùng {region}")
            }
            (
                ScoreTableError::MissingRegion {
                    item,
                    answer,
                    region,
                },
                Lang::En,
            ) => {
                format!("item {item}, answer {answer}: no points for region {region}")
            }
            (
                ScoreTableError::UnknownRegion {
                    item,
                    answer,
                    region,
                },
                Lang::Vi,
            ) => format!(
                "mục {item}, câu trả lời {answer}: không có vùng {region} (urban, nt1 … nt6)"
            ),
            (
                ScoreTableError::UnknownRegion {
                    item,
                    answer,
                    region,
                },
                Lang::En,
            ) => format!("item {item}, answer {answer}: no region {region} (urban, nt1 … nt6)"),
            (ScoreTableError::NoAnswers(i), Lang::Vi) => {
                format!("mục {i} không có câu trả lời nào")
            }
            (ScoreTableError::NoAnswers(i), Lang::En) => format!("item {i} has no answers"),
        }
    }
}

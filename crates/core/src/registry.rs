//! Households and members as the registry records them, checked when built: a household has exactly one head.

use crate::Area;
use crate::date::Date;
use crate::facts::Sex;
use crate::ids::{CitizenId, HouseholdCode, PersonName, UnitCode};
use crate::text::{fold, nfc};

/// A member's relation to the head of the household (quan hệ với chủ hộ).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Relation {
    Head,
    Spouse,
    Child,
    Parent,
    Grandparent,
    Grandchild,
    Sibling,
    ChildInLaw,
    Other,
}

impl Relation {
    pub const ALL: [Relation; 9] = [
        Relation::Head,
        Relation::Spouse,
        Relation::Child,
        Relation::Parent,
        Relation::Grandparent,
        Relation::Grandchild,
        Relation::Sibling,
        Relation::ChildInLaw,
        Relation::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Relation::Head => "head",
            Relation::Spouse => "spouse",
            Relation::Child => "child",
            Relation::Parent => "parent",
            Relation::Grandparent => "grandparent",
            Relation::Grandchild => "grandchild",
            Relation::Sibling => "sibling",
            Relation::ChildInLaw => "child_in_law",
            Relation::Other => "other",
        }
    }

    /// The relation in words, in the interface's language.
    pub fn name(self, lang: crate::Lang) -> &'static str {
        match self {
            Relation::Head => lang.pick("chủ hộ", "head"),
            Relation::Spouse => lang.pick("vợ/chồng", "spouse"),
            Relation::Child => lang.pick("con", "child"),
            Relation::Parent => lang.pick("bố/mẹ", "parent"),
            Relation::Grandparent => lang.pick("ông/bà", "grandparent"),
            Relation::Grandchild => lang.pick("cháu", "grandchild"),
            Relation::Sibling => lang.pick("anh/chị/em", "sibling"),
            Relation::ChildInLaw => lang.pick("con dâu/con rể", "child-in-law"),
            Relation::Other => lang.pick("khác", "other"),
        }
    }

    /// The code, or the words Vietnamese forms use, with or without diacritics.
    pub fn parse(s: &str) -> Option<Relation> {
        if let Some(r) = Relation::ALL.into_iter().find(|r| r.code() == s.trim()) {
            return Some(r);
        }
        Some(match fold(s).as_str() {
            "chu ho" => Relation::Head,
            "vo" | "chong" | "vo/chong" => Relation::Spouse,
            "con" | "con de" | "con nuoi" => Relation::Child,
            "bo" | "me" | "cha" | "bo/me" | "cha/me" => Relation::Parent,
            "ong" | "ba" | "ong/ba" => Relation::Grandparent,
            "chau" => Relation::Grandchild,
            "anh" | "chi" | "em" | "anh/chi/em" => Relation::Sibling,
            "con dau" | "con re" | "con dau/con re" => Relation::ChildInLaw,
            "khac" => Relation::Other,
            _ => return None,
        })
    }
}

impl Sex {
    /// The sex in words, in the interface's language.
    pub fn name(self, lang: crate::Lang) -> &'static str {
        match self {
            Sex::Male => lang.pick("nam", "male"),
            Sex::Female => lang.pick("nữ", "female"),
        }
    }

    /// `male`/`female`, `nam`/`nữ`, or the form's codes `1`/`2`.
    pub fn parse_any(s: &str) -> Option<Sex> {
        match fold(s).as_str() {
            "male" | "nam" | "1" | "m" => Some(Sex::Male),
            "female" | "nu" | "2" | "f" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// Whether an ethnicity is an ethnic minority (any but Kinh), for reports that break results down by it.
pub fn is_ethnic_minority(ethnicity: &str) -> bool {
    let f = fold(ethnicity);
    !f.is_empty() && f != "kinh"
}

#[derive(Clone, Debug, PartialEq)]
pub struct MemberRecord {
    pub name: PersonName,
    pub sex: Sex,
    pub birth_date: Date,
    pub ethnicity: String,
    pub citizen_id: Option<CitizenId>,
    pub relation: Relation,
}

impl MemberRecord {
    pub fn new(
        name: PersonName,
        sex: Sex,
        birth_date: Date,
        ethnicity: &str,
        citizen_id: Option<CitizenId>,
        relation: Relation,
    ) -> MemberRecord {
        MemberRecord {
            name,
            sex,
            birth_date,
            ethnicity: nfc(ethnicity.trim()),
            citizen_id,
            relation,
        }
    }
}

/// A household with its members as one import row group or one form describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdRecord {
    pub code: HouseholdCode,
    pub commune: UnitCode,
    /// The village (thôn, bản, tổ dân phố) by name; villages have no national code.
    pub village: Option<String>,
    pub area: Area,
    pub address: String,
    members: Vec<MemberRecord>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HouseholdProblem {
    NoMembers,
    NoHead,
    /// Holds the index of the second head.
    TwoHeads(usize),
}

impl HouseholdRecord {
    pub fn new(
        code: HouseholdCode,
        commune: UnitCode,
        village: Option<String>,
        area: Area,
        address: &str,
        members: Vec<MemberRecord>,
    ) -> Result<HouseholdRecord, HouseholdProblem> {
        if members.is_empty() {
            return Err(HouseholdProblem::NoMembers);
        }
        let mut heads = members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.relation == Relation::Head);
        if heads.next().is_none() {
            return Err(HouseholdProblem::NoHead);
        }
        if let Some((i, _)) = heads.next() {
            return Err(HouseholdProblem::TwoHeads(i));
        }
        let village = village.map(|v| nfc(v.trim())).filter(|v| !v.is_empty());
        Ok(HouseholdRecord {
            code,
            commune,
            village,
            area,
            address: nfc(address.trim()),
            members,
        })
    }

    pub fn members(&self) -> &[MemberRecord] {
        &self.members
    }

    pub fn head(&self) -> &MemberRecord {
        // `new` guarantees exactly one head.
        self.members
            .iter()
            .find(|m| m.relation == Relation::Head)
            .unwrap_or(&self.members[0])
    }

    pub fn ethnic_minority(&self) -> bool {
        is_ethnic_minority(&self.head().ethnicity)
    }
}

/// What happened to a household or a member, kept as history so the registry reads as of any date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    Registered,
    Moved,
    SplitFrom,
    MergedInto,
    Birth,
    Death,
    MemberJoined,
    MemberLeft,
    Updated,
}

impl EventKind {
    pub const ALL: [EventKind; 9] = [
        EventKind::Registered,
        EventKind::Moved,
        EventKind::SplitFrom,
        EventKind::MergedInto,
        EventKind::Birth,
        EventKind::Death,
        EventKind::MemberJoined,
        EventKind::MemberLeft,
        EventKind::Updated,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Registered => "registered",
            EventKind::Moved => "moved",
            EventKind::SplitFrom => "split_from",
            EventKind::MergedInto => "merged_into",
            EventKind::Birth => "birth",
            EventKind::Death => "death",
            EventKind::MemberJoined => "member_joined",
            EventKind::MemberLeft => "member_left",
            EventKind::Updated => "updated",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The event in words, in the interface's language.
    pub fn name(self, lang: crate::Lang) -> &'static str {
        match self {
            EventKind::Registered => lang.pick("đăng ký", "registered"),
            EventKind::Moved => lang.pick("chuyển nơi ở", "moved"),
            EventKind::SplitFrom => lang.pick("tách hộ", "split from"),
            EventKind::MergedInto => lang.pick("nhập hộ", "merged into"),
            EventKind::Birth => lang.pick("sinh", "birth"),
            EventKind::Death => lang.pick("chết", "death"),
            EventKind::MemberJoined => lang.pick("thành viên nhập hộ", "member joined"),
            EventKind::MemberLeft => lang.pick("thành viên rời hộ", "member left"),
            EventKind::Updated => lang.pick("cập nhật", "updated"),
        }
    }
}

/// One member as a flat row of text, the shape of import and export files (dates dd/mm/yyyy).
#[derive(Clone, Debug, PartialEq)]
pub struct MemberRow {
    pub household_code: String,
    pub commune_code: String,
    pub village: String,
    pub area: String,
    pub address: String,
    pub full_name: String,
    pub relation: String,
    pub sex: String,
    pub birth_date: String,
    pub ethnicity: String,
    pub citizen_id: String,
}

impl MemberRow {
    pub fn cells(&self) -> [&str; 11] {
        [
            &self.household_code,
            &self.commune_code,
            &self.village,
            &self.area,
            &self.address,
            &self.full_name,
            &self.relation,
            &self.sex,
            &self.birth_date,
            &self.ethnicity,
            &self.citizen_id,
        ]
    }
}

/// One review of an import, parsed and checked against its file; the store checks it against the registry.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewInput {
    pub row: u64,
    pub household_code: HouseholdCode,
    pub income: crate::Income,
    pub deprivations: crate::DeprivationSet,
    /// Overrides the registry's area for this review.
    pub area: Option<crate::Area>,
    pub decided: Option<(crate::Class, Date)>,
}

/// One review as exported: the latest record of each household's periodic review of a year.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewRow {
    pub household_code: String,
    pub year: i64,
    pub review_date: String,
    pub standard_id: String,
    pub area: String,
    pub income_per_capita: Option<i64>,
    pub income_score: Option<i64>,
    pub deprivations: u32,
    pub computed_class: String,
    pub decided_class: Option<String>,
    pub decided_on: Option<String>,
    pub reason: String,
}

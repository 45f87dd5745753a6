//! The review's forms filled from the registry: the chairman's decision with its lists (Mẫu 02), the
//! certificates (Mẫu 03) and a household's exit request (Mẫu 04). Built here once for the web app and the
//! command line, drawn by `giamngheo_report::forms`.

use giamngheo_core::date::Date;
use giamngheo_core::facts::Sex;
use giamngheo_core::registry::Relation;
use giamngheo_core::{Class, Lang};
use giamngheo_report::forms::{
    Certificate, CertificateMember, Decision, ExitRequest, Issuer, ListedHousehold,
};
use giamngheo_store::rounds::{CaseView, RoundView};
use giamngheo_store::{Store, StoreError};

/// The commune that issues a round's forms, with its province on the decision's day.
pub fn issuer(store: &mut Store, round: &RoundView) -> Result<Issuer, StoreError> {
    let on = round.decided_on.unwrap_or(round.opened_on);
    let province = store
        .parent_at(round.commune_id, on)?
        .map(|p| p.name)
        .unwrap_or_default();
    Ok(Issuer {
        commune: round.commune_name.clone(),
        place: place_of(&round.commune_name),
        province,
    })
}

/// "Xuân Lập" out of "Xã Xuân Lập": the place in a form's date line.
fn place_of(commune: &str) -> String {
    commune
        .trim_start_matches("Xã ")
        .trim_start_matches("Phường ")
        .trim_start_matches("Thị trấn ")
        .to_owned()
}

/// The decision (Mẫu 02) of a decided round: its four lists from the cases (`CaseView::decision_list`).
/// `standard_instrument` is the legal instrument of the round's standard ("07/2021/NĐ-CP …").
pub fn decision(
    store: &mut Store,
    round: &RoundView,
    cases: &[CaseView],
    standard_instrument: &str,
) -> Result<Decision, StoreError> {
    let lists = ["poor", "near_poor", "escaped_poor", "escaped_near_poor"]
        .into_iter()
        .map(|key| {
            let households = cases
                .iter()
                .filter(|c| c.decision_list().is_some_and(|l| l.0 == key))
                .map(|c| ListedHousehold {
                    head_name: c.head_name.clone().unwrap_or_default(),
                    household_code: c.household_code.clone(),
                    village: c.village.clone().unwrap_or_default(),
                    note: c.transition.map_or("", |t| t.name(Lang::Vi)).to_owned(),
                })
                .collect();
            (list_title(key).to_owned(), households)
        })
        .collect();
    Ok(Decision {
        issuer: issuer(store, round)?,
        number: round.decision_number.clone().unwrap_or_default(),
        date: round.decided_on.unwrap_or(round.opened_on),
        year: round.year,
        signed_by: round.signed_by.clone().unwrap_or_default(),
        standard_instrument: standard_instrument.to_owned(),
        procedure_name: round.procedure().name_vi.clone(),
        lists,
        audit_head: {
            let (entries, head) = store.audit_head()?;
            Some(giamngheo_core::audit::short_head(entries, &head))
        },
    })
}

/// The title of a list of the decision, in the form's language (Vietnamese).
fn list_title(key: &str) -> &'static str {
    match key {
        "poor" => "Danh sách hộ nghèo",
        "near_poor" => "Danh sách hộ cận nghèo",
        "escaped_poor" => "Danh sách hộ thoát nghèo",
        _ => "Danh sách hộ thoát cận nghèo",
    }
}

/// The certificates (Mẫu 03) issued in a decided round, each household as it was on the decision's day;
/// empty when none has been issued.
pub fn certificates(
    store: &mut Store,
    round: &RoundView,
    cases: &[CaseView],
) -> Result<Vec<Certificate>, StoreError> {
    let issuer = issuer(store, round)?;
    let on = round.decided_on.unwrap_or(round.opened_on);
    let mut list = Vec::new();
    for c in cases.iter().filter(|c| c.certificate.is_some()) {
        let history = store.household_history(c.household_code.as_str())?;
        let Some((residence, members)) = history.as_of(on) else {
            continue;
        };
        let head = members.iter().find(|m| m.relation == Relation::Head);
        list.push(Certificate {
            issuer: issuer.clone(),
            number: c.certificate.clone().unwrap_or_default(),
            date: on,
            year: round.year,
            poor: c.decided_class == Some(Class::Poor),
            head_name: c.head_name.clone().unwrap_or_default(),
            ethnicity: head.map(|h| h.ethnicity.clone()).unwrap_or_default(),
            citizen_id: head.and_then(|h| h.citizen_id.clone()),
            residence: [
                residence.village_name.clone().unwrap_or_default(),
                residence.commune_name.clone(),
                issuer.province.clone(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
            members: members
                .iter()
                .map(|m| CertificateMember {
                    name: m.name.clone(),
                    relation: m.relation.name(Lang::Vi).to_owned(),
                    birth_date: m.birth_date,
                })
                .collect(),
            signed_by: round.signed_by.clone().unwrap_or_default(),
        });
    }
    Ok(list)
}

/// Why an exit request cannot be filled for a household.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitRefusal {
    NotInRegistry,
    NoHead,
    NotOnList,
}

impl ExitRefusal {
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            ExitRefusal::NotInRegistry => lang.pick(
                "hộ không có trong sổ vào ngày này",
                "the household is not in the registry on that date",
            ),
            ExitRefusal::NoHead => lang.pick("hộ không có chủ hộ", "the household has no head"),
            ExitRefusal::NotOnList => lang.pick(
                "hộ không thuộc danh sách hộ nghèo, hộ cận nghèo",
                "the household is not on the poor or near-poor list",
            ),
        }
    }
}

/// A household's exit request (Mẫu 04) as of `on`, for a household whose class now (`class`) is poor or
/// near-poor.
pub fn exit_request(
    store: &mut Store,
    household: &str,
    on: Date,
    class: Option<Class>,
) -> Result<Result<ExitRequest, ExitRefusal>, StoreError> {
    let history = store.household_history(household)?;
    let Some((residence, members)) = history.as_of(on) else {
        return Ok(Err(ExitRefusal::NotInRegistry));
    };
    let Some(head) = members.iter().find(|m| m.relation == Relation::Head) else {
        return Ok(Err(ExitRefusal::NoHead));
    };
    if !matches!(class, Some(Class::Poor | Class::NearPoor)) {
        return Ok(Err(ExitRefusal::NotOnList));
    }
    let province = store
        .parent_at(residence.commune_id, on)?
        .map(|p| p.name)
        .unwrap_or_default();
    Ok(Ok(ExitRequest {
        issuer: Issuer {
            commune: residence.commune_name.clone(),
            place: place_of(&residence.commune_name),
            province: province.clone(),
        },
        year: on.year(),
        head_name: head.name.clone(),
        sex: if head.sex == Sex::Female {
            "Nữ"
        } else {
            "Nam"
        }
        .to_owned(),
        birth_date: head.birth_date,
        ethnicity: head.ethnicity.clone(),
        citizen_id: head.citizen_id.clone(),
        residence: [
            residence.village_name.clone().unwrap_or_default(),
            residence.commune_name.clone(),
            province,
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", "),
        poor: class == Some(Class::Poor),
    }))
}

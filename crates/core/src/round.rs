//! The review procedure as the law sets it out: which steps a round has and in what order (data per period,
//! because the procedure changes: after 1 July 2025 there is no district step), the state of each household
//! in a round, which role may do what, the village meeting's 50 % rule, the posting period and the
//! deadlines. Pure: the store applies these rules inside its transactions.

use serde::Deserialize;

use crate::Lang;
use crate::date::Date;
use crate::standard::{Sourced, Unverified};

/// A step of the procedure, in the order a procedure lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The list of households to review: the current poor and near-poor lists plus requests (Mẫu 01, 04).
    List,
    /// The survey: quick screening, then the full form with the income and deprivation scores.
    Survey,
    /// The village meeting: at least half of the attendees must agree.
    Meeting,
    /// Public posting of the results for a set number of days; complaints are answered in that time.
    Posting,
    /// The district chairman's opinion (abolished with the districts on 1 July 2025).
    DistrictOpinion,
    /// The commune chairman's decision (Mẫu 02).
    Decision,
    /// Certificates for the poor and near-poor households (Mẫu 03).
    Certificates,
}

impl Step {
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Step::List => lang.pick(
                "lập danh sách hộ cần rà soát",
                "list the households to review",
            ),
            Step::Survey => lang.pick("rà soát, chấm điểm", "survey and score"),
            Step::Meeting => lang.pick("họp dân thống nhất kết quả", "village meeting"),
            Step::Posting => lang.pick("niêm yết công khai", "public posting"),
            Step::DistrictOpinion => lang.pick(
                "báo cáo Chủ tịch UBND cấp huyện",
                "district chairman's opinion",
            ),
            Step::Decision => lang.pick(
                "Chủ tịch UBND xã ra quyết định công nhận",
                "commune chairman's decision",
            ),
            Step::Certificates => lang.pick("cấp giấy chứng nhận", "certificates"),
        }
    }
}

/// A period of days as the law counts it: calendar days ("15 ngày") or working days ("07 ngày làm việc").
/// Written in `procedures.toml` as `{ days = 15 }` or `{ working_days = 7 }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Days(u32),
    WorkingDays(u32),
}

impl Period {
    /// The last day of the period that starts the day after `from`.
    pub fn after(self, from: Date) -> Date {
        match self {
            Period::Days(n) => from.add_days(i64::from(n)),
            Period::WorkingDays(n) => from.add_working_days(n),
        }
    }

    pub fn text(self, lang: Lang) -> String {
        match (self, lang) {
            (Period::Days(n), Lang::Vi) => format!("{n} ngày"),
            (Period::Days(n), Lang::En) => format!("{n} days"),
            (Period::WorkingDays(n), Lang::Vi) => format!("{n} ngày làm việc"),
            (Period::WorkingDays(n), Lang::En) => format!("{n} working days"),
        }
    }
}

/// Where a claim that is not a single value comes from (a procedure's dates of validity) and whether its
/// legal text was read.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    pub verified: bool,
    pub source: String,
}

/// One period's procedure, from `procedures.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    /// First and last day (ISO, inclusive) on which a round opened follows this procedure.
    pub valid_from: String,
    pub valid_to: Option<String>,
    /// The instruments and articles that set `valid_from` and `valid_to`.
    pub validity: Provenance,
    pub steps: Vec<Step>,
    /// Days the results stay posted before the decision.
    pub posting_working_days: Sourced<u32>,
    /// Share of the meeting's attendees that must agree, in percent.
    pub meeting_quorum_percent: Sourced<u32>,
    /// The periodic round's window, as month-day texts ("09-01", "12-14").
    pub periodic_from: Sourced<String>,
    pub periodic_to: Sourced<String>,
    /// How long an in-year round may take from the household's request to the decision: 15 days under
    /// Decision 24/2021, no more than 7 working days under Circular 17/2016 as amended by Circular 14/2018.
    pub in_year_deadline: Sourced<Period>,
    /// Day of the month by which a commune reports the month's in-year results upward.
    pub monthly_report_day: Sourced<u32>,
    /// When a province sends its preliminary and its official periodic results to the ministry ("11-15",
    /// "12-20": before these days).
    pub preliminary_report: Sourced<String>,
    pub official_report: Sourced<String>,
}

#[derive(Deserialize)]
struct ProcedureFile {
    procedure: Vec<Procedure>,
}

const PROCEDURES: &str = include_str!("../../../standards/procedures.toml");

/// Every procedure giamngheo knows, oldest first: parsed once, on first use.
pub fn procedures() -> &'static [Procedure] {
    static ALL: std::sync::OnceLock<Vec<Procedure>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        // The file is compiled in and checked by the core's tests, so a parse failure is a build defect.
        let file: ProcedureFile = toml::from_str(PROCEDURES).unwrap_or_else(|e| {
            panic!("standards/procedures.toml is compiled in and must parse: {e}")
        });
        file.procedure
    })
}

/// The procedure in force on `date`.
pub fn procedure_on(date: Date) -> Option<&'static Procedure> {
    let day = date.iso();
    procedures().iter().find(|p| {
        p.valid_from.as_str() <= day.as_str()
            && p.valid_to.as_deref().is_none_or(|to| day.as_str() <= to)
    })
}

impl Procedure {
    pub fn has(&self, step: Step) -> bool {
        self.steps.contains(&step)
    }

    /// The last day of the posting period that starts on `posted_on`: the decision may be taken the day
    /// after it at the earliest.
    pub fn posting_ends(&self, posted_on: Date, days: u32) -> Date {
        posted_on.add_working_days(days.saturating_sub(1))
    }

    /// When the round of `kind` opened on `opened` must be decided.
    pub fn decision_deadline(&self, kind: RoundKind, year: i32, opened: Date) -> Date {
        match kind {
            RoundKind::Periodic => month_day(year, &self.periodic_to.value).unwrap_or(opened),
            RoundKind::InYear => self.in_year_deadline.value.after(opened),
        }
    }

    /// The date by which the in-year results of `month` are reported upward (the given day of the next
    /// month).
    pub fn monthly_report_deadline(&self, year: i32, month: u8) -> Date {
        let (y, m) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        Date::new(y, m, self.monthly_report_day.value as u8)
            .unwrap_or_else(|_| Date::new(y, m, 28).unwrap_or(Date::from_unix_days(0)))
    }

    /// The province's deadlines for the year's periodic results: (preliminary, official).
    pub fn province_deadlines(&self, year: i32) -> Option<(Date, Date)> {
        Some((
            month_day(year, &self.preliminary_report.value)?,
            month_day(year, &self.official_report.value)?,
        ))
    }

    /// Whether a periodic round may open on `date` (inside its window).
    pub fn periodic_window(&self, year: i32) -> Option<(Date, Date)> {
        Some((
            month_day(year, &self.periodic_from.value)?,
            month_day(year, &self.periodic_to.value)?,
        ))
    }
}

/// One legal value of a procedure as `standards show` lists it: what it is, its value in words, whether its
/// text was read and where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcedureValue<'a> {
    /// The field in `procedures.toml`, e.g. `in_year_deadline`.
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub verified: bool,
    pub source: &'a str,
}

impl Procedure {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_vi, &self.name_en)
    }

    /// Every legal value of the procedure, its dates of validity first, in the order of the file.
    pub fn values(&self, lang: Lang) -> Vec<ProcedureValue<'_>> {
        let day = |md: &str| match md.split_once('-') {
            Some((m, d)) => format!("{d}/{m}"),
            None => md.to_owned(),
        };
        // Dates the Vietnamese way (01/09/2021) in Vietnamese, ISO in English, as the file writes them.
        let date = |iso: &str| match (lang, Date::parse(iso)) {
            (Lang::Vi, Ok(d)) => d.vi(),
            _ => iso.to_owned(),
        };
        let validity = match &self.valid_to {
            Some(to) => format!("{} → {}", date(&self.valid_from), date(to)),
            None => format!("{} →", date(&self.valid_from)),
        };
        let mut out = vec![ProcedureValue {
            key: "validity",
            label: lang.pick("hiệu lực", "in force"),
            value: validity,
            verified: self.validity.verified,
            source: &self.validity.source,
        }];
        let mut add =
            |key: &'static str, label: &'static str, value: String, verified: bool, source| {
                out.push(ProcedureValue {
                    key,
                    label,
                    value,
                    verified,
                    source,
                })
            };
        let p = &self.posting_working_days;
        add(
            "posting_working_days",
            lang.pick("niêm yết công khai", "public posting"),
            Period::WorkingDays(p.value).text(lang),
            p.verified,
            &p.source,
        );
        let q = &self.meeting_quorum_percent;
        add(
            "meeting_quorum_percent",
            lang.pick(
                "họp dân cần người dự đồng ý",
                "village meeting needs attendees agreeing",
            ),
            format!("≥ {} %", q.value),
            q.verified,
            &q.source,
        );
        for (key, label, v) in [
            (
                "periodic_from",
                lang.pick("rà soát định kỳ từ", "periodic review from"),
                &self.periodic_from,
            ),
            (
                "periodic_to",
                lang.pick("rà soát định kỳ đến", "periodic review until"),
                &self.periodic_to,
            ),
        ] {
            add(key, label, day(&v.value), v.verified, &v.source);
        }
        let d = &self.in_year_deadline;
        add(
            "in_year_deadline",
            lang.pick("thời hạn rà soát thường xuyên", "in-year review deadline"),
            d.value.text(lang),
            d.verified,
            &d.source,
        );
        let m = &self.monthly_report_day;
        add(
            "monthly_report_day",
            lang.pick("báo cáo hằng tháng trước ngày", "monthly report by day"),
            m.value.to_string(),
            m.verified,
            &m.source,
        );
        for (key, label, v) in [
            (
                "preliminary_report",
                lang.pick(
                    "báo cáo sơ bộ kết quả định kỳ trước",
                    "preliminary periodic results before",
                ),
                &self.preliminary_report,
            ),
            (
                "official_report",
                lang.pick(
                    "báo cáo chính thức trước",
                    "official periodic results before",
                ),
                &self.official_report,
            ),
        ] {
            add(key, label, day(&v.value), v.verified, &v.source);
        }
        out
    }

    /// The procedure's values whose legal text was not read, with their sources.
    pub fn unverified(&self) -> Vec<Unverified> {
        self.values(Lang::En)
            .into_iter()
            .filter(|v| !v.verified)
            .map(|v| Unverified {
                path: v.key.to_owned(),
                source: v.source.to_owned(),
            })
            .collect()
    }
}

fn month_day(year: i32, md: &str) -> Option<Date> {
    let (m, d) = md.split_once('-')?;
    Date::new(year, m.parse().ok()?, d.parse().ok()?).ok()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundKind {
    /// Once a year, 1 September to 14 December.
    Periodic,
    /// Monthly, on request, from the 15th.
    InYear,
}

impl RoundKind {
    pub fn code(self) -> &'static str {
        match self {
            RoundKind::Periodic => "periodic",
            RoundKind::InYear => "in_year",
        }
    }

    /// The kind of review in words, in the interface's language.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            RoundKind::Periodic => lang.pick("rà soát định kỳ", "periodic review"),
            RoundKind::InYear => lang.pick("rà soát thường xuyên", "in-year review"),
        }
    }

    pub fn parse(s: &str) -> Option<RoundKind> {
        match s {
            "periodic" | "dinh-ky" | "định kỳ" => Some(RoundKind::Periodic),
            "in_year" | "in-year" | "thuong-xuyen" | "thường xuyên" => Some(RoundKind::InYear),
            _ => None,
        }
    }
}

/// Who does what. Every account has one role, bound to administrative units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Administrator,
    ProvinceStaff,
    CommuneOfficer,
    VillageReviewer,
    /// Reads everything in its units, including the audit log; changes nothing.
    Auditor,
    /// A resident writing through the public page: may only lodge a complaint. Not an account role (not in
    /// [`Role::ALL`]); the audit log names complaints sent this way.
    Citizen,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Administrator,
        Role::ProvinceStaff,
        Role::CommuneOfficer,
        Role::VillageReviewer,
        Role::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::ProvinceStaff => "province_staff",
            Role::CommuneOfficer => "commune_officer",
            Role::VillageReviewer => "village_reviewer",
            Role::Auditor => "auditor",
            Role::Citizen => "citizen",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.replace('-', "_");
        Role::ALL.into_iter().find(|r| r.code() == s)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Role::Administrator => lang.pick("quản trị hệ thống", "administrator"),
            Role::ProvinceStaff => lang.pick("cán bộ cấp tỉnh", "province staff"),
            Role::CommuneOfficer => lang.pick("cán bộ giảm nghèo cấp xã", "commune officer"),
            Role::VillageReviewer => lang.pick("rà soát viên thôn", "village reviewer"),
            Role::Auditor => lang.pick("kiểm toán, thanh tra", "auditor"),
            Role::Citizen => lang.pick("người dân (trang công khai)", "resident (public page)"),
        }
    }

    /// The table of who may do what. The commune officer records the chairman's decision (the chairman
    /// signs on paper; the record names the signatory); reopening a decided round needs a higher role.
    pub fn may(self, action: Action) -> bool {
        use Action as A;
        match self {
            Role::Administrator => true,
            Role::ProvinceStaff => matches!(
                action,
                A::Reopen
                    | A::SubmitReport
                    | A::ManageProgrammes
                    | A::ReadAudit
                    | A::SetTargets
                    | A::ReadHouseholds
                    | A::ReadReports
                    | A::ReadFeedback
                    | A::AnswerFeedback
            ),
            Role::CommuneOfficer => matches!(
                action,
                A::OpenRound
                    | A::AddRequest
                    | A::Survey
                    | A::RecordMeeting
                    | A::Post
                    | A::RecordComplaint
                    | A::AnswerComplaint
                    | A::Decide
                    | A::IssueCertificates
                    | A::RecordSupport
                    | A::SubmitReport
                    | A::EditRegistry
                    | A::SetTargets
                    | A::ReadHouseholds
                    | A::ReadReports
                    | A::ReadFeedback
                    | A::AnswerFeedback
            ),
            Role::VillageReviewer => matches!(
                action,
                A::AddRequest | A::Survey | A::RecordComplaint | A::ReadHouseholds
            ),
            Role::Auditor => matches!(
                action,
                A::ReadAudit | A::ReadHouseholds | A::ReadReports | A::ReadFeedback
            ),
            Role::Citizen => action == A::RecordComplaint,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    OpenRound,
    AddRequest,
    Survey,
    RecordMeeting,
    Post,
    RecordComplaint,
    AnswerComplaint,
    Decide,
    IssueCertificates,
    Reopen,
    RecordSupport,
    ManageProgrammes,
    SubmitReport,
    ReadAudit,
    /// Households and their members: imports, births, deaths, splits, merges, review records.
    EditRegistry,
    /// Plan targets of a unit.
    SetTargets,
    /// The administrative units, their lineage and the reform.
    ManageUnits,
    /// Web accounts.
    ManageAccounts,
    /// Households with their members: personal data (always limited further to the account's units).
    ReadHouseholds,
    /// Reports and dashboards of figures.
    ReadReports,
    /// Feedback and complaints sent from the public pages (names and contacts of citizens).
    ReadFeedback,
    /// Mark a citizen's feedback as being handled and answer it.
    AnswerFeedback,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::OpenRound => "open_round",
            Action::AddRequest => "add_request",
            Action::Survey => "survey",
            Action::RecordMeeting => "record_meeting",
            Action::Post => "post",
            Action::RecordComplaint => "record_complaint",
            Action::AnswerComplaint => "answer_complaint",
            Action::Decide => "decide",
            Action::IssueCertificates => "issue_certificates",
            Action::Reopen => "reopen",
            Action::RecordSupport => "record_support",
            Action::ManageProgrammes => "manage_programmes",
            Action::SubmitReport => "submit_report",
            Action::ReadAudit => "read_audit",
            Action::EditRegistry => "edit_registry",
            Action::SetTargets => "set_targets",
            Action::ManageUnits => "manage_units",
            Action::ManageAccounts => "manage_accounts",
            Action::ReadHouseholds => "read_households",
            Action::ReadReports => "read_reports",
            Action::ReadFeedback => "read_feedback",
            Action::AnswerFeedback => "answer_feedback",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Action::OpenRound => lang.pick("mở đợt rà soát", "open a round"),
            Action::AddRequest => lang.pick("ghi nhận giấy đề nghị", "record a request"),
            Action::Survey => lang.pick("ghi kết quả rà soát", "record a survey"),
            Action::RecordMeeting => lang.pick("ghi biên bản họp dân", "record a village meeting"),
            Action::Post => lang.pick("niêm yết công khai", "post the results"),
            Action::RecordComplaint => lang.pick("ghi nhận khiếu nại", "record a complaint"),
            Action::AnswerComplaint => lang.pick("trả lời khiếu nại", "answer a complaint"),
            Action::Decide => lang.pick("ra quyết định công nhận", "decide"),
            Action::IssueCertificates => lang.pick("cấp giấy chứng nhận", "issue certificates"),
            Action::Reopen => lang.pick("mở lại đợt đã quyết định", "reopen a decided round"),
            Action::RecordSupport => lang.pick("ghi nhận hỗ trợ", "record support"),
            Action::ManageProgrammes => {
                lang.pick("quản lý chương trình hỗ trợ", "manage programmes")
            }
            Action::SubmitReport => lang.pick("gửi báo cáo", "submit a report"),
            Action::ReadAudit => lang.pick("xem nhật ký kiểm toán", "read the audit log"),
            Action::EditRegistry => lang.pick("sửa sổ hộ", "change the household registry"),
            Action::SetTargets => lang.pick("đặt chỉ tiêu kế hoạch", "set plan targets"),
            Action::ManageUnits => {
                lang.pick("quản lý đơn vị hành chính", "manage administrative units")
            }
            Action::ManageAccounts => lang.pick("quản lý tài khoản", "manage accounts"),
            Action::ReadHouseholds => {
                lang.pick("xem hộ và nhân khẩu", "read households and members")
            }
            Action::ReadReports => lang.pick("xem báo cáo", "read reports"),
            Action::ReadFeedback => {
                lang.pick("xem phản ánh của người dân", "read the public's feedback")
            }
            Action::AnswerFeedback => lang.pick(
                "trả lời phản ánh của người dân",
                "answer the public's feedback",
            ),
        }
    }
}

/// Where a round stands: open (list, surveys, meetings), posted (its results on public display), decided
/// (the chairman's decision taken; the round is locked until province staff reopen it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoundStatus {
    Open,
    Posted,
    Decided,
}

impl RoundStatus {
    pub fn code(self) -> &'static str {
        match self {
            RoundStatus::Open => "open",
            RoundStatus::Posted => "posted",
            RoundStatus::Decided => "decided",
        }
    }

    pub fn parse(s: &str) -> Option<RoundStatus> {
        [RoundStatus::Open, RoundStatus::Posted, RoundStatus::Decided]
            .into_iter()
            .find(|r| r.code() == s)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            RoundStatus::Open => lang.pick("đang rà soát", "open"),
            RoundStatus::Posted => lang.pick("đang niêm yết", "posted"),
            RoundStatus::Decided => lang.pick("đã có quyết định (khóa)", "decided (locked)"),
        }
    }
}

/// Where one household stands in one round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseState {
    /// On the list, not surveyed yet.
    Listed,
    /// Surveyed and scored, waiting for the village meeting.
    Surveyed,
    /// The meeting agreed (at least half of the attendees).
    Agreed,
    /// The meeting did not agree: survey again, then meet again.
    Resurvey,
    /// Posted with the round's results.
    Posted,
    /// Recognised by the commune chairman's decision.
    Decided,
}

impl CaseState {
    pub const ALL: [CaseState; 6] = [
        CaseState::Listed,
        CaseState::Surveyed,
        CaseState::Agreed,
        CaseState::Resurvey,
        CaseState::Posted,
        CaseState::Decided,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseState::Listed => "listed",
            CaseState::Surveyed => "surveyed",
            CaseState::Agreed => "agreed",
            CaseState::Resurvey => "resurvey",
            CaseState::Posted => "posted",
            CaseState::Decided => "decided",
        }
    }

    pub fn parse(s: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            CaseState::Listed => lang.pick("chờ rà soát", "listed"),
            CaseState::Surveyed => lang.pick("đã rà soát, chờ họp dân", "surveyed"),
            CaseState::Agreed => lang.pick("họp dân đã thống nhất", "agreed by the meeting"),
            CaseState::Resurvey => {
                lang.pick("họp dân chưa thống nhất, rà soát lại", "to survey again")
            }
            CaseState::Posted => lang.pick("đang niêm yết", "posted"),
            CaseState::Decided => lang.pick("đã có quyết định", "decided"),
        }
    }
}

/// What happens to one household in a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseEvent {
    Survey,
    MeetingAgreed,
    MeetingDisagreed,
    Posted,
    Decided,
    /// A complaint upheld during posting sends the household back to the survey.
    ComplaintUpheld,
}

/// Why a step is refused. Each names what the officer must do instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoundError {
    /// The role may not do this.
    NotAllowed {
        role: Role,
        action: Action,
    },
    /// The household is not in a state where this event can happen.
    BadTransition {
        from: CaseState,
        event: CaseEvent,
    },
    /// The procedure in force has no such step.
    NoSuchStep {
        procedure: String,
        step: Step,
    },
    /// More votes than attendees, or no attendees.
    VotesExceedAttendance {
        attendees: u32,
        votes: u32,
    },
    NoAttendees,
    /// The decision date falls inside the posting period.
    PostingNotOver {
        ends: Date,
    },
    /// Posting again a round already posted, with no household agreed since: it would only restart the
    /// posting period. A result agreed again after an upheld complaint is posted anew.
    AlreadyPosted {
        ends: Date,
    },
    /// The round is decided and locked: reopen it first (with a reason and a higher role).
    Locked,
    /// A reopening needs a reason.
    NoReason,
    /// Complaints still open when deciding.
    OpenComplaints {
        count: u32,
    },
    /// Households not yet through the meeting when posting or deciding.
    Unfinished {
        count: u32,
        state: CaseState,
    },
    /// A certificate for a household not decided poor or near-poor.
    NotCertifiable,
    /// A step the procedure requires before this one has not been done.
    StepNotDone {
        step: Step,
    },
    /// A periodic round opened outside its window (1 September to 14 December).
    OutsideWindow {
        from: Date,
        to: Date,
    },
    /// A step dated after today: what is recorded must have happened.
    InFuture {
        date: Date,
        today: Date,
    },
}

impl CaseState {
    /// The one table of allowed moves: anything else is refused with the state and the event named.
    pub fn after(self, event: CaseEvent) -> Result<CaseState, RoundError> {
        use CaseEvent as E;
        use CaseState as S;
        let next = match (self, event) {
            (S::Listed | S::Resurvey, E::Survey) => S::Surveyed,
            (S::Surveyed, E::MeetingAgreed) => S::Agreed,
            (S::Surveyed, E::MeetingDisagreed) => S::Resurvey,
            (S::Agreed, E::Posted) => S::Posted,
            (S::Posted, E::ComplaintUpheld) => S::Resurvey,
            (S::Posted, E::Decided) => S::Decided,
            // A reopened round may survey a decided household again; the new review corrects the old.
            (S::Decided, E::Survey) => S::Surveyed,
            (from, event) => return Err(RoundError::BadTransition { from, event }),
        };
        Ok(next)
    }
}

/// The result of a village meeting for one household: agreed when at least `quorum_percent` of the
/// attendees voted for the proposed result.
pub fn meeting_agrees(
    attendees: u32,
    votes_for: u32,
    votes_against: u32,
    quorum_percent: u32,
) -> Result<bool, RoundError> {
    if attendees == 0 {
        return Err(RoundError::NoAttendees);
    }
    let votes = votes_for.saturating_add(votes_against);
    if votes > attendees {
        return Err(RoundError::VotesExceedAttendance { attendees, votes });
    }
    Ok(u64::from(votes_for) * 100 >= u64::from(attendees) * u64::from(quorum_percent))
}

impl RoundError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (RoundError::NotAllowed { role, action }, _) => match lang {
                Lang::Vi => format!(
                    "vai trò {} không được {}",
                    role.name(lang),
                    action.name(lang)
                ),
                Lang::En => format!("the role {} may not {}", role.name(lang), action.name(lang)),
            },
            (RoundError::BadTransition { from, event }, Lang::Vi) => format!(
                "hộ đang ở bước \"{}\": không thể {}",
                from.name(lang),
                event_name(*event, lang)
            ),
            (RoundError::BadTransition { from, event }, Lang::En) => format!(
                "the household is at \"{}\": cannot {}",
                from.name(lang),
                event_name(*event, lang)
            ),
            (RoundError::NoSuchStep { procedure, step }, Lang::Vi) => {
                format!(
                    "quy trình {procedure} không có bước \"{}\"",
                    step.name(lang)
                )
            }
            (RoundError::NoSuchStep { procedure, step }, Lang::En) => {
                format!("procedure {procedure} has no step \"{}\"", step.name(lang))
            }
            (RoundError::VotesExceedAttendance { attendees, votes }, Lang::Vi) => {
                format!("số phiếu ({votes}) lớn hơn số người dự họp ({attendees})")
            }
            (RoundError::VotesExceedAttendance { attendees, votes }, Lang::En) => {
                format!("{votes} votes is more than the {attendees} attendees")
            }
            (RoundError::NoAttendees, Lang::Vi) => "cuộc họp không có người dự".into(),
            (RoundError::NoAttendees, Lang::En) => "the meeting has no attendees".into(),
            (RoundError::PostingNotOver { ends }, Lang::Vi) => format!(
                "chưa hết thời gian niêm yết (đến hết ngày {}); chưa thể ra quyết định",
                ends.vi()
            ),
            (RoundError::PostingNotOver { ends }, Lang::En) => format!(
                "the posting period runs until the end of {}; no decision before then",
                ends.vi()
            ),
            (RoundError::AlreadyPosted { ends }, Lang::Vi) => format!(
                "kết quả đã được niêm yết công khai (đến hết ngày {}); chỉ niêm yết lại khi có hộ vừa được họp dân thống nhất lại",
                ends.vi()
            ),
            (RoundError::AlreadyPosted { ends }, Lang::En) => format!(
                "the results are already posted (until the end of {}); post again only when a household was agreed again at a meeting",
                ends.vi()
            ),
            (RoundError::Locked, Lang::Vi) => {
                "đợt rà soát đã có quyết định và bị khóa; cần cấp trên mở lại, có lý do".into()
            }
            (RoundError::Locked, Lang::En) => {
                "the round is decided and locked; a higher role must reopen it, with a reason"
                    .into()
            }
            (RoundError::NoReason, Lang::Vi) => "cần ghi lý do".into(),
            (RoundError::NoReason, Lang::En) => "a reason is required".into(),
            (RoundError::OpenComplaints { count }, Lang::Vi) => {
                format!("còn {count} khiếu nại chưa giải quyết")
            }
            (RoundError::OpenComplaints { count }, Lang::En) => {
                format!("{count} complaints are not resolved yet")
            }
            (RoundError::Unfinished { count, state }, Lang::Vi) => {
                format!("còn {count} hộ ở bước \"{}\"", state.name(lang))
            }
            (RoundError::Unfinished { count, state }, Lang::En) => {
                format!("{count} households are still at \"{}\"", state.name(lang))
            }
            (RoundError::NotCertifiable, Lang::Vi) => {
                "hộ không được quyết định là hộ nghèo hoặc cận nghèo; không cấp giấy chứng nhận"
                    .into()
            }
            (RoundError::NotCertifiable, Lang::En) => {
                "the household was not decided poor or near-poor; no certificate".into()
            }
            (RoundError::StepNotDone { step }, Lang::Vi) => {
                format!("chưa thực hiện bước \"{}\"", step.name(lang))
            }
            (RoundError::StepNotDone { step }, Lang::En) => {
                format!("the step \"{}\" has not been done", step.name(lang))
            }
            (RoundError::OutsideWindow { from, to }, Lang::Vi) => format!(
                "rà soát định kỳ chỉ tiến hành từ {} đến {}",
                from.vi(),
                to.vi()
            ),
            (RoundError::OutsideWindow { from, to }, Lang::En) => format!(
                "the periodic review runs from {} to {} only",
                from.vi(),
                to.vi()
            ),
            (RoundError::InFuture { date, today }, Lang::Vi) => format!(
                "ngày {} còn ở tương lai (hôm nay là {}): chỉ ghi những việc đã diễn ra",
                date.vi(),
                today.vi()
            ),
            (RoundError::InFuture { date, today }, Lang::En) => format!(
                "{} is in the future (today is {}): record only what has happened",
                date.vi(),
                today.vi()
            ),
        }
    }
}

fn event_name(event: CaseEvent, lang: Lang) -> &'static str {
    match event {
        CaseEvent::Survey => lang.pick(
            "ghi kết quả rà soát (đã rà soát trong đợt này)",
            "record a survey (already surveyed in this round)",
        ),
        CaseEvent::MeetingAgreed | CaseEvent::MeetingDisagreed => {
            lang.pick("ghi kết quả họp dân", "record a meeting result")
        }
        CaseEvent::Posted => lang.pick("niêm yết", "post"),
        CaseEvent::Decided => lang.pick("ra quyết định", "decide"),
        CaseEvent::ComplaintUpheld => lang.pick("chấp nhận khiếu nại", "uphold a complaint"),
    }
}

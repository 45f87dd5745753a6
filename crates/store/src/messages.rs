//! Every message of the store's errors, in Vietnamese and English, in one place.

use giamngheo_core::Lang;
use giamngheo_core::messages::Localized;

use crate::audit::KeyProblem;
use crate::error::{Rejection, RejectionKind, StoreError};

impl Localized for Rejection {
    fn message(&self, lang: Lang) -> String {
        let at = match lang {
            Lang::Vi => format!("dòng {}, cột {}", self.row, self.field),
            Lang::En => format!("row {}, column {}", self.row, self.field),
        };
        let what = match (&self.kind, lang) {
            (RejectionKind::UnknownUnit { code, date }, Lang::Vi) => {
                format!("không có đơn vị hành chính mã {code} vào ngày {date}")
            }
            (RejectionKind::UnknownUnit { code, date }, Lang::En) => {
                format!("no administrative unit {code} existed on {date}")
            }
            (
                RejectionKind::CitizenIdElsewhere {
                    citizen_id,
                    household,
                },
                Lang::Vi,
            ) => {
                format!("số định danh {citizen_id} đã thuộc hộ {household}")
            }
            (
                RejectionKind::CitizenIdElsewhere {
                    citizen_id,
                    household,
                },
                Lang::En,
            ) => {
                format!("citizen ID {citizen_id} already belongs to household {household}")
            }
            (RejectionKind::CitizenIdOutsideScope { citizen_id }, Lang::Vi) => {
                format!(
                    "số định danh {citizen_id} đã được đăng ký trong một hộ ngoài địa bàn của bạn"
                )
            }
            (RejectionKind::CitizenIdOutsideScope { citizen_id }, Lang::En) => {
                format!(
                    "citizen ID {citizen_id} is already registered in a household outside your area"
                )
            }
            (RejectionKind::HouseholdOutsideScope { code }, Lang::Vi) => {
                format!("mã hộ {code} đã được dùng cho một hộ ngoài địa bàn của bạn")
            }
            (RejectionKind::HouseholdOutsideScope { code }, Lang::En) => {
                format!("household code {code} is already used by a household outside your area")
            }
            (RejectionKind::CommuneOutsideScope { code }, Lang::Vi) => {
                format!("xã {code} nằm ngoài địa bàn của bạn")
            }
            (RejectionKind::CommuneOutsideScope { code }, Lang::En) => {
                format!("commune {code} is outside your area")
            }
            (RejectionKind::ChangedAfter { code, date }, Lang::Vi) => format!(
                "hộ {code} đã có thay đổi ngày {date}, sau ngày nhập; hãy nhập với ngày từ {date} trở đi"
            ),
            (RejectionKind::ChangedAfter { code, date }, Lang::En) => format!(
                "household {code} changed on {date}, after the import's date; import as of {date} or later"
            ),
            (RejectionKind::UnknownHousehold { code, date }, Lang::Vi) => {
                format!("không có hộ {code} trong sổ vào ngày {date}")
            }
            (RejectionKind::UnknownHousehold { code, date }, Lang::En) => {
                format!("no household {code} in the registry on {date}")
            }
            (RejectionKind::AlreadyDecided { code, year }, Lang::Vi) => {
                format!(
                    "kết quả rà soát năm {year} của hộ {code} đã được quyết định và khác tệp; hãy lập bản đính chính"
                )
            }
            (RejectionKind::AlreadyDecided { code, year }, Lang::En) => {
                format!(
                    "the {year} review of household {code} is decided and differs from the file; record a correction"
                )
            }
            (RejectionKind::NoScoreLines, Lang::Vi) => {
                "chuẩn nghèo này không có ngưỡng điểm thu nhập".to_owned()
            }
            (RejectionKind::NoScoreLines, Lang::En) => {
                "this standard has no income score lines".to_owned()
            }
            (RejectionKind::DuplicateHousehold { code, first_row }, Lang::Vi) => {
                format!("mã hộ {code} đã có ở dòng {first_row}")
            }
            (RejectionKind::DuplicateHousehold { code, first_row }, Lang::En) => {
                format!("household code {code} already appears on row {first_row}")
            }
            (RejectionKind::NotOnList { code }, Lang::Vi) => format!(
                "hộ {code} không có trong danh sách rà soát của đợt này; hãy ghi nhận giấy đề nghị (Mẫu 01) trước"
            ),
            (RejectionKind::NotOnList { code }, Lang::En) => format!(
                "household {code} is not on this round's list; record its request (form 01) first"
            ),
            (RejectionKind::Procedure { code, error }, _) => {
                format!(
                    "{} {code}: {}",
                    lang.pick("hộ", "household"),
                    error.message(lang)
                )
            }
        };
        format!("{at}: {what}")
    }
}

impl Localized for StoreError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (StoreError::Open { url, message }, Lang::Vi) => format!("Không mở được cơ sở dữ liệu {url}: {message}"),
            (StoreError::Open { url, message }, Lang::En) => format!("Cannot open database {url}: {message}"),
            (StoreError::Connect { url, cause }, lang) => connect_message(url, cause, lang),
            (StoreError::NotOurSchema { url, schema }, Lang::Vi) => format!(
                "Lược đồ \"{schema}\" của {url} đã chứa các bảng không phải của giamngheo; hãy dùng một cơ sở dữ liệu trống"
            ),
            (StoreError::NotOurSchema { url, schema }, Lang::En) => format!(
                "Schema \"{schema}\" of {url} holds tables that are not giamngheo's; use an empty database"
            ),
            (StoreError::NotFound { what, key }, Lang::Vi) => format!("Không tìm thấy {} {key}", what_vi(what)),
            (StoreError::NotFound { what, key }, Lang::En) => format!("No {what} {key}"),
            (StoreError::Immutable, Lang::Vi) => {
                "Kết quả rà soát đã được quyết định công nhận, không sửa hay xoá được; hãy tạo bản đính chính".into()
            }
            (StoreError::Immutable, Lang::En) => {
                "A decided review cannot be changed or deleted; record a correction instead".into()
            }
            (StoreError::Sync(problem), lang) => problem.message(lang),
            (StoreError::Origin { given, held: Some(held) }, Lang::Vi) => {
                format!("Cơ sở dữ liệu đã có số nguồn {held}; không đổi sang {given} được")
            }
            (StoreError::Origin { given, held: Some(held) }, Lang::En) => {
                format!("The database already has origin {held}; it cannot become {given}")
            }
            (StoreError::Origin { given, held: None }, Lang::Vi) => {
                format!("Số nguồn {given} không hợp lệ: phải từ 1 đến {}", crate::row_ids::ORIGINS - 1)
            }
            (StoreError::Origin { given, held: None }, Lang::En) => {
                format!("Origin {given} is not valid: it must be from 1 to {}", crate::row_ids::ORIGINS - 1)
            }
            (StoreError::Conflict { what, key }, Lang::Vi) => {
                format!("{} {key} vừa được người khác sửa; hãy tải lại và làm lại", what_vi(what))
            }
            (StoreError::Conflict { what, key }, Lang::En) => {
                format!("{what} {key} was changed by someone else; reload and try again")
            }
            (StoreError::Rejected(list), _) => {
                let head = lang.pick("Không ghi gì vì có lỗi:", "Nothing was written because of these problems:");
                let lines: Vec<String> = list.iter().map(|r| format!("  - {}", r.message(lang))).collect();
                format!("{head}\n{}", lines.join("\n"))
            }
            (StoreError::AppendOnly, Lang::Vi) => {
                "Nhật ký kiểm toán chỉ được ghi thêm, không sửa hay xoá được".into()
            }
            (StoreError::AppendOnly, Lang::En) => {
                "The audit log is append-only: entries cannot be changed or deleted".into()
            }
            (StoreError::AuditKey { path, problem }, _) => audit_key_message(path, problem, lang),
            (StoreError::Procedure(e), _) => format!("{}{}", lang.pick("Không thực hiện được: ", "Refused: "), e.message(lang)),
            (StoreError::WrongStandard { expected, got }, Lang::Vi) => format!(
                "đợt rà soát dùng chuẩn {expected}, không phải {got}"
            ),
            (StoreError::WrongStandard { expected, got }, Lang::En) => format!(
                "the round uses standard {expected}, not {got}"
            ),
            (StoreError::NameTaken { what, key }, Lang::Vi) => format!(
                "đã có {} tên {key} (không phân biệt chữ hoa, chữ thường và dấu); hãy chọn tên khác",
                what_vi(what)
            ),
            (StoreError::NameTaken { what, key }, Lang::En) => format!(
                "there is already an {what} named {key} (without regard to case and diacritics); choose another name"
            ),
            (StoreError::CitizenIdTaken, Lang::Vi) => {
                "Số định danh đã được đăng ký cho thành viên của một hộ khác (vừa được ghi bởi người khác); không ghi gì".into()
            }
            (StoreError::CitizenIdTaken, Lang::En) => {
                "A citizen ID is already registered to a member of another household (just written by someone else); nothing was written".into()
            }
            (StoreError::Busy, Lang::Vi) => {
                "Cơ sở dữ liệu đang bận (một lần nhập khác đang chạy); hãy thử lại sau ít phút".into()
            }
            (StoreError::Busy, Lang::En) => {
                "The database is busy (another import is running); try again in a few minutes".into()
            }
            (StoreError::Corrupt { table, column, value }, Lang::Vi) => format!(
                "Cơ sở dữ liệu có giá trị không hợp lệ ở bảng {table}, cột {column}: «{value}»; hãy báo người quản trị"
            ),
            (StoreError::Corrupt { table, column, value }, Lang::En) => format!(
                "The database holds an invalid value in table {table}, column {column}: «{value}»; tell the administrator"
            ),
            (StoreError::Db(m), Lang::Vi) => format!("Lỗi cơ sở dữ liệu: {m}"),
            (StoreError::Db(m), Lang::En) => format!("Database error: {m}"),
        }
    }
}

fn audit_key_message(path: &str, problem: &KeyProblem, lang: Lang) -> String {
    match (problem, lang) {
        (KeyProblem::Missing, Lang::Vi) => "Nhật ký kiểm toán được băm có khoá nhưng chưa có khoá: hãy cho --audit-key TỆP (hoặc GIAMNGHEO_AUDIT_KEY_FILE)".into(),
        (KeyProblem::Missing, Lang::En) => "The audit log is keyed but no key is configured: give --audit-key FILE (or GIAMNGHEO_AUDIT_KEY_FILE)".into(),
        (KeyProblem::Unreadable(e), Lang::Vi) => format!("Không đọc hoặc tạo được tệp khoá nhật ký kiểm toán {path}: {e}"),
        (KeyProblem::Unreadable(e), Lang::En) => format!("Cannot read or create the audit key file {path}: {e}"),
        (KeyProblem::Malformed, Lang::Vi) => format!("Tệp {path} không chứa khoá nhật ký kiểm toán (64 chữ số hệ 16)"),
        (KeyProblem::Malformed, Lang::En) => format!("File {path} does not hold an audit key (64 hex digits)"),
        (KeyProblem::Other { chain, given }, Lang::Vi) => format!(
            "Nhật ký kiểm toán được băm bằng khoá {chain}, còn khoá {path} là {given}: không ghi bằng khoá khác"
        ),
        (KeyProblem::Other { chain, given }, Lang::En) => format!(
            "The audit log is keyed with key {chain}, but {path} is key {given}: refusing to write with another key"
        ),
    }
}

fn what_vi(what: &str) -> &str {
    match what {
        "household" => "hộ",
        "commune" => "xã",
        "undecided review" => "kết quả rà soát chưa quyết định",
        "review round" => "đợt rà soát",
        "review round (not decided)" => "đợt rà soát (chưa có quyết định)",
        "round case" => "hồ sơ hộ trong đợt rà soát",
        "complaint" => "khiếu nại",
        "complaint (already answered)" => "khiếu nại (đã trả lời)",
        "household in the commune" => "hộ trong xã",
        "household on the round's list" => "hộ trong danh sách rà soát",
        "residence on the survey date" => "nơi ở vào ngày rà soát",
        "support programme" => "chương trình hỗ trợ",
        "account" => "tài khoản",
        other => other,
    }
}

impl Localized for crate::checkpoint::CheckpointCheck {
    /// "checkpoint FILE (N entries, head 3fa9c01b7e2d, 2026-12-05T09:30:00Z): what it says".
    fn message(&self, lang: Lang) -> String {
        use crate::checkpoint::{CheckpointOutcome as O, CheckpointSource as S};
        let name = match (&self.source, lang) {
            (S::File(p), Lang::Vi) => format!("điểm mốc {p}"),
            (S::File(p), Lang::En) => format!("checkpoint {p}"),
            (S::Stored(id), Lang::Vi) => format!("điểm mốc số {id} trong cơ sở dữ liệu"),
            (S::Stored(id), Lang::En) => format!("checkpoint #{id} in the database"),
        };
        let what = match &self.checkpoint {
            Some(c) => format!(
                " ({} {}, {} {}, {})",
                c.entries,
                lang.pick("mục", "entries"),
                lang.pick("đầu chuỗi", "head"),
                c.head.get(..12).unwrap_or(&c.head),
                c.at
            ),
            None => String::new(),
        };
        let n = self.checkpoint.as_ref().map_or(0, |c| c.entries);
        let says = match (&self.outcome, lang) {
            (O::Holds, Lang::Vi) => "khớp".to_owned(),
            (O::Holds, Lang::En) => "holds".to_owned(),
            (O::Unreadable, Lang::Vi) => "không phải tệp điểm mốc".to_owned(),
            (O::Unreadable, Lang::En) => "not a checkpoint file".to_owned(),
            (O::BadSignature, Lang::Vi) => {
                "chữ ký không hợp lệ: điểm mốc đã bị sửa hoặc giả".to_owned()
            }
            (O::BadSignature, Lang::En) => {
                "the signature does not hold: the checkpoint was altered or forged".to_owned()
            }
            (O::Untrusted, Lang::Vi) => {
                "được ký bằng khoá không nằm trong các khoá công khai đã cho".to_owned()
            }
            (O::Untrusted, Lang::En) => {
                "signed by a key that is not among the public keys given".to_owned()
            }
            (O::OtherDatabase, Lang::Vi) => "là điểm mốc của cơ sở dữ liệu khác".to_owned(),
            (O::OtherDatabase, Lang::En) => "is a checkpoint of another database".to_owned(),
            (O::HeadDiffers { since }, Lang::Vi) => format!(
                "đầu chuỗi không khớp: mục đầu tiên bị sửa, xoá, chèn hoặc đổi chỗ nằm trong khoảng #{}–#{n}",
                since + 1
            ),
            (O::HeadDiffers { since }, Lang::En) => format!(
                "the head differs: the first entry altered, removed, inserted or moved lies in #{}–#{n}",
                since + 1
            ),
            (O::Truncated { have }, Lang::Vi) => format!(
                "nhật ký chỉ còn {have} mục: các mục từ #{} đến #{n} đã bị cắt",
                have + 1
            ),
            (O::Truncated { have }, Lang::En) => format!(
                "the log has only {have} entries: entries #{} to #{n} were cut",
                have + 1
            ),
            (O::NotReached, Lang::Vi) => "chưa kiểm được vì chuỗi đứt trước đó".to_owned(),
            (O::NotReached, Lang::En) => "not reached: the chain breaks before it".to_owned(),
        };
        format!("{name}{what}: {says}")
    }
}

fn connect_message(url: &str, cause: &crate::error::ConnectCause, lang: Lang) -> String {
    use crate::error::ConnectCause as C;
    let why = match (cause, lang) {
        (C::NoDatabase { name }, Lang::Vi) => format!(
            "máy chủ không có cơ sở dữ liệu \"{name}\"; hãy tạo nó trước (createdb {name}) hoặc sửa tên trong địa chỉ"
        ),
        (C::NoDatabase { name }, Lang::En) => format!(
            "the server has no database \"{name}\"; create it first (createdb {name}) or correct the name in the URL"
        ),
        (C::Authentication { user }, Lang::Vi) => {
            format!(
                "máy chủ từ chối người dùng \"{user}\" (sai tên hoặc mật khẩu, hoặc pg_hba.conf không cho phép)"
            )
        }
        (C::Authentication { user }, Lang::En) => {
            format!(
                "the server refused user \"{user}\" (wrong name or password, or pg_hba.conf does not allow it)"
            )
        }
        (C::Refused { address }, Lang::Vi) => {
            format!(
                "không có máy chủ PostgreSQL nào nghe ở {address} (máy chủ chưa chạy, hoặc sai cổng)"
            )
        }
        (C::Refused { address }, Lang::En) => {
            format!(
                "no PostgreSQL server listens at {address} (it is stopped, or the port is wrong)"
            )
        }
        (C::UnknownHost { host }, Lang::Vi) => format!("không tìm thấy máy chủ tên \"{host}\""),
        (C::UnknownHost { host }, Lang::En) => format!("the host name \"{host}\" does not resolve"),
        (C::TimedOut { address }, Lang::Vi) => format!("máy chủ ở {address} không trả lời kịp"),
        (C::TimedOut { address }, Lang::En) => {
            format!("the server at {address} did not answer in time")
        }
        (C::BadUrl { message }, Lang::Vi) => {
            format!("địa chỉ không đúng dạng postgres://người_dùng@máy:cổng/tên_csdl ({message})")
        }
        (C::BadUrl { message }, Lang::En) => {
            format!("the URL is not of the form postgres://user@host:port/database ({message})")
        }
        (C::Other { message }, _) => message.clone(),
    };
    match lang {
        Lang::Vi => format!("Không kết nối được cơ sở dữ liệu {url}: {why}"),
        Lang::En => format!("Cannot connect to database {url}: {why}"),
    }
}

impl crate::sync::SyncProblem {
    pub fn message(&self, lang: Lang) -> String {
        use crate::sync::SyncProblem as P;
        match (self, lang) {
            (P::UnknownPeer(p), Lang::Vi) => format!("Chưa thiết lập đồng bộ với {p} trên cơ sở dữ liệu này"),
            (P::UnknownPeer(p), Lang::En) => format!("No sync with {p} is set up in this database"),
            (P::OtherCommune { expected, got }, Lang::Vi) => {
                format!("Gói đồng bộ dành cho xã {got}, không phải xã {expected} của cơ sở dữ liệu này; không ghi gì")
            }
            (P::OtherCommune { expected, got }, Lang::En) => {
                format!("The sync bundle is for commune {got}, not this database's commune {expected}; nothing was written")
            }
            (P::Tampered, Lang::Vi) => {
                "Gói đồng bộ đã bị sửa trên đường đi hoặc không ký bằng khoá của xã này; không ghi gì".to_owned()
            }
            (P::Tampered, Lang::En) => {
                "The sync bundle was changed on the way or not signed with this commune's key; nothing was written".to_owned()
            }
            (P::Malformed(m), Lang::Vi) => format!("Gói đồng bộ không đọc được: {m}; không ghi gì"),
            (P::Malformed(m), Lang::En) => format!("The sync bundle cannot be read: {m}; nothing was written"),
            (P::NotEmpty, Lang::Vi) => {
                "Cơ sở dữ liệu này đã có dữ liệu hoặc đã đồng bộ; hãy tạo cơ sở dữ liệu của xã ở một tệp mới".to_owned()
            }
            (P::NotEmpty, Lang::En) => {
                "This database already holds data or a sync; make the commune's database in a new file".to_owned()
            }
            (P::OutsideCommune { entity, key }, Lang::Vi) => {
                format!("Gói đồng bộ có bản ghi {entity} {key} ngoài xã của thiết bị; không ghi gì")
            }
            (P::OutsideCommune { entity, key }, Lang::En) => {
                format!("The sync bundle holds {entity} {key}, outside the device's commune; nothing was written")
            }
            (P::NoConflict(id), Lang::Vi) => format!("Không có xung đột đang mở nào mang mã {id} (hoặc không thể lấy bản của xã)"),
            (P::NoConflict(id), Lang::En) => format!("No open conflict {id} (or the commune's version cannot be taken)"),
            (P::AuditChain(b), Lang::Vi) => format!(
                "Nhật ký kiểm toán của xã gửi lên không nối tiếp chuỗi máy chủ đang giữ: {}; không ghi gì",
                giamngheo_core::messages::Localized::message(b, lang)
            ),
            (P::AuditChain(b), Lang::En) => format!(
                "The commune's audit entries do not continue the chain the server holds: {}; nothing was written",
                giamngheo_core::messages::Localized::message(b, lang)
            ),
        }
    }
}

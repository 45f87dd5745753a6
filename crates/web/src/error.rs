//! The web boundary's one error type, mapped here to a status and a message in Vietnamese and English.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use giamngheo_core::Lang;
use giamngheo_core::messages::Localized;
use giamngheo_store::StoreError;

use crate::html;

#[derive(Debug)]
pub enum WebError {
    /// No session: pages redirect to the login form, the API answers 401.
    NotLoggedIn {
        api: bool,
    },
    /// The account's role does not allow this.
    Forbidden,
    /// Not there, or outside the account's units (the two are not told apart, so nothing leaks).
    NotFound,
    /// A form post without a valid one-time token, or from another site.
    Csrf,
    /// Too many wrong passwords for this account, or failed logins of many accounts from this address.
    TooManyAttempts,
    /// Too many posts of the public form from this address (`address`) or to this commune.
    TooManyPosts {
        address: bool,
    },
    /// A request body over the limit: a form over 64 KiB, an upload over 32 MiB.
    TooLarge,
    /// A request the framework could not read (a path, query, form or JSON body of the wrong shape, a method
    /// the route does not take): its status, with our message instead of the framework's text.
    Unreadable(StatusCode),
    BadRequest {
        vi: String,
        en: String,
    },
    Store(StoreError),
    Internal,
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => WebError::NotFound,
            e => WebError::Store(e),
        }
    }
}

impl From<giamngheo_app::reports::ReportError> for WebError {
    fn from(e: giamngheo_app::reports::ReportError) -> Self {
        use giamngheo_app::reports::ReportError;
        match e {
            ReportError::Store(e) => e.into(),
            e => WebError::bad(e.message(Lang::Vi), e.message(Lang::En)),
        }
    }
}

impl WebError {
    /// A form the server could not read. axum's text ("missing field `csrf`", "Cannot parse …") names our
    /// internal field names and types and is not for users: the answer says what to do instead. A body over
    /// the limit is 413, not 400.
    pub fn malformed(rejection: &axum::extract::rejection::FormRejection) -> WebError {
        WebError::from_status(rejection.status())
    }

    /// The error for a status the framework answered with (a rejection), in our words.
    pub fn from_status(status: StatusCode) -> WebError {
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => WebError::TooLarge,
            StatusCode::NOT_FOUND => WebError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => WebError::Unreadable(status),
            // 422 (a form of the wrong shape) and 415 (a body of the wrong type) are bad requests to users.
            _ => WebError::Unreadable(StatusCode::BAD_REQUEST),
        }
    }

    pub fn bad(vi: impl Into<String>, en: impl Into<String>) -> WebError {
        WebError::BadRequest {
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotLoggedIn { .. } => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::TooManyAttempts | WebError::TooManyPosts { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Unreadable(s) => *s,
            WebError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            WebError::Store(_) | WebError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let s = |vi: &str, en: &str| lang.pick(vi, en).to_owned();
        match self {
            WebError::NotLoggedIn { .. } => s("Cần đăng nhập.", "Please log in."),
            WebError::Forbidden => s(
                "Tài khoản của bạn không có quyền làm việc này.",
                "Your account may not do this.",
            ),
            WebError::NotFound => s(
                "Không tìm thấy, hoặc nằm ngoài địa bàn của bạn.",
                "Not found, or outside your area.",
            ),
            WebError::Csrf => s(
                "Biểu mẫu đã hết hạn hoặc đã gửi rồi. Hãy tải lại trang và gửi lại.",
                "The form has expired or was already sent. Reload the page and send it again.",
            ),
            WebError::TooManyAttempts => s(
                "Đăng nhập sai quá nhiều lần. Hãy đợi vài phút rồi thử lại.",
                "Too many failed logins. Wait a few minutes and try again.",
            ),
            WebError::TooManyPosts { address: true } => s(
                "Đã nhận nhiều góp ý từ máy của bạn trong ít phút. Hãy thử lại sau 10 phút.",
                "Several messages were sent from your device in a few minutes. Try again in 10 minutes.",
            ),
            WebError::TooManyPosts { address: false } => s(
                "Xã đã nhận rất nhiều góp ý trong giờ qua. Hãy thử lại sau một giờ, hoặc liên hệ trực tiếp Ủy ban nhân dân xã.",
                "The commune received very many messages in the last hour. Try again in an hour, or contact the commune's People's Committee directly.",
            ),
            WebError::TooLarge => s(
                "Nội dung gửi lên quá lớn (biểu mẫu tối đa 64 KB, tệp nhập tối đa 32 MB).",
                "What was sent is too large (a form 64 KB at most, an import file 32 MB at most).",
            ),
            WebError::Unreadable(StatusCode::METHOD_NOT_ALLOWED) => s(
                "Địa chỉ này không nhận yêu cầu kiểu này.",
                "This address does not take this kind of request.",
            ),
            WebError::Unreadable(_) => s(
                "Yêu cầu không hợp lệ: địa chỉ, tham số hoặc biểu mẫu không đúng dạng. Hãy quay lại trang trước, tải lại và thử lại.",
                "Bad request: the address, its parameters or the form are not in the expected form. Go back, reload the page and try again.",
            ),
            WebError::BadRequest { vi, en } => lang.pick(vi, en).to_owned(),
            WebError::Store(e) => match e {
                StoreError::Rejected(_) | StoreError::Conflict { .. } | StoreError::Immutable => {
                    e.message(lang)
                }
                _ => s(
                    "Lỗi máy chủ; việc này đã được ghi lại.",
                    "Server error; it has been logged.",
                ),
            },
            WebError::Internal => s(
                "Lỗi máy chủ; việc này đã được ghi lại.",
                "Server error; it has been logged.",
            ),
        }
    }

    /// The response in `lang`: JSON for the API, an HTML page otherwise.
    pub fn respond(self, lang: Lang, api: bool) -> Response {
        if let WebError::Store(e) = &self {
            eprintln!("giamngheo-web: store error: {e:?}");
        }
        if let WebError::NotLoggedIn { api: false } = self {
            return (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
        }
        let status = self.status();
        let msg = self.message(lang);
        if api {
            // Both languages, so an API client shows its user's; `message` in the request's language.
            let body = serde_json::json!({
                "status": status.as_u16(),
                "error": { "vi": self.message(Lang::Vi), "en": self.message(Lang::En) },
                "message": msg,
            });
            return (status, axum::Json(body)).into_response();
        }
        let body = html::html! {
            p.error { (msg) }
            p { a href="/" { (lang.pick("Về trang chính", "Home")) } }
        };
        let title = format!("{} {}", status.as_u16(), lang.pick("Lỗi", "Error"));
        (
            status,
            axum::response::Html(html::page(lang, &title, None, body).into_string()),
        )
            .into_response()
    }
}

/// What a handler returns: the error knows the language and whether it answers the API.
pub struct Failure {
    pub error: WebError,
    pub lang: Lang,
    pub api: bool,
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        self.error.respond(self.lang, self.api)
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.respond(Lang::Vi, false)
    }
}

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
    TooManyAttempts,
    TooLarge,
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

impl WebError {
    /// A form the server could not read, with what was wrong in it as axum's reader says (the field missing
    /// or not of its type, by name), so the message names the field.
    pub fn malformed(rejection: &axum::extract::rejection::FormRejection) -> WebError {
        let detail = rejection.body_text();
        WebError::bad(
            format!("Biểu mẫu không hợp lệ ({detail})."),
            format!("Malformed form ({detail})."),
        )
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
            WebError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
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
                "Sai mật khẩu quá nhiều lần. Hãy đợi 10 phút rồi thử lại.",
                "Too many wrong passwords. Wait 10 minutes and try again.",
            ),
            WebError::TooLarge => s(
                "Tệp quá lớn (tối đa 32 MB).",
                "The file is too large (32 MB at most).",
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
            let body = serde_json::json!({ "error": status.as_u16(), "message": msg });
            return (status, axum::Json(body)).into_response();
        }
        let body = format!(
            "<p class=\"error\">{}</p><p><a href=\"/\">{}</a></p>",
            html::esc(&msg),
            lang.pick("Về trang chính", "Home")
        );
        let title = format!("{} {}", status.as_u16(), lang.pick("Lỗi", "Error"));
        (
            status,
            axum::response::Html(html::page(lang, &title, None, &body)),
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

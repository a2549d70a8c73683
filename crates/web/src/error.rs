//! One error type for the web layer. User errors (bad input, unknown ids) become 4xx with a
//! clear message and are not logged as failures; internal errors are logged and answered
//! with a 500 that reveals no internals. A busy server answers 503 with `Retry-After`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Displayed as `404 not_found: …` (status, code, message), so it reads in a log or an error
/// chain as it does in the response body.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Answer with an HTML page rather than JSON.
    pub html: bool,
}

/// How long a client refused with 503 should wait before trying again, in seconds.
pub const RETRY_AFTER_SECONDS: u32 = 1;

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> AppError {
        AppError { status, code, message: message.into(), html: false }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> AppError {
        AppError { status: StatusCode::BAD_REQUEST, code, message: message.into(), html: false }
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> AppError {
        AppError { status: StatusCode::NOT_FOUND, code, message: message.into(), html: false }
    }

    /// Every search worker is busy and the queue is full.
    pub fn busy() -> AppError {
        AppError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "The server is busy; try again in a moment. 服务器繁忙，请稍后再试。")
    }

    pub fn internal(detail: impl Into<String>) -> AppError {
        let detail = detail.into();
        tracing::error!(%detail, "internal error");
        AppError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "Something went wrong on our side. 服务器内部错误。".into(),
            html: false,
        }
    }

    /// The same error as an HTML page.
    pub fn html(mut self) -> AppError {
        self.html = true;
        self
    }

    /// As JSON for the API (`/api/…`, `/healthz`), as a page for everything else.
    pub fn for_path(self, path: &str) -> AppError {
        if path.starts_with("/api/") || path == "/healthz" {
            self
        } else {
            self.html()
        }
    }
}

impl From<plansearch_search::SearchError> for AppError {
    fn from(e: plansearch_search::SearchError) -> AppError {
        AppError::internal(e.to_string())
    }
}

impl From<axum::extract::rejection::PathRejection> for AppError {
    fn from(e: axum::extract::rejection::PathRejection) -> AppError {
        AppError::bad_request("bad_path", format!("the path is not valid: {}", e.body_text()))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = self.body();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, RETRY_AFTER_SECONDS.into());
        }
        res
    }
}

impl AppError {
    fn body(&self) -> Response {
        if self.html {
            let body = format!(
                include_str!("../../../web/templates/error_static.html"),
                status = self.status.as_u16(),
                message = plansearch_search::highlight::escape(&self.message)
            );
            return (self.status, [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
        }
        (self.status, Json(json!({"error": {"code": self.code, "message": self.message}}))).into_response()
    }
}

//! Every response leaves through here: the one home of the security headers, the size
//! limits checked before any handler, and a body for error responses made without one.
//!
//! A key design decision: this is one middleware outside the timeout and the router, so what
//! the handlers answer and what the layers under it make on their own — 405 from the method
//! router, 408 from the timeout — get the same headers and a body that says what happened
//! (JSON under `/api/`, the error page elsewhere). The limits on the request line and the
//! headers answer 414 and 431 here, with headers and body; hyper's own harder limits
//! ([`crate::server`]) catch only what is larger still, and there hyper answers with an
//! empty 414/431 it writes itself.

use axum::body::HttpBody as _;
use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppError;

/// The longest request target (path and query) answered: the longest quote checked, 2,000
/// Chinese characters, is 18 KB percent-encoded (a search query of 500, 4.5 KB).
pub const MAX_URI_BYTES: usize = 32 * 1024;

/// The most header bytes (names and values) a request may carry.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// The largest request body announced; no route reads one.
pub const MAX_BODY_BYTES: u64 = 64 * 1024;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The headers every response carries.
pub fn security_headers() -> [(HeaderName, HeaderValue); 4] {
    [
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    ]
}

/// The middleware: limits, then the inner service, then headers and a body for a bare error.
pub async fn envelope(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut res = match refuse(&req) {
        Some(err) => err.for_path(&path).into_response(),
        None => {
            let res = next.run(req).await;
            if is_bare_error(&res) {
                let allow = res.headers().get(header::ALLOW).cloned();
                let mut filled = explain(res.status()).for_path(&path).into_response();
                if let Some(allow) = allow {
                    filled.headers_mut().insert(header::ALLOW, allow);
                }
                filled
            } else {
                res
            }
        }
    };
    for (name, value) in security_headers() {
        res.headers_mut().insert(name, value);
    }
    res
}

/// A request over the limits, refused before any handler runs.
fn refuse(req: &Request) -> Option<AppError> {
    let uri_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return Some(AppError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the address is {uri_len} bytes long; the limit is {MAX_URI_BYTES}"),
        ));
    }
    let header_bytes: usize = req.headers().iter().map(|(k, v)| k.as_str().len() + v.len()).sum();
    if header_bytes > MAX_HEADER_BYTES {
        return Some(AppError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!("the request's headers are {header_bytes} bytes; the limit is {MAX_HEADER_BYTES}"),
        ));
    }
    let body = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if body.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Some(AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the request body is too large; the limit is {MAX_BODY_BYTES} bytes (no page reads one)"),
        ));
    }
    None
}

/// An error made by a layer or the router without a body.
fn is_bare_error(res: &Response) -> bool {
    (res.status().is_client_error() || res.status().is_server_error()) && res.body().size_hint().exact() == Some(0)
}

/// What a bare error status means, in the site's words.
fn explain(status: StatusCode) -> AppError {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => AppError::new(status, "method_not_allowed", "this address answers GET and HEAD only"),
        StatusCode::REQUEST_TIMEOUT => {
            AppError::new(status, "timeout", format!("the request took longer than {} s", crate::REQUEST_TIMEOUT.as_secs()))
        }
        _ => AppError::new(status, "error", status.canonical_reason().unwrap_or("error").to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    use tower_http::timeout::TimeoutLayer;

    use super::*;

    /// A request that never finishes, under the same layers as the app but a 1 ms timeout.
    async fn timed_out(path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let app = Router::new()
            .route("/api/slow", get(std::future::pending::<()>))
            .route("/slow", get(std::future::pending::<()>))
            .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_millis(1)))
            .layer(axum::middleware::from_fn(envelope));
        let res = app.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        let (parts, body) = res.into_parts();
        (parts.status, parts.headers, String::from_utf8(body.collect().await.unwrap().to_bytes().to_vec()).unwrap())
    }

    #[tokio::test]
    async fn a_timed_out_request_is_a_408_that_says_so_with_the_headers() {
        let (status, headers, body) = timed_out("/api/slow").await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert!(body.contains(r#""code":"timeout""#), "{body}");
        for (name, value) in security_headers() {
            assert_eq!(headers.get(&name), Some(&value), "{name}");
        }
        let (status, headers, body) = timed_out("/slow").await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
        assert!(body.contains("<h1>408</h1>"), "{body}");
    }
}

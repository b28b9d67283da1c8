//! Layers around every route: request ids and logs, security headers, error pages.

use crate::error::ErrorPage;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use std::sync::atomic::{AtomicU64, Ordering};
use tower_http::request_id::{MakeRequestId, RequestId};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids: a per-process random prefix and a counter, short enough to read in logs and
/// unique across the nodes of an archive.
#[derive(Clone)]
pub struct NextRequestId {
    prefix: u32,
}

static COUNTER: AtomicU64 = AtomicU64::new(1);

impl MakeRequestId for NextRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{:08x}-{n}", self.prefix)).ok().map(RequestId::new)
    }
}

impl NextRequestId {
    pub fn new() -> NextRequestId {
        let prefix = std::process::id().wrapping_mul(2_654_435_761) ^ time::OffsetDateTime::now_utc().nanosecond();
        NextRequestId { prefix }
    }
}

impl Default for NextRequestId {
    fn default() -> Self {
        Self::new()
    }
}

/// The span every request's logs are written in: its id, method and path.
pub fn request_span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
}

/// The security baseline of DESIGN.md, sent on every response: a Content-Security-Policy
/// that allows no inline script and no framing, nosniff, and a strict referrer policy.
pub const SECURITY_HEADERS: [(HeaderName, &str); 3] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
];

/// Replaces the body of every error response with the styled error page (or, for the API,
/// with `{"code", "message"}`), keeping its status and headers.
pub async fn render_error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let Some(page) = response.extensions().get::<ErrorPage>().cloned() else {
        return response;
    };
    let visitor = response.extensions().get::<crate::auth::VisitorView>().cloned().unwrap_or_default();
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = if api {
        let mut json = serde_json::json!({ "code": page.code, "message": page.message });
        if !page.fields.is_empty() {
            json["fields"] = serde_json::json!(page.fields);
        }
        axum::Json(json).into_response()
    } else {
        let site = state.site().await;
        let ctx = minijinja::context! {
            archive_name => &site.archive_name,
            archive_description => &site.archive_description,
            visitor => visitor,
            title => page.status.canonical_reason().unwrap_or("Error"),
            status => page.status.as_u16(),
            message => &page.message,
            // Input a page refused without a form to show it on: what was wrong.
            fields => &page.fields,
        };
        match state.templates.render("error.html", ctx) {
            Ok(html) => Html(html).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                page.message.into_response()
            }
        }
    };
    let (body_parts, body) = body.into_parts();
    if let Some(ct) = body_parts.headers.get(header::CONTENT_TYPE) {
        parts.headers.insert(header::CONTENT_TYPE, ct.clone());
    }
    Response::from_parts(parts, body)
}

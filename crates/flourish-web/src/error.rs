//! One error type for every handler, and the one place that turns it into a status code.
//!
//! A handler returns [`AppError`]; its response carries an [`ErrorPage`] extension that
//! `middleware::render_error_pages` turns into the styled HTML page (or, under `/api/`, the
//! JSON error). Internal causes are logged inside the request's span, which carries the
//! request id, and never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use flourish_store::{Outage, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    /// A guest asked for something that needs an account: sent to the login page, which
    /// returns them to this path.
    #[error("login required")]
    LoginRequired(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// A one-time link that was used or has expired.
    #[error("{0}")]
    Gone(String),
    #[error("body larger than {0} bytes")]
    TooLarge(usize),
    #[error("{message}")]
    TooManyRequests { retry_after: u64, message: String },
    /// The database cannot serve anyone now (unreachable, or its disk is full): 503 with
    /// `Retry-After`, since the request itself was fine.
    #[error("{message}")]
    Unavailable { retry_after: u64, message: String },
    /// Input that breaks the archive's rules, field by field (the API's 422).
    #[error("{0}")]
    Invalid(flourish_core::ValidationErrors),
    /// An API request without a valid token.
    #[error("{0}")]
    Unauthorized(String),
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// What an error response shows; rendered by `middleware::render_error_pages`.
#[derive(Clone, Debug)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Field errors, for input that failed validation.
    pub fields: Vec<flourish_core::FieldError>,
}

impl AppError {
    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
        AppError::Internal(Box::new(e))
    }

    // The refusals that recur, named once.

    /// A work the visitor may see but not change.
    pub fn not_a_creator() -> AppError {
        AppError::Forbidden("Only this work's creators can change it.".into())
    }

    /// A suspended account trying to write (it may still read).
    pub fn suspended() -> AppError {
        AppError::Forbidden(
            "Your account is suspended: you can read, but not post or edit, until an admin lifts the suspension."
                .into(),
        )
    }

    pub fn admins_only() -> AppError {
        AppError::Forbidden("Only the archive's admins can do that.".into())
    }
}

/// An id from a URL path: anything that is not one is a page that does not exist.
pub fn path_id<T: std::str::FromStr>(segment: &str) -> AppResult<T> {
    segment.parse().map_err(|_| AppError::NotFound)
}

impl AppError {
    fn page(&self) -> ErrorPage {
        let (status, code, message) = match self {
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "The page you were looking for doesn't exist, or you don't have permission to see it.".to_owned(),
            ),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m.clone()),
            AppError::LoginRequired(_) => (StatusCode::UNAUTHORIZED, "login_required", "Log in to do that.".to_owned()),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m.clone()),
            AppError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m.clone()),
            AppError::Gone(m) => (StatusCode::GONE, "gone", m.clone()),
            AppError::TooLarge(max) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("That is more than this archive accepts at once ({} MB).", max >> 20),
            ),
            AppError::TooManyRequests { message, .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message.clone())
            }
            AppError::Unavailable { message, .. } => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", message.clone()),
            AppError::Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Some fields are not right; nothing was saved.".to_owned(),
            ),
            AppError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, "unauthorized", m.clone()),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "Something went wrong on our side. It has been logged; please try again in a moment.".to_owned(),
            ),
        };
        let fields = if let AppError::Invalid(errors) = self { errors.0.clone() } else { vec![] };
        ErrorPage { status, code, message, fields }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NotFound(_) => AppError::NotFound,
            StoreError::Invalid(errors) => AppError::Invalid(errors),
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Forbidden(m) => AppError::Forbidden(m),
            StoreError::RateLimited { retry_after, message } => AppError::TooManyRequests { retry_after, message },
            other => match other.outage() {
                Some(outage) => {
                    // Logged like an internal error: an admin must hear of it.
                    tracing::error!(error = %other, "the database cannot serve this request");
                    let message = match outage {
                        Outage::Unreachable => {
                            "The archive's database is not answering right now. Please try again in a moment."
                        }
                        Outage::DiskFull => {
                            "The archive's disk is full, so nothing was saved. Please try again later; \
                             the archive's admins have been told."
                        }
                    };
                    AppError::Unavailable { retry_after: crate::db_health::RETRY_AFTER_SECS, message: message.into() }
                }
                None => AppError::internal(other),
            },
        }
    }
}

impl From<crate::templates::TemplateError> for AppError {
    fn from(e: crate::templates::TemplateError) -> AppError {
        AppError::internal(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(error = %cause, "request failed");
        }
        if let AppError::LoginRequired(back) = &self {
            let to =
                format!("/login?return_to={}", form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>());
            return axum::response::Redirect::to(&to).into_response();
        }
        let page = self.page();
        let mut response = (page.status, page.message.clone()).into_response();
        if let AppError::TooManyRequests { retry_after, .. } | AppError::Unavailable { retry_after, .. } = &self {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, (*retry_after).into());
        }
        if let AppError::Unauthorized(_) = &self {
            response
                .headers_mut()
                .insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
        }
        response.extensions_mut().insert(page);
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_map_to_one_status_each() {
        let status = |e: StoreError| AppError::from(e).page().status;
        assert_eq!(status(StoreError::Conflict("A work needs at least one chapter.".into())), StatusCode::CONFLICT);
        assert_eq!(status(StoreError::NotFound("work")), StatusCode::NOT_FOUND);
        let mut errors = flourish_core::ValidationErrors::default();
        errors.add("title", "Title can't be blank.");
        let page = AppError::from(StoreError::Invalid(errors)).page();
        assert_eq!((page.status, page.fields[0].field.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "title"));
        assert_eq!(status(StoreError::Archive("x".into())), StatusCode::INTERNAL_SERVER_ERROR);
    }
}

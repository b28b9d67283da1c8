//! Server-rendered pages, one file per kind of page. Every page works without JavaScript.

pub mod account;
pub mod admin;
pub mod conversation;
pub mod form;
pub mod home;
pub mod library;
pub mod posting;
pub mod pseuds;
pub mod series;
pub mod tags;
pub mod work;
pub mod works;

use crate::auth::Visitor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::Html;
use serde::Serialize;

pub use crate::query_string::query_param;

/// `?page=N`. Anything that is not a page number counts as page 1, and a page past the end
/// is an empty page, so a hand-edited URL never errors.
#[derive(Default)]
pub struct PageQuery {
    page: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for PageQuery {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PageQuery { page: query_param(&parts.uri, "page") })
    }
}

impl PageQuery {
    /// Pages beyond this are empty anyway; the cap keeps offsets far from overflow.
    const MAX_PAGE: u32 = 1_000_000;

    pub fn page(&self) -> u32 {
        self.page.as_deref().and_then(|p| p.trim().parse::<u32>().ok()).unwrap_or(1).clamp(1, Self::MAX_PAGE)
    }
}

/// Renders `template` with the archive-wide values every page uses (the site settings and
/// who is visiting, for the header and forms' CSRF token), under `ctx`'s own.
pub async fn render(
    state: &AppState,
    visitor: &Visitor,
    template: &str,
    title: &str,
    ctx: impl Serialize,
) -> AppResult<Html<String>> {
    Ok(Html(render_string(state, visitor, template, title, ctx).await?))
}

/// [`render`], as a string.
pub async fn render_string(
    state: &AppState,
    visitor: &Visitor,
    template: &str,
    title: &str,
    ctx: impl Serialize,
) -> AppResult<String> {
    #[derive(Serialize)]
    struct Site<'a, T> {
        archive_name: &'a str,
        archive_description: &'a str,
        title: &'a str,
        visitor: crate::auth::VisitorView,
        /// A member's reading preferences: the page's type, spacing and colours.
        prefs: Option<flourish_core::ReadingPreferences>,
        #[serde(flatten)]
        page: T,
    }
    let settings = state.site().await;
    let prefs = visitor.preferences(&state.store).await?;
    let site = Site {
        archive_name: &settings.archive_name,
        archive_description: &settings.archive_description,
        title,
        visitor: visitor.view(),
        prefs,
        page: ctx,
    };
    Ok(state.templates.render(template, site)?)
}

/// A page that says one thing: a heading, paragraphs and a link onward.
pub(crate) async fn message(
    state: &AppState,
    visitor: &Visitor,
    heading: &str,
    paragraphs: &[&str],
    link: Option<(&str, &str)>,
) -> AppResult<Html<String>> {
    message_with_button(state, visitor, heading, paragraphs, link, None).await
}

/// [`message`] with a button that posts to `button`'s (action, label): a confirmation.
pub(crate) async fn message_with_button(
    state: &AppState,
    visitor: &Visitor,
    heading: &str,
    paragraphs: &[&str],
    link: Option<(&str, &str)>,
    button: Option<(&str, &str)>,
) -> AppResult<Html<String>> {
    #[derive(Serialize)]
    struct Action<'a> {
        href: &'a str,
        text: &'a str,
    }
    #[derive(Serialize)]
    struct Ctx<'a> {
        heading: &'a str,
        paragraphs: &'a [&'a str],
        link: Option<Action<'a>>,
        button: Option<Action<'a>>,
    }
    let ctx = Ctx {
        heading,
        paragraphs,
        link: link.map(|(href, text)| Action { href, text }),
        button: button.map(|(href, text)| Action { href, text }),
    };
    render(state, visitor, "account/message.html", heading, ctx).await
}

/// A path on this archive to send someone back to (after logging in, after a form), or
/// `None` for anything else. It is read as a browser reads a Location header — tabs and
/// line breaks dropped, backslashes as slashes (`/\t/evil.example` is `//evil.example`) —
/// and must stay on this archive: an open redirect lends the archive's name to another
/// site. What comes back is the path as the URL parser wrote it, safe in a header.
pub(crate) fn local_path(path: &str) -> Option<String> {
    static BASE: std::sync::LazyLock<url::Url> =
        std::sync::LazyLock::new(|| url::Url::parse("http://flourish.invalid/").expect("a URL"));
    if !path.starts_with('/') {
        return None;
    }
    let url = BASE.join(path).ok()?;
    (url.origin() == BASE.origin()).then(|| url[url::Position::BeforePath..].to_owned())
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Liveness and readiness: 200 when the database answers, 503 when it does not, within
/// about a second either way (a load balancer's check must not hang on a dead database).
pub async fn healthz(State(state): State<AppState>) -> (axum::http::StatusCode, &'static str) {
    const UNAVAILABLE: (axum::http::StatusCode, &str) =
        (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
    if state.db_health.is_down() {
        return UNAVAILABLE;
    }
    match tokio::time::timeout(std::time::Duration::from_secs(1), state.store.ping()).await {
        Ok(Ok(())) => (axum::http::StatusCode::OK, "ok"),
        Err(_) => {
            tracing::error!("health check timed out");
            UNAVAILABLE
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check failed");
            UNAVAILABLE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_that_stay_on_the_archive_are_returned_to() {
        assert_eq!(local_path("/works/1?view=all#c2").as_deref(), Some("/works/1?view=all#c2"));
        assert_eq!(local_path("/tags/Harry Potter").as_deref(), Some("/tags/Harry%20Potter"));
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "\\\\evil.example",
            "",
            "works",
            "javascript:alert(1)",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }
}

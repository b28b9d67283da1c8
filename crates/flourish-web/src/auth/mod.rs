//! Who is asking, and whether they may: sessions, CSRF, login throttling, passwords.
//!
//! [`visit`] runs around every request. It reads the session cookie (a database lookup
//! only when one is sent), makes sure the browser has a CSRF cookie, refuses a
//! state-changing request whose form does not carry the matching token, and leaves a
//! [`Visitor`] in the request for handlers, templates and the page cache.

pub mod password;
pub mod throttle;
pub mod tokens;

use crate::error::AppError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use flourish_core::{Account, Viewer};
use flourish_store::SessionStore;
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub const SESSION_COOKIE: &str = "flourish_session";
pub const CSRF_COOKIE: &str = "flourish_csrf";
/// The form field (or, for file uploads, the query parameter) that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// A session without "remember me" lasts a day after its last use; with it, two weeks.
pub const SESSION_SECS: i64 = 24 * 3600;
pub const REMEMBER_SECS: i64 = 14 * 24 * 3600;

/// The largest form body read to find a CSRF token: a chapter at its 510,000-character
/// limit, percent-encoded, with room for the other fields.
pub const MAX_FORM_BYTES: usize = 8 << 20;

/// Whoever sent the request.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub account: Option<Account>,
    /// The token every form on the page carries.
    pub csrf: String,
    pub address: IpAddr,
    session_hash: Option<String>,
    /// A member's reading preferences, read at most once per request (the page's look and
    /// the work page's whole-work choice both ask).
    preferences: std::sync::Arc<tokio::sync::OnceCell<flourish_core::ReadingPreferences>>,
}

impl Visitor {
    pub fn guest(address: IpAddr) -> Visitor {
        Visitor { account: None, csrf: String::new(), address, session_hash: None, preferences: Default::default() }
    }

    /// A member's reading preferences (None for a guest), from the store once a request.
    pub async fn preferences(
        &self,
        store: &flourish_store::Store,
    ) -> Result<Option<flourish_core::ReadingPreferences>, flourish_store::StoreError> {
        let Some(account) = &self.account else { return Ok(None) };
        let prefs = self
            .preferences
            .get_or_try_init(|| flourish_store::ReadingStore::reading_preferences(store, account.id))
            .await?;
        Ok(Some(prefs.clone()))
    }

    pub fn viewer(&self) -> Viewer {
        self.account.as_ref().map_or(Viewer::Guest, |a| Viewer::Member(a.id))
    }

    pub fn is_admin(&self) -> bool {
        self.account.as_ref().is_some_and(|a| a.is_admin)
    }

    /// The same visitor seen as `account` (after logging in, or out).
    pub fn with_account(self, account: Option<Account>) -> Visitor {
        Visitor { account, preferences: Default::default(), ..self }
    }

    pub fn session_hash(&self) -> Option<&str> {
        self.session_hash.as_deref()
    }

    /// What templates see: never the account's secrets.
    pub fn view(&self) -> VisitorView {
        VisitorView {
            username: self.account.as_ref().map(|a| a.username.clone()),
            is_admin: self.is_admin(),
            is_moderator: self.account.as_ref().is_some_and(|a| a.is_admin || a.is_moderator),
            unread: self.account.as_ref().map_or(0, |a| a.unread_notifications),
            csrf: self.csrf.clone(),
        }
    }

    /// The name audit entries give this visitor.
    pub fn actor(&self) -> String {
        self.account.as_ref().map_or_else(|| "-".to_owned(), |a| a.username.clone())
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct VisitorView {
    pub username: Option<String>,
    pub is_admin: bool,
    /// Works the report queue (admins too).
    pub is_moderator: bool,
    /// Unread notifications, for the header.
    pub unread: u32,
    pub csrf: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Visitor>().cloned().unwrap_or_else(|| Visitor::guest(client_address(parts, false))))
    }
}

/// A logged-in visitor whose account may write; guests are sent to the login page and
/// suspended accounts get a 403 that says why.
pub struct Writer(pub Visitor, pub Account);

impl<S: Send + Sync> FromRequestParts<S> for Writer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let visitor = Visitor::from_request_parts(parts, state).await.unwrap_or_else(|e| match e {});
        let Some(account) = visitor.account.clone() else {
            let back = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            return Err(AppError::LoginRequired(back.to_owned()));
        };
        if !account.can_write() {
            return Err(AppError::suspended());
        }
        Ok(Writer(visitor, account))
    }
}

/// A logged-in admin.
pub struct Admin(pub Visitor, pub Account);

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Writer(visitor, account) = Writer::from_request_parts(parts, state).await?;
        if !account.is_admin {
            return Err(AppError::admins_only());
        }
        Ok(Admin(visitor, account))
    }
}

/// A logged-in admin or moderator: who works the report queue (and sees nothing else of
/// the admin pages, unless an admin).
pub struct Staff(pub Visitor, pub Account);

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Writer(visitor, account) = Writer::from_request_parts(parts, state).await?;
        if !(account.is_admin || account.is_moderator) {
            return Err(AppError::Forbidden("Only the archive's admins and moderators can do that.".into()));
        }
        Ok(Staff(visitor, account))
    }
}

/// The client's address: the connection's peer, or with `trust_proxy` the last address a
/// reverse proxy appended to `X-Forwarded-For`. In-process tests have neither: localhost.
pub fn client_address(parts: &Parts, trust_proxy: bool) -> IpAddr {
    if trust_proxy
        && let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse().ok())
    {
        return ip;
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |ConnectInfo(addr)| addr.ip())
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value with the archive's cookie rules: HttpOnly, SameSite=Lax, Secure
/// when the archive is served over https. `max_age` `None` makes a browser-session cookie.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = Cookie::build((name.to_owned(), value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies());
    if let Some(secs) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(secs));
    }
    HeaderValue::from_str(&c.build().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Starts a session for `account`: a new random id (the old one, if any, is ended, so an id
/// planted before login is worthless), a new CSRF token, and the cookies that carry both.
pub async fn start_session(
    state: &AppState,
    visitor: &Visitor,
    account: &Account,
    remember: bool,
) -> Result<Vec<HeaderValue>, AppError> {
    if let Some(old) = visitor.session_hash() {
        state.store.end_session(old).await?;
    }
    let id = tokens::random_token();
    let lifetime = if remember { REMEMBER_SECS } else { SESSION_SECS };
    let expires = time::OffsetDateTime::now_utc().unix_timestamp() + lifetime;
    state.store.create_session(&tokens::hash_token(&id), account.id, expires, remember).await?;
    Ok(vec![
        set_cookie(state, SESSION_COOKIE, &id, remember.then_some(lifetime)),
        set_cookie(state, CSRF_COOKIE, &tokens::random_token(), None),
    ])
}

/// Ends the visitor's session and clears its cookie.
pub async fn end_session(state: &AppState, visitor: &Visitor) -> Result<Vec<HeaderValue>, AppError> {
    if let Some(hash) = visitor.session_hash() {
        state.store.end_session(hash).await?;
    }
    Ok(vec![
        set_cookie(state, SESSION_COOKIE, "", Some(0)),
        set_cookie(state, CSRF_COOKIE, &tokens::random_token(), None),
    ])
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The middleware described in the module docs.
pub async fn visit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let address = client_address(&parts, state.config.trust_proxy);
    let mut visitor = Visitor::guest(address);

    if let Some(id) = cookie_value(&parts.headers, SESSION_COOKIE).filter(|v| tokens::is_token(v)) {
        let hash = tokens::hash_token(&id);
        match state.store.session(&hash).await {
            Ok(Some(session)) if session.account.status != flourish_core::AccountStatus::Banned => {
                // Sliding expiry, written at most once per half lifetime.
                let lifetime = if session.remember { REMEMBER_SECS } else { SESSION_SECS };
                let now = time::OffsetDateTime::now_utc().unix_timestamp();
                if session.expires_at - now < lifetime / 2
                    && let Err(e) = state.store.extend_session(&hash, now + lifetime).await
                {
                    tracing::warn!(error = %e, "cannot extend a session");
                }
                visitor.account = Some(session.account);
                visitor.session_hash = Some(hash);
            }
            Ok(_) => {}
            Err(e) => return AppError::from(e).into_response(),
        }
    }

    let existing_csrf = cookie_value(&parts.headers, CSRF_COOKIE).filter(|v| tokens::is_token(v));
    let new_csrf = existing_csrf.is_none();
    visitor.csrf = existing_csrf.unwrap_or_else(tokens::random_token);

    let body = if is_state_changing(&parts.method) && !is_token_authenticated(&parts) {
        match check_csrf(&parts, body, &visitor.csrf, new_csrf).await {
            Ok(body) => body,
            Err(e) => return e.into_response(),
        }
    } else {
        body
    };

    let csrf = visitor.csrf.clone();
    let view = visitor.view();
    parts.extensions.insert(visitor);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    // For the error page, which is rendered outside this layer.
    response.extensions_mut().insert(view);
    if new_csrf
        && !response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.as_bytes().starts_with(CSRF_COOKIE.as_bytes()))
    {
        response.headers_mut().append(header::SET_COOKIE, set_cookie(&state, CSRF_COOKIE, &csrf, None));
    }
    response
}

/// The API never acts on cookies: it writes only for a bearer token, which another site
/// cannot make a browser send, so CSRF does not apply to it.
fn is_token_authenticated(parts: &Parts) -> bool {
    // An unsubscribe link carries its own signed token, and RFC 8058 mail clients post to
    // it without cookies.
    parts.uri.path().starts_with("/api/") || parts.uri.path().starts_with("/unsubscribe/")
}

const CSRF_MESSAGE: &str =
    "This form has expired or was sent from another site. Go back, reload the page and try again.";

/// Refuses the request unless its form carries the CSRF cookie's token; gives the body
/// back, read, for the handler. A request from another origin is refused outright.
async fn check_csrf(parts: &Parts, body: Body, expected: &str, cookie_was_missing: bool) -> Result<Body, AppError> {
    if let (Some(origin), Some(host)) = (parts.headers.get(header::ORIGIN), parts.headers.get(header::HOST)) {
        let origin = origin.to_str().unwrap_or("");
        let host = host.to_str().unwrap_or("");
        let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        if origin != "null" && origin_host != host {
            return Err(AppError::Forbidden(CSRF_MESSAGE.into()));
        }
    }
    if cookie_was_missing {
        return Err(AppError::Forbidden(CSRF_MESSAGE.into()));
    }
    let from_query = parts
        .uri
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.into_owned()));
    if let Some(token) = from_query {
        return if tokens::same(&token, expected) { Ok(body) } else { Err(AppError::Forbidden(CSRF_MESSAGE.into())) };
    }
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::Forbidden(CSRF_MESSAGE.into()));
    }
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES).await.map_err(|_| AppError::TooLarge(MAX_FORM_BYTES))?;
    let token = form_urlencoded::parse(&bytes).find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.into_owned());
    match token {
        Some(token) if tokens::same(&token, expected) => Ok(Body::from(bytes)),
        _ => Err(AppError::Forbidden(CSRF_MESSAGE.into())),
    }
}

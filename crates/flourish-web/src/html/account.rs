//! Joining and signing in: sign-up in each of the archive's modes, email confirmation,
//! login and logout, password reset, the invitation request queue, the first admin's setup
//! link, and the account's own dashboard (pseuds, password, co-creator invitations,
//! deletion).

use super::form::{FieldErrors, FormData, invalid};
use super::{query_param, render};
use crate::AppState;
use crate::auth::{self, Visitor, Writer, password, throttle, tokens};
use crate::error::{AppError, AppResult, path_id};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use flourish_core::{Account, SignupMode};
use flourish_store::{AccountStore, NewAccount, StoreError, TokenPurpose, UserStore, WorkEditing};
use serde::Serialize;

/// Links in confirmation mail work for three days; reset links for an hour; setup links
/// for a day.
const CONFIRM_SECS: i64 = 3 * 24 * 3600;
const RESET_SECS: i64 = 3600;
pub const SETUP_SECS: i64 = 24 * 3600;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/signup", get(signup_form).post(signup))
        .route("/confirm/{token}", get(confirm))
        .route("/password/forgot", get(forgot_form).post(forgot))
        .route("/password/reset/{token}", get(reset_form).post(reset))
        .route("/invitations/request", get(request_form).post(request_invitation))
        .route("/setup/{token}", get(setup_form).post(setup))
        .route("/account", get(dashboard))
        .route("/account/pseuds", post(add_pseud))
        .route("/account/pseuds/{id}/default", post(default_pseud))
        .route("/account/password", post(change_password))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route("/account/delete", post(delete_account))
        .route("/account/creator-invitations/{work}", post(answer_invitation))
}

/// A path on this archive to return to after logging in; anything else (another site,
/// `//host`) goes home.
fn local_path(path: &str) -> &str {
    if path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") { path } else { "/" }
}

fn with_cookies(mut response: Response, cookies: Vec<HeaderValue>) -> Response {
    for c in cookies {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

#[derive(Serialize)]
struct MessageLink {
    href: String,
    text: String,
}

async fn message(
    state: &AppState,
    visitor: &Visitor,
    heading: &str,
    paragraphs: &[&str],
    link: Option<(&str, &str)>,
) -> AppResult<Html<String>> {
    #[derive(Serialize)]
    struct Ctx<'a> {
        heading: &'a str,
        paragraphs: &'a [&'a str],
        link: Option<MessageLink>,
    }
    let link = link.map(|(href, text)| MessageLink { href: href.into(), text: text.into() });
    render(state, visitor, "account/message.html", heading, Ctx { heading, paragraphs, link }).await
}

// --- Logging in and out -------------------------------------------------------------------

#[derive(Serialize, Default)]
struct LoginCtx {
    login: String,
    return_to: String,
    notice: Option<String>,
    errors: FieldErrors,
    signup_open: bool,
}

async fn login_page(state: &AppState, visitor: &Visitor, ctx: LoginCtx) -> AppResult<Html<String>> {
    render(state, visitor, "account/login.html", "Log in", ctx).await
}

async fn login_form(State(state): State<AppState>, visitor: Visitor, uri: Uri) -> AppResult<Html<String>> {
    let ctx = LoginCtx {
        return_to: query_param(&uri, "return_to").unwrap_or_default(),
        notice: query_param(&uri, "notice").and_then(|n| notice_text(&n)).map(str::to_owned),
        signup_open: state.site().await.signup_mode != SignupMode::Closed,
        ..Default::default()
    };
    login_page(&state, &visitor, ctx).await
}

/// Notices other pages send the login page to, by name (never free text from the URL).
fn notice_text(name: &str) -> Option<&'static str> {
    match name {
        "confirmed" => Some("Your email address is confirmed. Log in to start posting."),
        "password_reset" => Some("Your password has been changed. Log in with the new one."),
        "logged_out" => Some("You have logged out."),
        _ => None,
    }
}

async fn login(State(state): State<AppState>, visitor: Visitor, form: FormData) -> AppResult<Response> {
    let login = form.get("login").trim().to_owned();
    let return_to = local_path(form.get("return_to")).to_owned();
    let keys = throttle::keys(visitor.address, &login);
    throttle::check(&state, &keys).await?;
    let account = if login.is_empty() { None } else { state.store.account_by_login(&login).await? };
    let hash = account.as_ref().and_then(|a| a.password_hash.as_deref());
    let matched = state.passwords.verify(form.get("password"), hash).await;
    let signup_open = state.site().await.signup_mode != SignupMode::Closed;
    let refuse = |message: &str| LoginCtx {
        login: login.clone(),
        return_to: return_to.clone(),
        errors: {
            let mut e = FieldErrors::default();
            e.general(message);
            e
        },
        signup_open,
        ..Default::default()
    };
    let Some(account) = account.filter(|_| matched) else {
        throttle::failed(&state, &keys).await?;
        crate::audit::by_visitor(&state, &visitor, "login_failed", &login, "").await;
        let page = login_page(&state, &visitor, refuse("The username or password is not right.")).await?;
        return Ok((axum::http::StatusCode::UNAUTHORIZED, page).into_response());
    };
    throttle::succeeded(&state, &keys).await?;
    if account.status == flourish_core::AccountStatus::Banned {
        crate::audit::by_visitor(&state, &visitor, "login_refused_banned", &account.username, "").await;
        return Err(AppError::Forbidden("This account has been banned.".into()));
    }
    if !account.confirmed {
        let page = login_page(
            &state,
            &visitor,
            refuse("Confirm your email address first: follow the link we sent when you signed up."),
        )
        .await?;
        return Ok((axum::http::StatusCode::FORBIDDEN, page).into_response());
    }
    let cookies = auth::start_session(&state, &visitor, &account, form.checked("remember")).await?;
    let as_account = visitor.clone().with_account(Some(account.clone()));
    crate::audit::by_visitor(&state, &as_account, "login", &account.username, "").await;
    Ok(with_cookies(Redirect::to(&return_to).into_response(), cookies))
}

async fn logout(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let cookies = auth::end_session(&state, &visitor).await?;
    if visitor.account.is_some() {
        crate::audit::by_visitor(&state, &visitor, "logout", &visitor.actor(), "").await;
    }
    Ok(with_cookies(Redirect::to("/login?notice=logged_out").into_response(), cookies))
}

// --- Signing up ---------------------------------------------------------------------------

#[derive(Serialize, Default)]
struct SignupForm {
    username: String,
    email: String,
    invitation: String,
}

#[derive(Serialize)]
struct SignupCtx {
    form: SignupForm,
    errors: FieldErrors,
    needs_invitation: bool,
}

async fn signup_mode_page(state: &AppState, visitor: &Visitor, mode: SignupMode) -> AppResult<Option<Response>> {
    Ok(match mode {
        SignupMode::Request => Some(Redirect::to("/invitations/request").into_response()),
        SignupMode::Closed => {
            let page = message(
                state,
                visitor,
                "Sign-ups are closed",
                &["This archive is not accepting new accounts at the moment."],
                None,
            )
            .await?;
            Some((axum::http::StatusCode::FORBIDDEN, page).into_response())
        }
        SignupMode::Open | SignupMode::Invitation => None,
    })
}

async fn signup_form(State(state): State<AppState>, visitor: Visitor, uri: Uri) -> AppResult<Response> {
    let mode = state.site().await.signup_mode;
    if let Some(page) = signup_mode_page(&state, &visitor, mode).await? {
        return Ok(page);
    }
    let form = SignupForm { invitation: query_param(&uri, "invitation").unwrap_or_default(), ..Default::default() };
    let ctx = SignupCtx { form, errors: FieldErrors::default(), needs_invitation: mode == SignupMode::Invitation };
    Ok(render(&state, &visitor, "account/signup.html", "Sign up", ctx).await?.into_response())
}

/// The new password's problems on the form's `password` fields.
fn check_new_password(form: &FormData, username: &str, email: &str, errors: &mut FieldErrors) {
    let password = form.get("password");
    if let Some(why) = password::weakness(password, username, email) {
        errors.add("password", why);
    } else if password != form.get("password_confirmation") {
        errors.add("password_confirmation", "The passwords don't match.");
    }
}

async fn signup(State(state): State<AppState>, visitor: Visitor, form: FormData) -> AppResult<Response> {
    let mode = state.site().await.signup_mode;
    if let Some(page) = signup_mode_page(&state, &visitor, mode).await? {
        return Ok(page);
    }
    let username = form.get("username").trim();
    let email = form.get("email").trim();
    let invitation = form.get("invitation").trim();
    let mut errors = FieldErrors::default();
    check_new_password(&form, username, email, &mut errors);
    if mode == SignupMode::Invitation && !state.store.invitation_usable(invitation).await? {
        errors.add("invitation", "That invitation code is not valid or has already been used.");
    }
    let mut created = None;
    if errors.is_empty() {
        let hash = state.passwords.hash(form.get("password")).await.map_err(AppError::internal)?;
        let new = NewAccount {
            username,
            email,
            password_hash: &hash,
            confirmed: false,
            is_admin: false,
            invitation: (mode == SignupMode::Invitation).then_some(invitation),
        };
        match state.store.register(&new).await {
            Ok((account, _)) => created = Some(account),
            Err(e) => errors.take(e)?,
        }
    }
    let Some(account) = created else {
        let ctx = SignupCtx {
            form: SignupForm { username: username.into(), email: email.into(), invitation: invitation.into() },
            errors,
            needs_invitation: mode == SignupMode::Invitation,
        };
        return Ok(invalid(render(&state, &visitor, "account/signup.html", "Sign up", ctx).await?));
    };
    send_confirmation(&state, &account).await?;
    crate::audit::by_visitor(&state, &visitor, "signup", &account.username, mode.as_str()).await;
    let page = message(
        &state,
        &visitor,
        "Check your email",
        &[&format!(
            "We sent a link to {email}. Follow it to confirm your address, then log in. The link works for three days."
        )],
        None,
    )
    .await?;
    Ok((axum::http::StatusCode::CREATED, page).into_response())
}

/// Makes a one-time link for `account` and mails it: `path` is where the link leads (the
/// token is appended), `message` the mail's words around it (`{name}`, `{archive}` and
/// `{link}` are filled in).
async fn mail_link(
    state: &AppState,
    account: &Account,
    purpose: TokenPurpose,
    valid_secs: i64,
    path: &str,
    subject: &str,
    message: &str,
) -> AppResult<()> {
    let token = tokens::random_token();
    let expires = time::OffsetDateTime::now_utc().unix_timestamp() + valid_secs;
    state.store.create_token(&tokens::hash_token(&token), purpose, Some(account.id), expires).await?;
    let site = state.site().await;
    let link = state.config.url(&format!("{path}{token}"));
    let fill = |text: &str| {
        text.replace("{name}", &account.username).replace("{archive}", &site.archive_name).replace("{link}", &link)
    };
    let to = account.email.clone().unwrap_or_default();
    state.mailer.send(&state.store, &to, &fill(subject), &fill(message)).await;
    Ok(())
}

async fn send_confirmation(state: &AppState, account: &Account) -> AppResult<()> {
    mail_link(
        state,
        account,
        TokenPurpose::ConfirmEmail,
        CONFIRM_SECS,
        "/confirm/",
        "Confirm your {archive} account",
        "Hello {name},\n\nConfirm your email address for {archive} by opening this link:\n\n{link}\n\nIt works for three days. If you did not sign up, ignore this message.\n",
    )
    .await
}

const LINK_GONE: &str = "This link has expired or has already been used. Links in our mail work once.";

/// A one-time link that is still good, without using it up: its hash (to use it up later)
/// and the account it is for. A malformed, used or expired link is a 410.
async fn live_link(
    state: &AppState,
    token: &str,
    purpose: TokenPurpose,
) -> AppResult<(String, Option<flourish_core::UserId>)> {
    let gone = || AppError::Gone(LINK_GONE.into());
    if !tokens::is_token(token) {
        return Err(gone());
    }
    let hash = tokens::hash_token(token);
    let user = state.store.check_token(&hash, purpose).await?.ok_or_else(gone)?;
    Ok((hash, user))
}

async fn confirm(State(state): State<AppState>, visitor: Visitor, Path(token): Path<String>) -> AppResult<Response> {
    if !tokens::is_token(&token) {
        return Err(AppError::NotFound);
    }
    let Some(Some(user)) = state.store.use_token(&tokens::hash_token(&token), TokenPurpose::ConfirmEmail).await? else {
        return Err(AppError::Gone(LINK_GONE.into()));
    };
    state.store.confirm_account(user).await?;
    crate::audit::by_visitor(&state, &visitor, "email_confirmed", &user.to_string(), "").await;
    Ok(Redirect::to("/login?notice=confirmed").into_response())
}

// --- Password reset -----------------------------------------------------------------------

#[derive(Serialize, Default)]
struct ForgotCtx {
    login: String,
    errors: FieldErrors,
}

async fn forgot_form(State(state): State<AppState>, visitor: Visitor) -> AppResult<Html<String>> {
    render(&state, &visitor, "account/forgot.html", "Reset your password", ForgotCtx::default()).await
}

async fn forgot(State(state): State<AppState>, visitor: Visitor, form: FormData) -> AppResult<Html<String>> {
    let login = form.get("login").trim();
    // The same answer whether or not an account matches, so the form does not tell who
    // has an account; the throttle keeps it from being used to flood someone's inbox.
    let keys = vec![format!("reset:{}", login.to_lowercase())];
    throttle::check(&state, &keys).await?;
    if let Some(account) = state.store.account_by_login(login).await?.filter(|a| a.email.is_some()) {
        throttle::failed(&state, &keys).await?;
        send_reset(&state, &account).await?;
        crate::audit::by_visitor(&state, &visitor, "password_reset_requested", &account.username, "").await;
    }
    message(
        &state,
        &visitor,
        "Check your email",
        &["If an account matches, we have sent it a link to choose a new password. The link works once, within an hour."],
        None,
    )
    .await
}

pub async fn send_reset(state: &AppState, account: &Account) -> AppResult<()> {
    mail_link(
        state,
        account,
        TokenPurpose::ResetPassword,
        RESET_SECS,
        "/password/reset/",
        "Reset your {archive} password",
        "Hello {name},\n\nSomeone (we hope you) asked to reset the password of your {archive} account. Choose a new one here:\n\n{link}\n\nThe link works once, within an hour. If you did not ask, ignore this message; your password is unchanged.\n",
    )
    .await
}

#[derive(Serialize, Default)]
struct ResetCtx {
    heading: &'static str,
    button: &'static str,
    action: String,
    setup: bool,
    form: SignupForm,
    errors: FieldErrors,
}

async fn reset_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Html<String>> {
    live_link(&state, &token, TokenPurpose::ResetPassword).await?;
    let ctx = ResetCtx {
        heading: "Choose a new password",
        button: "Change password",
        action: format!("/password/reset/{token}"),
        ..Default::default()
    };
    render(&state, &visitor, "account/reset.html", "Choose a new password", ctx).await
}

async fn reset(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let (hash, Some(user)) = live_link(&state, &token, TokenPurpose::ResetPassword).await? else {
        return Err(AppError::Gone(LINK_GONE.into()));
    };
    let account = state.store.account(user).await?.ok_or(AppError::Gone(LINK_GONE.into()))?;
    let mut errors = FieldErrors::default();
    check_new_password(&form, &account.username, account.email.as_deref().unwrap_or(""), &mut errors);
    if !errors.is_empty() {
        let ctx = ResetCtx {
            heading: "Choose a new password",
            button: "Change password",
            action: format!("/password/reset/{token}"),
            errors,
            ..Default::default()
        };
        return Ok(invalid(render(&state, &visitor, "account/reset.html", "Choose a new password", ctx).await?));
    }
    let new_hash = state.passwords.hash(form.get("password")).await.map_err(AppError::internal)?;
    // Used up only now, so a weak first try does not waste the link; of two requests racing
    // with one link, one wins.
    if state.store.use_token(&hash, TokenPurpose::ResetPassword).await?.is_none() {
        return Err(AppError::Gone(LINK_GONE.into()));
    }
    state.store.set_password(account.id, &new_hash).await?;
    // Following the link proves the address, too.
    state.store.confirm_account(account.id).await?;
    crate::audit::by_visitor(&state, &visitor, "password_reset", &account.username, "").await;
    Ok(Redirect::to("/login?notice=password_reset").into_response())
}

// --- The invitation request queue ---------------------------------------------------------

#[derive(Serialize, Default)]
struct RequestForm {
    email: String,
    reason: String,
}

#[derive(Serialize)]
struct RequestCtx {
    form: RequestForm,
    errors: FieldErrors,
}

async fn request_form(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    if state.site().await.signup_mode != SignupMode::Request {
        return Ok(Redirect::to("/signup").into_response());
    }
    let ctx = RequestCtx { form: RequestForm::default(), errors: FieldErrors::default() };
    Ok(render(&state, &visitor, "account/request.html", "Request an invitation", ctx).await?.into_response())
}

async fn request_invitation(State(state): State<AppState>, visitor: Visitor, form: FormData) -> AppResult<Response> {
    if state.site().await.signup_mode != SignupMode::Request {
        return Ok(Redirect::to("/signup").into_response());
    }
    let email = form.get("email").trim();
    let reason = form.get("reason").trim();
    let mut errors = FieldErrors::default();
    match state.store.request_invitation(email, reason).await {
        Ok(()) => {}
        Err(e) => errors.take(e)?,
    }
    if !errors.is_empty() {
        let ctx = RequestCtx { form: RequestForm { email: email.into(), reason: reason.into() }, errors };
        return Ok(invalid(render(&state, &visitor, "account/request.html", "Request an invitation", ctx).await?));
    }
    let page = message(
        &state,
        &visitor,
        "Request received",
        &["Thank you. When an admin approves your request, we will email you an invitation."],
        None,
    )
    .await?;
    Ok(page.into_response())
}

// --- First admin --------------------------------------------------------------------------

/// Makes a one-time link that creates an admin account; `flourish serve` prints one when
/// the archive has no admin, and `flourish admin create` prints one on demand.
pub async fn setup_link(store: &flourish_store::Store, public_url: &str) -> Result<String, StoreError> {
    let token = tokens::random_token();
    let expires = time::OffsetDateTime::now_utc().unix_timestamp() + SETUP_SECS;
    store.create_token(&tokens::hash_token(&token), TokenPurpose::Setup, None, expires).await?;
    Ok(format!("{}/setup/{token}", public_url.trim_end_matches('/')))
}

fn setup_ctx(token: &str, form: SignupForm, errors: FieldErrors) -> ResetCtx {
    ResetCtx {
        heading: "Create an admin account",
        button: "Create admin account",
        action: format!("/setup/{token}"),
        setup: true,
        form,
        errors,
    }
}

async fn setup_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Html<String>> {
    live_link(&state, &token, TokenPurpose::Setup).await?;
    let ctx = setup_ctx(&token, SignupForm::default(), FieldErrors::default());
    render(&state, &visitor, "account/reset.html", "Create an admin account", ctx).await
}

async fn setup(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let (hash, _) = live_link(&state, &token, TokenPurpose::Setup).await?;
    let username = form.get("username").trim();
    let email = form.get("email").trim();
    let mut errors = FieldErrors::default();
    check_new_password(&form, username, email, &mut errors);
    let mut created = None;
    if errors.is_empty() {
        let password_hash = state.passwords.hash(form.get("password")).await.map_err(AppError::internal)?;
        if state.store.use_token(&hash, TokenPurpose::Setup).await?.is_none() {
            return Err(AppError::Gone(LINK_GONE.into()));
        }
        let new = NewAccount {
            username,
            email,
            password_hash: &password_hash,
            confirmed: true,
            is_admin: true,
            invitation: None,
        };
        match state.store.register(&new).await {
            Ok((account, _)) => created = Some(account),
            Err(e) => {
                // The link was used for nothing: give it back as a fresh one in the form.
                errors.take(e)?;
            }
        }
    }
    let Some(account) = created else {
        let token = if errors.is_empty() { token } else { reissue_setup(&state, &token).await? };
        let ctx = setup_ctx(
            &token,
            SignupForm { username: username.into(), email: email.into(), ..Default::default() },
            errors,
        );
        return Ok(invalid(render(&state, &visitor, "account/reset.html", "Create an admin account", ctx).await?));
    };
    let as_admin = visitor.clone().with_account(Some(account.clone()));
    crate::audit::by_visitor(&state, &as_admin, "admin_created", &account.username, "setup link").await;
    let cookies = auth::start_session(&state, &visitor, &account, false).await?;
    Ok(with_cookies(Redirect::to("/admin").into_response(), cookies))
}

/// After a failed setup whose link was already used up, a new link for the retry.
async fn reissue_setup(state: &AppState, old: &str) -> AppResult<String> {
    let hash = tokens::hash_token(old);
    if state.store.check_token(&hash, TokenPurpose::Setup).await?.is_some() {
        return Ok(old.to_owned());
    }
    let token = tokens::random_token();
    let expires = time::OffsetDateTime::now_utc().unix_timestamp() + SETUP_SECS;
    state.store.create_token(&tokens::hash_token(&token), TokenPurpose::Setup, None, expires).await?;
    Ok(token)
}

// --- The dashboard ------------------------------------------------------------------------

#[derive(Serialize)]
struct DashboardWork {
    id: i64,
    title: String,
    posted: bool,
    hidden: bool,
    restricted: bool,
    words: u64,
    chapters: String,
    updated: String,
}

#[derive(Serialize)]
struct DashboardPseud {
    id: i64,
    name: String,
    path: String,
    is_default: bool,
}

#[derive(Serialize)]
struct DashboardInvitation {
    work_id: i64,
    work_title: String,
    pseud: String,
    invited_by: String,
}

#[derive(Serialize)]
struct DashboardToken {
    id: i64,
    name: String,
    created: String,
    last_used: String,
}

#[derive(Serialize)]
struct DashboardCtx {
    account: DashboardAccount,
    tokens: Vec<DashboardToken>,
    /// A token just made: shown this once.
    new_token: Option<String>,
    works: Vec<DashboardWork>,
    pseuds: Vec<DashboardPseud>,
    invitations: Vec<DashboardInvitation>,
    notice: Option<&'static str>,
    errors: FieldErrors,
}

#[derive(Serialize)]
struct DashboardAccount {
    username: String,
}

async fn dashboard_page(
    state: &AppState,
    visitor: &Visitor,
    account: &Account,
    notice: Option<&'static str>,
    errors: FieldErrors,
) -> AppResult<Html<String>> {
    dashboard_with_token(state, visitor, account, notice, errors, None).await
}

async fn dashboard_with_token(
    state: &AppState,
    visitor: &Visitor,
    account: &Account,
    notice: Option<&'static str>,
    errors: FieldErrors,
    new_token: Option<String>,
) -> AppResult<Html<String>> {
    let works = state.store.works_of_user(account.id, 1, 200).await?;
    let when = |t: i64| time::OffsetDateTime::from_unix_timestamp(t).map(crate::views::date).unwrap_or_default();
    let tokens = state
        .store
        .api_tokens(account.id)
        .await?
        .into_iter()
        .map(|t| DashboardToken {
            id: t.id,
            name: t.name,
            created: when(t.created_at),
            last_used: t.last_used_at.map(when).unwrap_or_else(|| "never".into()),
        })
        .collect();
    let pseuds = state.store.pseuds_of(account.id).await?;
    let invitations = state.store.creator_invitations(account.id).await?;
    let ctx = DashboardCtx {
        account: DashboardAccount { username: account.username.clone() },
        tokens,
        new_token,
        works: works
            .items
            .iter()
            .map(|w| DashboardWork {
                id: w.id.0,
                title: w.title.clone(),
                posted: w.posted,
                hidden: w.hidden,
                restricted: w.restricted,
                words: w.word_count,
                chapters: w.chapters_label(),
                updated: crate::views::date(w.updated_at),
            })
            .collect(),
        pseuds: pseuds
            .iter()
            .map(|p| DashboardPseud { id: p.id.0, name: p.name.clone(), path: p.path(), is_default: p.is_default })
            .collect(),
        invitations: invitations
            .into_iter()
            .map(|i| DashboardInvitation {
                work_id: i.work_id.0,
                work_title: i.work_title,
                pseud: i.pseud.name,
                invited_by: i.invited_by,
            })
            .collect(),
        notice,
        errors,
    };
    render(state, visitor, "account/dashboard.html", "Dashboard", ctx).await
}

async fn dashboard(State(state): State<AppState>, visitor: Visitor, uri: Uri) -> AppResult<Response> {
    let Some(account) = visitor.account.clone() else {
        return Err(AppError::LoginRequired(uri.path().to_owned()));
    };
    let notice = match query_param(&uri, "notice").as_deref() {
        Some("pseud_added") => Some("Pseud added."),
        Some("pseud_default") => Some("New works will be credited to that pseud by default."),
        Some("token_revoked") => Some("Token revoked: it no longer works."),
        Some("password_changed") => Some("Password changed. Other sessions of this account have been logged out."),
        Some("invitation_answered") => Some("Thank you for answering."),
        _ => None,
    };
    Ok(dashboard_page(&state, &visitor, &account, notice, FieldErrors::default()).await?.into_response())
}

async fn add_pseud(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    form: FormData,
) -> AppResult<Response> {
    match state.store.add_pseud(account.id, form.get("name").trim()).await {
        Ok(_) => Ok(Redirect::to("/account?notice=pseud_added").into_response()),
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.take(e)?;
            Ok(invalid(dashboard_page(&state, &visitor, &account, None, errors).await?))
        }
    }
}

async fn create_token(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    form: FormData,
) -> AppResult<Response> {
    let token = tokens::random_token();
    match state.store.create_api_token(account.id, form.get("token_name"), &tokens::hash_token(&token)).await {
        Ok(_) => {
            crate::audit::by_visitor(
                &state,
                &visitor,
                "api_token_created",
                &account.username,
                form.get("token_name").trim(),
            )
            .await;
            let notice = Some("Token made. Copy it now: it is shown only this once.");
            Ok(dashboard_with_token(&state, &visitor, &account, notice, FieldErrors::default(), Some(token))
                .await?
                .into_response())
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.take_as(e, |_| "token_name".to_owned())?;
            Ok(invalid(dashboard_page(&state, &visitor, &account, None, errors).await?))
        }
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: i64 = path_id(&id)?;
    if !state.store.revoke_api_token(account.id, id).await? {
        return Err(AppError::NotFound);
    }
    crate::audit::by_visitor(&state, &visitor, "api_token_revoked", &account.username, &id.to_string()).await;
    Ok(Redirect::to("/account?notice=token_revoked").into_response())
}

async fn default_pseud(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let pseud = path_id(&id)?;
    state.store.set_default_pseud(account.id, pseud).await?;
    Ok(Redirect::to("/account?notice=pseud_default").into_response())
}

async fn change_password(
    State(state): State<AppState>,
    visitor: Visitor,
    uri: Uri,
    form: FormData,
) -> AppResult<Response> {
    let Some(account) = visitor.account.clone() else {
        return Err(AppError::LoginRequired(uri.path().to_owned()));
    };
    let mut errors = FieldErrors::default();
    if !state.passwords.verify(form.get("current_password"), account.password_hash.as_deref()).await {
        errors.add("current_password", "That is not your current password.");
    }
    check_new_password(&form, &account.username, account.email.as_deref().unwrap_or(""), &mut errors);
    if !errors.is_empty() {
        return Ok(invalid(dashboard_page(&state, &visitor, &account, None, errors).await?));
    }
    let hash = state.passwords.hash(form.get("password")).await.map_err(AppError::internal)?;
    state.store.set_password(account.id, &hash).await?;
    crate::audit::by_visitor(&state, &visitor, "password_changed", &account.username, "").await;
    // Every session ended with the change; this browser gets a new one.
    let cookies = auth::start_session(&state, &visitor, &account, false).await?;
    Ok(with_cookies(Redirect::to("/account?notice=password_changed").into_response(), cookies))
}

async fn delete_account(
    State(state): State<AppState>,
    visitor: Visitor,
    uri: Uri,
    form: FormData,
) -> AppResult<Response> {
    let Some(account) = visitor.account.clone() else {
        return Err(AppError::LoginRequired(uri.path().to_owned()));
    };
    if !state.passwords.verify(form.get("confirm_password"), account.password_hash.as_deref()).await {
        let mut errors = FieldErrors::default();
        errors.add("confirm_password", "That is not your password; nothing was deleted.");
        return Ok(invalid(dashboard_page(&state, &visitor, &account, None, errors).await?));
    }
    let orphan = form.get("works") != "delete";
    state.store.delete_account(account.id, orphan).await?;
    crate::audit::by_visitor(
        &state,
        &visitor,
        "account_deleted",
        &account.username,
        if orphan { "works orphaned" } else { "works deleted" },
    )
    .await;
    let cookies = auth::end_session(&state, &visitor).await?;
    let page = message(
        &state,
        &visitor.clone().with_account(None),
        "Your account is deleted",
        &["Goodbye, and thank you for writing here."],
        Some(("/", "Home")),
    )
    .await?;
    Ok(with_cookies(page.into_response(), cookies))
}

async fn answer_invitation(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(work): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let work = path_id(&work)?;
    let accept = form.get("answer") == "accept";
    if !state.store.answer_creator_invitation(work, account.id, accept).await? {
        return Err(AppError::NotFound);
    }
    crate::audit::by_visitor(
        &state,
        &visitor,
        if accept { "co_creator_accepted" } else { "co_creator_declined" },
        &work.to_string(),
        "",
    )
    .await;
    Ok(Redirect::to("/account?notice=invitation_answered").into_response())
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(local_path("/works/1"), "/works/1");
        for bad in ["https://evil.example", "//evil.example", "/\\evil.example", "", "works"] {
            assert_eq!(local_path(bad), "/", "{bad}");
        }
    }
}

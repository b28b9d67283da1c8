//! The admin pages: users (suspend, ban, send a password reset, the moderator role), works
//! (hide, delete), site settings, invitations and the request queue, the audit log, and the
//! mail that could not be sent. Every action is written to the audit log. The report queue,
//! which moderators work too, is `conversation::reports`.

use super::account::send_reset;
use super::form::{FieldErrors, FormData, invalid};
use super::{PageQuery, query_param, render};
use crate::audit::by_visitor as audit;
use crate::auth::{Admin, tokens};
use crate::error::{AppError, AppResult, path_id};
use crate::settings;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use flourish_core::{AccountStatus, SignupMode, UserId, WorkId};
use flourish_store::AuditStore;
use flourish_store::InvitationStore;
use flourish_store::MailLogStore;
use flourish_store::SettingsStore;
use flourish_store::{AccountStore, WorkEditing, WorkStore};
use flourish_store::{CommentStore, JobStore, ReportStore};
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/users", get(users))
        .route("/admin/users/{id}/status", post(set_status))
        .route("/admin/users/{id}/reset", post(reset_password))
        .route("/admin/users/{id}/moderator", post(set_moderator))
        .route("/admin/works", get(works))
        .route("/admin/works/{id}/{action}", post(work_action))
        .route("/admin/settings", get(settings_form).post(save_settings))
        .route("/admin/invitations", get(invitations).post(create_invitations))
        .route("/admin/requests/{id}", post(answer_request))
        .route("/admin/audit", get(audit_log))
        .route("/admin/jobs", get(jobs))
        .route("/admin/jobs/{id}/retry", post(retry_job))
        .route("/admin/spam", get(spam_form).post(save_spam_words))
}

fn when(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .map(|t| {
            t.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]")).unwrap_or_default()
        })
        .unwrap_or_default()
}

#[derive(Serialize)]
struct MailView {
    recipient: String,
    subject: String,
    body: String,
    sent: bool,
    at: String,
}

async fn index(State(state): State<AppState>, Admin(visitor, _): Admin) -> AppResult<Html<String>> {
    #[derive(Serialize)]
    struct Ctx {
        mail: Vec<MailView>,
        pending_requests: usize,
        signup_mode: &'static str,
        smtp: bool,
    }
    let mail = state.store.mail_log(50).await?;
    let ctx = Ctx {
        mail: mail
            .into_iter()
            .map(|m| MailView {
                recipient: m.recipient,
                subject: m.subject,
                body: m.body,
                sent: m.sent,
                at: when(m.created_at),
            })
            .collect(),
        pending_requests: state.store.pending_requests().await?.len(),
        signup_mode: state.site().await.signup_mode.label(),
        smtp: state.config.smtp_url.is_some(),
    };
    render(&state, &visitor, "admin/index.html", "Admin", ctx).await
}

// --- Users ----------------------------------------------------------------------------------

#[derive(Serialize)]
struct UserRow {
    id: i64,
    username: String,
    email: String,
    status: &'static str,
    confirmed: bool,
    is_admin: bool,
    is_moderator: bool,
    joined: String,
}

async fn users(
    State(state): State<AppState>,
    Admin(visitor, _): Admin,
    uri: Uri,
    page: PageQuery,
) -> AppResult<Html<String>> {
    #[derive(Serialize)]
    struct Ctx {
        q: String,
        users: Vec<UserRow>,
        total: u64,
        page: u32,
        pages: u32,
    }
    let q = query_param(&uri, "q").unwrap_or_default();
    let found = state.store.accounts(&q, page.page(), 50).await?;
    let ctx = Ctx {
        users: found
            .items
            .iter()
            .map(|a| UserRow {
                id: a.id.0,
                username: a.username.clone(),
                email: a.email.clone().unwrap_or_default(),
                status: a.status.as_str(),
                confirmed: a.confirmed,
                is_admin: a.is_admin,
                is_moderator: a.is_moderator,
                joined: crate::views::date(a.created_at),
            })
            .collect(),
        total: found.total,
        page: found.page,
        pages: found.page_count(),
        q,
    };
    render(&state, &visitor, "admin/users.html", "Users", ctx).await
}

async fn target_account(state: &AppState, id: &str) -> AppResult<flourish_core::Account> {
    let id: UserId = path_id(id)?;
    state.store.account(id).await?.ok_or(AppError::NotFound)
}

async fn set_status(
    State(state): State<AppState>,
    Admin(visitor, admin): Admin,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let account = target_account(&state, &id).await?;
    let status: AccountStatus =
        form.get("status").parse().map_err(|_| AppError::BadRequest("Choose active, suspended or banned.".into()))?;
    if account.id == admin.id {
        return Err(AppError::BadRequest("You cannot change your own account's standing.".into()));
    }
    state.store.set_status(account.id, status).await?;
    audit(&state, &visitor, &format!("user_{}", status.as_str()), &account.username, form.get("reason")).await;
    Ok(Redirect::to(&format!("/admin/users?q={}", account.username)).into_response())
}

/// `POST /admin/users/{id}/moderator` with `on` (`1` or `0`): the role that works the
/// report queue and nothing else of these pages.
async fn set_moderator(
    State(state): State<AppState>,
    Admin(visitor, _): Admin,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let account = target_account(&state, &id).await?;
    let on = form.get("on") == "1";
    state.store.set_moderator(account.id, on).await?;
    let action = if on { "moderator_granted" } else { "moderator_revoked" };
    audit(&state, &visitor, action, &account.username, "").await;
    Ok(Redirect::to(&format!("/admin/users?q={}", account.username)).into_response())
}

async fn reset_password(
    State(state): State<AppState>,
    Admin(visitor, _): Admin,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let account = target_account(&state, &id).await?;
    if account.email.is_none() {
        return Err(AppError::BadRequest("This account has no email address to send a reset link to.".into()));
    }
    send_reset(&state, &account).await?;
    audit(&state, &visitor, "password_reset_sent", &account.username, "by an admin").await;
    Ok(Redirect::to(&format!("/admin/users?q={}", account.username)).into_response())
}

// --- Works ----------------------------------------------------------------------------------

async fn works(State(state): State<AppState>, Admin(visitor, _): Admin, uri: Uri) -> AppResult<Html<String>> {
    #[derive(Serialize)]
    struct Row {
        id: i64,
        title: String,
        creators: String,
        state: &'static str,
        hidden: bool,
    }
    #[derive(Serialize)]
    struct Ctx {
        id: String,
        works: Vec<Row>,
    }
    let id = query_param(&uri, "id").unwrap_or_default();
    let mut found = Vec::new();
    if let Ok(work) = id.trim().parse::<WorkId>()
        && let Some(w) = state.store.work_for_editing(work).await?
    {
        found.push(w);
    }
    found.extend(state.store.hidden_works(50).await?);
    found.extend(state.store.recent_works(flourish_core::Viewer::Member(UserId(0)), 1, 50).await?.items);
    let mut seen = std::collections::HashSet::new();
    found.retain(|w| seen.insert(w.id));
    let ctx = Ctx {
        id,
        works: found
            .iter()
            .map(|w| Row {
                id: w.id.0,
                title: w.title.clone(),
                creators: w.creators.iter().map(|p| p.byline()).collect::<Vec<_>>().join(", "),
                state: if w.hidden {
                    "hidden"
                } else if !w.posted {
                    "draft"
                } else if w.restricted {
                    "members only"
                } else {
                    "posted"
                },
                hidden: w.hidden,
            })
            .collect(),
    };
    render(&state, &visitor, "admin/works.html", "Works", ctx).await
}

async fn work_action(
    State(state): State<AppState>,
    Admin(visitor, _): Admin,
    Path((id, action)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let id: WorkId = path_id(&id)?;
    let work = state.store.work_for_editing(id).await?.ok_or(AppError::NotFound)?;
    match action.as_str() {
        "hide" => state.store.set_hidden(id, true).await?,
        "unhide" => state.store.set_hidden(id, false).await?,
        "delete" => state.store.delete_work(id).await?,
        _ => return Err(AppError::NotFound),
    }
    let actor = crate::audit::Actor::of(&visitor);
    crate::audit::work_changed(&state, &actor, id, &work.title, &format!("work_{action}"), form.get("reason")).await;
    Ok(Redirect::to("/admin/works").into_response())
}

// --- Settings -------------------------------------------------------------------------------

#[derive(Serialize)]
struct SettingsCtx {
    archive_name: String,
    archive_description: String,
    signup_mode: &'static str,
    modes: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
    saved: bool,
}

async fn settings_page(state: &AppState, visitor: &crate::auth::Visitor, ctx: SettingsCtx) -> AppResult<Html<String>> {
    render(state, visitor, "admin/settings.html", "Site settings", ctx).await
}

fn modes() -> Vec<(&'static str, &'static str)> {
    SignupMode::ALL.iter().map(|m| (m.as_str(), m.label())).collect()
}

async fn settings_form(State(state): State<AppState>, Admin(visitor, _): Admin, uri: Uri) -> AppResult<Html<String>> {
    let site = state.site().await;
    let ctx = SettingsCtx {
        archive_name: site.archive_name,
        archive_description: site.archive_description,
        signup_mode: site.signup_mode.as_str(),
        modes: modes(),
        errors: FieldErrors::default(),
        saved: query_param(&uri, "saved").is_some(),
    };
    settings_page(&state, &visitor, ctx).await
}

async fn save_settings(State(state): State<AppState>, Admin(visitor, _): Admin, form: FormData) -> AppResult<Response> {
    let name = form.get("archive_name").trim();
    let description = form.get("archive_description").trim();
    let mut errors = FieldErrors::default();
    if name.is_empty() || name.chars().count() > 100 {
        errors.add("archive_name", "The archive needs a name of at most 100 characters.");
    }
    if description.chars().count() > 500 {
        errors.add("archive_description", "Keep the description to 500 characters.");
    }
    let mode = form.get("signup_mode").parse::<SignupMode>();
    if mode.is_err() {
        errors.add("signup_mode", "Choose one of the sign-up modes.");
    }
    let Ok(mode) = mode.map_err(|_| ()).and_then(|m| if errors.is_empty() { Ok(m) } else { Err(()) }) else {
        let ctx = SettingsCtx {
            archive_name: name.into(),
            archive_description: description.into(),
            signup_mode: form.get("signup_mode").parse::<SignupMode>().map_or("", |m| m.as_str()),
            modes: modes(),
            errors,
            saved: false,
        };
        return Ok(invalid(settings_page(&state, &visitor, ctx).await?));
    };
    state.store.set_setting(settings::NAME, name).await?;
    state.store.set_setting(settings::DESCRIPTION, description).await?;
    state.store.set_setting(settings::SIGNUP_MODE, mode.as_str()).await?;
    state.reload_site().await?;
    audit(&state, &visitor, "settings_changed", "site", &format!("signup_mode={}", mode.as_str())).await;
    Ok(Redirect::to("/admin/settings?saved=1").into_response())
}

// --- Background jobs and the spam list ----------------------------------------------------------

/// `GET /admin/jobs`: jobs that failed for good (with why), and the most recent others.
async fn jobs(State(state): State<AppState>, Admin(visitor, _): Admin) -> AppResult<Html<String>> {
    #[derive(Serialize)]
    struct JobView {
        id: i64,
        kind: String,
        state: String,
        attempts: i64,
        error: String,
        at: String,
    }
    let view = |j: flourish_store::conversation::JobRecord| JobView {
        id: j.id,
        kind: j.kind,
        state: j.state,
        attempts: j.attempts,
        error: j.last_error,
        at: when(j.created_at),
    };
    #[derive(Serialize)]
    struct Ctx {
        dead: Vec<JobView>,
        recent: Vec<JobView>,
        pending: u64,
    }
    let ctx = Ctx {
        dead: state.store.jobs(Some("dead"), 200).await?.into_iter().map(view).collect(),
        recent: state.store.jobs(None, 50).await?.into_iter().map(view).collect(),
        pending: state.store.pending_jobs().await?,
    };
    render(&state, &visitor, "admin/jobs.html", "Background jobs", ctx).await
}

async fn retry_job(
    State(state): State<AppState>,
    Admin(visitor, _): Admin,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: i64 = path_id(&id)?;
    state.store.retry_job(id).await?;
    audit(&state, &visitor, "job_retried", &format!("job {id}"), "").await;
    Ok(Redirect::to("/admin/jobs").into_response())
}

/// `GET /admin/spam`: the words that raise a comment's spam score.
async fn spam_form(State(state): State<AppState>, Admin(visitor, _): Admin, uri: Uri) -> AppResult<Html<String>> {
    #[derive(Serialize)]
    struct Ctx {
        words: String,
        saved: bool,
    }
    let ctx = Ctx { words: state.store.spam_words().await?.join("\n"), saved: query_param(&uri, "saved").is_some() };
    render(&state, &visitor, "admin/spam.html", "Spam words", ctx).await
}

/// `POST /admin/spam`: one word or phrase a line.
async fn save_spam_words(
    State(state): State<AppState>,
    Admin(visitor, _): Admin,
    form: FormData,
) -> AppResult<Response> {
    let words: Vec<String> = form.get("words").lines().map(str::to_owned).collect();
    state.store.set_spam_words(&words).await?;
    audit(&state, &visitor, "spam_words_changed", "comments", &format!("{} lines", words.len())).await;
    Ok(Redirect::to("/admin/spam?saved=1").into_response())
}

// --- Invitations and requests ------------------------------------------------------------------

async fn invitations(State(state): State<AppState>, Admin(visitor, _): Admin) -> AppResult<Html<String>> {
    #[derive(Serialize)]
    struct Inv {
        code: String,
        link: String,
        email: String,
        created: String,
        used_by: String,
    }
    #[derive(Serialize)]
    struct Req {
        id: i64,
        email: String,
        reason: String,
        at: String,
    }
    #[derive(Serialize)]
    struct Ctx {
        invitations: Vec<Inv>,
        requests: Vec<Req>,
    }
    let ctx = Ctx {
        invitations: state
            .store
            .invitations(200)
            .await?
            .into_iter()
            .map(|i| Inv {
                link: state.config.url(&format!("/signup?invitation={}", i.code)),
                code: i.code,
                email: i.email.unwrap_or_default(),
                created: when(i.created_at),
                used_by: i.used_by.unwrap_or_default(),
            })
            .collect(),
        requests: state
            .store
            .pending_requests()
            .await?
            .into_iter()
            .map(|r| Req { id: r.id, email: r.email, reason: r.reason, at: when(r.created_at) })
            .collect(),
    };
    render(&state, &visitor, "admin/invitations.html", "Invitations", ctx).await
}

/// Makes an invitation and, when there is an address, mails it.
async fn invite(state: &AppState, by: UserId, email: Option<&str>) -> AppResult<String> {
    let code = tokens::invitation_code();
    state.store.create_invitation(&code, email, Some(by)).await?;
    if let Some(to) = email {
        let site = state.site().await;
        let link = state.config.url(&format!("/signup?invitation={code}"));
        let body = format!(
            "Hello,\n\nYou are invited to join {}. Create your account here:\n\n{link}\n\nYour invitation code is {code}.\n",
            site.archive_name
        );
        state.mailer.send(&state.store, to, &format!("Your invitation to {}", site.archive_name), &body).await;
    }
    Ok(code)
}

async fn create_invitations(
    State(state): State<AppState>,
    Admin(visitor, admin): Admin,
    form: FormData,
) -> AppResult<Response> {
    let email = form.get("email").trim();
    if !email.is_empty() && !flourish_core::is_plausible_email(email) {
        return Err(AppError::BadRequest("That is not an email address.".into()));
    }
    let count = if email.is_empty() { form.get("count").trim().parse::<u32>().unwrap_or(1).clamp(1, 100) } else { 1 };
    for _ in 0..count {
        invite(&state, admin.id, Some(email).filter(|e| !e.is_empty())).await?;
    }
    audit(&state, &visitor, "invitations_created", email, &count.to_string()).await;
    Ok(Redirect::to("/admin/invitations").into_response())
}

async fn answer_request(
    State(state): State<AppState>,
    Admin(visitor, admin): Admin,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let id: i64 = path_id(&id)?;
    let accept = form.get("answer") == "invite";
    let Some(request) = state.store.resolve_request(id, if accept { "invited" } else { "declined" }).await? else {
        return Err(AppError::NotFound);
    };
    if accept {
        invite(&state, admin.id, Some(&request.email)).await?;
    }
    audit(&state, &visitor, if accept { "request_invited" } else { "request_declined" }, &request.email, "").await;
    Ok(Redirect::to("/admin/invitations").into_response())
}

// --- Audit log ------------------------------------------------------------------------------

async fn audit_log(
    State(state): State<AppState>,
    Admin(visitor, _): Admin,
    page: PageQuery,
) -> AppResult<Html<String>> {
    #[derive(Serialize)]
    struct Row {
        at: String,
        actor: String,
        action: String,
        target: String,
        detail: String,
        address: String,
    }
    #[derive(Serialize)]
    struct Ctx {
        entries: Vec<Row>,
        page: u32,
        pages: u32,
    }
    let log = state.store.audit_log(page.page(), 100).await?;
    let ctx = Ctx {
        page: log.page,
        pages: log.page_count(),
        entries: log
            .items
            .into_iter()
            .map(|e| Row {
                at: when(e.at),
                actor: e.actor,
                action: e.action,
                target: e.target,
                detail: e.detail,
                address: e.address,
            })
            .collect(),
    };
    render(&state, &visitor, "admin/audit.html", "Audit log", ctx).await
}

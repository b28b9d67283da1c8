//! The dashboard.

use super::*;
use flourish_store::ApiTokenStore;

#[derive(Serialize)]
pub(super) struct DashboardWork {
    pub(super) id: i64,
    pub(super) title: String,
    pub(super) posted: bool,
    pub(super) hidden: bool,
    pub(super) restricted: bool,
    pub(super) words: u64,
    pub(super) chapters: String,
    pub(super) updated: String,
}

#[derive(Serialize)]
pub(super) struct DashboardPseud {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) path: String,
    pub(super) is_default: bool,
}

#[derive(Serialize)]
pub(super) struct DashboardInvitation {
    pub(super) work_id: i64,
    pub(super) work_title: String,
    pub(super) pseud: String,
    pub(super) invited_by: String,
}

#[derive(Serialize)]
pub(super) struct DashboardToken {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) created: String,
    pub(super) last_used: String,
}

#[derive(Serialize)]
pub(super) struct DashboardCtx {
    pub(super) account: DashboardAccount,
    pub(super) tokens: Vec<DashboardToken>,
    /// A token just made: shown this once.
    pub(super) new_token: Option<String>,
    pub(super) works: Vec<DashboardWork>,
    pub(super) pseuds: Vec<DashboardPseud>,
    pub(super) invitations: Vec<DashboardInvitation>,
    pub(super) notice: Option<&'static str>,
    pub(super) errors: FieldErrors,
    /// Accounts this one has blocked: (user id, username).
    pub(super) blocked: Vec<(i64, String)>,
    pub(super) max_blocks: u64,
    /// Continue Reading.
    pub(super) shelf: Vec<crate::html::library::readings::ReadingView>,
}

#[derive(Serialize)]
pub(super) struct DashboardAccount {
    pub(super) username: String,
}

pub(super) async fn dashboard_page(
    state: &AppState,
    visitor: &Visitor,
    account: &Account,
    notice: Option<&'static str>,
    errors: FieldErrors,
) -> AppResult<Html<String>> {
    dashboard_with_token(state, visitor, account, notice, errors, None).await
}

pub(super) async fn dashboard_with_token(
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
    let blocked = flourish_store::BlockStore::blocked_accounts(&state.store, account.id).await?;
    let ctx = DashboardCtx {
        blocked: blocked.into_iter().map(|b| (b.user_id, b.username)).collect(),
        max_blocks: flourish_store::conversation::MAX_BLOCKS,
        shelf: crate::html::library::readings::shelf(state, Some(account)).await?,
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

pub(super) async fn dashboard(State(state): State<AppState>, visitor: Visitor, uri: Uri) -> AppResult<Response> {
    let Some(account) = visitor.account.clone() else {
        return Err(AppError::LoginRequired(uri.path().to_owned()));
    };
    let notice = match query_param(&uri, "notice").as_deref() {
        Some("pseud_added") => Some("Pseud added."),
        Some("pseud_default") => Some("New works will be credited to that pseud by default."),
        Some("token_revoked") => Some("Token revoked: it no longer works."),
        Some("password_changed") => Some("Password changed. Other sessions of this account have been logged out."),
        Some("invitation_answered") => Some("Thank you for answering."),
        Some("blocked") => {
            Some("Blocked. They can no longer comment on, reply to or give kudos to your works and comments.")
        }
        Some("unblocked") => Some("Unblocked."),
        _ => None,
    };
    Ok(dashboard_page(&state, &visitor, &account, notice, FieldErrors::default()).await?.into_response())
}

pub(super) async fn add_pseud(
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

pub(super) async fn create_token(
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

pub(super) async fn revoke_token(
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

pub(super) async fn default_pseud(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let pseud = path_id(&id)?;
    state.store.set_default_pseud(account.id, pseud).await?;
    Ok(Redirect::to("/account?notice=pseud_default").into_response())
}

pub(super) async fn change_password(
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

pub(super) async fn delete_account(
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

pub(super) async fn answer_invitation(
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

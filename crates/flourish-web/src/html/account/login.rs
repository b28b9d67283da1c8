//! Logging in and out.

use super::*;

#[derive(Serialize, Default)]
pub(super) struct LoginCtx {
    pub(super) login: String,
    pub(super) return_to: String,
    pub(super) notice: Option<String>,
    pub(super) errors: FieldErrors,
    pub(super) signup_open: bool,
}

pub(super) async fn login_page(state: &AppState, visitor: &Visitor, ctx: LoginCtx) -> AppResult<Html<String>> {
    render(state, visitor, "account/login.html", "Log in", ctx).await
}

pub(super) async fn login_form(State(state): State<AppState>, visitor: Visitor, uri: Uri) -> AppResult<Html<String>> {
    let ctx = LoginCtx {
        return_to: query_param(&uri, "return_to").unwrap_or_default(),
        notice: query_param(&uri, "notice").and_then(|n| notice_text(&n)).map(str::to_owned),
        signup_open: state.site().await.signup_mode != SignupMode::Closed,
        ..Default::default()
    };
    login_page(&state, &visitor, ctx).await
}

/// Notices other pages send the login page to, by name (never free text from the URL).
pub(super) fn notice_text(name: &str) -> Option<&'static str> {
    match name {
        "confirmed" => Some("Your email address is confirmed. Log in to start posting."),
        "password_reset" => Some("Your password has been changed. Log in with the new one."),
        "logged_out" => Some("You have logged out."),
        _ => None,
    }
}

pub(super) async fn login(State(state): State<AppState>, visitor: Visitor, form: FormData) -> AppResult<Response> {
    let login = form.get("login").trim().to_owned();
    let return_to = local_path(form.get("return_to"));
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

pub(super) async fn logout(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let cookies = auth::end_session(&state, &visitor).await?;
    if visitor.account.is_some() {
        crate::audit::by_visitor(&state, &visitor, "logout", &visitor.actor(), "").await;
    }
    Ok(with_cookies(Redirect::to("/login?notice=logged_out").into_response(), cookies))
}

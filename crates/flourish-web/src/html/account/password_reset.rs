//! Password reset.

use super::*;
use flourish_store::OneTimeLinkStore;

#[derive(Serialize, Default)]
pub(super) struct ForgotCtx {
    pub(super) login: String,
    pub(super) errors: FieldErrors,
}

pub(super) async fn forgot_form(State(state): State<AppState>, visitor: Visitor) -> AppResult<Html<String>> {
    render(&state, &visitor, "account/forgot.html", "Reset your password", ForgotCtx::default()).await
}

pub(super) async fn forgot(State(state): State<AppState>, visitor: Visitor, form: FormData) -> AppResult<Html<String>> {
    let login = form.get("login").trim();
    // The same answer whether or not an account matches, so the form does not tell who
    // has an account; the throttle keeps it from being used to flood someone's inbox, and
    // counts every name alike (counting only real ones would tell them apart by the 429).
    let keys = vec![format!("reset:{}", login.to_lowercase())];
    throttle::check(&state, &keys).await?;
    throttle::failed(&state, &keys).await?;
    if let Some(account) = state.store.account_by_login(login).await?.filter(|a| a.email.is_some()) {
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
pub(super) struct ResetCtx {
    pub(super) heading: &'static str,
    pub(super) button: &'static str,
    pub(super) action: String,
    pub(super) setup: bool,
    pub(super) form: SignupForm,
    pub(super) errors: FieldErrors,
}

pub(super) async fn reset_form(
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

pub(super) async fn reset(
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

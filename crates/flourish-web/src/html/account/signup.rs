//! Signing up.

use super::*;
use flourish_store::InvitationStore;
use flourish_store::OneTimeLinkStore;

#[derive(Serialize, Default)]
pub(super) struct SignupForm {
    pub(super) username: String,
    pub(super) email: String,
    pub(super) invitation: String,
}

#[derive(Serialize)]
pub(super) struct SignupCtx {
    pub(super) form: SignupForm,
    pub(super) errors: FieldErrors,
    pub(super) needs_invitation: bool,
}

pub(super) async fn signup_mode_page(
    state: &AppState,
    visitor: &Visitor,
    mode: SignupMode,
) -> AppResult<Option<Response>> {
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

pub(super) async fn signup_form(State(state): State<AppState>, visitor: Visitor, uri: Uri) -> AppResult<Response> {
    let mode = state.site().await.signup_mode;
    if let Some(page) = signup_mode_page(&state, &visitor, mode).await? {
        return Ok(page);
    }
    let form = SignupForm { invitation: query_param(&uri, "invitation").unwrap_or_default(), ..Default::default() };
    let ctx = SignupCtx { form, errors: FieldErrors::default(), needs_invitation: mode == SignupMode::Invitation };
    Ok(render(&state, &visitor, "account/signup.html", "Sign up", ctx).await?.into_response())
}

/// The new password's problems on the form's `password` fields.
pub(super) fn check_new_password(form: &FormData, username: &str, email: &str, errors: &mut FieldErrors) {
    let password = form.get("password");
    if let Some(why) = password::weakness(password, username, email) {
        errors.add("password", why);
    } else if password != form.get("password_confirmation") {
        errors.add("password_confirmation", "The passwords don't match.");
    }
}

pub(super) async fn signup(State(state): State<AppState>, visitor: Visitor, form: FormData) -> AppResult<Response> {
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
    // An address that has an account already is not told apart from a new one: the page
    // says the same, and the address's owner gets a mail saying someone tried.
    let mut address_taken = false;
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
            Err(StoreError::Invalid(mut found)) => {
                let before = found.0.len();
                found.0.retain(|e| e.field != "email");
                address_taken = found.0.len() < before;
                errors.take(StoreError::Invalid(found))?;
            }
            Err(e) => errors.take(e)?,
        }
    }
    if address_taken && errors.is_empty() {
        tell_the_owner_someone_tried(&state, email).await;
        crate::audit::by_visitor(&state, &visitor, "signup_with_taken_address", username, "").await;
        return check_your_email(&state, &visitor, email).await;
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
    check_your_email(&state, &visitor, email).await
}

/// What a sign-up answers, whether it made an account or found the address taken.
async fn check_your_email(state: &AppState, visitor: &Visitor, email: &str) -> AppResult<Response> {
    let page = message(
        state,
        visitor,
        "Check your email",
        &[&format!(
            "We sent a link to {email}. Follow it to confirm your address, then log in. The link works for three days."
        )],
        None,
    )
    .await?;
    Ok((axum::http::StatusCode::CREATED, page).into_response())
}

/// Mails the owner of `email`, whose address someone just tried to sign up with.
async fn tell_the_owner_someone_tried(state: &AppState, email: &str) {
    let site = state.site().await;
    let body = format!(
        "Hello,\n\nSomeone (we hope you) tried to sign up for {archive} with this address, which already has an \
         account. If it was you, log in at {login} or choose a new password at {forgot}.\n\nIf it was not, ignore this \
         message; nothing has changed.\n",
        archive = site.archive_name,
        login = state.config.url("/login"),
        forgot = state.config.url("/password/forgot"),
    );
    let subject = format!("Your {} account", site.archive_name);
    state.mailer.send(&state.store, email, &subject, &body).await;
}

/// Makes a one-time link for `account` and mails it: `path` is where the link leads (the
/// token is appended), `message` the mail's words around it (`{name}`, `{archive}` and
/// `{link}` are filled in).
pub(super) async fn mail_link(
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

pub(super) async fn send_confirmation(state: &AppState, account: &Account) -> AppResult<()> {
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

pub(super) const LINK_GONE: &str = "This link has expired or has already been used. Links in our mail work once.";

/// A one-time link that is still good, without using it up: its hash (to use it up later)
/// and the account it is for. A malformed, used or expired link is a 410.
pub(super) async fn live_link(
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

pub(super) async fn confirm(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
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

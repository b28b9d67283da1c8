//! First admin.

use super::*;
use flourish_store::OneTimeLinkStore;

/// Makes a one-time link that creates an admin account; `flourish serve` prints one when
/// the archive has no admin, and `flourish admin create` prints one on demand.
pub async fn setup_link(store: &flourish_store::Store, public_url: &str) -> Result<String, StoreError> {
    let token = tokens::random_token();
    let expires = time::OffsetDateTime::now_utc().unix_timestamp() + SETUP_SECS;
    store.create_token(&tokens::hash_token(&token), TokenPurpose::Setup, None, expires).await?;
    Ok(format!("{}/setup/{token}", public_url.trim_end_matches('/')))
}

pub(super) fn setup_ctx(token: &str, form: SignupForm, errors: FieldErrors) -> ResetCtx {
    ResetCtx {
        heading: "Create an admin account",
        button: "Create admin account",
        action: format!("/setup/{token}"),
        setup: true,
        form,
        errors,
    }
}

pub(super) async fn setup_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Html<String>> {
    live_link(&state, &token, TokenPurpose::Setup).await?;
    let ctx = setup_ctx(&token, SignupForm::default(), FieldErrors::default());
    render(&state, &visitor, "account/reset.html", "Create an admin account", ctx).await
}

pub(super) async fn setup(
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
pub(super) async fn reissue_setup(state: &AppState, old: &str) -> AppResult<String> {
    let hash = tokens::hash_token(old);
    if state.store.check_token(&hash, TokenPurpose::Setup).await?.is_some() {
        return Ok(old.to_owned());
    }
    let token = tokens::random_token();
    let expires = time::OffsetDateTime::now_utc().unix_timestamp() + SETUP_SECS;
    state.store.create_token(&tokens::hash_token(&token), TokenPurpose::Setup, None, expires).await?;
    Ok(token)
}

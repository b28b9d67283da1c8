//! The invitation request queue.

use super::*;
use flourish_store::InvitationStore;

#[derive(Serialize, Default)]
pub(super) struct RequestForm {
    pub(super) email: String,
    pub(super) reason: String,
}

#[derive(Serialize)]
pub(super) struct RequestCtx {
    pub(super) form: RequestForm,
    pub(super) errors: FieldErrors,
}

pub(super) async fn request_form(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    if state.site().await.signup_mode != SignupMode::Request {
        return Ok(Redirect::to("/signup").into_response());
    }
    let ctx = RequestCtx { form: RequestForm::default(), errors: FieldErrors::default() };
    Ok(render(&state, &visitor, "account/request.html", "Request an invitation", ctx).await?.into_response())
}

pub(super) async fn request_invitation(
    State(state): State<AppState>,
    visitor: Visitor,
    form: FormData,
) -> AppResult<Response> {
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

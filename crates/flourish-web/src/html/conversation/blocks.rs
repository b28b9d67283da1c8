//! Blocking, from the account page and from a user's page. Silent: the blocked account is
//! never told it was blocked, only refused when it tries.

use crate::auth::Writer;
use crate::error::{AppError, AppResult, path_id};
use crate::html::form::FormData;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use flourish_core::UserId;
use flourish_store::{AccountStore, BlockStore};

/// `POST /account/blocks` with `username`.
pub async fn block(State(state): State<AppState>, Writer(_, account): Writer, form: FormData) -> AppResult<Response> {
    let name = form.get("username").trim();
    let Some(target) = state.store.user_by_name(name).await? else {
        let mut errors = flourish_core::ValidationErrors::default();
        errors.add("username", "There is no such account.");
        return Err(AppError::Invalid(errors));
    };
    state.store.block(account.id, target.id).await?;
    Ok(Redirect::to("/account?notice=blocked#blocks").into_response())
}

/// `POST /account/blocks/{user}/unblock`.
pub async fn unblock(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    Path(user): Path<String>,
) -> AppResult<Response> {
    let user: UserId = path_id(&user)?;
    state.store.unblock(account.id, user).await?;
    Ok(Redirect::to("/account?notice=unblocked#blocks").into_response())
}

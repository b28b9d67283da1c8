//! Kudos: the button under a work and the page of everyone who left them.

use crate::auth::Visitor;
use crate::error::{AppError, AppResult, path_id};
use crate::html::{PageQuery, message, render};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use flourish_core::WorkId;
use flourish_store::{KudosGiver, KudosStore, StoreError, WorkStore};
use serde::Serialize;

/// `POST /works/{id}/kudos`: members by account, guests by a keyed hash of their address.
pub async fn give(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> AppResult<Response> {
    let work: WorkId = path_id(&id)?;
    let giver = match &visitor.account {
        Some(account) => KudosGiver::Member(account.id),
        None => KudosGiver::Guest(crate::visitors::kudos_key(&state, work, visitor.address).await?),
    };
    match state.store.give_kudos(work, &giver).await {
        Ok(_) => {
            state.page_cache.forget(work);
            Ok(Redirect::to(&format!("/works/{work}#kudos")).into_response())
        }
        // Said politely, on a page that leads back: nothing changed.
        Err(StoreError::Conflict(said)) => {
            let back = format!("/works/{work}#kudos");
            let page = message(&state, &visitor, "Kudos", &[&said], Some((&back, "Back to the work"))).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /works/{id}/kudos`: everyone who left kudos, newest first, 500 a page.
pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    query: PageQuery,
) -> AppResult<Response> {
    const PER_PAGE: u32 = 500;
    let work: WorkId = path_id(&id)?;
    let work = state.store.work(work, visitor.viewer()).await?.ok_or(AppError::NotFound)?;
    let page = query.page();
    let list = state.store.kudos_list(work.id, (page - 1) * PER_PAGE, PER_PAGE).await?;
    #[derive(Serialize)]
    struct Ctx {
        work: crate::views::WorkView,
        names: Vec<String>,
        guests: u64,
        total: u64,
        next: Option<String>,
    }
    let ctx = Ctx {
        next: list.more.then(|| format!("/works/{}/kudos?page={}", work.id, page + 1)),
        work: crate::views::WorkView::new(&work),
        names: list.names,
        guests: work.stats.guest_kudos,
        total: work.stats.kudos,
    };
    Ok(render(&state, &visitor, "kudos.html", &format!("Kudos on {}", work.title), ctx).await?.into_response())
}

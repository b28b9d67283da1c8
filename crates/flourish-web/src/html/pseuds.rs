//! A creator's works, by pseud.

use super::{PageQuery, render};
use crate::auth::Visitor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::Listing;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use flourish_store::AccountStore;
use serde::Serialize;

/// `/users/{username}`: the default pseud's page.
pub async fn user(State(state): State<AppState>, Path(username): Path<String>) -> AppResult<Redirect> {
    let user = state.store.user_by_name(&username).await?.ok_or(AppError::NotFound)?;
    let pseud = state.store.pseud(&user.username, &user.username).await?.ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&pseud.path()))
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((username, pseud)): Path<(String, String)>,
    q: PageQuery,
) -> AppResult<Html<String>> {
    let viewer = visitor.viewer();
    let pseud = state.store.pseud(&username, &pseud).await?.ok_or(AppError::NotFound)?;
    let subscribe = crate::html::library::subscriptions::SubscribeBox::new(
        &state,
        visitor.account.as_ref(),
        flourish_core::SubscriptionKind::Creator,
        pseud.user_id.0,
        &pseud.path(),
    )
    .await?;
    let page = state.store.works_by_pseud(pseud.id, viewer, q.page(), state.config.per_page).await?;
    #[derive(Serialize)]
    struct Ctx {
        heading: String,
        pseud_name: String,
        username: String,
        description: String,
        listing: Listing,
        base_url: String,
        feed: crate::views::FeedLink,
        subscribe: Option<crate::html::library::subscriptions::SubscribeBox>,
    }
    let ctx = Ctx {
        subscribe,
        feed: crate::views::FeedLink {
            title: format!("Works by {} (Atom)", pseud.byline()),
            url: format!("{}/feed.atom", pseud.path()),
        },
        heading: format!("Works by {}", pseud.byline()),
        pseud_name: pseud.name.clone(),
        username: pseud.username.clone(),
        description: pseud.description.clone(),
        listing: {
            let mut listing = Listing::new(&page);
            listing.mark_read(&state, viewer).await?;
            listing
        },
        base_url: pseud.path(),
    };
    render(&state, &visitor, "works.html", &ctx.heading.clone(), ctx).await
}

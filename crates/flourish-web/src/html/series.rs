//! A series and its works, in order.

use super::render;
use crate::auth::Visitor;
use crate::error::{AppError, AppResult, path_id};
use crate::state::AppState;
use crate::views::{SeriesView, WorkView};
use axum::extract::{Path, State};
use axum::response::Html;
use flourish_core::SeriesId;
use flourish_store::SeriesStore;
use serde::Serialize;

pub async fn show(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> AppResult<Html<String>> {
    let viewer = visitor.viewer();
    let id: SeriesId = path_id(&id)?;
    let series = state.store.series(id).await?.ok_or(AppError::NotFound)?;
    let works = state.store.series_works(id, viewer).await?;
    // A series whose works are all hidden from this reader does not exist for them.
    if works.is_empty() {
        return Err(AppError::NotFound);
    }
    #[derive(Serialize)]
    struct Entry {
        position: u32,
        work: WorkView,
    }
    #[derive(Serialize)]
    struct Ctx {
        series: SeriesView,
        words: u64,
        entries: Vec<Entry>,
        feed: crate::views::FeedLink,
        bookmark: Option<crate::html::library::bookmarks::BookmarkBox>,
        subscribe: Option<crate::html::library::subscriptions::SubscribeBox>,
    }
    let bookmark = match &visitor.account {
        Some(account) => {
            let target = flourish_core::BookmarkTarget::Series(id);
            Some(crate::html::library::bookmarks::BookmarkBox::for_target(&state, account, &target).await?)
        }
        None => None,
    };
    let subscribe = crate::html::library::subscriptions::SubscribeBox::new(
        &state,
        visitor.account.as_ref(),
        flourish_core::SubscriptionKind::Series,
        id.0,
        &format!("/series/{id}"),
    )
    .await?;
    let ctx = Ctx {
        subscribe,
        feed: crate::views::FeedLink {
            title: format!("{} (Atom)", series.title),
            url: format!("/series/{id}/feed.atom"),
        },
        bookmark,
        series: SeriesView::new(&series),
        words: works.iter().map(|(_, w)| w.word_count).sum(),
        entries: works.iter().map(|(position, w)| Entry { position: *position, work: WorkView::new(w) }).collect(),
    };
    render(&state, &visitor, "series.html", &series.title, ctx).await
}

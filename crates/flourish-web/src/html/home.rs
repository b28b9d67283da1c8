//! The front page: what is new, and how big the archive is.

use super::render;
use crate::auth::Visitor;
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::WorkView;
use axum::extract::State;
use axum::response::Html;
use flourish_store::WorkStore;
use serde::Serialize;

pub async fn show(State(state): State<AppState>, visitor: Visitor) -> AppResult<Html<String>> {
    let viewer = visitor.viewer();
    let counts = state.archive_counts(viewer).await?;
    let recent = state.store.recent_works(viewer, 1, 5).await?;
    #[derive(Serialize)]
    struct Ctx {
        works: u64,
        fandoms: u64,
        creators: u64,
        words: u64,
        recent: Vec<WorkView>,
        shelf: Vec<super::library::readings::ReadingView>,
    }
    let ctx = Ctx {
        shelf: super::library::readings::shelf(&state, visitor.account.as_ref()).await?,
        works: counts.works,
        fandoms: counts.fandoms,
        creators: counts.creators,
        words: counts.words,
        recent: recent.items.iter().map(WorkView::new).collect(),
    };
    render(&state, &visitor, "home.html", &state.config.archive_name, ctx).await
}

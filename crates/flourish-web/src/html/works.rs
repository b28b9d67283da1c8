//! The works listing.

use super::{CurrentViewer, PageQuery, render};
use crate::AppState;
use crate::error::AppResult;
use crate::views::Listing;
use axum::extract::State;
use axum::response::Html;
use flourish_store::WorkStore;
use serde::Serialize;

pub async fn index(
    State(state): State<AppState>,
    CurrentViewer(viewer): CurrentViewer,
    q: PageQuery,
) -> AppResult<Html<String>> {
    let page = state.store.recent_works(viewer, q.page(), state.config.per_page).await?;
    #[derive(Serialize)]
    struct Ctx {
        heading: &'static str,
        listing: Listing,
        base_url: &'static str,
    }
    render(&state, "works.html", "Works", Ctx { heading: "Works", listing: Listing::new(&page), base_url: "/works" })
}

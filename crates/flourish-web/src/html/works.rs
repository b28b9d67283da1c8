//! The works listing and search results: one filtered listing (see [`super::listing`]).

use super::render;
use crate::auth::Visitor;
use crate::error::AppResult;
use crate::listing::{FilteredListing, filtered};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Html;
use serde::Serialize;

#[derive(Serialize)]
struct Ctx {
    heading: String,
    /// For a member looking at a filtered listing: the filter, to save as a search.
    save_search: Option<String>,
    #[serde(flatten)]
    filtered: FilteredListing,
}

/// The listing's filter, when a member could save it as a search to follow.
fn save_search(visitor: &Visitor, uri: &Uri) -> Option<String> {
    visitor.account.as_ref()?;
    let query = crate::html::library::subscriptions::clean_query(uri.query().unwrap_or("")).ok()?;
    (!query.is_empty()).then_some(query)
}

pub async fn index(State(state): State<AppState>, visitor: Visitor, uri: Uri) -> AppResult<Html<String>> {
    let viewer = visitor.viewer();
    let filtered = filtered(&state, viewer, uri.query(), "/works", None).await?;
    render(
        &state,
        &visitor,
        "works.html",
        "Works",
        Ctx { heading: "Works".into(), save_search: save_search(&visitor, &uri), filtered },
    )
    .await
}

/// `/works/search?q=…`: the same listing, headed by the query.
pub async fn search(State(state): State<AppState>, visitor: Visitor, uri: Uri) -> AppResult<Html<String>> {
    let viewer = visitor.viewer();
    let filtered = filtered(&state, viewer, uri.query(), "/works/search", None).await?;
    let heading = if filtered.sidebar.q.is_empty() {
        "Search Works".to_owned()
    } else {
        format!("Works matching “{}”", filtered.sidebar.q)
    };
    let save_search = save_search(&visitor, &uri);
    render(&state, &visitor, "works.html", &heading.clone(), Ctx { heading, save_search, filtered }).await
}

//! A tag's works: the tag, its canonical tag, and every synonym.

use super::{CurrentViewer, PageQuery, render};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::views::{Link, Listing};
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use flourish_core::{Tag, tag_from_url_segment};
use flourish_store::TagStore;
use serde::Serialize;

async fn find(state: &AppState, segment: &str) -> AppResult<Tag> {
    let name = tag_from_url_segment(segment);
    state.store.tag_by_name(&name).await?.ok_or(AppError::NotFound)
}

/// `/tags/{name}`: AO3's tag landing page; here it leads straight to the works.
pub async fn redirect_to_works(State(state): State<AppState>, Path(name): Path<String>) -> AppResult<Redirect> {
    let tag = find(&state, &name).await?;
    Ok(Redirect::to(&tag.works_path()))
}

pub async fn works(
    State(state): State<AppState>,
    CurrentViewer(viewer): CurrentViewer,
    Path(name): Path<String>,
    q: PageQuery,
) -> AppResult<Html<String>> {
    let tag = find(&state, &name).await?;
    let canonical = match tag.synonym_of {
        Some(id) => state.store.tag(id).await?,
        None => None,
    };
    let synonyms = state.store.synonyms(canonical.as_ref().map_or(tag.id, |c| c.id)).await?;
    let page = state.store.works_with_tag(tag.id, viewer, q.page(), state.config.per_page).await?;
    #[derive(Serialize)]
    struct Ctx {
        heading: String,
        tag: Link,
        kind: &'static str,
        canonical_tag: bool,
        synonym_of: Option<Link>,
        synonyms: Vec<Link>,
        listing: Listing,
        base_url: String,
    }
    let ctx = Ctx {
        heading: format!("Works in {}", tag.name),
        tag: Link::from(&tag),
        kind: tag.kind.label(1),
        canonical_tag: tag.canonical,
        synonym_of: canonical.as_ref().map(Link::from),
        synonyms: synonyms.iter().filter(|s| s.id != tag.id).map(Link::from).collect(),
        listing: Listing::new(&page),
        base_url: tag.works_path(),
    };
    render(&state, "works.html", &ctx.heading.clone(), ctx)
}

//! A tag's works: the tag, its canonical tag, every synonym and every subtag, with the
//! filter sidebar.

use super::render;
use crate::auth::Visitor;
use crate::error::{AppError, AppResult};
use crate::listing::{FilteredListing, filtered};
use crate::state::AppState;
use crate::views::Link;
use axum::extract::{Path, State};
use axum::http::Uri;
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
    visitor: Visitor,
    Path(name): Path<String>,
    uri: Uri,
) -> AppResult<Html<String>> {
    let viewer = visitor.viewer();
    let tag = find(&state, &name).await?;
    let canonical = match tag.synonym_of {
        Some(id) => state.store.tag(id).await?,
        None => None,
    };
    let filter_tag = canonical.as_ref().unwrap_or(&tag);
    let synonyms = state.store.synonyms(filter_tag.id).await?;
    let metatags = state.store.metatags(filter_tag.id).await?;
    let subtags = state.store.subtags(filter_tag.id).await?;
    let parents = state.store.parents(filter_tag.id).await?;
    let filtered = filtered(&state, viewer, uri.query(), &tag.works_path(), Some(filter_tag.id.0)).await?;
    #[derive(Serialize)]
    struct Ctx {
        heading: String,
        tag: Link,
        kind: &'static str,
        canonical_tag: bool,
        synonym_of: Option<Link>,
        synonyms: Vec<Link>,
        metatags: Vec<Link>,
        subtags: Vec<Link>,
        parents: Vec<Link>,
        feed: crate::views::FeedLink,
        subscribe: Option<crate::html::library::subscriptions::SubscribeBox>,
        #[serde(flatten)]
        filtered: FilteredListing,
    }
    let subscribe = crate::html::library::subscriptions::SubscribeBox::new(
        &state,
        visitor.account.as_ref(),
        flourish_core::SubscriptionKind::Tag,
        filter_tag.id.0,
        &tag.works_path(),
    )
    .await?;
    let ctx = Ctx {
        subscribe,
        heading: format!("Works in {}", tag.name),
        tag: Link::from(&tag),
        kind: tag.kind.label(1),
        canonical_tag: tag.canonical,
        synonym_of: canonical.as_ref().map(Link::from),
        synonyms: synonyms.iter().filter(|s| s.id != tag.id).map(Link::from).collect(),
        metatags: metatags.iter().map(Link::from).collect(),
        subtags: subtags.iter().map(Link::from).collect(),
        parents: parents.iter().map(Link::from).collect(),
        feed: crate::views::FeedLink {
            title: format!("Works in {} (Atom)", tag.name),
            url: format!("/tags/{}/feed.atom", flourish_core::tag_url_segment(&tag.name)),
        },
        filtered,
    };
    render(&state, &visitor, "works.html", &ctx.heading.clone(), ctx).await
}

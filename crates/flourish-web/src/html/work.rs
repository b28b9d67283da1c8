//! A work as readers read it: one chapter at a time with navigation, the entire work, and
//! the chapter index.

use super::{query_param, render};
use crate::auth::Visitor;
use crate::error::{AppError, AppResult, path_id};
use crate::state::AppState;
use crate::views::{ChapterLink, ChapterView, WorkView};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::Uri;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use flourish_core::{Chapter, ChapterId, ChapterSummary, Viewer, Work, WorkId};
use flourish_store::WorkStore;
use serde::Serialize;

/// `?view_full_work=true`, AO3's switch for the entire-work view.
pub struct FullWork(bool);

impl<S: Send + Sync> FromRequestParts<S> for FullWork {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(FullWork(query_param(&parts.uri, "view_full_work").is_some_and(|v| v == "true" || v == "1")))
    }
}

async fn load(state: &AppState, id: &str, viewer: Viewer) -> AppResult<(Work, Vec<ChapterSummary>)> {
    let id: WorkId = path_id(id)?;
    let work = state.store.work(id, viewer).await?.ok_or(AppError::NotFound)?;
    let index = state.store.chapter_index(id, viewer).await?;
    Ok((work, index))
}

#[derive(Serialize)]
struct Ctx {
    /// The visitor is a creator: the page shows the edit links.
    can_edit: bool,
    /// A creator's preview of a draft, or of a work an admin hid.
    draft: bool,
    hidden: bool,
    /// (label, path) of each download, when the creator allows them.
    downloads: Vec<(&'static str, String)>,
    feed: Option<crate::views::FeedLink>,
    work: WorkView,
    chapters: Vec<ChapterView>,
    index: Vec<ChapterLink>,
    full: bool,
    multi: bool,
    /// The work's notes go before its first chapter, its end notes after its last.
    show_notes: bool,
    show_end_notes: bool,
    current: u32,
    prev_url: Option<String>,
    next_url: Option<String>,
    full_url: String,
    index_url: String,
    /// Kudos and comments.
    conversation: super::conversation::views::ConversationView,
    /// A member's Marked for Later and place kept.
    reading: Option<super::library::readings::ReadingBox>,
    subscribe: Option<super::library::subscriptions::SubscribeBox>,
}

pub(crate) async fn page(
    state: &AppState,
    visitor: &Visitor,
    work: &Work,
    index: &[ChapterSummary],
    chapters: &[Chapter],
    full: bool,
    uri: &Uri,
) -> AppResult<Html<String>> {
    let links: Vec<ChapterLink> = index.iter().map(|c| ChapterLink::new(work, c)).collect();
    let current = if full { 0 } else { chapters.first().map_or(1, |c| c.position) };
    let at = links.iter().position(|c| c.position == current);
    let prev_url = at.and_then(|i| i.checked_sub(1)).map(|i| links[i].url.clone());
    let next_url = at.and_then(|i| links.get(i + 1)).map(|c| c.url.clone());
    let last = links.last().map_or(1, |c| c.position);
    let title = if full || links.len() <= 1 {
        work.title.clone()
    } else {
        let chapter = &chapters[0];
        format!("{} - Chapter {}", work.title, chapter.position)
    };
    // Comments belong to the chapter being read; in the entire work, to the last one.
    let commented =
        if full { index.last().map(|c| (c.id, c.position)) } else { chapters.first().map(|c| (c.id, c.position)) };
    let base_url = if full && links.len() > 1 {
        format!("/works/{}?view_full_work=true", work.id)
    } else if let Some(c) = chapters.first().filter(|_| !full) {
        format!("/works/{}/chapters/{}", work.id, c.id)
    } else {
        format!("/works/{}", work.id)
    };
    let conversation =
        super::conversation::views::for_work_page(state, visitor, work, commented, links.len() > 1, &base_url, uri)
            .await?;
    // The place this page shows: one chapter, or (the entire work) none.
    let shown = if full && chapters.len() > 1 { None } else { chapters.first().map(|c| c.id) };
    let reading = match &visitor.account {
        Some(account) if work.posted => {
            Some(super::library::readings::ReadingBox::for_page(state, account, work, shown).await?)
        }
        _ => None,
    };
    let subscribe = if work.posted {
        super::library::subscriptions::SubscribeBox::new(
            state,
            visitor.account.as_ref(),
            flourish_core::SubscriptionKind::Work,
            work.id.0,
            &format!("/works/{}#reading", work.id),
        )
        .await?
    } else {
        None
    };
    let ctx = Ctx {
        subscribe,
        reading,
        conversation,
        can_edit: is_creator(visitor, work),
        draft: !work.posted,
        hidden: work.hidden,
        downloads: if work.allow_downloads && work.posted {
            flourish_export::Format::ALL
                .iter()
                .map(|f| (f.label(), format!("/downloads/{}/{}", work.id, flourish_export::file_name(work, *f))))
                .collect()
        } else {
            vec![]
        },
        feed: work.posted.then(|| crate::views::FeedLink {
            title: format!("New chapters of {} (Atom)", work.title),
            url: format!("/works/{}/feed.atom", work.id),
        }),
        work: WorkView::new(work),
        chapters: chapters.iter().map(ChapterView::new).collect(),
        multi: links.len() > 1,
        show_notes: full || current <= 1,
        show_end_notes: full || current == last,
        index: links,
        full,
        current,
        prev_url,
        next_url,
        full_url: format!("/works/{}?view_full_work=true", work.id),
        index_url: format!("/works/{}/navigate", work.id),
    };
    render(state, visitor, "work.html", &title, ctx).await
}

/// Whether the visitor is credited on the work (and so may edit it).
pub(crate) fn is_creator(visitor: &Visitor, work: &Work) -> bool {
    visitor.account.as_ref().is_some_and(|a| work.creators.iter().any(|p| p.user_id == a.id))
}

/// `/works/{id}`: a one-chapter work whole; a longer one from its first chapter, or whole
/// with `?view_full_work=true`.
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    FullWork(full): FullWork,
    uri: Uri,
) -> AppResult<Html<String>> {
    let viewer = visitor.viewer();
    let (work, index) = load(&state, &id, viewer).await?;
    // A member who reads works whole gets the whole work unless the link asks otherwise.
    let full = full
        || (query_param(&uri, "view_full_work").is_none()
            && visitor.preferences(&state.store).await?.is_some_and(|p| p.whole_work));
    if full || index.len() <= 1 {
        let chapters = state.store.chapters(work.id, viewer).await?;
        return page(&state, &visitor, &work, &index, &chapters, true, &uri).await;
    }
    let first = state.store.chapter(work.id, index[0].id, viewer).await?.ok_or(AppError::NotFound)?;
    page(&state, &visitor, &work, &index, &[first], false, &uri).await
}

/// `/works/{id}/chapters/{chapter}`.
pub async fn chapter(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, chapter)): Path<(String, String)>,
    uri: Uri,
) -> AppResult<Html<String>> {
    let viewer = visitor.viewer();
    let chapter: ChapterId = path_id(&chapter)?;
    let (work, index) = load(&state, &id, viewer).await?;
    let chapter = state.store.chapter(work.id, chapter, viewer).await?.ok_or(AppError::NotFound)?;
    page(&state, &visitor, &work, &index, &[chapter], index.len() <= 1, &uri).await
}

/// `/works/{id}/navigate`: the chapter index. With `?chapter=ID` (the chapter menu's
/// form, which works without JavaScript) it redirects to that chapter.
pub async fn navigate(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    uri: Uri,
) -> AppResult<Response> {
    let viewer = visitor.viewer();
    let (work, index) = load(&state, &id, viewer).await?;
    if let Some(wanted) = query_param(&uri, "chapter").and_then(|c| c.parse::<ChapterId>().ok())
        && index.iter().any(|c| c.id == wanted)
    {
        return Ok(Redirect::to(&format!("/works/{}/chapters/{wanted}", work.id)).into_response());
    }
    #[derive(Serialize)]
    struct NavCtx {
        work: WorkView,
        index: Vec<ChapterLink>,
    }
    let ctx = NavCtx { index: index.iter().map(|c| ChapterLink::new(&work, c)).collect(), work: WorkView::new(&work) };
    Ok(render(&state, &visitor, "navigate.html", &format!("Chapter Index for {}", work.title), ctx)
        .await?
        .into_response())
}

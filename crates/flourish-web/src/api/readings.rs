//! The token owner's reading history and Marked for Later in the API. Only ever the
//! token owner's own: there is no way to ask for anyone else's.

use super::ApiViewer;
use super::ApiWriter;
use super::dto::{ErrorOut, stamp};
use crate::error::{AppError, AppResult, path_id};
use crate::query_string::query_param;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use flourish_core::{Reading, WorkId};
use flourish_store::ReadingStore;
use serde::Serialize;
use utoipa::ToSchema;

const PER_PAGE: u32 = 50;

#[derive(Serialize, ToSchema)]
pub struct ReadingOut {
    pub work_id: i64,
    pub title: String,
    pub first_visit: String,
    pub last_visit: String,
    pub visits: u64,
    /// The last chapter read and its place in the work.
    pub chapter_id: Option<i64>,
    pub chapter_position: Option<u32>,
    /// The paragraph in view when the reader left that chapter, where kept.
    pub paragraph: Option<u32>,
    /// Chapters posted since the last visit.
    pub new_chapters: u32,
    pub updated_since: bool,
}

impl ReadingOut {
    fn new(r: &Reading) -> ReadingOut {
        let at = |t: i64| stamp(crate::views::unix(t));
        ReadingOut {
            work_id: r.work.0,
            title: r.title.clone(),
            first_visit: at(r.first_visit_at),
            last_visit: at(r.last_visit_at),
            visits: r.visits,
            chapter_id: r.chapter.map(|c| c.0),
            chapter_position: r.chapter_position,
            paragraph: r.paragraph,
            new_chapters: r.new_chapters(),
            updated_since: r.updated_since(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HistoryPage {
    /// Last visited first.
    pub history: Vec<ReadingOut>,
    pub page: u32,
    pub pages: u32,
    pub total: u64,
}

#[derive(Serialize, ToSchema)]
pub struct LaterPage {
    /// Work ids, newest mark first.
    pub work_ids: Vec<i64>,
    pub page: u32,
    pub pages: u32,
    pub total: u64,
}

fn page_of(uri: &Uri) -> AppResult<u32> {
    match query_param(uri, "page") {
        None => Ok(1),
        Some(p) => p.parse::<u32>().ok().filter(|p| (1..=100_000).contains(p)).ok_or_else(|| {
            let mut errors = flourish_core::ValidationErrors::default();
            errors.add("page", "A page is a number from 1.");
            AppError::Invalid(errors)
        }),
    }
}

/// The token owner's reading history, last visited first.
#[utoipa::path(
    get,
    path = "/api/v1/me/history",
    params(("page" = Option<u32>, Query, minimum = 1, maximum = 100000)),
    responses((status = 200, body = HistoryPage), (status = 401, body = ErrorOut), (status = 422, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn history(State(state): State<AppState>, viewer: ApiViewer, uri: Uri) -> AppResult<Json<HistoryPage>> {
    let user = viewer.member("Your history")?;
    let page = state.store.history(user, page_of(&uri)?, PER_PAGE).await?;
    Ok(Json(HistoryPage {
        pages: page.page_count(),
        page: page.page,
        total: page.total,
        history: page.items.iter().map(ReadingOut::new).collect(),
    }))
}

/// Deletes one work from the token owner's history.
#[utoipa::path(
    delete,
    path = "/api/v1/me/history/{work_id}",
    params(("work_id" = i64, Path)),
    responses((status = 204, description = "Deleted (or was not there)"), (status = 401, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn forget(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let work: WorkId = path_id(&id)?;
    state.store.forget_reading(account.id, work).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The token owner's Marked for Later, newest mark first.
#[utoipa::path(
    get,
    path = "/api/v1/me/later",
    params(("page" = Option<u32>, Query, minimum = 1, maximum = 100000)),
    responses((status = 200, body = LaterPage), (status = 401, body = ErrorOut), (status = 422, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn later(State(state): State<AppState>, viewer: ApiViewer, uri: Uri) -> AppResult<Json<LaterPage>> {
    let user = viewer.member("Your history")?;
    let page = state.store.marked_for_later(user, page_of(&uri)?, PER_PAGE).await?;
    Ok(Json(LaterPage {
        pages: page.page_count(),
        page: page.page,
        total: page.total,
        work_ids: page.items.iter().map(|w| w.0).collect(),
    }))
}

/// Marks a work for later (again is no change).
#[utoipa::path(
    put,
    path = "/api/v1/me/later/{work_id}",
    params(("work_id" = i64, Path)),
    responses((status = 204, description = "Marked"), (status = 401, body = ErrorOut), (status = 404, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn mark(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let work: WorkId = path_id(&id)?;
    state.store.mark_for_later(account.id, work, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/api/v1/me/later/{work_id}",
    params(("work_id" = i64, Path)),
    responses((status = 204, description = "Unmarked"), (status = 401, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn unmark(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let work: WorkId = path_id(&id)?;
    state.store.mark_for_later(account.id, work, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

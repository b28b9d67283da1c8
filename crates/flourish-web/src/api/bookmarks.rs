//! Bookmarks in the API: the token owner's own (`/api/v1/me/bookmarks`, private ones
//! included) and a work's public ones. The same store calls as the pages, so the same rules
//! and errors: 409 twice, 422 bad input (an external address that is not http(s), notes
//! over the limit), 404 for anything the token may not see, someone else's bookmark
//! included.

use super::dto::{ErrorOut, stamp};
use super::input::ApiJson;
use super::{ApiViewer, ApiWriter};
use crate::error::{AppError, AppResult, path_id};
use crate::query_string::query_param;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use flourish_core::{
    Bookmark, BookmarkFields, BookmarkId, BookmarkTarget, ExternalWork, PseudId, SeriesId, TextFormat, Viewer, WorkId,
};
use flourish_store::{BookmarkFilter, BookmarkStore};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const PER_PAGE: u32 = 20;

/// A work published elsewhere; its address is checked for form, never fetched.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalInput {
    /// An http:// or https:// address.
    pub url: String,
    pub title: String,
    pub creator: String,
    /// At least one.
    pub fandoms: Vec<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A new bookmark: exactly one of `work_id`, `series_id` and `external`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookmarkInput {
    #[serde(default)]
    pub work_id: Option<i64>,
    #[serde(default)]
    pub series_id: Option<i64>,
    #[serde(default)]
    pub external: Option<ExternalInput>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub notes_format: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub private: bool,
    #[serde(default)]
    pub rec: bool,
    #[serde(default)]
    pub pseud_id: Option<i64>,
}

/// What a bookmark says; on an edit, the whole of it (what is left out is cleared).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookmarkEdit {
    /// Up to 5,000 characters, sanitized.
    #[serde(default)]
    pub notes: String,
    /// `html` (the default), `markdown` or `plain`.
    #[serde(default)]
    pub notes_format: Option<String>,
    /// Your own tags for it.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Seen by you alone, and counted nowhere.
    #[serde(default)]
    pub private: bool,
    /// A recommendation.
    #[serde(default)]
    pub rec: bool,
    /// One of your pseuds; your default pseud when absent.
    #[serde(default)]
    pub pseud_id: Option<i64>,
}

impl BookmarkEdit {
    fn into_fields(self) -> AppResult<BookmarkFields> {
        let notes_format = match self.notes_format.as_deref() {
            None => TextFormat::Html,
            Some(f) => f.parse().map_err(|_| invalid("notes_format", "Use html, markdown or plain."))?,
        };
        Ok(BookmarkFields {
            pseud: self.pseud_id.map(PseudId),
            notes: self.notes,
            notes_format,
            tags: self.tags,
            private: self.private,
            rec: self.rec,
            bookmarked_at: None,
        })
    }
}

fn invalid(field: &str, message: &str) -> AppError {
    let mut errors = flourish_core::ValidationErrors::default();
    errors.add(field, message);
    AppError::Invalid(errors)
}

#[derive(Serialize, ToSchema)]
pub struct BookmarkOut {
    pub id: i64,
    /// work, series or external.
    pub kind: String,
    pub work_id: Option<i64>,
    pub series_id: Option<i64>,
    pub external: Option<ExternalInput>,
    /// The bookmarker's account name and the pseud it is shown under.
    pub username: String,
    pub pseud: String,
    /// Sanitized HTML.
    pub notes: String,
    pub tags: Vec<String>,
    pub private: bool,
    pub rec: bool,
    pub created: String,
    pub updated: String,
}

impl BookmarkOut {
    pub fn new(b: Bookmark) -> BookmarkOut {
        let at = |t: i64| stamp(crate::views::unix(t));
        let kind = b.target.kind().to_owned();
        let (work_id, series_id, external) = match b.target {
            BookmarkTarget::Work(w) => (Some(w.0), None, None),
            BookmarkTarget::Series(s) => (None, Some(s.0), None),
            BookmarkTarget::External(e) => (
                None,
                None,
                Some(ExternalInput {
                    url: e.url,
                    title: e.title,
                    creator: e.creator,
                    fandoms: e.fandoms,
                    summary: e.summary,
                    tags: e.tags,
                }),
            ),
        };
        BookmarkOut {
            id: b.id.0,
            kind,
            work_id,
            series_id,
            external,
            username: b.pseud.username,
            pseud: b.pseud.name,
            notes: b.notes,
            tags: b.tags,
            private: b.private,
            rec: b.rec,
            created: at(b.created_at),
            updated: at(b.updated_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BookmarkPage {
    /// Newest bookmark first.
    pub bookmarks: Vec<BookmarkOut>,
    pub page: u32,
    pub pages: u32,
    pub total: u64,
}

/// The filters both lists take from the query string.
fn filter_of(uri: &Uri) -> AppResult<(BookmarkFilter, u32)> {
    let page = match query_param(uri, "page") {
        None => 1,
        Some(p) => p
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=10_000).contains(p))
            .ok_or_else(|| invalid("page", "A page is a number from 1."))?,
    };
    let list = |name: &str| -> Vec<String> {
        query_param(uri, name)
            .map(|v| v.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let yes = |name: &str| -> AppResult<bool> {
        match query_param(uri, name).as_deref() {
            None | Some("" | "false" | "0") => Ok(false),
            Some("true" | "1") => Ok(true),
            Some(_) => Err(invalid(name, "Use true or false.")),
        }
    };
    let kind = query_param(uri, "kind").filter(|k| !k.is_empty());
    if kind.as_deref().is_some_and(|k| !matches!(k, "work" | "series" | "external")) {
        return Err(invalid("kind", "Use work, series or external."));
    }
    let number = |name: &str| -> AppResult<Option<u64>> {
        match query_param(uri, name) {
            None => Ok(None),
            // At most i64::MAX, as the schema says and the database can hold.
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .map(|n| Some(n as u64))
                .ok_or_else(|| invalid(name, "A number of words, from 0.")),
        }
    };
    let filter = BookmarkFilter {
        tags: list("tags"),
        exclude_tags: list("exclude_tags"),
        rec_only: yes("rec")?,
        with_notes: yes("with_notes")?,
        kind,
        language: query_param(uri, "language").filter(|l| !l.is_empty()),
        words_from: number("words_from")?,
        words_to: number("words_to")?,
        ..Default::default()
    };
    Ok((filter, page))
}

fn page_out(page: flourish_store::traits::Page<Bookmark>) -> BookmarkPage {
    BookmarkPage {
        pages: page.page_count(),
        page: page.page,
        total: page.total,
        bookmarks: page.items.into_iter().map(BookmarkOut::new).collect(),
    }
}

/// The token owner's bookmarks, private ones included, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/me/bookmarks",
    params(
        ("page" = Option<u32>, Query, minimum = 1, maximum = 10000),
        ("tags" = Option<String>, Query, description = "Only bookmarks with all these tags of yours (comma-separated)"),
        ("exclude_tags" = Option<String>, Query, description = "None with any of these tags of yours"),
        ("rec" = Option<bool>, Query, description = "Recommendations only"),
        ("with_notes" = Option<bool>, Query),
        ("kind" = Option<String>, Query, description = "work, series or external", pattern = "^(work|series|external)?$"),
        ("language" = Option<String>, Query, description = "The bookmarked work's language"),
        ("words_from" = Option<u64>, Query),
        ("words_to" = Option<u64>, Query),
    ),
    responses((status = 200, body = BookmarkPage), (status = 401, body = ErrorOut), (status = 422, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn my_bookmarks(State(state): State<AppState>, viewer: ApiViewer, uri: Uri) -> AppResult<Json<BookmarkPage>> {
    let user = viewer.member("Your bookmarks")?;
    let (filter, page) = filter_of(&uri)?;
    Ok(Json(page_out(state.store.user_bookmarks(user, Some(user), &filter, page, PER_PAGE).await?)))
}

/// Bookmarks a work, a series or a work elsewhere, once.
#[utoipa::path(
    post,
    path = "/api/v1/me/bookmarks",
    request_body = BookmarkInput,
    responses(
        (status = 201, body = BookmarkOut),
        (status = 401, body = ErrorOut),
        (status = 404, body = ErrorOut, description = "No such work or series, or not one you can see"),
        (status = 409, body = ErrorOut, description = "You have already bookmarked it"),
        (status = 422, body = ErrorOut),
    ),
    security(("token" = []))
)]
pub async fn create_bookmark(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    ApiJson(input): ApiJson<BookmarkInput>,
) -> AppResult<(StatusCode, Json<BookmarkOut>)> {
    let target = match (input.work_id, input.series_id, input.external) {
        (Some(work), None, None) => BookmarkTarget::Work(WorkId(work)),
        (None, Some(series), None) => BookmarkTarget::Series(SeriesId(series)),
        (None, None, Some(e)) => BookmarkTarget::External(ExternalWork {
            url: e.url,
            title: e.title,
            creator: e.creator,
            fandoms: e.fandoms,
            summary: e.summary,
            tags: e.tags,
        }),
        _ => return Err(invalid("work_id", "Give exactly one of work_id, series_id and external.")),
    };
    let edit = BookmarkEdit {
        notes: input.notes,
        notes_format: input.notes_format,
        tags: input.tags,
        private: input.private,
        rec: input.rec,
        pseud_id: input.pseud_id,
    };
    let id = state.store.create_bookmark(account.id, &target, &edit.into_fields()?).await?;
    if let BookmarkTarget::Work(work) = target {
        state.page_cache.forget(work);
    }
    let saved = state.store.bookmark(id, Some(account.id)).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(BookmarkOut::new(saved))))
}

/// One of the token owner's bookmarks.
#[utoipa::path(
    get,
    path = "/api/v1/me/bookmarks/{id}",
    params(("id" = i64, Path)),
    responses((status = 200, body = BookmarkOut), (status = 401, body = ErrorOut), (status = 404, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn my_bookmark(
    State(state): State<AppState>,
    viewer: ApiViewer,
    Path(id): Path<String>,
) -> AppResult<Json<BookmarkOut>> {
    let user = viewer.member("Your bookmarks")?;
    let id: BookmarkId = path_id(&id)?;
    let found = state.store.bookmark(id, Some(user)).await?.filter(|b| b.user == user).ok_or(AppError::NotFound)?;
    Ok(Json(BookmarkOut::new(found)))
}

/// Rewrites one of the token owner's bookmarks (its notes, tags, pseud and flags).
#[utoipa::path(
    put,
    path = "/api/v1/me/bookmarks/{id}",
    params(("id" = i64, Path)),
    request_body = BookmarkEdit,
    responses(
        (status = 200, body = BookmarkOut),
        (status = 401, body = ErrorOut),
        (status = 404, body = ErrorOut),
        (status = 422, body = ErrorOut),
    ),
    security(("token" = []))
)]
pub async fn update_bookmark(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    Path(id): Path<String>,
    ApiJson(edit): ApiJson<BookmarkEdit>,
) -> AppResult<Json<BookmarkOut>> {
    let id: BookmarkId = path_id(&id)?;
    state.store.update_bookmark(account.id, id, &edit.into_fields()?).await?;
    let saved = state.store.bookmark(id, Some(account.id)).await?.ok_or(AppError::NotFound)?;
    if let BookmarkTarget::Work(work) = saved.target {
        state.page_cache.forget(work);
    }
    Ok(Json(BookmarkOut::new(saved)))
}

#[utoipa::path(
    delete,
    path = "/api/v1/me/bookmarks/{id}",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorOut), (status = 404, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn delete_bookmark(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id: BookmarkId = path_id(&id)?;
    let found = state.store.bookmark(id, Some(account.id)).await?.filter(|b| b.user == account.id);
    state.store.delete_bookmark(account.id, id).await?;
    if let Some(BookmarkTarget::Work(work)) = found.map(|b| b.target) {
        state.page_cache.forget(work);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A work's public bookmarks (and the token owner's own), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/works/{id}/bookmarks",
    params(
        ("id" = i64, Path),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 10000),
        ("tags" = Option<String>, Query, description = "Only bookmarks with all these bookmarker's tags (comma-separated)"),
        ("exclude_tags" = Option<String>, Query),
        ("rec" = Option<bool>, Query),
        ("with_notes" = Option<bool>, Query),
    ),
    responses((status = 200, body = BookmarkPage), (status = 404, body = ErrorOut), (status = 422, body = ErrorOut)),
)]
pub async fn work_bookmarks(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    uri: Uri,
) -> AppResult<Json<BookmarkPage>> {
    let work: WorkId = path_id(&id)?;
    // The work itself must be one the viewer can see.
    flourish_store::WorkStore::work(&state.store, work, viewer).await?.ok_or(AppError::NotFound)?;
    let (filter, page) = filter_of(&uri)?;
    let user = match viewer {
        Viewer::Member(u) => Some(u),
        Viewer::Guest => None,
    };
    Ok(Json(page_out(state.store.work_bookmarks(work, user, &filter, page, PER_PAGE).await?)))
}

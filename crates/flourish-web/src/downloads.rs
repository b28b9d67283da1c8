//! `/downloads/{id}/{file}`: a work as EPUB, HTML, TXT or Markdown. Files are built once per
//! work version and format and kept in memory; each carries an ETag of that version, so
//! e-readers and browsers that ask again with `If-None-Match` get a 304.

use crate::auth::Visitor;
use crate::error::{AppError, AppResult, path_id};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use flourish_core::WorkId;
use flourish_export::{Book, EXPORT_VERSION, Format};
use flourish_store::WorkStore;
use moka::sync::Cache;

/// Built downloads by (work, version, format); the version changes with every edit, so
/// stale files are never served and simply age out.
pub struct DownloadCache(Cache<(WorkId, i64, Format), Bytes>);

impl DownloadCache {
    pub fn new(max_bytes: u64) -> DownloadCache {
        DownloadCache(
            Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|_, b: &Bytes| b.len().try_into().unwrap_or(u32::MAX))
                .time_to_idle(std::time::Duration::from_secs(3600))
                .build(),
        )
    }
}

pub async fn download(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let id: WorkId = path_id(&id)?;
    let format = file.rsplit_once('.').and_then(|(_, ext)| Format::from_extension(ext)).ok_or(AppError::NotFound)?;
    let viewer = visitor.viewer();
    // A work the visitor may not see (a draft, hidden, members-only for a guest) is a 404,
    // so a download link tells no more than the work page.
    let work = state.store.work(id, viewer).await?.ok_or(AppError::NotFound)?;
    if !work.allow_downloads {
        return Err(AppError::Forbidden(
            "The creator of this work has turned off downloads. You can read it on the archive.".into(),
        ));
    }
    let etag = format!("\"{}-{}-{}-{EXPORT_VERSION}\"", work.id, work.version, format.extension());
    let cache_control = if work.restricted { "private, no-cache" } else { "public, no-cache" };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag), (header::CACHE_CONTROL, cache_control.into())])
            .into_response());
    }
    let key = (work.id, work.version, format);
    let bytes = match state.downloads.0.get(&key) {
        Some(bytes) => bytes,
        None => {
            let chapters = state.store.chapters(work.id, viewer).await?;
            let site = state.site().await;
            let url = state.config.url(&format!("/works/{}", work.id));
            let work = work.clone();
            let archive = site.archive_name.clone();
            // Building a long book takes a few milliseconds of CPU: off the async threads.
            let built = tokio::task::spawn_blocking(move || {
                let book = Book { work: &work, chapters: &chapters, archive_name: &archive, work_url: &url };
                flourish_export::export(&book, format)
            })
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?;
            let bytes = Bytes::from(built);
            state.downloads.0.insert(key, bytes.clone());
            bytes
        }
    };
    let disposition = format!("attachment; filename=\"{}\"", flourish_export::file_name(&work, format));
    let mut response = (StatusCode::OK, bytes).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    h.insert(header::ETAG, HeaderValue::from_str(&etag).map_err(AppError::internal)?);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(AppError::internal)?);
    Ok(response)
}

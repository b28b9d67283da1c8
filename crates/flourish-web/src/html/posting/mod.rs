//! Writers' pages: post a new work (typed, or imported from a file and corrected in the
//! form), preview and post drafts, edit a work's fields, add, edit, reorder and delete
//! chapters, delete a work, make a series. Only a work's creators reach the work pages.
//!
//! This file holds the routes and the check that a visitor may change a work; the pages
//! are in `work_form.rs` (new, preview, post, edit, delete), `chapters.rs`, `import.rs`
//! (a file read into the form) and `series.rs`.

use super::form::{FieldErrors, FormData, invalid};
use super::render;
use super::work::is_creator;
use crate::audit::{Actor, work_changed};
use crate::auth::{Visitor, Writer};
use crate::error::{AppError, AppResult, path_id};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use flourish_core::{
    Account, ArchiveWarning, Category, ChapterDraft, ChapterId, Rating, SeriesDraft, SeriesId, Work, WorkDraft, WorkId,
};
use flourish_core::{SeriesChoice, SeriesPlacement};
use flourish_store::{AccountStore, SeriesStore, StoreError, WorkEditing, WorkStore};
use flourish_text::formats::{paragraphs_in_html, to_html};
use flourish_text::pipeline::{FileRequest, Suggestions, read_work};
use serde::Serialize;

mod chapters;
mod import;
mod series;
mod work_form;
use chapters::*;
use import::*;
use series::*;
use work_form::*;

/// The largest upload (or form) accepted: a long novel as EPUB fits with room to spare.
pub const MAX_UPLOAD_BYTES: usize = 16 << 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/works/new", get(new_form).post(create))
        .route("/works/import", get(import_form).post(import))
        .route("/works/{id}/preview", get(preview))
        .route("/works/{id}/post", post(post_draft))
        .route("/works/{id}/edit", get(edit_form).post(update))
        .route("/works/{id}/delete", get(delete_form).post(delete))
        .route("/works/{id}/chapters/new", get(new_chapter_form).post(add_chapter))
        .route("/works/{id}/chapters/manage", get(manage_chapters))
        .route("/works/{id}/chapters/order", post(reorder_chapters))
        .route("/works/{id}/chapters/{chapter}/edit", get(edit_chapter_form).post(update_chapter))
        .route("/works/{id}/chapters/{chapter}/delete", post(delete_chapter))
        .route("/series/new", get(new_series_form).post(create_series))
}

// --- Loading a work for its creators ----------------------------------------------------------

/// The work, if the visitor is one of its creators: 404 for a work that does not exist or
/// that the visitor could not see anyway (a draft or hidden work of someone else), 403
/// for a work they can see but not edit.
async fn own_work(state: &AppState, visitor: &Visitor, id: &str) -> AppResult<Work> {
    let id: WorkId = path_id(id)?;
    let work = state.store.work_for_editing(id).await?.ok_or(AppError::NotFound)?;
    if is_creator(visitor, &work) {
        return Ok(work);
    }
    let visible = work.is_listed() && (!work.restricted || visitor.account.is_some());
    if visible || visitor.is_admin() { Err(AppError::not_a_creator()) } else { Err(AppError::NotFound) }
}

async fn preview(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
    uri: axum::http::Uri,
) -> AppResult<Html<String>> {
    let work = own_work(&state, &visitor, &id).await?;
    let chapters = state.store.chapters_for_editing(work.id).await?;
    let index: Vec<_> = chapters.iter().map(|c| c.summary()).collect();
    super::work::page(&state, &visitor, &work, &index, &chapters, true, &uri).await
}

async fn post_draft(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let work = own_work(&state, &visitor, &id).await?;
    if !work.posted {
        state.store.post_work(work.id).await?;
        work_changed(&state, &Actor::of(&visitor), work.id, &work.title, "work_posted", "").await;
    }
    Ok(Redirect::to(&format!("/works/{}", work.id)).into_response())
}

async fn edit_form(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let work = own_work(&state, &visitor, &id).await?;
    work_form(&state, &visitor, &account, FormTarget::edit(&work), WorkFields::of(&work), FieldErrors::default()).await
}

async fn update(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let work = own_work(&state, &visitor, &id).await?;
    let mut fields = WorkFields::read(&form);
    // The edit form has no chapter text; chapters are edited one by one.
    fields.chapters = vec![];
    // Creators stay as they are; co-creators are invited, never put on by someone else.
    let credited: Vec<_> = work.creators.clone();
    let mut errors = FieldErrors::default();
    let co_creators = resolve_co_creators(&state, &fields.co_creators, &account, &mut errors).await?;
    let series = resolve_series(&state, &fields, &account, &mut errors).await?;
    fields.pseuds = credited.iter().map(|p| p.id.0).collect();
    let draft = fields.draft(&credited, state.store.limits(), false, &mut errors).map(|d| WorkDraft { series, ..d });
    if let Some(draft) = draft
        && errors.is_empty()
        && let Err(e) = state.store.update_work(work.id, &draft).await
    {
        errors.take(e)?;
    }
    if !errors.is_empty() {
        let page = work_form(&state, &visitor, &account, FormTarget::edit(&work), fields, errors).await?;
        return Ok(invalid(page));
    }
    invite_co_creators(&state, &account, work.id, &co_creators).await?;
    work_changed(&state, &Actor::of(&visitor), work.id, &work.title, "work_edited", "").await;
    let to = if work.posted { format!("/works/{}", work.id) } else { format!("/works/{}/preview", work.id) };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Serialize)]
struct ConfirmCtx {
    heading: String,
    message: String,
    action: String,
    button: String,
    back: String,
}

async fn delete_form(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let work = own_work(&state, &visitor, &id).await?;
    let ctx = ConfirmCtx {
        heading: format!("Delete {}?", work.title),
        message: "Deleting a work removes it and all its chapters for good. This cannot be undone.".into(),
        action: format!("/works/{}/delete", work.id),
        button: "Yes, delete the work".into(),
        back: format!("/works/{}/edit", work.id),
    };
    render(&state, &visitor, "posting/confirm.html", "Delete work", ctx).await
}

async fn delete(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let work = own_work(&state, &visitor, &id).await?;
    state.store.delete_work(work.id).await?;
    work_changed(&state, &Actor::of(&visitor), work.id, &work.title, "work_deleted", "").await;
    Ok(Redirect::to("/account").into_response())
}

//! Comment pages: posting (a new comment or a reply), a thread's own page ("continue this
//! thread", where replies are written without JavaScript), editing, deleting, and the
//! creator's and admins' tools (approve, freeze, hide).

use super::local_path;
use super::views::{CommentForm, Powers, closed_reason, threads};
use crate::audit::{self, Actor};
use crate::auth::{Visitor, Writer};
use crate::error::{AppError, AppResult, path_id};
use crate::html::form::{FieldErrors, FormData, invalid};
use crate::html::{query_param, render};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Redirect, Response};
use flourish_core::{ChapterId, Comment, CommentId, Commenter, NewComment, TextFormat, Work, WorkId};
use flourish_store::{CommentReader, CommentStore, StoreError, WorkStore};
use serde::Serialize;

fn reader(visitor: &Visitor) -> CommentReader {
    CommentReader { user: visitor.account.as_ref().map(|a| a.id) }
}

/// The work a comment is on, as the visitor may see it; 404 otherwise, so a comment on a
/// draft or a hidden work is as absent as the work.
async fn work_of(state: &AppState, visitor: &Visitor, comment: &Comment) -> AppResult<Work> {
    state.store.work(comment.work_id, visitor.viewer()).await?.ok_or(AppError::NotFound)
}

async fn load(state: &AppState, visitor: &Visitor, id: &str) -> AppResult<(Comment, Work)> {
    let id: CommentId = path_id(id)?;
    let comment = state.store.comment(id, reader(visitor)).await?.ok_or(AppError::NotFound)?;
    let work = work_of(state, visitor, &comment).await?;
    Ok((comment, work))
}

fn format_of(form: &FormData) -> TextFormat {
    form.get("format").parse().unwrap_or_default()
}

#[derive(Serialize)]
struct FormPage {
    heading: String,
    work: crate::views::WorkView,
    form: CommentForm,
    errors: FieldErrors,
}

/// `POST /works/{id}/comments`: a new comment (on `chapter_id`, or the last chapter) or a
/// reply (`parent_id`). Bad input comes back in the form, with nothing lost.
pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let work_id: WorkId = path_id(&id)?;
    let optional_id = |name: &str| -> AppResult<Option<i64>> {
        match form.get(name).trim() {
            "" => Ok(None),
            v => v.parse::<i64>().map(Some).map_err(|_| AppError::BadRequest(format!("{name} is not a number."))),
        }
    };
    let chapter = optional_id("chapter_id")?.map(ChapterId);
    let parent = optional_id("parent_id")?.map(CommentId);
    let by = match &visitor.account {
        Some(account) => {
            Commenter::Member { user: account.id, pseud: optional_id("pseud_id")?.map(flourish_core::PseudId) }
        }
        None => Commenter::Guest {
            name: form.get("name").to_owned(),
            email: form.get("email").to_owned(),
            address_key: crate::visitors::address_key(&state, visitor.address).await?,
        },
    };
    let new = NewComment {
        work: work_id,
        chapter,
        parent,
        content: form.get("content").to_owned(),
        format: format_of(&form),
        by,
    };
    match state.store.add_comment(&new).await {
        Ok(comment) => {
            state.page_cache.forget(work_id);
            let notice = if comment.state == flourish_core::CommentState::Held { "held" } else { "posted" };
            let back = local_path(form.get("return_to"))
                .unwrap_or_else(|| format!("/comments/{}?notice={notice}", comment.id));
            Ok(Redirect::to(&back).into_response())
        }
        Err(StoreError::Invalid(v)) => {
            // The work is read only to show the form again: a comment that is posted
            // needs nothing but the store's checks.
            let work = state.store.work(work_id, visitor.viewer()).await?.ok_or(AppError::NotFound)?;
            let mut errors = FieldErrors::default();
            errors.extend(&v);
            let mut comment_form = CommentForm::new(&state, &visitor, &work).await?;
            comment_form.chapter_id = chapter.map(|c| c.0);
            comment_form.parent_id = parent.map(|p| p.0);
            comment_form.content = form.get("content").to_owned();
            comment_form.format = format_of(&form).as_str().to_owned();
            comment_form.name = form.get("name").to_owned();
            comment_form.email = form.get("email").to_owned();
            comment_form.return_to = local_path(form.get("return_to")).unwrap_or_default();
            let ctx = FormPage {
                heading: format!("Comment on {}", work.title),
                work: crate::views::WorkView::new(&work),
                form: comment_form,
                errors,
            };
            Ok(invalid(render(&state, &visitor, "comments/form.html", "Comment", ctx).await?))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize)]
struct ThreadPage {
    work: crate::views::WorkView,
    chapter_url: String,
    parent_url: Option<String>,
    threads: Vec<super::views::CommentView>,
    form: Option<CommentForm>,
    closed: Option<&'static str>,
    notice: Option<&'static str>,
}

/// `GET /comments/{id}`: the comment, its replies to five levels, and a reply form.
pub async fn thread(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    uri: Uri,
) -> AppResult<Html<String>> {
    let (comment, work) = load(&state, &visitor, &id).await?;
    let comments = state.store.comment_thread(comment.id, reader(&visitor)).await?.ok_or(AppError::NotFound)?;
    let powers = Powers::of(&visitor, &work);
    let closed = closed_reason(&visitor, &work);
    let open = !comment.deleted
        && !comment.hidden
        && !comment.frozen
        && comment.state == flourish_core::CommentState::Published;
    let form = if closed.is_none() && open {
        let mut form = CommentForm::new(&state, &visitor, &work).await?;
        form.parent_id = Some(comment.id.0);
        Some(form)
    } else {
        None
    };
    let notice = match query_param(&uri, "notice").as_deref() {
        Some("posted") => Some("Your comment was posted."),
        Some("held") => Some("Your comment was received. It will appear once the creator approves it."),
        Some("edited") => Some("Your comment was updated."),
        Some("frozen") => Some("The thread is frozen: no more replies or edits."),
        Some("unfrozen") => Some("The thread is open again."),
        Some("hidden") => Some("The comment is hidden from readers."),
        Some("unhidden") => Some("The comment is shown again."),
        _ => None,
    };
    let ctx = ThreadPage {
        chapter_url: format!("/works/{}/chapters/{}#comments", work.id, comment.chapter_id),
        parent_url: comment.parent_id.map(|p| format!("/comments/{p}")),
        threads: threads(comments, &[comment.id], &powers),
        work: crate::views::WorkView::new(&work),
        form,
        closed: if open { closed } else { Some("This comment can't take replies.") },
        notice,
    };
    render(&state, &visitor, "comments/thread.html", &format!("Comment on {}", work.title), ctx).await
}

/// `GET /comments/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (comment, work) = load(&state, &visitor, &id).await?;
    edit_page(&state, &visitor, &comment, &work, comment.content.clone(), "html", FieldErrors::default()).await
}

async fn edit_page(
    state: &AppState,
    visitor: &Visitor,
    comment: &Comment,
    work: &Work,
    content: String,
    format: &str,
    errors: FieldErrors,
) -> AppResult<Response> {
    let mine = visitor.account.as_ref().is_some_and(|a| comment.author.user == Some(a.id));
    if !mine {
        return Err(AppError::Forbidden("Only the person who wrote a comment can edit it.".into()));
    }
    let mut form = CommentForm::new(state, visitor, work).await?;
    form.action = format!("/comments/{}/edit", comment.id);
    form.content = content;
    form.format = format.to_owned();
    form.pseuds.clear();
    let failed = !errors.is_empty();
    let ctx = FormPage { heading: "Edit comment".into(), work: crate::views::WorkView::new(work), form, errors };
    let page = render(state, visitor, "comments/form.html", "Edit comment", ctx).await?;
    Ok(if failed { invalid(page) } else { page.into_response() })
}

/// `POST /comments/{id}/edit`.
pub async fn edit(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let (comment, work) = load(&state, &visitor, &id).await?;
    match state.store.edit_comment(comment.id, account.id, form.get("content"), format_of(&form)).await {
        Ok(_) => {
            state.page_cache.forget(work.id);
            Ok(Redirect::to(&format!("/comments/{}?notice=edited", comment.id)).into_response())
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.take(e)?;
            edit_page(
                &state,
                &visitor,
                &comment,
                &work,
                form.get("content").to_owned(),
                format_of(&form).as_str(),
                errors,
            )
            .await
        }
    }
}

/// `GET /comments/{id}/delete`: the confirmation a form without JavaScript needs.
pub async fn delete_form(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let (comment, work) = load(&state, &visitor, &id).await?;
    #[derive(Serialize)]
    struct Ctx {
        work: crate::views::WorkView,
        comment: super::views::CommentView,
        action: String,
    }
    let powers = Powers::of(&visitor, &work);
    // The form is for those whose deletion would work: anyone else learns nothing more
    // than that they may not.
    if !powers.may_delete(&comment) {
        return Err(AppError::Forbidden(
            "Only a comment's writer, the work's creators, admins and moderators can delete it.".into(),
        ));
    }
    let ctx = Ctx {
        action: format!("/comments/{}/delete", comment.id),
        comment: threads(vec![comment.clone()], &[comment.id], &powers).pop().ok_or(AppError::NotFound)?,
        work: crate::views::WorkView::new(&work),
    };
    render(&state, &visitor, "comments/delete.html", "Delete comment", ctx).await
}

/// `POST /comments/{id}/delete`: by its writer, the work's creators or an admin.
pub async fn delete(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (comment, work) = load(&state, &visitor, &id).await?;
    state.store.delete_comment(comment.id, account.id).await?;
    state.page_cache.forget(work.id);
    if comment.author.user != Some(account.id) {
        let detail = format!("comment {} by {}", comment.id, comment.author.name);
        audit::record(&state, &Actor::of(&visitor), "comment deleted", &format!("work {}", work.id), &detail).await;
    }
    Ok(Redirect::to(&format!("/works/{}/chapters/{}#comments", work.id, comment.chapter_id)).into_response())
}

async fn set_frozen(
    state: &AppState,
    visitor: &Visitor,
    account: &flourish_core::Account,
    id: &str,
    frozen: bool,
) -> AppResult<Response> {
    let (comment, work) = load(state, visitor, id).await?;
    state.store.freeze_thread(comment.id, frozen, account.id).await?;
    state.page_cache.forget(work.id);
    let notice = if frozen { "frozen" } else { "unfrozen" };
    Ok(Redirect::to(&format!("/comments/{}?notice={notice}", comment.id)).into_response())
}

pub async fn freeze(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    set_frozen(&state, &visitor, &account, &id, true).await
}

pub async fn unfreeze(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    set_frozen(&state, &visitor, &account, &id, false).await
}

async fn set_hidden(
    state: &AppState,
    visitor: &Visitor,
    account: &flourish_core::Account,
    id: &str,
    hidden: bool,
) -> AppResult<Response> {
    let id: CommentId = path_id(id)?;
    let comment = state.store.comment(id, reader(visitor)).await?.ok_or(AppError::NotFound)?;
    state.store.hide_comment(id, hidden, account.id).await?;
    state.page_cache.forget(comment.work_id);
    let action = if hidden { "comment hidden" } else { "comment unhidden" };
    audit::record(state, &Actor::of(visitor), action, &format!("comment {id}"), &format!("work {}", comment.work_id))
        .await;
    let notice = if hidden { "hidden" } else { "unhidden" };
    Ok(Redirect::to(&format!("/comments/{id}?notice={notice}")).into_response())
}

pub async fn hide(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    set_hidden(&state, &visitor, &account, &id, true).await
}

pub async fn unhide(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    set_hidden(&state, &visitor, &account, &id, false).await
}

/// `GET /works/{id}/comments/held`: what waits for the creator's approval.
pub async fn held(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let work_id: WorkId = path_id(&id)?;
    let work = state.store.work(work_id, visitor.viewer()).await?.ok_or(AppError::NotFound)?;
    let powers = Powers::of(&visitor, &work);
    if !powers.creator && !powers.admin {
        return Err(AppError::not_a_creator());
    }
    let comments = state.store.held_comments(work.id).await?;
    let ids: Vec<CommentId> = comments.iter().map(|c| c.id).collect();
    #[derive(Serialize)]
    struct Ctx {
        work: crate::views::WorkView,
        comments: Vec<super::views::CommentView>,
        action: String,
    }
    // Held comments are shown flat: each on its own, as the creator decides one by one.
    let flat: Vec<Comment> = comments
        .into_iter()
        .map(|mut c| {
            c.parent_id = None;
            c
        })
        .collect();
    let ctx = Ctx {
        comments: threads(flat, &ids, &powers),
        action: format!("/works/{}/comments/approve", work.id),
        work: crate::views::WorkView::new(&work),
    };
    render(&state, &visitor, "comments/held.html", &format!("Comments waiting on {}", work.title), ctx).await
}

/// `POST /works/{id}/comments/approve`: `id` (one or more), or `all`.
pub async fn approve(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let work_id: WorkId = path_id(&id)?;
    let ids: Vec<CommentId> = form.all("id").iter().filter_map(|i| i.parse().ok()).collect();
    let which = if form.checked("all") { None } else { Some(ids.as_slice()) };
    state.store.approve_comments(work_id, which, account.id).await?;
    state.page_cache.forget(work_id);
    Ok(Redirect::to(&format!("/works/{work_id}/comments/held")).into_response())
}

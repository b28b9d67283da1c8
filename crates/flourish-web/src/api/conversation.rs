//! Kudos, comments and notifications in the API: the same store calls as the pages, so
//! the same rules and the same errors (403 blocked or not allowed, 404 unknown or unseen,
//! 409 twice, 422 bad text, 429 too many).

use super::{ApiViewer, ApiWriter};
use crate::error::{AppError, AppResult, path_id};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use base64::Engine;
use flourish_core::conversation::{CommentNode, tree};
use flourish_core::{ChapterId, CommentId, Commenter, NewComment, NotificationId, PseudId, TextFormat, Viewer, WorkId};
use flourish_store::{AccountStore, CommentReader, CommentStore, KudosGiver, KudosStore, NotificationStore, WorkStore};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::ErrorOut;
use super::input::ApiJson;

/// Top-level comments per page of the API.
const COMMENTS_PER_PAGE: u32 = 25;
const NOTIFICATIONS_PER_PAGE: u32 = 50;

#[derive(Serialize, ToSchema)]
pub struct KudosOut {
    /// The work's kudos now.
    pub kudos: u64,
}

/// Leaves kudos on a work, once.
#[utoipa::path(
    post,
    path = "/api/v1/works/{id}/kudos",
    params(("id" = i64, Path)),
    responses(
        (status = 201, body = KudosOut),
        (status = 403, body = ErrorOut, description = "Your own work, a blocked or suspended account"),
        (status = 404, body = ErrorOut),
        (status = 409, body = ErrorOut, description = "You have already left kudos here"),
    ),
    security(("token" = []))
)]
pub async fn give_kudos(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    Path(id): Path<String>,
) -> AppResult<(StatusCode, Json<KudosOut>)> {
    let work: WorkId = path_id(&id)?;
    let kudos = state.store.give_kudos(work, &KudosGiver::Member(account.id)).await?;
    state.page_cache.forget(work);
    Ok((StatusCode::CREATED, Json(KudosOut { kudos })))
}

#[derive(Serialize, ToSchema)]
pub struct CommentAuthorOut {
    /// The pseud's name, or the name a guest gave.
    pub name: String,
    /// The account's username; null for a guest.
    pub username: Option<String>,
    pub pseud_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CommentOut {
    pub id: i64,
    pub work_id: i64,
    pub chapter_id: i64,
    pub parent_id: Option<i64>,
    /// 1 for a top-level comment.
    pub depth: u32,
    pub author: CommentAuthorOut,
    /// Sanitized HTML; empty when deleted (or hidden, unless you moderate).
    pub content: String,
    /// `published`, or `held` for approval (seen by the work's creators and the writer).
    pub state: String,
    pub deleted: bool,
    pub hidden: bool,
    pub frozen: bool,
    /// RFC 3339.
    pub created: String,
    pub edited: Option<String>,
    /// Replies, oldest first, to five levels below the top.
    #[schema(no_recursion)]
    pub replies: Vec<CommentOut>,
    /// It has replies deeper than shown: fetch them from `GET /api/v1/comments/{id}`.
    pub more_replies: bool,
}

impl CommentOut {
    fn new(node: CommentNode) -> CommentOut {
        let c = node.comment;
        CommentOut {
            id: c.id.0,
            work_id: c.work_id.0,
            chapter_id: c.chapter_id.0,
            parent_id: c.parent_id.map(|p| p.0),
            depth: c.depth,
            author: CommentAuthorOut {
                name: c.author.name,
                username: c.author.username,
                pseud_id: c.author.pseud.map(|p| p.0),
            },
            content: c.content,
            state: c.state.as_str().to_owned(),
            deleted: c.deleted,
            hidden: c.hidden,
            frozen: c.frozen,
            created: super::dto::stamp(c.created_at),
            edited: c.edited_at.map(super::dto::stamp),
            more_replies: node.continues,
            replies: node.children.into_iter().map(CommentOut::new).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CommentPage {
    /// Top-level comments, oldest first, each with its replies.
    pub comments: Vec<CommentOut>,
    /// Top-level comments you can see.
    pub total: u64,
    pub next_cursor: Option<String>,
}

fn encode_after(id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("c{id}"))
}

fn decode_after(cursor: &str) -> AppResult<i64> {
    let bad = || AppError::BadRequest("That cursor is not one this API gave out; start again without it.".into());
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix('c').and_then(|n| n.parse::<i64>().ok()).filter(|n| *n >= 0).ok_or_else(bad)
}

fn reader(viewer: Viewer) -> CommentReader {
    CommentReader {
        user: match viewer {
            Viewer::Member(u) => Some(u),
            Viewer::Guest => None,
        },
    }
}

/// A work's comments as threads, 25 top-level comments a page.
#[utoipa::path(
    get,
    path = "/api/v1/works/{id}/comments",
    params(("id" = i64, Path), ("cursor" = Option<String>, Query, description = "next_cursor from the previous page")),
    responses((status = 200, body = CommentPage), (status = 400, body = ErrorOut), (status = 404, body = ErrorOut)),
    security((), ("token" = []))
)]
pub async fn list_comments(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    uri: Uri,
) -> AppResult<Json<CommentPage>> {
    let work: WorkId = path_id(&id)?;
    let work = state.store.work(work, viewer).await?.ok_or(AppError::NotFound)?;
    let after = match crate::api::cursor_param(&uri) {
        Some(c) => Some(CommentId(decode_after(&c)?)),
        None => None,
    };
    let page = state.store.work_comments(work.id, reader(viewer), after, COMMENTS_PER_PAGE).await?;
    let next_cursor =
        (page.roots.len() as u32 == COMMENTS_PER_PAGE).then(|| page.roots.last().map(|r| encode_after(r.0))).flatten();
    Ok(Json(CommentPage {
        total: page.total,
        next_cursor,
        comments: tree(page.comments, &page.roots).into_iter().map(CommentOut::new).collect(),
    }))
}

/// One comment with its replies, five levels down.
#[utoipa::path(
    get,
    path = "/api/v1/comments/{id}",
    params(("id" = i64, Path)),
    responses((status = 200, body = CommentOut), (status = 404, body = ErrorOut)),
    security((), ("token" = []))
)]
pub async fn show_comment(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> AppResult<Json<CommentOut>> {
    let id: CommentId = path_id(&id)?;
    let comments = state.store.comment_thread(id, reader(viewer)).await?.ok_or(AppError::NotFound)?;
    let work = comments.first().map(|c| c.work_id).ok_or(AppError::NotFound)?;
    state.store.work(work, viewer).await?.ok_or(AppError::NotFound)?;
    tree(comments, &[id]).into_iter().next().map(|n| Json(CommentOut::new(n))).ok_or(AppError::NotFound)
}

/// A new comment, or a reply with `parent_id`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    /// The comment, up to the archive's comment limit (10,000 characters by default).
    pub content: String,
    /// `html` (the default), `markdown` or `plain`.
    #[serde(default)]
    pub format: Option<String>,
    /// The chapter; the work's last chapter when absent. Ignored for a reply.
    #[serde(default)]
    pub chapter_id: Option<i64>,
    /// The comment this replies to.
    #[serde(default)]
    pub parent_id: Option<i64>,
    /// One of your pseuds; your default pseud when absent.
    #[serde(default)]
    pub pseud_id: Option<i64>,
}

fn format_of(format: Option<&str>) -> AppResult<TextFormat> {
    match format {
        None => Ok(TextFormat::Html),
        Some(f) => f.parse().map_err(|_| {
            let mut errors = flourish_core::ValidationErrors::default();
            errors.add("format", "Use html, markdown or plain.");
            AppError::Invalid(errors)
        }),
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/works/{id}/comments",
    params(("id" = i64, Path)),
    request_body = CommentInput,
    responses(
        (status = 201, body = CommentOut, description = "Posted, or held for the creator's approval (state says which)"),
        (status = 403, body = ErrorOut, description = "Comments off, blocked, frozen thread, suspended account"),
        (status = 404, body = ErrorOut, description = "No such work, chapter or parent comment"),
        (status = 422, body = ErrorOut, description = "Empty, too long, repeated, or a reply to a deleted comment"),
        (status = 429, body = ErrorOut, description = "Too many comments too quickly; see Retry-After"),
    ),
    security(("token" = []))
)]
pub async fn create_comment(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CommentInput>,
) -> AppResult<(StatusCode, Json<CommentOut>)> {
    let work: WorkId = path_id(&id)?;
    let new = NewComment {
        work,
        chapter: input.chapter_id.map(ChapterId),
        parent: input.parent_id.map(CommentId),
        content: input.content,
        format: format_of(input.format.as_deref())?,
        by: Commenter::Member { user: account.id, pseud: input.pseud_id.map(PseudId) },
    };
    let comment = state.store.add_comment(&new).await?;
    state.page_cache.forget(work);
    let id = comment.id;
    let node = tree(vec![comment], &[id]).pop().ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(CommentOut::new(node))))
}

/// A new text for one's own comment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentEdit {
    pub content: String,
    #[serde(default)]
    pub format: Option<String>,
}

#[utoipa::path(
    put,
    path = "/api/v1/comments/{id}",
    params(("id" = i64, Path)),
    request_body = CommentEdit,
    responses(
        (status = 200, body = CommentOut),
        (status = 403, body = ErrorOut, description = "Not your comment, or a frozen thread"),
        (status = 404, body = ErrorOut),
        (status = 409, body = ErrorOut, description = "Someone replied, so it can no longer be edited"),
        (status = 422, body = ErrorOut),
    ),
    security(("token" = []))
)]
pub async fn update_comment(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CommentEdit>,
) -> AppResult<Json<CommentOut>> {
    let id: CommentId = path_id(&id)?;
    let format = format_of(input.format.as_deref())?;
    let comment = state.store.edit_comment(id, account.id, &input.content, format).await?;
    state.page_cache.forget(comment.work_id);
    let node = tree(vec![comment], &[id]).pop().ok_or(AppError::NotFound)?;
    Ok(Json(CommentOut::new(node)))
}

#[utoipa::path(
    delete,
    path = "/api/v1/comments/{id}",
    params(("id" = i64, Path)),
    responses(
        (status = 204, description = "Deleted; a comment with replies stays as a placeholder"),
        (status = 403, body = ErrorOut),
        (status = 404, body = ErrorOut),
    ),
    security(("token" = []))
)]
pub async fn delete_comment(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id: CommentId = path_id(&id)?;
    let comment = state.store.comment(id, CommentReader { user: Some(account.id) }).await?.ok_or(AppError::NotFound)?;
    state.store.delete_comment(id, account.id).await?;
    state.page_cache.forget(comment.work_id);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: i64,
    /// comment, reply, kudos, held, co_creator, moderation or report.
    pub kind: String,
    pub work_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub actor: String,
    pub title: String,
    pub body: String,
    /// An absolute URL on this archive.
    pub url: String,
    pub read: bool,
    pub created: String,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationPage {
    /// Newest first.
    pub notifications: Vec<NotificationOut>,
    pub unread: u32,
    pub next_cursor: Option<String>,
}

/// The token owner's inbox, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/notifications",
    params(("cursor" = Option<String>, Query, description = "next_cursor from the previous page")),
    responses((status = 200, body = NotificationPage), (status = 401, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn notifications(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    uri: Uri,
) -> AppResult<Json<NotificationPage>> {
    let Viewer::Member(user) = viewer else {
        return Err(AppError::Unauthorized(
            "Your notifications need your API token: Authorization: Bearer TOKEN.".into(),
        ));
    };
    let before = match crate::api::cursor_param(&uri) {
        Some(c) => Some(NotificationId(decode_after(&c)?)),
        None => None,
    };
    let items = state.store.notifications_before(user, before, NOTIFICATIONS_PER_PAGE).await?;
    let next_cursor =
        (items.len() as u32 == NOTIFICATIONS_PER_PAGE).then(|| items.last().map(|n| encode_after(n.id.0))).flatten();
    let unread = state.store.account(user).await?.map_or(0, |a| a.unread_notifications);
    Ok(Json(NotificationPage {
        unread,
        next_cursor,
        notifications: items
            .into_iter()
            .map(|n| NotificationOut {
                id: n.id.0,
                kind: n.kind.as_str().to_owned(),
                work_id: n.work_id.map(|w| w.0),
                comment_id: n.comment_id.map(|c| c.0),
                actor: n.actor,
                title: n.title,
                body: n.body,
                url: state.config.url(&n.url),
                read: n.read,
                created: super::dto::stamp(n.created_at),
            })
            .collect(),
    }))
}

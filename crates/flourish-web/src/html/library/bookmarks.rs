//! Bookmarks in the pages: the box under a work, a work's bookmarks, an account's
//! bookmarks with the bookmark sidebar, and deleting. Private bookmarks are shown to their
//! owner only, by the store's one condition; nothing here decides visibility.

use crate::auth::{Visitor, Writer};
use crate::error::{AppError, AppResult, path_id};
use crate::html::form::FormData;
use crate::html::{PageQuery, render};
use crate::query_string::query_param;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use flourish_core::{
    Account, Bookmark, BookmarkFields, BookmarkId, BookmarkTarget, PseudId, TextFormat, UserId, Viewer, Work, WorkId,
};
use flourish_store::{AccountStore, BookmarkFilter, BookmarkSort, BookmarkStore, IndexSource};
use serde::Serialize;

const PER_PAGE: u32 = 20;

/// The bookmark box under a work, for a member: their bookmark to edit, or a new one.
#[derive(Serialize)]
pub struct BookmarkBox {
    pub action: String,
    pub existing: bool,
    pub delete_action: Option<String>,
    pub notes: String,
    pub tags: String,
    pub private: bool,
    pub rec: bool,
    /// (id, name, selected)
    pub pseuds: Vec<(i64, String, bool)>,
}

impl BookmarkBox {
    pub async fn for_work(state: &AppState, account: &Account, work: WorkId) -> AppResult<BookmarkBox> {
        let mine = state.store.bookmark_of_work(account.id, work).await?;
        let pseuds = state.store.pseuds_of(account.id).await?;
        let chosen = mine.as_ref().map(|b| b.pseud.id);
        Ok(BookmarkBox {
            action: format!("/works/{work}/bookmark"),
            existing: mine.is_some(),
            delete_action: mine.as_ref().map(|b| format!("/bookmarks/{}/delete", b.id.0)),
            notes: mine.as_ref().map(|b| b.notes.clone()).unwrap_or_default(),
            tags: mine.as_ref().map(|b| b.tags.join(", ")).unwrap_or_default(),
            private: mine.as_ref().is_some_and(|b| b.private),
            rec: mine.as_ref().is_some_and(|b| b.rec),
            pseuds: pseuds
                .into_iter()
                .map(|p| {
                    let selected = chosen.map_or(p.is_default, |c| c == p.id);
                    (p.id.0, p.name, selected)
                })
                .collect(),
        })
    }
}

fn fields_from(form: &FormData) -> BookmarkFields {
    BookmarkFields {
        pseud: form.get("pseud_id").parse().ok().map(PseudId),
        notes: form.get("notes").to_owned(),
        notes_format: TextFormat::Html,
        tags: vec![form.get("tags").to_owned()],
        private: form.get("private") == "1",
        rec: form.get("rec") == "1",
    }
}

/// `POST /works/{id}/bookmark`: a new bookmark, or the member's one rewritten.
pub async fn save(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let work: WorkId = path_id(&id)?;
    let fields = fields_from(&form);
    match state.store.bookmark_of_work(account.id, work).await? {
        Some(existing) => state.store.update_bookmark(account.id, existing.id, &fields).await?,
        None => {
            state.store.create_bookmark(account.id, &BookmarkTarget::Work(work), &fields).await?;
        }
    }
    state.page_cache.forget(work);
    Ok(Redirect::to(&format!("/works/{work}?notice=bookmarked#bookmark")).into_response())
}

/// `POST /bookmarks/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: BookmarkId = path_id(&id)?;
    let found = state.store.bookmark(id, Some(account.id)).await?.filter(|b| b.user == account.id);
    let Some(found) = found else { return Err(AppError::NotFound) };
    state.store.delete_bookmark(account.id, id).await?;
    if let BookmarkTarget::Work(work) = found.target {
        state.page_cache.forget(work);
    }
    Ok(Redirect::to(&format!("/users/{}/bookmarks?notice=deleted", account.username)).into_response())
}

/// One bookmark on a list: the thing kept, and what the bookmarker said.
#[derive(Serialize)]
struct BookmarkView {
    id: i64,
    kind: &'static str,
    work: Option<crate::views::WorkView>,
    /// For a series or an external work: its title and where it is.
    title: String,
    url: String,
    creator: String,
    unavailable: bool,
    bookmarker: String,
    bookmarker_url: String,
    notes: String,
    tags: Vec<(String, String)>,
    private: bool,
    rec: bool,
    date: String,
    delete_action: Option<String>,
}

async fn views(state: &AppState, viewer: Viewer, list: Vec<Bookmark>, owner_url: &str) -> AppResult<Vec<BookmarkView>> {
    let ids: Vec<WorkId> = list
        .iter()
        .filter_map(|b| match b.target {
            BookmarkTarget::Work(w) => Some(w),
            _ => None,
        })
        .collect();
    let works: Vec<Work> = state.store.works_for_index(&ids).await?;
    let member = matches!(viewer, Viewer::Member(_));
    let me = match viewer {
        Viewer::Member(u) => Some(u),
        Viewer::Guest => None,
    };
    let mut out = Vec::with_capacity(list.len());
    for b in list {
        let mut view = BookmarkView {
            id: b.id.0,
            kind: b.target.kind(),
            work: None,
            title: String::new(),
            url: String::new(),
            creator: String::new(),
            unavailable: false,
            bookmarker: b.pseud.byline(),
            bookmarker_url: format!("/users/{}/bookmarks", b.pseud.username),
            notes: b.notes.clone(),
            tags: b.tags.iter().map(|t| (t.clone(), format!("{owner_url}?tags={}", urlencoding(t)))).collect(),
            private: b.private,
            rec: b.rec,
            date: crate::views::date(
                time::OffsetDateTime::from_unix_timestamp(b.created_at).unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
            ),
            delete_action: (me == Some(b.user)).then(|| format!("/bookmarks/{}/delete", b.id.0)),
        };
        match &b.target {
            BookmarkTarget::Work(id) => match works.iter().find(|w| w.id == *id) {
                Some(w) if w.is_listed() && (member || !w.restricted) => {
                    view.work = Some(crate::views::WorkView::new(w))
                }
                _ => view.unavailable = true,
            },
            BookmarkTarget::Series(id) => match flourish_store::SeriesStore::series(&state.store, *id).await? {
                Some(s) => {
                    view.title = s.title.clone();
                    view.url = format!("/series/{}", id.0);
                    view.creator = s.creators.iter().map(|p| p.byline()).collect::<Vec<_>>().join(", ");
                }
                None => view.unavailable = true,
            },
            BookmarkTarget::External(e) => {
                view.title = e.title.clone();
                view.url = e.url.clone();
                view.creator = e.creator.clone();
            }
        }
        out.push(view);
    }
    Ok(out)
}

fn urlencoding(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The sidebar's choices, read from the query string, and echoed back into the form.
#[derive(Serialize, Default)]
struct SidebarView {
    tags: String,
    exclude_tags: String,
    rec: bool,
    with_notes: bool,
    kind: String,
    sort: &'static str,
}

fn sidebar(uri: &Uri) -> (BookmarkFilter, SidebarView) {
    let text = |name: &str| query_param(uri, name).unwrap_or_default();
    let split = |v: &str| v.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    let yes = |name: &str| query_param(uri, name).is_some_and(|v| v == "1" || v == "true");
    let kind = text("kind");
    let kind = matches!(kind.as_str(), "work" | "series" | "external").then_some(kind);
    let (sort, sort_name) = match text("sort").as_str() {
        "updated" => (BookmarkSort::Updated, "updated"),
        "kudos" => (BookmarkSort::Kudos, "kudos"),
        _ => (BookmarkSort::Bookmarked, "bookmarked"),
    };
    let filter = BookmarkFilter {
        tags: split(&text("tags")),
        exclude_tags: split(&text("exclude_tags")),
        rec_only: yes("rec"),
        with_notes: yes("with_notes"),
        kind: kind.clone(),
        sort,
        ..Default::default()
    };
    let view = SidebarView {
        tags: text("tags"),
        exclude_tags: text("exclude_tags"),
        rec: filter.rec_only,
        with_notes: filter.with_notes,
        kind: kind.unwrap_or_default(),
        sort: sort_name,
    };
    (filter, view)
}

#[derive(Serialize)]
struct ListCtx {
    heading: String,
    base_url: String,
    show_kind: bool,
    sidebar: SidebarView,
    bookmarks: Vec<BookmarkView>,
    total: u64,
    pages: Vec<(u32, String)>,
    page: u32,
    notice: Option<&'static str>,
}

fn page_links(base: &str, uri: &Uri, count: u32) -> Vec<(u32, String)> {
    let kept: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k != "page")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    (1..=count.max(1))
        .map(|n| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.extend_pairs(kept.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            query.append_pair("page", &n.to_string());
            (n, format!("{base}?{}", query.finish()))
        })
        .collect()
}

/// `GET /users/{username}/bookmarks`: everything its owner keeps, private too for them.
pub async fn of_user(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(username): Path<String>,
    query: PageQuery,
    uri: Uri,
) -> AppResult<Response> {
    let user = state.store.user_by_name(&username).await?.ok_or(AppError::NotFound)?;
    let viewer_id: Option<UserId> = visitor.account.as_ref().map(|a| a.id);
    let (filter, sidebar) = sidebar(&uri);
    let base = format!("/users/{}/bookmarks", user.username);
    let page = state.store.user_bookmarks(user.id, viewer_id, &filter, query.page(), PER_PAGE).await?;
    let ctx = ListCtx {
        heading: format!("{} bookmark{} by {}", page.total, if page.total == 1 { "" } else { "s" }, user.username),
        pages: page_links(&base, &uri, page.page_count()),
        page: page.page,
        total: page.total,
        bookmarks: views(&state, visitor.viewer(), page.items, &base).await?,
        show_kind: true,
        sidebar,
        notice: (query_param(&uri, "notice").as_deref() == Some("deleted")).then_some("The bookmark was deleted."),
        base_url: base,
    };
    let title = format!("Bookmarks by {}", user.username);
    Ok(render(&state, &visitor, "bookmarks.html", &title, ctx).await?.into_response())
}

/// `GET /works/{id}/bookmarks`: the work's public bookmarks (and the viewer's own).
pub async fn of_work(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    query: PageQuery,
    uri: Uri,
) -> AppResult<Response> {
    let work: WorkId = path_id(&id)?;
    let work =
        flourish_store::WorkStore::work(&state.store, work, visitor.viewer()).await?.ok_or(AppError::NotFound)?;
    let (mut filter, sidebar) = sidebar(&uri);
    filter.kind = None;
    let base = format!("/works/{}/bookmarks", work.id);
    let viewer_id = visitor.account.as_ref().map(|a| a.id);
    let page = state.store.work_bookmarks(work.id, viewer_id, &filter, query.page(), PER_PAGE).await?;
    let ctx = ListCtx {
        heading: format!("{} bookmark{} of {}", page.total, if page.total == 1 { "" } else { "s" }, work.title),
        pages: page_links(&base, &uri, page.page_count()),
        page: page.page,
        total: page.total,
        bookmarks: views(&state, visitor.viewer(), page.items, &base).await?,
        show_kind: false,
        sidebar,
        notice: None,
        base_url: base,
    };
    let title = format!("Bookmarks of {}", work.title);
    Ok(render(&state, &visitor, "bookmarks.html", &title, ctx).await?.into_response())
}

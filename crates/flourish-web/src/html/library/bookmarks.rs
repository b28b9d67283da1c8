//! Bookmarks in the pages: the box under a work, a work's bookmarks, an account's
//! bookmarks with the bookmark sidebar, and deleting. Private bookmarks are shown to their
//! owner only, by the store's one condition; nothing here decides visibility.

use crate::auth::{Visitor, Writer};
use crate::error::{AppError, AppResult, path_id};
use crate::html::form::{FieldErrors, FormData, invalid};
use crate::html::{PageQuery, render};
use crate::query_string::query_param;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use flourish_core::{
    Account, Bookmark, BookmarkFields, BookmarkId, BookmarkTarget, ExternalWork, PseudId, SeriesId, TextFormat, UserId,
    Viewer, Work, WorkId,
};
use flourish_store::{AccountStore, BookmarkFilter, BookmarkSort, BookmarkStore, IndexSource, StoreError};
use serde::Serialize;

const PER_PAGE: u32 = 20;
/// The longest a reader's own bookmarks page waits for the index to take in their writes
/// before it reads them from the database instead.
const OWN_WRITES_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// The bookmark box under a work, for a member: their bookmark to edit, or a new one.
#[derive(Serialize)]
pub struct BookmarkBox {
    /// What the closed box says: "Bookmark this work" or "Bookmark this series".
    pub label: &'static str,
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
    /// The box for a work (`/works/{id}/bookmark`) or a series (`/series/{id}/bookmark`).
    pub async fn for_target(state: &AppState, account: &Account, target: &BookmarkTarget) -> AppResult<BookmarkBox> {
        let (mine, action) = match target {
            BookmarkTarget::Work(work) => {
                (state.store.bookmark_of_work(account.id, *work).await?, format!("/works/{work}/bookmark"))
            }
            BookmarkTarget::Series(series) => {
                (state.store.bookmark_of_series(account.id, *series).await?, format!("/series/{}/bookmark", series.0))
            }
            BookmarkTarget::External(_) => (None, "/bookmarks".to_owned()),
        };
        let pseuds = state.store.pseuds_of(account.id).await?;
        let chosen = mine.as_ref().map(|b| b.pseud.id);
        Ok(BookmarkBox {
            label: if matches!(target, BookmarkTarget::Series(_)) {
                "Bookmark this series"
            } else {
                "Bookmark this work"
            },
            action,
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
        bookmarked_at: None,
    }
}

/// `POST /works/{id}/bookmark`: a new bookmark, or the member's one rewritten.
pub async fn save_work(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let work: WorkId = path_id(&id)?;
    save(&state, &visitor, &account, BookmarkTarget::Work(work), &form).await
}

/// `POST /series/{id}/bookmark`.
pub async fn save_series(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let series: SeriesId = path_id(&id)?;
    save(&state, &visitor, &account, BookmarkTarget::Series(series), &form).await
}

/// `GET /bookmarks/new`: bookmarking a work published elsewhere.
pub async fn new_external(State(state): State<AppState>, Writer(visitor, account): Writer) -> AppResult<Response> {
    let target = BookmarkTarget::External(ExternalWork::default());
    let view = FormView::new(&state, &account, &target, None, FieldErrors::default()).await?;
    Ok(render(&state, &visitor, "bookmarks/form.html", &view.heading.clone(), view).await?.into_response())
}

/// `POST /bookmarks`: a new bookmark of a work elsewhere.
pub async fn create_external(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    form: FormData,
) -> AppResult<Response> {
    let lines =
        |name: &str| form.get(name).split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect();
    let target = BookmarkTarget::External(ExternalWork {
        url: form.get("url").trim().to_owned(),
        title: form.get("title").to_owned(),
        creator: form.get("creator").to_owned(),
        fandoms: lines("fandoms"),
        summary: form.get("summary").to_owned(),
        tags: lines("external_tags"),
    });
    save(&state, &visitor, &account, target, &form).await
}

/// Creates or rewrites the member's bookmark of `target`; bad input comes back on a form
/// page with everything that was typed.
async fn save(
    state: &AppState,
    visitor: &Visitor,
    account: &Account,
    target: BookmarkTarget,
    form: &FormData,
) -> AppResult<Response> {
    let fields = fields_from(form);
    let existing = match &target {
        BookmarkTarget::Work(work) => state.store.bookmark_of_work(account.id, *work).await?,
        BookmarkTarget::Series(series) => state.store.bookmark_of_series(account.id, *series).await?,
        BookmarkTarget::External(_) => None,
    };
    let saved = match &existing {
        Some(b) => state.store.update_bookmark(account.id, b.id, &fields).await,
        None => state.store.create_bookmark(account.id, &target, &fields).await.map(|_| ()),
    };
    match saved {
        Ok(()) => {}
        Err(StoreError::Invalid(v)) => {
            let mut errors = FieldErrors::default();
            errors.extend(&v);
            let view = FormView::new(state, account, &target, Some(form), errors).await?;
            let heading = view.heading.clone();
            return Ok(invalid(render(state, visitor, "bookmarks/form.html", &heading, view).await?));
        }
        Err(e) => return Err(e.into()),
    }
    let back = match target {
        BookmarkTarget::Work(work) => {
            state.page_cache.forget(work);
            format!("/works/{work}?notice=bookmarked#bookmark")
        }
        BookmarkTarget::Series(series) => format!("/series/{}#bookmark", series.0),
        BookmarkTarget::External(_) => format!("/users/{}/bookmarks", account.username),
    };
    Ok(Redirect::to(&back).into_response())
}

/// The whole bookmark form on a page of its own: for a work elsewhere, or when a bookmark
/// came back with errors.
#[derive(Serialize)]
struct FormView {
    heading: String,
    action: String,
    /// The work or series bookmarked: (title, url).
    on: Option<(String, String)>,
    external: bool,
    url: String,
    title: String,
    creator: String,
    fandoms: String,
    summary: String,
    external_tags: String,
    notes: String,
    tags: String,
    private: bool,
    rec: bool,
    pseuds: Vec<(i64, String, bool)>,
    errors: FieldErrors,
}

impl FormView {
    async fn new(
        state: &AppState,
        account: &Account,
        target: &BookmarkTarget,
        typed: Option<&FormData>,
        errors: FieldErrors,
    ) -> AppResult<FormView> {
        let boxed = BookmarkBox::for_target(state, account, target).await?;
        let on = match target {
            BookmarkTarget::Work(work) => {
                flourish_store::WorkStore::work(&state.store, *work, Viewer::Member(account.id))
                    .await?
                    .map(|w| (w.title, format!("/works/{work}")))
            }
            BookmarkTarget::Series(series) => flourish_store::SeriesStore::series(&state.store, *series)
                .await?
                .map(|s| (s.title, format!("/series/{}", series.0))),
            BookmarkTarget::External(_) => None,
        };
        let typed_or = |name: &str, kept: String| typed.map_or(kept, |f| f.get(name).to_owned());
        let chosen: Option<i64> = typed.and_then(|f| f.get("pseud_id").parse().ok());
        Ok(FormView {
            heading: match (&on, boxed.existing) {
                (Some((title, _)), true) => format!("Edit your bookmark of {title}"),
                (Some((title, _)), false) => format!("Bookmark {title}"),
                (None, _) => "Bookmark a work elsewhere".to_owned(),
            },
            action: boxed.action,
            external: matches!(target, BookmarkTarget::External(_)),
            on,
            url: typed_or("url", String::new()),
            title: typed_or("title", String::new()),
            creator: typed_or("creator", String::new()),
            fandoms: typed_or("fandoms", String::new()),
            summary: typed_or("summary", String::new()),
            external_tags: typed_or("external_tags", String::new()),
            notes: typed_or("notes", boxed.notes),
            tags: typed_or("tags", boxed.tags),
            private: typed.map_or(boxed.private, |f| f.get("private") == "1"),
            rec: typed.map_or(boxed.rec, |f| f.get("rec") == "1"),
            pseuds: boxed
                .pseuds
                .into_iter()
                .map(|(id, name, selected)| (id, name, chosen.map_or(selected, |c| c == id)))
                .collect(),
            errors,
        })
    }
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
            date: crate::views::local_date(crate::views::unix(b.created_at)),
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
    work_tags: String,
    exclude_work_tags: String,
    language: String,
    words_from: String,
    words_to: String,
    date_from: String,
    date_to: String,
    rec: bool,
    with_notes: bool,
    kind: String,
    sort: &'static str,
}

/// The sidebar's choices; the works' tags are given by name and found here (an unknown
/// name to include matches nothing; one to exclude changes nothing).
async fn sidebar(state: &AppState, uri: &Uri) -> AppResult<(BookmarkFilter, SidebarView)> {
    let (mut filter, view) = sidebar_fields(uri);
    for (names, ids, include) in [
        (&view.work_tags, &mut filter.work_tags, true),
        (&view.exclude_work_tags, &mut filter.exclude_work_tags, false),
    ] {
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match flourish_store::TagStore::tag_by_name(&state.store, name).await? {
                Some(tag) => ids.push(tag.id.0),
                None if include => ids.push(-1),
                None => {}
            }
        }
    }
    Ok((filter, view))
}

fn sidebar_fields(uri: &Uri) -> (BookmarkFilter, SidebarView) {
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
    let number = |name: &str| text(name).trim().parse::<u64>().ok();
    // A day as YYYY-MM-DD: from its first second, to its last.
    let day = |name: &str, end: bool| {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(text(name).trim(), &format).ok().map(|d| {
            let start = d.midnight().assume_utc().unix_timestamp();
            if end { start + 86_399 } else { start }
        })
    };
    let filter = BookmarkFilter {
        language: Some(text("language").trim().to_owned()).filter(|l| !l.is_empty()),
        words_from: number("words_from"),
        words_to: number("words_to"),
        bookmarked_from: day("date_from", false),
        bookmarked_to: day("date_to", true),
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
        work_tags: text("work_tags"),
        exclude_work_tags: text("exclude_work_tags"),
        language: text("language"),
        words_from: text("words_from"),
        words_to: text("words_to"),
        date_from: text("date_from"),
        date_to: text("date_to"),
        rec: filter.rec_only,
        with_notes: filter.with_notes,
        kind: kind.unwrap_or_default(),
        sort: sort_name,
    };
    (filter, view)
}

/// A tag in the sidebar's counts: its name, how many of the listed bookmarks carry it, and
/// the listing with it added to the filter.
#[derive(Serialize)]
struct FacetView {
    name: String,
    count: u64,
    url: String,
}

/// The sidebar's counts over every bookmark the listing found: the bookmarkers' tags, and
/// the works' by kind.
#[derive(Serialize, Default)]
struct FacetsView {
    tags: Vec<FacetView>,
    work_tags: Vec<(&'static str, Vec<FacetView>)>,
}

/// One page of a bookmark listing from the search index, with its facets; the bookmarks
/// themselves are read (and their visibility checked again) from the database.
async fn from_index(
    state: &AppState,
    scope: flourish_search::BookmarkScope,
    viewer: Option<UserId>,
    filter: &BookmarkFilter,
    page: u32,
    base: &str,
    uri: &Uri,
) -> AppResult<(flourish_store::Page<Bookmark>, FacetsView)> {
    let query = flourish_search::BookmarkQuery {
        scope,
        viewer: viewer.map_or(0, |v| v.0),
        member: viewer.is_some(),
        filter: filter.clone(),
        page: page.max(1),
        per_page: PER_PAGE,
    };
    // Read your own writes: a reader who just bookmarked something and opens their list
    // waits (briefly) for the index to take it in. The indexer polls every 200 ms; on a busy
    // machine it can fall further behind, and then the page itself comes from the database
    // (the sidebar's counts may lag a moment; the list may not).
    let mut behind_for: Option<UserId> = None;
    if let (flourish_search::BookmarkScope::Owner(owner), Some(viewer)) = (scope, viewer)
        && owner == viewer.0
    {
        let head = flourish_store::BookmarkIndexSource::bookmark_outbox_head(&state.store).await?;
        let deadline = std::time::Instant::now() + OWN_WRITES_WAIT;
        while state.search.bookmarks.position() < head && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        if state.search.bookmarks.position() < head {
            behind_for = Some(viewer);
        }
    }
    let search = state.search.clone();
    let found = tokio::task::spawn_blocking(move || search.bookmarks.search(&query, &search.graph()))
        .await
        .map_err(|e| AppError::Internal(format!("search task: {e}").into()))?
        .map_err(|e| AppError::Internal(Box::new(e)))?;
    let (items, total) = if let Some(owner) = behind_for {
        let page = state.store.user_bookmarks(owner, viewer, filter, page.max(1), PER_PAGE).await?;
        (page.items, page.total)
    } else {
        let ids: Vec<BookmarkId> = found.ids.iter().map(|id| BookmarkId(*id)).collect();
        (state.store.bookmarks_by_ids(&ids, viewer).await?, found.total)
    };
    // Each facet adds its tag to the chosen ones.
    let with = |param: &str, name: &str| {
        let mut pairs: Vec<(String, String)> = uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
            .unwrap_or_default();
        pairs.retain(|(k, _)| k != "page");
        match pairs.iter_mut().find(|(k, _)| k == param) {
            Some((_, v)) if !v.trim().is_empty() => *v = format!("{v}, {name}"),
            Some((_, v)) => *v = name.to_owned(),
            None => pairs.push((param.to_owned(), name.to_owned())),
        }
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        format!("{base}?{}", query.finish())
    };
    let chosen = |list: &[String], name: &str| list.iter().any(|t| t.eq_ignore_ascii_case(name));
    let facets = FacetsView {
        tags: found
            .tags
            .iter()
            .filter(|(name, _)| !chosen(&filter.tags, name))
            .map(|(name, count)| FacetView { name: name.clone(), count: *count, url: with("tags", name) })
            .collect(),
        work_tags: found
            .work_tags
            .iter()
            .map(|(kind, group)| {
                let facets = group
                    .iter()
                    .map(|(_, name, count)| FacetView {
                        name: name.clone(),
                        count: *count,
                        url: with("work_tags", name),
                    })
                    .collect();
                (kind.label(2), facets)
            })
            .collect(),
    };
    Ok((flourish_store::Page { items, page: page.max(1), per_page: PER_PAGE, total }, facets))
}

#[derive(Serialize)]
struct ListCtx {
    heading: String,
    base_url: String,
    show_kind: bool,
    sidebar: SidebarView,
    facets: FacetsView,
    bookmarks: Vec<BookmarkView>,
    total: u64,
    pages: Vec<(u32, String)>,
    page: u32,
    notice: Option<&'static str>,
    /// The viewer's own bookmarks: offer bookmarking a work elsewhere.
    own: bool,
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
    let (filter, sidebar) = sidebar(&state, &uri).await?;
    let base = format!("/users/{}/bookmarks", user.username);
    let scope = flourish_search::BookmarkScope::Owner(user.id.0);
    let (page, facets) = from_index(&state, scope, viewer_id, &filter, query.page(), &base, &uri).await?;
    let ctx = ListCtx {
        facets,
        heading: format!("{} bookmark{} by {}", page.total, if page.total == 1 { "" } else { "s" }, user.username),
        pages: page_links(&base, &uri, page.page_count()),
        page: page.page,
        total: page.total,
        bookmarks: views(&state, visitor.viewer(), page.items, &base).await?,
        show_kind: true,
        sidebar,
        notice: (query_param(&uri, "notice").as_deref() == Some("deleted")).then_some("The bookmark was deleted."),
        own: viewer_id == Some(user.id),
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
    let (mut filter, sidebar) = sidebar(&state, &uri).await?;
    filter.kind = None;
    let base = format!("/works/{}/bookmarks", work.id);
    let viewer_id = visitor.account.as_ref().map(|a| a.id);
    let scope = flourish_search::BookmarkScope::Work(work.id.0);
    let (page, facets) = from_index(&state, scope, viewer_id, &filter, query.page(), &base, &uri).await?;
    let ctx = ListCtx {
        facets,
        heading: format!("{} bookmark{} of {}", page.total, if page.total == 1 { "" } else { "s" }, work.title),
        pages: page_links(&base, &uri, page.page_count()),
        page: page.page,
        total: page.total,
        bookmarks: views(&state, visitor.viewer(), page.items, &base).await?,
        show_kind: false,
        sidebar,
        notice: None,
        own: false,
        base_url: base,
    };
    let title = format!("Bookmarks of {}", work.title);
    Ok(render(&state, &visitor, "bookmarks.html", &title, ctx).await?.into_response())
}

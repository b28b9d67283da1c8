//! The public JSON API under `/api/v1`: works (the same filters, sorts and search as the
//! HTML listing, with cursor pagination), one work with its chapters, tags, pseuds, series;
//! writing works and chapters with a personal API token. The OpenAPI 3.1 document at
//! `/api/v1/openapi.json` is generated from these handlers and types ([`ApiDoc`]).
//!
//! Anyone may read (what guests see; a token shows what its owner may see), under the
//! per-address rate limit. Every error is `{"code", "message"}`, with `fields` for
//! invalid input.

pub mod autocomplete;
pub mod bookmarks;
pub mod conversation;
pub mod dto;
pub mod filters;
pub mod input;
pub mod readings;
pub mod subscriptions;

use crate::audit::{Actor, work_changed};
use crate::error::{AppError, AppResult, path_id};
use crate::listing;
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri, header};
use axum::routing::{get, post, put};
use base64::Engine;
use dto::*;
use flourish_core::{Account, ChapterId, SeriesId, Viewer, WorkId, tag_from_url_segment};
use flourish_store::ApiTokenStore;
use flourish_store::{AccountStore, SeriesStore, TagStore, WorkEditing, WorkStore};
use input::{ApiJson, ChapterInput, WorkInput};
use utoipa::OpenApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/works", get(list_works).post(create_work))
        .route("/api/v1/works/{id}", get(show_work).put(update_work))
        .route("/api/v1/works/{id}/chapters", post(add_chapter))
        .route("/api/v1/works/{id}/chapters/{chapter}", put(update_chapter))
        .route("/api/v1/tags/{name}", get(show_tag))
        .route("/api/v1/pseuds/{username}/{pseud}", get(show_pseud))
        .route("/api/v1/series/{id}", get(show_series))
        .route("/api/v1/search", get(search))
        .route("/api/v1/works/{id}/kudos", post(conversation::give_kudos))
        .route("/api/v1/works/{id}/comments", get(conversation::list_comments).post(conversation::create_comment))
        .route(
            "/api/v1/comments/{id}",
            get(conversation::show_comment).put(conversation::update_comment).delete(conversation::delete_comment),
        )
        .route("/api/v1/notifications", get(conversation::notifications))
        .route("/api/v1/me/bookmarks", get(bookmarks::my_bookmarks).post(bookmarks::create_bookmark))
        .route(
            "/api/v1/me/bookmarks/{id}",
            get(bookmarks::my_bookmark).put(bookmarks::update_bookmark).delete(bookmarks::delete_bookmark),
        )
        .route("/api/v1/works/{id}/bookmarks", get(bookmarks::work_bookmarks))
        .route("/api/v1/me/history", get(readings::history))
        .route("/api/v1/me/history/{work_id}", axum::routing::delete(readings::forget))
        .route("/api/v1/me/later", get(readings::later))
        .route("/api/v1/me/filters", get(filters::list).post(filters::create))
        .route("/api/v1/me/filters/{id}", put(filters::update).delete(filters::delete))
        .route("/api/v1/me/later/{work_id}", put(readings::mark).delete(readings::unmark))
        .route("/api/v1/me/subscriptions", get(subscriptions::list).post(subscriptions::create))
        .route("/api/v1/me/subscriptions/{id}", axum::routing::delete(subscriptions::delete))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Flourish API",
        version = "1",
        description = "Read the archive's works, tags, pseuds, series and comments; post and update works, leave kudos and comments, and read your notifications with a personal API token (made on the account page). Every error is {\"code\", \"message\"}, with \"fields\" for invalid input."
    ),
    paths(
        list_works, search, show_work, create_work, update_work, add_chapter, update_chapter, show_tag, show_pseud,
        show_series, autocomplete::tags, conversation::give_kudos, conversation::list_comments,
        conversation::show_comment, conversation::create_comment, conversation::update_comment,
        conversation::delete_comment, conversation::notifications, bookmarks::my_bookmarks, bookmarks::create_bookmark,
        bookmarks::my_bookmark, bookmarks::update_bookmark, bookmarks::delete_bookmark, bookmarks::work_bookmarks,
        readings::history, readings::forget, readings::later, readings::mark, readings::unmark, filters::list,
        filters::create, filters::update, filters::delete, subscriptions::list, subscriptions::create,
        subscriptions::delete
    ),
    components(schemas(
        ErrorOut, WorkInput, ChapterInput, conversation::CommentInput, conversation::CommentEdit,
        bookmarks::BookmarkInput, bookmarks::BookmarkEdit, bookmarks::ExternalInput, filters::FilterInput,
        subscriptions::SubscriptionInput
    )),
    modifiers(&BearerAuth, &StandardErrors)
)]
pub struct ApiDoc;

/// The errors any operation can answer, added to each that does not describe them itself,
/// so that the document lists every status a client can meet: unreadable input (400), a
/// bad token (401), a path naming nothing (404), invalid or oversized bodies (422, 413),
/// the rate limit (429) and a database that is not answering (503).
struct StandardErrors;

impl utoipa::Modify for StandardErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |why: &str| {
            ResponseBuilder::new()
                .description(why)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorOut"))).build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for operation in operations.into_iter().flatten() {
                let mut standard = vec![
                    ("400", "A parameter or body that cannot be read"),
                    ("401", "An API token that is not valid, or none where one is needed"),
                    ("429", "Too many requests; see Retry-After"),
                    (
                        "503",
                        "The archive cannot serve this now (its database is not answering, or its disk is full); see Retry-After",
                    ),
                ];
                if path.contains('{') {
                    standard.push(("404", "Nothing of that id, or nothing you may see"));
                }
                if operation.request_body.is_some() {
                    standard.push(("413", "A body larger than the archive accepts"));
                    standard.push(("422", "Invalid fields, each named; nothing was saved"));
                }
                for (status, why) in standard {
                    operation.responses.responses.entry(status.to_owned()).or_insert_with(|| error(why).into());
                }
            }
        }
    }
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal API token from the account page."))
                    .build(),
            ),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

// --- Who is asking ----------------------------------------------------------------------------

fn bearer(parts: &Parts) -> Option<&str> {
    parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

async fn token_account(state: &AppState, token: &str) -> AppResult<Account> {
    let bad = || AppError::Unauthorized("That API token is not valid. Make one on your account page.".into());
    if !crate::auth::tokens::is_token(token) {
        return Err(bad());
    }
    let account = state.store.account_by_api_token(&crate::auth::tokens::hash_token(token)).await?.ok_or_else(bad)?;
    if account.status == flourish_core::AccountStatus::Banned {
        return Err(bad());
    }
    Ok(account)
}

/// A reader: a guest, or the owner of the token sent.
pub struct ApiViewer(pub Viewer);

impl ApiViewer {
    /// The token's account, for what only an account has (`what`: "Your bookmarks", said before the request for a token); a
    /// guest is told to send a token.
    pub fn member(&self, what: &str) -> AppResult<flourish_core::UserId> {
        match self.0 {
            Viewer::Member(user) => Ok(user),
            Viewer::Guest => {
                Err(AppError::Unauthorized(format!("{what}: send your API token, as Authorization: Bearer TOKEN.")))
            }
        }
    }
}

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        match bearer(parts) {
            None => Ok(ApiViewer(Viewer::Guest)),
            Some(token) => Ok(ApiViewer(Viewer::Member(token_account(state, token).await?.id))),
        }
    }
}

/// A writer: the owner of a valid token, whose account may write.
/// The token's account, and who it is for the audit log.
pub struct ApiWriter(pub Account, pub Actor);

impl FromRequestParts<AppState> for ApiWriter {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let token = bearer(parts).ok_or_else(|| {
            AppError::Unauthorized("Writing needs a personal API token: Authorization: Bearer TOKEN.".into())
        })?;
        let account = token_account(state, token).await?;
        if !account.can_write() {
            return Err(AppError::suspended());
        }
        let actor = Actor::api(&account, crate::auth::client_address(parts, state.config.trust_proxy));
        Ok(ApiWriter(account, actor))
    }
}

// --- Cursors ----------------------------------------------------------------------------------

/// A cursor is the next page's number, opaque to clients so the scheme can change.
fn encode_cursor(page: u32) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("p{page}"))
}

/// The `cursor` parameter; an empty one is no cursor (the first page), as the schema allows.
pub(crate) fn cursor_param(uri: &Uri) -> Option<String> {
    crate::query_string::query_param(uri, "cursor").filter(|c| !c.trim().is_empty())
}

fn decode_cursor(cursor: &str) -> AppResult<u32> {
    let bad = || AppError::BadRequest("That cursor is not one this API gave out; start again without it.".into());
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix('p').and_then(|n| n.parse::<u32>().ok()).filter(|n| *n >= 1 && *n <= 1_000_000).ok_or_else(bad)
}

// --- Reading ----------------------------------------------------------------------------------

/// The HTML listing's filters, sort and search (`include`, `exclude`, `other_tags`,
/// `excluded_tags`, `crossover`, `complete`, `words_from`, `words_to`, `date_from`,
/// `date_to`, `language`, `q`, `sort`), one page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/works",
    params(
        ("q" = Option<String>, Query, description = "Search, with the search box's language (title:, tag:, words>1000…)", max_length = 1000),
        ("include" = Option<Vec<i64>>, Query, description = "Tag ids every work must match (synonyms and subtags count)", max_items = 100),
        ("exclude" = Option<Vec<i64>>, Query, description = "Tag ids no work may match", max_items = 100),
        ("other_tags" = Option<String>, Query, description = "Tag names to include, comma-separated (at most 100)", pattern = "^[^,，、]*([,，、][^,，、]*){0,99}$"),
        ("excluded_tags" = Option<String>, Query, description = "Tag names to exclude, comma-separated (at most 100)", pattern = "^[^,，、]*([,，、][^,，、]*){0,99}$"),
        ("sort" = Option<String>, Query, description = "best_match, creator, title, posted, updated (default), words, hits, kudos, comments, bookmarks"),
        ("cursor" = Option<String>, Query, description = "next_cursor from the previous page"),
        ("filters" = Option<String>, Query, description = "off: list without the token owner's default filter profile, which otherwise applies"),
    ),
    responses(
        (status = 200, body = WorkPage),
        (status = 400, body = ErrorOut, description = "A filter or cursor that cannot be read"),
        (status = 429, body = ErrorOut, description = "Too many requests; see Retry-After"),
    ),
    security((), ("token" = []))
)]
async fn list_works(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    uri: Uri,
) -> AppResult<Json<WorkPage>> {
    works_page(&state, viewer, &uri).await
}

/// The same as `/api/v1/works`; `q` is the search.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    params(
        ("q" = String, Query, description = "The search", max_length = 1000),
        ("cursor" = Option<String>, Query),
        ("filters" = Option<String>, Query, description = "off: without the token owner's default filter profile"),
    ),
    responses((status = 200, body = WorkPage), (status = 400, body = ErrorOut)),
    security((), ("token" = []))
)]
async fn search(State(state): State<AppState>, ApiViewer(viewer): ApiViewer, uri: Uri) -> AppResult<Json<WorkPage>> {
    if crate::query_string::query_param(&uri, "q").is_none() {
        return Err(AppError::BadRequest("Say what to search for with q (or list works at /api/v1/works).".into()));
    }
    works_page(&state, viewer, &uri).await
}

async fn works_page(state: &AppState, viewer: Viewer, uri: &Uri) -> AppResult<Json<WorkPage>> {
    let page = match cursor_param(uri) {
        Some(c) => decode_cursor(&c)?,
        None => 1,
    };
    let (works, total) = listing::search_works(state, viewer, uri.query(), None, page).await?;
    let per_page = state.config.per_page as u64;
    let next_cursor = (u64::from(page) * per_page < total).then(|| encode_cursor(page + 1));
    Ok(Json(WorkPage { works: works.iter().map(|w| WorkSummary::new(state, w)).collect(), total, next_cursor }))
}

#[utoipa::path(
    get,
    path = "/api/v1/works/{id}",
    params(("id" = i64, Path)),
    responses((status = 200, body = WorkDetail), (status = 404, body = ErrorOut, description = "No such work, or not one you may read")),
    security((), ("token" = []))
)]
async fn show_work(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> AppResult<Json<WorkDetail>> {
    let id: WorkId = path_id(&id)?;
    let work = state.store.work(id, viewer).await?.ok_or(AppError::NotFound)?;
    let chapters = state.store.chapters(id, viewer).await?;
    Ok(Json(WorkDetail {
        notes: work.notes.clone(),
        end_notes: work.end_notes.clone(),
        chapter_list: chapters.iter().map(ChapterOut::new).collect(),
        work: WorkSummary::new(&state, &work),
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/tags/{name}",
    params(("name" = String, Path, description = "The tag's name as in its URL")),
    responses((status = 200, body = TagOut), (status = 404, body = ErrorOut))
)]
async fn show_tag(State(state): State<AppState>, Path(name): Path<String>) -> AppResult<Json<TagOut>> {
    let tag = state.store.tag_by_name(&tag_from_url_segment(&name)).await?.ok_or(AppError::NotFound)?;
    let canonical = match tag.synonym_of {
        Some(id) => state.store.tag(id).await?,
        None => None,
    };
    let filter = canonical.as_ref().unwrap_or(&tag);
    Ok(Json(TagOut {
        id: tag.id.0,
        name: tag.name.clone(),
        kind: tag.kind.as_str().to_owned(),
        canonical: tag.canonical,
        synonym_of: canonical.as_ref().map(|t| t.name.clone()),
        synonyms: tag_names(&state.store.synonyms(filter.id).await?).into_iter().filter(|n| *n != tag.name).collect(),
        metatags: tag_names(&state.store.metatags(filter.id).await?),
        subtags: tag_names(&state.store.subtags(filter.id).await?),
        parents: tag_names(&state.store.parents(filter.id).await?),
        works: state.config.url(&format!("/api/v1/works?include={}", filter.id)),
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/pseuds/{username}/{pseud}",
    params(("username" = String, Path), ("pseud" = String, Path)),
    responses((status = 200, body = PseudOut), (status = 404, body = ErrorOut)),
    security((), ("token" = []))
)]
async fn show_pseud(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path((username, pseud)): Path<(String, String)>,
) -> AppResult<Json<PseudOut>> {
    let pseud = state.store.pseud(&username, &pseud).await?.ok_or(AppError::NotFound)?;
    let works = state.store.works_by_pseud(pseud.id, viewer, 1, state.config.per_page).await?;
    Ok(Json(PseudOut {
        pseud: PseudRef::new(&state, &pseud),
        description: pseud.description.clone(),
        is_default: pseud.is_default,
        works: works.items.iter().map(|w| WorkSummary::new(&state, w)).collect(),
        total_works: works.total,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/series/{id}",
    params(("id" = i64, Path)),
    responses((status = 200, body = SeriesOut), (status = 404, body = ErrorOut)),
    security((), ("token" = []))
)]
async fn show_series(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> AppResult<Json<SeriesOut>> {
    let id: SeriesId = path_id(&id)?;
    let series = state.store.series(id).await?.ok_or(AppError::NotFound)?;
    let works = state.store.series_works(id, viewer).await?;
    if works.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(Json(SeriesOut {
        id: series.id.0,
        title: series.title.clone(),
        summary: series.summary.clone(),
        notes: series.notes.clone(),
        complete: series.complete,
        creators: series.creators.iter().map(|p| PseudRef::new(&state, p)).collect(),
        updated: series.updated_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        works: works
            .iter()
            .map(|(position, w)| SeriesWork { position: *position, work: WorkSummary::new(&state, w) })
            .collect(),
    }))
}

// --- Writing ----------------------------------------------------------------------------------

fn created(state: &AppState, id: WorkId) -> (StatusCode, [(header::HeaderName, String); 1], Json<Created>) {
    let url = state.config.url(&format!("/works/{id}"));
    (StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/works/{id}"))], Json(Created { id: id.0, url }))
}

#[utoipa::path(
    post,
    path = "/api/v1/works",
    request_body = WorkInput,
    responses(
        (status = 201, body = Created),
        (status = 401, body = ErrorOut, description = "No token, or a bad one"),
        (status = 422, body = ErrorOut, description = "Invalid fields, each named; nothing was saved"),
    ),
    security(("token" = []))
)]
async fn create_work(
    State(state): State<AppState>,
    ApiWriter(account, actor): ApiWriter,
    ApiJson(input): ApiJson<WorkInput>,
) -> AppResult<(StatusCode, [(header::HeaderName, String); 1], Json<Created>)> {
    let own = state.store.pseuds_of(account.id).await?;
    let draft = input.draft(&own).map_err(AppError::Invalid)?;
    let id = state.store.create_work(&draft).await?;
    let event = if draft.posted { "work_posted" } else { "draft_saved" };
    work_changed(&state, &actor, id, &draft.title, event, "").await;
    Ok(created(&state, id))
}

/// The work, in any state, if the token's owner is one of its creators: loaded once, for
/// the check, the write and the audit entry.
async fn own_work(state: &AppState, account: &Account, id: &str) -> AppResult<flourish_core::Work> {
    let work = state.store.work_for_editing(path_id(id)?).await?.ok_or(AppError::NotFound)?;
    if !work.creators.iter().any(|p| p.user_id == account.id) {
        return Err(AppError::not_a_creator());
    }
    Ok(work)
}

#[utoipa::path(
    put,
    path = "/api/v1/works/{id}",
    params(("id" = i64, Path)),
    request_body(content = WorkInput, description = "Every field of the work; `chapters` must be absent (chapters have their own routes)."),
    responses((status = 200, body = Created), (status = 401, body = ErrorOut), (status = 403, body = ErrorOut), (status = 404, body = ErrorOut), (status = 422, body = ErrorOut)),
    security(("token" = []))
)]
async fn update_work(
    State(state): State<AppState>,
    ApiWriter(account, actor): ApiWriter,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<WorkInput>,
) -> AppResult<Json<Created>> {
    let current = own_work(&state, &account, &id).await?;
    let id = current.id;
    if !input.chapters.is_empty() {
        let mut errors = flourish_core::ValidationErrors::default();
        errors.add("chapters", "Change chapters through /api/v1/works/{id}/chapters.");
        return Err(AppError::Invalid(errors));
    }
    let draft = input.draft(&current.creators).map_err(AppError::Invalid)?;
    state.store.update_work(id, &draft).await?;
    if input.posted && !current.posted {
        state.store.post_work(id).await?;
    }
    work_changed(&state, &actor, id, &draft.title, "work_edited", "").await;
    Ok(Json(Created { id: id.0, url: state.config.url(&format!("/works/{id}")) }))
}

#[utoipa::path(
    post,
    path = "/api/v1/works/{id}/chapters",
    params(("id" = i64, Path)),
    request_body = ChapterInput,
    responses((status = 201, body = ChapterOut), (status = 401, body = ErrorOut), (status = 403, body = ErrorOut), (status = 422, body = ErrorOut)),
    security(("token" = []))
)]
async fn add_chapter(
    State(state): State<AppState>,
    ApiWriter(account, actor): ApiWriter,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ChapterInput>,
) -> AppResult<(StatusCode, Json<ChapterOut>)> {
    let work = own_work(&state, &account, &id).await?;
    let mut errors = flourish_core::ValidationErrors::default();
    let draft = input.draft("", &mut errors);
    if !errors.0.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let chapter = state.store.add_chapter(work.id, &draft).await?;
    work_changed(&state, &actor, work.id, &work.title, "chapter_added", &format!("chapter {}", chapter.id)).await;
    Ok((StatusCode::CREATED, Json(ChapterOut::new(&chapter))))
}

#[utoipa::path(
    put,
    path = "/api/v1/works/{id}/chapters/{chapter}",
    params(("id" = i64, Path), ("chapter" = i64, Path)),
    request_body = ChapterInput,
    responses((status = 200, body = ChapterOut), (status = 401, body = ErrorOut), (status = 403, body = ErrorOut), (status = 404, body = ErrorOut), (status = 422, body = ErrorOut)),
    security(("token" = []))
)]
async fn update_chapter(
    State(state): State<AppState>,
    ApiWriter(account, actor): ApiWriter,
    Path((id, chapter)): Path<(String, String)>,
    ApiJson(input): ApiJson<ChapterInput>,
) -> AppResult<Json<ChapterOut>> {
    let work = own_work(&state, &account, &id).await?;
    let id = work.id;
    let chapter: ChapterId = path_id(&chapter)?;
    let mut errors = flourish_core::ValidationErrors::default();
    let draft = input.draft("", &mut errors);
    if !errors.0.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    state.store.update_chapter(id, chapter, &draft).await?;
    work_changed(&state, &actor, id, &work.title, "chapter_edited", &format!("chapter {chapter}")).await;
    let updated =
        state.store.chapters_for_editing(id).await?.into_iter().find(|c| c.id == chapter).ok_or(AppError::NotFound)?;
    Ok(Json(ChapterOut::new(&updated)))
}

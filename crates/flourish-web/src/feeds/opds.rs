//! The OPDS 1.2 catalog, for e-reader apps (KOReader, Thorium, calibre): Atom feeds that
//! browse the archive and link each work's EPUB.
//!
//! - `/opds`: the start, a navigation feed: recent works, fandoms, search;
//! - `/opds/recent`: an acquisition feed of the latest updated works, paged;
//! - `/opds/fandoms`: a navigation feed of canonical fandoms, each to its works;
//! - `/opds/tags/{name}`: an acquisition feed of a tag's works (synonyms and subtags too);
//! - `/opds/search?q=`: search results; `/opds/search.xml` describes it (OpenSearch).
//!
//! Catalogs show what guests see: reader apps do not log in.

use super::{SummaryAs, latest, stamp, work_entry};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use flourish_core::{TagKind, Viewer, Work, tag_from_url_segment, tag_url_segment};
use flourish_export::Format;
use flourish_export::xhtml::escape;
use flourish_search::{Sort, WorkQuery};
use flourish_store::TagStore;
use time::OffsetDateTime;

pub const NAVIGATION: &str = "application/atom+xml;profile=opds-catalog;kind=navigation";
pub const ACQUISITION: &str = "application/atom+xml;profile=opds-catalog;kind=acquisition";
const OPENSEARCH: &str = "application/opensearchdescription+xml";
const PER_PAGE: u32 = 25;

fn xml(body: String, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A catalog feed: `kind` is NAVIGATION or ACQUISITION; `links` adds paging links.
async fn catalog(
    state: &AppState,
    path: &str,
    kind: &'static str,
    title: &str,
    updated: OffsetDateTime,
    links: &str,
    entries: String,
) -> Response {
    let site = state.site().await;
    let url = |p: &str| escape(&state.config.url(p));
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/terms/\" xmlns:opds=\"http://opds-spec.org/2010/catalog\">\n\
         <id>{self_url}</id>\n<title>{title}</title>\n<updated>{updated}</updated>\n\
         <author><name>{archive}</name><uri>{home}</uri></author>\n\
         <link rel=\"self\" href=\"{self_url}\" type=\"{kind}\"/>\n\
         <link rel=\"start\" href=\"{start}\" type=\"{NAVIGATION}\"/>\n\
         <link rel=\"search\" href=\"{search}\" type=\"{OPENSEARCH}\"/>\n{links}{entries}</feed>\n",
        self_url = url(path),
        title = escape(&format!("{title} | {}", site.archive_name)),
        updated = stamp(updated),
        archive = escape(&site.archive_name),
        home = url("/"),
        start = url("/opds"),
        search = url("/opds/search.xml"),
    );
    xml(body, if kind == NAVIGATION { NAVIGATION } else { ACQUISITION })
}

/// A navigation entry: a subsection of the catalog.
fn navigation_entry(
    state: &AppState,
    path: &str,
    kind: &str,
    title: &str,
    content: &str,
    updated: OffsetDateTime,
) -> String {
    let href = escape(&state.config.url(path));
    format!(
        "<entry>\n<id>{href}</id>\n<title>{}</title>\n<updated>{}</updated>\n\
         <link rel=\"subsection\" href=\"{href}\" type=\"{kind}\"/>\n<content type=\"text\">{}</content>\n</entry>\n",
        escape(title),
        stamp(updated),
        escape(content)
    )
}

/// A work's entry with its acquisition links: every download format, EPUB first.
fn acquisition_entry(state: &AppState, w: &Work) -> String {
    let mut links = format!(
        "<dc:language>{}</dc:language>\n<dc:issued>{}</dc:issued>\n",
        escape(&w.language),
        flourish_export::meta::date(w.published_at)
    );
    if w.allow_downloads {
        for f in Format::ALL {
            let href = state.config.url(&format!("/downloads/{}/{}", w.id, flourish_export::file_name(w, f)));
            let media = f.content_type().split(';').next().unwrap_or("");
            links.push_str(&format!(
                "<link rel=\"http://opds-spec.org/acquisition\" href=\"{}\" type=\"{media}\" title=\"{}\"/>\n",
                escape(&href),
                f.label()
            ));
        }
    }
    work_entry(state, w, SummaryAs::TextAndHtmlContent, &links)
}

fn page_of(uri: &Uri) -> u32 {
    crate::query_string::query_param(uri, "page").and_then(|p| p.parse().ok()).unwrap_or(1).clamp(1, 10_000)
}

/// `rel="next"` and `rel="previous"` links for page `page` of `total` works at `path`.
fn paging(state: &AppState, path: &str, page: u32, total: u64) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut links = String::new();
    if page > 1 {
        let href = state.config.url(&format!("{path}{sep}page={}", page - 1));
        links.push_str(&format!("<link rel=\"previous\" href=\"{}\" type=\"{ACQUISITION}\"/>\n", escape(&href)));
    }
    if u64::from(page) * u64::from(PER_PAGE) < total {
        let href = state.config.url(&format!("{path}{sep}page={}", page + 1));
        links.push_str(&format!("<link rel=\"next\" href=\"{}\" type=\"{ACQUISITION}\"/>\n", escape(&href)));
    }
    links
}

async fn acquisition(state: &AppState, path: &str, title: &str, query: WorkQuery) -> AppResult<Response> {
    let page = query.page;
    let (list, total) = crate::listing::query_works(state, &query, Viewer::Guest).await?;
    let updated = latest(&list);
    let entries: String = list.iter().map(|w| acquisition_entry(state, w)).collect();
    let self_path = if page > 1 {
        format!("{path}{}page={page}", if path.contains('?') { '&' } else { '?' })
    } else {
        path.to_owned()
    };
    let links = paging(state, path, page, total);
    Ok(catalog(state, &self_path, ACQUISITION, title, updated, &links, entries).await)
}

pub async fn start(State(state): State<AppState>) -> AppResult<Response> {
    let now = OffsetDateTime::now_utc();
    let entries = [
        navigation_entry(
            &state,
            "/opds/recent",
            ACQUISITION,
            "Recently updated",
            "The latest works and chapters.",
            now,
        ),
        navigation_entry(&state, "/opds/fandoms", NAVIGATION, "Fandoms", "Works by fandom.", now),
    ]
    .concat();
    Ok(catalog(&state, "/opds", NAVIGATION, "Catalog", now, "", entries).await)
}

pub async fn recent(State(state): State<AppState>, uri: Uri) -> AppResult<Response> {
    let query = WorkQuery { sort: Some(Sort::Updated), page: page_of(&uri), per_page: PER_PAGE, ..Default::default() };
    acquisition(&state, "/opds/recent", "Recently updated", query).await
}

pub async fn fandoms(State(state): State<AppState>) -> AppResult<Response> {
    let mut fandoms: Vec<_> =
        state.store.all_tags().await?.into_iter().filter(|t| t.kind == TagKind::Fandom && t.canonical).collect();
    fandoms.sort_by_key(|t| t.name.to_lowercase());
    let now = OffsetDateTime::now_utc();
    let entries: String = fandoms
        .iter()
        .map(|t| {
            let path = format!("/opds/tags/{}", tag_url_segment(&t.name));
            navigation_entry(&state, &path, ACQUISITION, &t.name, &format!("Works in {}.", t.name), now)
        })
        .collect();
    Ok(catalog(&state, "/opds/fandoms", NAVIGATION, "Fandoms", now, "", entries).await)
}

pub async fn tag(State(state): State<AppState>, Path(name): Path<String>, uri: Uri) -> AppResult<Response> {
    let tag = state.store.tag_by_name(&tag_from_url_segment(&name)).await?.ok_or(AppError::NotFound)?;
    let filter = tag.synonym_of.unwrap_or(tag.id);
    let query = WorkQuery { include: vec![filter.0], page: page_of(&uri), per_page: PER_PAGE, ..Default::default() };
    acquisition(&state, &format!("/opds/tags/{}", tag_url_segment(&tag.name)), &format!("Works in {}", tag.name), query)
        .await
}

pub async fn search(State(state): State<AppState>, uri: Uri) -> AppResult<Response> {
    let q = crate::query_string::query_param(&uri, "q").unwrap_or_default();
    if q.chars().count() > 1000 {
        return Err(AppError::BadRequest("The search is too long: at most 1000 characters, please.".into()));
    }
    let query = WorkQuery { text: q.clone(), page: page_of(&uri), per_page: PER_PAGE, ..Default::default() };
    let path = format!("/opds/search?q={}", form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>());
    acquisition(&state, &path, &format!("Search: {q}"), query).await
}

/// The OpenSearch description reader apps use to offer a search box.
pub async fn opensearch(State(state): State<AppState>) -> Response {
    let site = state.site().await;
    let template = format!("{}?q={{searchTerms}}", state.config.url("/opds/search"));
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n\
         <ShortName>{}</ShortName>\n<Description>Search the works of {}</Description>\n<InputEncoding>UTF-8</InputEncoding>\n\
         <OutputEncoding>UTF-8</OutputEncoding>\n<Url type=\"{ACQUISITION}\" template=\"{}\"/>\n</OpenSearchDescription>\n",
        escape(&site.archive_name.chars().take(16).collect::<String>()),
        escape(&site.archive_name),
        escape(&template)
    );
    xml(body, "application/opensearchdescription+xml; charset=utf-8")
}

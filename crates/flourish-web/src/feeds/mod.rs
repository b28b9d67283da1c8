//! Feeds are not pages: Atom feeds here, and the OPDS catalog for e-readers in [`opds`].
//!
//! Atom feeds (RFC 4287) for feed readers, which do not log in: what guests may see.
//!
//! - `/tags/{name}/feed.atom`: the works a tag page lists (synonyms, subtags), newest update first;
//! - `/users/{username}/pseuds/{pseud}/feed.atom`: a creator's works;
//! - `/series/{id}/feed.atom`: a series' works;
//! - `/works/{id}/feed.atom`: a work's chapters, newest first, so readers hear of each new one.

pub mod opds;

use crate::error::{AppError, AppResult, path_id};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use flourish_core::{Chapter, SeriesId, Viewer, Work, WorkId, tag_from_url_segment};
use flourish_export::meta::chapter_heading;
use flourish_export::xhtml::escape;
use flourish_search::WorkQuery;
use flourish_store::{AccountStore, SeriesStore, TagStore, WorkStore};
use time::OffsetDateTime;

/// Entries per feed: a reader polls often, so only what is recent.
const ENTRIES: u32 = 20;

pub(crate) fn stamp(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// How an entry carries the work's summary.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum SummaryAs {
    /// Atom feeds: the summary as HTML.
    Html,
    /// OPDS catalogs allow only text in `summary` (the OPDS schema refuses HTML there), so
    /// the text goes there and the HTML into `content`, which reader apps show.
    TextAndHtmlContent,
}

/// An entry: the work's title and link, its creators, dates, tags as categories, and a
/// summary with its stats; `extra` goes in before the entry closes (OPDS's acquisition
/// links).
pub(crate) fn work_entry(state: &AppState, w: &Work, summary_as: SummaryAs, extra: &str) -> String {
    let url = state.config.url(&format!("/works/{}", w.id));
    let mut entry = format!(
        "<entry>\n<id>{url}</id>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
         <published>{}</published>\n<updated>{}</updated>\n",
        escape(&w.title),
        stamp(w.published_at),
        stamp(w.updated_at)
    );
    for p in &w.creators {
        entry.push_str(&format!(
            "<author><name>{}</name><uri>{}</uri></author>\n",
            escape(&p.byline()),
            escape(&state.config.url(&p.path()))
        ));
    }
    if w.creators.is_empty() {
        entry.push_str("<author><name>Anonymous</name></author>\n");
    }
    for t in &w.tags.0 {
        entry.push_str(&format!(
            "<category term=\"{}\" label=\"{}\" scheme=\"{}\"/>\n",
            escape(&t.name),
            escape(t.kind.label(1)),
            escape(&state.config.url("/tags"))
        ));
    }
    let summary = format!(
        "{}<p>Words: {} · Chapters: {} · Language: {}</p>",
        w.summary,
        flourish_export::meta::thousands(w.word_count),
        w.chapters_label(),
        w.language
    );
    match summary_as {
        SummaryAs::Html => entry.push_str(&format!("<summary type=\"html\">{}</summary>\n", escape_html(&summary))),
        SummaryAs::TextAndHtmlContent => entry.push_str(&format!(
            "<summary type=\"text\">{}</summary>\n<content type=\"html\">{}</content>\n",
            escape(&flourish_text::html_to_text(&summary)),
            escape_html(&summary)
        )),
    }
    entry.push_str(extra);
    entry.push_str("</entry>\n");
    entry
}

fn chapter_entry(state: &AppState, w: &Work, c: &Chapter) -> String {
    let url = state.config.url(&format!("/works/{}/chapters/{}", w.id, c.id));
    let authors: String =
        w.creators.iter().map(|p| format!("<author><name>{}</name></author>\n", escape(&p.byline()))).collect();
    let summary =
        if c.summary.trim().is_empty() { format!("<p>{} words</p>", c.word_count) } else { c.summary.clone() };
    format!(
        "<entry>\n<id>{url}</id>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
         <published>{}</published>\n<updated>{}</updated>\n{authors}<summary type=\"html\">{}</summary>\n</entry>\n",
        escape(&format!("{}: {}", w.title, chapter_heading(c.position, &c.title))),
        stamp(c.published_at),
        stamp(c.published_at),
        escape_html(&summary),
    )
}

/// HTML carried as escaped text in a feed. The XML escaper drops the characters XML
/// forbids, which could join `␁java␃script:` into a live link in a feed reader. Stored HTML
/// has no control characters (the sanitizer removes them), so this is usually a scan; HTML
/// holding any character the escaper would drop is sanitized again first, which checks
/// every link before the escaper drops anything.
fn escape_html(html: &str) -> String {
    if html.chars().any(flourish_export::xhtml::is_xml_forbidden) {
        escape(&flourish_text::sanitize_html(html))
    } else {
        escape(html)
    }
}

/// A whole feed: `path` is the feed's own path, `page` the HTML page it follows.
async fn feed(
    state: &AppState,
    path: &str,
    page: &str,
    title: &str,
    updated: OffsetDateTime,
    entries: String,
) -> Response {
    let site = state.site().await;
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <id>{self_url}</id>\n<title>{title}</title>\n<updated>{updated}</updated>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{page_url}\"/>\n\
         <author><name>{archive}</name></author>\n<generator uri=\"https://github.com/flourish-archive\">Flourish</generator>\n{entries}</feed>\n",
        self_url = escape(&state.config.url(path)),
        page_url = escape(&state.config.url(page)),
        title = escape(&format!("{title} | {}", site.archive_name)),
        updated = stamp(updated),
        archive = escape(&site.archive_name),
    );
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8"));
    response
}

/// When a feed last changed: its latest work's update (the epoch for an empty feed, so the
/// value stays the same from one request to the next).
pub(crate) fn latest(works: &[Work]) -> OffsetDateTime {
    works.iter().map(|w| w.updated_at).max().unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

pub async fn tag(State(state): State<AppState>, Path(name): Path<String>) -> AppResult<Response> {
    let tag = state.store.tag_by_name(&tag_from_url_segment(&name)).await?.ok_or(AppError::NotFound)?;
    let filter = match tag.synonym_of {
        Some(id) => id,
        None => tag.id,
    };
    let query = WorkQuery { include: vec![filter.0], per_page: ENTRIES, page: 1, ..Default::default() };
    let (works, _) = crate::listing::query_works(&state, &query, Viewer::Guest).await?;
    let entries: String = works.iter().map(|w| work_entry(&state, w, SummaryAs::Html, "")).collect();
    let path = format!("/tags/{}/feed.atom", flourish_core::tag_url_segment(&tag.name));
    Ok(feed(&state, &path, &tag.works_path(), &format!("Works in {}", tag.name), latest(&works), entries).await)
}

pub async fn pseud(
    State(state): State<AppState>,
    Path((username, pseud)): Path<(String, String)>,
) -> AppResult<Response> {
    let pseud = state.store.pseud(&username, &pseud).await?.ok_or(AppError::NotFound)?;
    let works = state.store.works_by_pseud(pseud.id, Viewer::Guest, 1, ENTRIES).await?.items;
    let entries: String = works.iter().map(|w| work_entry(&state, w, SummaryAs::Html, "")).collect();
    let page = pseud.path();
    Ok(feed(
        &state,
        &format!("{page}/feed.atom"),
        &page,
        &format!("Works by {}", pseud.byline()),
        latest(&works),
        entries,
    )
    .await)
}

pub async fn series(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let id: SeriesId = path_id(&id)?;
    let series = state.store.series(id).await?.ok_or(AppError::NotFound)?;
    let mut works: Vec<Work> = state.store.series_works(id, Viewer::Guest).await?.into_iter().map(|(_, w)| w).collect();
    works.sort_by_key(|w| std::cmp::Reverse(w.updated_at));
    let entries: String =
        works.iter().take(ENTRIES as usize).map(|w| work_entry(&state, w, SummaryAs::Html, "")).collect();
    let page = format!("/series/{id}");
    let updated = latest(&works).max(series.updated_at);
    Ok(feed(&state, &format!("{page}/feed.atom"), &page, &series.title, updated, entries).await)
}

pub async fn work(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let id: WorkId = path_id(&id)?;
    let work = state.store.work(id, Viewer::Guest).await?.ok_or(AppError::NotFound)?;
    let mut chapters = state.store.chapters(id, Viewer::Guest).await?;
    chapters.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.position.cmp(&a.position)));
    let entries: String = chapters.iter().take(ENTRIES as usize).map(|c| chapter_entry(&state, &work, c)).collect();
    let page = format!("/works/{id}");
    Ok(feed(
        &state,
        &format!("{page}/feed.atom"),
        &page,
        &format!("New chapters of {}", work.title),
        work.updated_at,
        entries,
    )
    .await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_html_never_joins_a_hidden_script_link() {
        // HTML that skipped the current sanitizer (stored by an older one).
        let stale = "<p><a href=\"\u{1}java\u{3}script:alert(1)\">x</a></p>";
        let out = escape_html(stale);
        assert!(!out.contains("javascript"), "{out}");
        assert!(out.contains("&gt;x&lt;/a&gt;"), "the text stays: {out}");
        let clean = "<p>Plain &amp; <em>clean</em>.</p>";
        assert_eq!(escape_html(clean), escape(clean), "clean HTML is only escaped");
    }
}

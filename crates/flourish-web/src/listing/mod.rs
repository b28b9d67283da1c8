//! Filtered listings: the works index, search results, tag pages, feeds and the JSON API
//! share this, so filters, sorting and pagination behave the same everywhere.

pub mod filters;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::Listing;
use flourish_core::{Viewer, Work, tag_url_segment};
use flourish_search::{Crossover, SearchResults, Sort, WorkQuery};
use flourish_store::Page;
use serde::Serialize;

/// Everything a listing template shows besides its heading.
#[derive(Serialize)]
pub struct FilteredListing {
    pub listing: Listing,
    /// The listing's path with the current filter, ready for `page=` to be appended.
    pub base_url: String,
    pub sidebar: Sidebar,
    pub notes: Vec<String>,
    /// "Your filters hide N works — show them", for a member with a default profile.
    pub profile: Option<ProfileLine>,
}

/// What a member's default filter profile did to this listing.
#[derive(Serialize)]
pub struct ProfileLine {
    pub name: String,
    /// The profile is applied (else the reader turned it off with `filters=off`).
    pub on: bool,
    /// Works it hides from this listing.
    pub hidden: u64,
    /// This listing the other way: without the profile, or with it again.
    pub toggle_url: String,
}

/// The member's default filter profile, unless the query says `filters=off`.
pub async fn default_mute(
    state: &AppState,
    viewer: Viewer,
    raw_query: Option<&str>,
) -> AppResult<(Option<flourish_core::MuteSet>, bool)> {
    let Viewer::Member(user) = viewer else { return Ok((None, false)) };
    let off =
        raw_query.is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == "filters" && v == "off"));
    let mute = flourish_store::FilterStore::mute_set(&state.store, user, None).await?;
    Ok((mute, off))
}

/// A profile's ids as the search index takes them.
pub fn search_mute(set: &flourish_core::MuteSet) -> flourish_search::Mute {
    flourish_search::Mute {
        tags: set.tags.clone(),
        creators: set.creators.clone(),
        works: set.works.clone(),
        anonymous: set.anonymous,
        max_fandoms: set.max_fandoms,
    }
}

#[derive(Serialize)]
pub struct Sidebar {
    pub action: String,
    pub sort: &'static str,
    pub sorts: Vec<(&'static str, &'static str)>,
    pub include: Vec<Group>,
    pub exclude: Vec<Group>,
    pub q: String,
    pub other_tags: String,
    pub excluded_tags: String,
    pub crossover: &'static str,
    pub complete: &'static str,
    pub words_from: String,
    pub words_to: String,
    pub date_from: String,
    pub date_to: String,
    pub language: String,
    /// Something is filtered: show "Clear filters".
    pub active: bool,
}

#[derive(Serialize)]
pub struct Group {
    pub label: &'static str,
    pub kind: &'static str,
    pub tags: Vec<FacetTag>,
}

#[derive(Serialize)]
pub struct FacetTag {
    pub id: i64,
    pub name: String,
    pub count: u64,
    pub checked: bool,
    pub url: String,
}

/// Asks the search index for `query` (with `fixed` always included), off the async threads.
async fn run(state: &AppState, query: &WorkQuery, fixed: Option<i64>) -> AppResult<SearchResults> {
    let mut search_query = query.clone();
    search_query.include.extend(fixed);
    let search = state.search.clone();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    tokio::task::spawn_blocking(move || search.search(&search_query, now))
        .await
        .map_err(|e| AppError::Internal(format!("search task: {e}").into()))?
        .map_err(|e| AppError::Internal(Box::new(e)))
}

/// One page of the listing for a query string, as works and the total: what the API
/// serves. `page` replaces any `page` in the query.
pub async fn search_works(
    state: &AppState,
    viewer: Viewer,
    raw_query: Option<&str>,
    fixed: Option<i64>,
    page: u32,
) -> AppResult<(Vec<Work>, u64)> {
    let mut query = filters::parse(raw_query)?;
    query.per_page = state.config.per_page;
    query.member = viewer.is_member();
    query.page = page;
    query.include.extend(fixed);
    // A token's default filter profile applies to what it lists, as on the pages.
    if let (Some(set), false) = default_mute(state, viewer, raw_query).await? {
        query.mute = Some(search_mute(&set));
    }
    query_works(state, &query, viewer).await
}

/// One page of works for `query` as `viewer` may see them, in the index's order, and the
/// total: what the API, the feeds and the OPDS catalog list.
pub async fn query_works(state: &AppState, query: &WorkQuery, viewer: Viewer) -> AppResult<(Vec<Work>, u64)> {
    let results = run(state, query, None).await?;
    let ids: Vec<_> = results.hits.iter().map(|h| h.id).collect();
    Ok((state.store.works_by_ids(&ids, viewer).await?, results.total))
}

/// Runs a listing for the request's query string. `fixed` is the tag a tag page lists:
/// always included, never shown as a removable filter.
pub async fn filtered(
    state: &AppState,
    viewer: Viewer,
    raw_query: Option<&str>,
    path: &str,
    fixed: Option<i64>,
) -> AppResult<FilteredListing> {
    let mut query = filters::parse(raw_query)?;
    query.per_page = state.config.per_page;
    query.member = viewer.is_member();
    let (mute, off) = default_mute(state, viewer, raw_query).await?;
    if let (Some(set), false) = (&mute, off) {
        query.mute = Some(search_mute(set));
    }
    let results = run(state, &query, fixed).await?;
    // What the profile hides: the same query without it, counted only.
    let hidden = match (&mute, off) {
        (Some(_), false) => {
            let mut unmuted = query.clone();
            unmuted.mute = None;
            unmuted.include.extend(fixed);
            let search = state.search.clone();
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let all = tokio::task::spawn_blocking(move || search.count(&unmuted, now))
                .await
                .map_err(|e| AppError::Internal(format!("search task: {e}").into()))?
                .map_err(|e| AppError::Internal(Box::new(e)))?;
            all.saturating_sub(results.total)
        }
        _ => 0,
    };
    let ids: Vec<_> = results.hits.iter().map(|h| h.id).collect();
    let mut works: Vec<Work> = state.store.works_by_ids(&ids, viewer).await?;
    let page =
        Page { items: std::mem::take(&mut works), page: query.page, per_page: query.per_page, total: results.total };
    let mut listing = Listing::new(&page);
    for view in &mut listing.works {
        if let Some(hit) = results.hits.iter().find(|h| h.id.0 == view.id) {
            view.title_html = hit.title_html.clone();
            view.summary_snippet = hit.summary_html.clone();
        }
    }
    listing.mark_read(state, viewer).await?;
    let qs = filters::to_query_string(&query);
    let base_url = if qs.is_empty() { path.to_owned() } else { format!("{path}?{qs}") };
    let sidebar = sidebar(path, &query, &results, fixed);
    let profile = mute.map(|set| {
        let joiner = if base_url.contains('?') { '&' } else { '?' };
        ProfileLine {
            name: set.name,
            on: !off,
            hidden,
            toggle_url: if off { base_url.clone() } else { format!("{base_url}{joiner}filters=off") },
        }
    });
    // Pages and the sidebar keep a listing with the profile off, off.
    let base_url =
        if off { format!("{base_url}{}filters=off", if base_url.contains('?') { '&' } else { '?' }) } else { base_url };
    Ok(FilteredListing { listing, base_url, sidebar, notes: results.notes, profile })
}

fn sidebar(path: &str, q: &WorkQuery, results: &SearchResults, fixed: Option<i64>) -> Sidebar {
    let groups = |chosen: &[i64]| -> Vec<Group> {
        results
            .facets
            .iter()
            .map(|(kind, tags)| Group {
                label: kind.label(2),
                kind: kind.as_str(),
                tags: tags
                    .iter()
                    .filter(|t| Some(t.id) != fixed)
                    .map(|t| FacetTag {
                        id: t.id,
                        name: t.name.clone(),
                        count: t.count,
                        checked: chosen.contains(&t.id),
                        url: format!("/tags/{}/works", tag_url_segment(&t.name)),
                    })
                    .collect(),
            })
            .filter(|g| !g.tags.is_empty())
            .collect()
    };
    let date = |d: Option<i64>| d.and_then(filters::format_date).unwrap_or_default();
    let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    Sidebar {
        action: path.to_owned(),
        sort: results.sort.param(),
        sorts: Sort::ALL.iter().map(|s| (s.param(), s.label())).collect(),
        include: groups(&results.included),
        exclude: groups(&results.excluded),
        q: q.text.clone(),
        other_tags: q.include_names.join(", "),
        excluded_tags: q.exclude_names.join(", "),
        crossover: match q.crossover {
            Crossover::Include => "include",
            Crossover::Exclude => "exclude",
            Crossover::Only => "only",
        },
        complete: match q.complete {
            None => "",
            Some(true) => "true",
            Some(false) => "false",
        },
        words_from: number(q.words_from),
        words_to: number(q.words_to),
        date_from: date(q.updated_from),
        date_to: date(q.updated_to),
        language: q.language.clone().unwrap_or_default(),
        active: !filters::to_query_string(&WorkQuery { sort: None, ..q.clone() }).is_empty(),
    }
}

//! Bringing updates to followers, beside the job queue in every node's worker
//! ([`crate::jobs::run`]):
//!
//! - [`deliver_step`] hands the oldest new work or chapter to its next chunk of followers
//!   (the store's `deliver_updates`: one short transaction per chunk, resumable, safe with
//!   several nodes);
//! - [`check_saved_searches`] is the round that asks the search index, for each followed tag
//!   and saved search, what is new or updated since it last asked, and sends one notice per
//!   search that found something.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use flourish_core::{UserId, Viewer, WorkId};
use flourish_search::Sort;
use flourish_store::{SavedSearch, SearchNotice, SubscriptionStore, TagStore};
use std::time::Duration;

/// Followers per delivery transaction, and the pause between two: a large delivery takes a
/// fifth of the time, in steps of a few milliseconds, so readers barely notice it. Measured
/// with bench/followers.sh (100,000 followers, 2 cores, one run): chunks of 1,000 with 5 ms
/// pauses delivered in 4.0 s with the readers' p99 at 5.45× its value alone; 250 and 40 ms,
/// 19.2 s and 1.58×; 100 and 20 ms, 24.3 s and 1.26× (the goal is under 60 s).
pub const DELIVERY_CHUNK: u32 = 100;
pub const DELIVERY_PAUSE: Duration = Duration::from_millis(20);
/// How often each tag and saved search is asked again.
pub const SEARCH_ROUND_SECS: i64 = 300;
/// The search index follows the database within about a second; a round looks only at
/// updates older than this, so a work posted as the round runs is found by the next one
/// rather than missed by both.
pub const INDEX_LAG_SECS: i64 = 30;
/// Searches read per batch of the round.
const ROUND_BATCH: u32 = 100;
/// Works named in a saved search's notice.
const NAMED: u32 = 5;

/// Delivers one chunk of the oldest waiting update; whether there was anything to do.
pub async fn deliver_step(state: &AppState) -> Result<bool, flourish_store::StoreError> {
    Ok(state.store.deliver_updates(DELIVERY_CHUNK).await?.is_some())
}

/// Checks every tag and saved search not checked since `until - SEARCH_ROUND_SECS`, for
/// updates up to `until`; returns how many were checked. The worker calls it with
/// `until` = now − [`INDEX_LAG_SECS`]; a test with the moment it wants.
pub async fn check_saved_searches(state: &AppState, until: i64, every: i64) -> AppResult<u64> {
    let mut checked = 0;
    loop {
        let due = state.store.due_searches(until - every, ROUND_BATCH).await?;
        if due.is_empty() {
            return Ok(checked);
        }
        for search in &due {
            let notice = match find_new(state, search, until).await {
                Ok(notice) => notice,
                // A search the listing now refuses (a tag renamed away, say) finds
                // nothing, rather than stopping the round.
                Err(AppError::BadRequest(_)) => None,
                Err(e) => return Err(e),
            };
            state.store.search_checked(search, until, notice.as_ref()).await?;
            checked += 1;
        }
    }
}

/// What a saved search or tag found since it was last checked, as its notice.
async fn find_new(state: &AppState, search: &SavedSearch, until: i64) -> AppResult<Option<SearchNotice>> {
    let user = UserId(search.user_id);
    let (mut query, name, url) = if search.kind == "tag" {
        let Some(tag) = state.store.tag(flourish_core::TagId(search.target_id)).await? else { return Ok(None) };
        let mut q = crate::listing::filters::parse(None)?;
        q.include.push(tag.id.0);
        let url = format!("{}?sort={}", tag.works_path(), Sort::Updated.param());
        (q, format!("in {}", tag.name), url)
    } else {
        let q = crate::listing::filters::parse(Some(&search.query))?;
        (q, format!("match “{}”", search.name), format!("/works?{}", search.query))
    };
    query.member = true;
    query.page = 1;
    query.per_page = NAMED;
    query.sort = Some(Sort::Updated);
    query.updated_from = Some(search.checked_until + 1);
    query.updated_to = Some(until);
    // What the reader muted stays muted here too.
    if let Some(set) = flourish_store::FilterStore::mute_set(&state.store, user, None).await? {
        query.mute = Some(crate::listing::search_mute(&set));
    }
    let index = state.search.clone();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let results = tokio::task::spawn_blocking(move || index.search(&query, now))
        .await
        .map_err(|e| AppError::Internal(format!("search task: {e}").into()))?
        .map_err(|e| AppError::Internal(Box::new(e)))?;
    if results.total == 0 {
        return Ok(None);
    }
    let ids: Vec<WorkId> = results.hits.iter().map(|h| h.id).collect();
    let works = state.store.works_by_ids(&ids, Viewer::Member(user)).await?;
    let mut body = works.iter().map(|w| w.title.clone()).collect::<Vec<_>>().join(" · ");
    if results.total > works.len() as u64 {
        body.push_str(&format!(" and {} more", results.total - works.len() as u64));
    }
    let n = results.total;
    let title = format!("{n} new or updated work{} {name}", if n == 1 { "" } else { "s" });
    Ok(Some(SearchNotice { title, body, url }))
}

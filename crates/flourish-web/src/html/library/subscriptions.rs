//! Subscriptions in the pages: the Subscribe buttons (works, series, creators, tags, a
//! listing's filters), each account's subscriptions page with its digest choice and private
//! feed address, and the feed itself.

use crate::auth::{Visitor, Writer};
use crate::error::{AppError, AppResult, path_id};
use crate::html::conversation::local_path;
use crate::html::form::FormData;
use crate::html::render;
use crate::query_string::query_param;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use flourish_core::{Account, DigestEvery, NewSubscription, Subscription, SubscriptionKind};
use flourish_export::xhtml::escape;
use flourish_store::{AccountStore, StoreError, SubscriptionStore};
use serde::Serialize;

/// Entries in the private feed.
const FEED_ENTRIES: u32 = 50;
/// A saved search's or tag's entry in the feed, whatever it found.
const SEARCH_ENTRY: &str = "New or updated works in a tag or search you follow";

/// A Subscribe (or Unsubscribe) button, for a member.
#[derive(Serialize)]
pub struct SubscribeBox {
    pub action: String,
    pub kind: &'static str,
    pub target: i64,
    pub subscribed: bool,
    pub return_to: String,
}

impl SubscribeBox {
    pub async fn new(
        state: &AppState,
        account: Option<&Account>,
        kind: SubscriptionKind,
        target: i64,
        return_to: &str,
    ) -> AppResult<Option<SubscribeBox>> {
        let Some(account) = account else { return Ok(None) };
        if kind == SubscriptionKind::Creator && target == account.id.0 {
            return Ok(None);
        }
        let id = state.store.subscription_to(account.id, kind, target).await?;
        Ok(Some(SubscribeBox {
            action: id.map_or("/subscriptions".to_owned(), |id| format!("/subscriptions/{id}/delete")),
            kind: kind.as_str(),
            target,
            subscribed: id.is_some(),
            return_to: return_to.to_owned(),
        }))
    }
}

/// What a form asks to follow.
async fn requested(state: &AppState, form: &FormData) -> AppResult<NewSubscription> {
    let kind: SubscriptionKind = form
        .get("kind")
        .parse()
        .map_err(|_| AppError::BadRequest("Subscribe to a work, series, creator, tag or search.".into()))?;
    let id = || -> AppResult<i64> {
        form.get("target")
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| AppError::BadRequest("Which one? The form lost its target.".into()))
    };
    Ok(match kind {
        SubscriptionKind::Work => NewSubscription::Work(id()?),
        SubscriptionKind::Series => NewSubscription::Series(id()?),
        SubscriptionKind::Creator => {
            let by_name = form.get("username");
            if by_name.trim().is_empty() {
                NewSubscription::Creator(id()?)
            } else {
                let user = state.store.user_by_name(by_name.trim()).await?.ok_or(AppError::NotFound)?;
                NewSubscription::Creator(user.id.0)
            }
        }
        SubscriptionKind::Tag => NewSubscription::Tag(id()?),
        SubscriptionKind::Search => {
            let query = clean_query(form.get("query"))?;
            NewSubscription::Search { query, name: form.get("name").to_owned() }
        }
    })
}

/// A listing's query string as a saved search keeps it: checked by the listing's own
/// parser (a search the listing would refuse is refused here, with its message), without
/// its page or `filters=off`.
pub fn clean_query(raw: &str) -> AppResult<String> {
    let raw = raw.trim().trim_start_matches('?');
    let parsed = crate::listing::filters::parse(Some(raw))?;
    Ok(crate::listing::filters::to_query_string(&parsed))
}

/// `POST /subscriptions`: `kind`, `target` (an id; for a creator also `username`), or
/// `query` and `name` for a search; back to `return_to`.
pub async fn create(State(state): State<AppState>, Writer(_, account): Writer, form: FormData) -> AppResult<Response> {
    let new = requested(&state, &form).await?;
    match state.store.subscribe(account.id, &new).await {
        // Pressed twice: the second press finds what the first did.
        Ok(_) | Err(StoreError::Conflict(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let back = if matches!(new, NewSubscription::Search { .. }) {
        format!("/users/{}/subscriptions?notice=saved", account.username)
    } else {
        local_path(form.get("return_to")).unwrap_or_else(|| "/".to_owned())
    };
    Ok(Redirect::to(&back).into_response())
}

/// `POST /subscriptions/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let id: i64 = path_id(&id)?;
    state.store.unsubscribe(account.id, id).await?;
    let fallback = format!("/users/{}/subscriptions", account.username);
    let back = local_path(form.get("return_to")).unwrap_or(fallback);
    Ok(Redirect::to(&back).into_response())
}

#[derive(Serialize)]
struct Group {
    label: &'static str,
    items: Vec<Subscription>,
}

/// `GET /users/{username}/subscriptions`: its owner's alone (anyone else: 404).
pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(username): Path<String>,
    uri: Uri,
) -> AppResult<Response> {
    let account = match &visitor.account {
        Some(a) if a.username.eq_ignore_ascii_case(&username) => a.clone(),
        _ => return Err(AppError::NotFound),
    };
    let all = state.store.subscriptions(account.id).await?;
    let labels = [
        (SubscriptionKind::Work, "Works"),
        (SubscriptionKind::Series, "Series"),
        (SubscriptionKind::Creator, "Creators"),
        (SubscriptionKind::Tag, "Tags"),
        (SubscriptionKind::Search, "Saved searches"),
    ];
    let groups: Vec<Group> = labels
        .iter()
        .map(|(kind, label)| Group { label, items: all.iter().filter(|s| s.kind == *kind).cloned().collect() })
        .filter(|g| !g.items.is_empty())
        .collect();
    let secret = state.store.feed_secret(account.id, &crate::auth::tokens::random_token(), false).await?;
    #[derive(Serialize)]
    struct Ctx {
        groups: Vec<Group>,
        total: usize,
        feed_url: String,
        weekly: bool,
        channel: &'static str,
        notice: Option<&'static str>,
        return_to: String,
    }
    let prefs = flourish_store::NotificationStore::notification_prefs(&state.store, account.id).await?;
    let channel =
        prefs.iter().find(|(k, _)| *k == flourish_core::NotificationKind::Subscription).map_or("", |(_, c)| c.label());
    let ctx = Ctx {
        total: all.len(),
        groups,
        feed_url: state.config.url(&format!("/subscriptions/feed/{secret}")),
        weekly: state.store.digest_every(account.id).await? == DigestEvery::Weekly,
        channel,
        notice: match query_param(&uri, "notice").as_deref() {
            Some("saved") => Some("Search saved: new and updated works that match it will come to your inbox."),
            Some("feed") => Some("Your feed has a new address; the old one no longer works."),
            Some("digest") => Some("Your digest setting was saved."),
            _ => None,
        },
        return_to: format!("/users/{}/subscriptions", account.username),
    };
    Ok(render(&state, &visitor, "subscriptions.html", "Subscriptions", ctx).await?.into_response())
}

/// `POST /account/subscriptions/feed`: a new feed address; the old one stops working.
pub async fn renew_feed(State(state): State<AppState>, Writer(_, account): Writer) -> AppResult<Response> {
    state.store.feed_secret(account.id, &crate::auth::tokens::random_token(), true).await?;
    Ok(Redirect::to(&format!("/users/{}/subscriptions?notice=feed", account.username)).into_response())
}

/// `POST /account/subscriptions/digest` with `every` = daily or weekly.
pub async fn set_digest(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    form: FormData,
) -> AppResult<Response> {
    let every: DigestEvery =
        form.get("every").parse().map_err(|_| AppError::BadRequest("A digest comes daily or weekly.".into()))?;
    state.store.set_digest_every(account.id, every).await?;
    Ok(Redirect::to(&format!("/users/{}/subscriptions?notice=digest", account.username)).into_response())
}

/// `GET /subscriptions/feed/{secret}`: the account's subscription updates as Atom, as a
/// guest may see them (the address is all a feed reader has, and addresses get shared).
pub async fn feed(State(state): State<AppState>, Path(secret): Path<String>) -> AppResult<Response> {
    let secret = secret.trim_end_matches(".atom");
    let owner = state.store.feed_owner(secret).await?.ok_or(AppError::NotFound)?;
    let entries = state.store.subscription_feed(owner, FEED_ENTRIES).await?;
    let self_url = state.config.url(&format!("/subscriptions/feed/{secret}"));
    let updated = entries.first().map_or(time::OffsetDateTime::UNIX_EPOCH, |n| n.created_at);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <id>{self_url}</id>\n<title>{} — your subscriptions</title>\n<updated>{}</updated>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>\n",
        escape(&state.config.archive_name),
        crate::feeds::stamp(updated)
    );
    for n in &entries {
        let url = state.config.url(&n.url);
        // A saved search's or tag's notice counts and names the works it found, members-only
        // ones too: the feed says only that there is something, and its link shows a guest
        // only what a guest may see.
        let title = if n.work_id.is_some() { n.title.as_str() } else { SEARCH_ENTRY };
        xml.push_str(&format!(
            "<entry>\n<id>{}#n{}</id>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n\
             <updated>{}</updated>\n<author><name>{}</name></author>\n",
            escape(&url),
            n.id.0,
            escape(title),
            escape(&url),
            crate::feeds::stamp(n.created_at),
            escape(if n.actor.is_empty() { &state.config.archive_name } else { &n.actor })
        ));
        if n.work_id.is_some() && !n.body.is_empty() {
            xml.push_str(&format!("<summary type=\"text\">{}</summary>\n", escape(&n.body)));
        }
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    let mut response = xml.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    Ok(response)
}

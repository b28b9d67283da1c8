//! The inbox (filters, marking read in bulk, replying in place), where each kind of
//! notification goes, and RFC 8058 one-click unsubscribe from mail.

use crate::auth::{Visitor, Writer};
use crate::error::{AppError, AppResult};
use crate::html::form::FormData;
use crate::html::{PageQuery, message, message_with_button, query_param, render};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Redirect, Response};
use flourish_core::{Channel, NotificationId, NotificationKind, WorkId};
use flourish_store::{InboxFilter, NotificationStore};
use serde::Serialize;

const PER_PAGE: u32 = 50;

#[derive(Serialize)]
struct Entry {
    id: i64,
    kind: &'static str,
    title: String,
    body: String,
    url: String,
    read: bool,
    at: String,
    /// A comment one can answer from here: (work id, comment id).
    reply: Option<(i64, i64)>,
    /// The inbox narrowed to this entry's work.
    work_filter: Option<String>,
}

/// `GET /inbox?show=unread&kind=comment&work=ID&page=N`.
pub async fn show(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    uri: Uri,
    query: PageQuery,
) -> AppResult<Html<String>> {
    let filter = InboxFilter {
        unread_only: query_param(&uri, "show").is_some_and(|s| s == "unread"),
        kind: query_param(&uri, "kind").and_then(|k| k.parse().ok()),
        work: query_param(&uri, "work").and_then(|w| w.parse::<WorkId>().ok()),
    };
    let page = state.store.notifications(account.id, filter, query.page(), PER_PAGE).await?;
    #[derive(Serialize)]
    struct Ctx {
        entries: Vec<Entry>,
        kinds: Vec<(&'static str, &'static str)>,
        unread_only: bool,
        kind: &'static str,
        work: Option<i64>,
        total: u64,
        next: Option<String>,
        prev: Option<String>,
        return_to: String,
    }
    let filters = format!(
        "show={}&kind={}{}",
        if filter.unread_only { "unread" } else { "all" },
        filter.kind.map_or("", |k| k.as_str()),
        filter.work.map_or(String::new(), |w| format!("&work={w}"))
    );
    let ctx = Ctx {
        next: (page.page < page.page_count()).then(|| format!("/inbox?{filters}&page={}", page.page + 1)),
        prev: (page.page > 1).then(|| format!("/inbox?{filters}&page={}", page.page - 1)),
        total: page.total,
        entries: page
            .items
            .into_iter()
            .map(|n| Entry {
                id: n.id.0,
                kind: n.kind.as_str(),
                work_filter: n.work_id.filter(|_| filter.work.is_none()).map(|w| format!("/inbox?work={w}")),
                reply: match (n.kind, n.work_id, n.comment_id) {
                    (NotificationKind::Comment | NotificationKind::Reply, Some(w), Some(c)) => Some((w.0, c.0)),
                    _ => None,
                },
                title: n.title,
                body: n.body,
                url: n.url,
                read: n.read,
                at: super::views::stamp(n.created_at),
            })
            .collect(),
        kinds: NotificationKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        unread_only: filter.unread_only,
        kind: filter.kind.map_or("", |k| k.as_str()),
        work: filter.work.map(|w| w.0),
        return_to: uri.path_and_query().map_or("/inbox".to_owned(), |p| p.as_str().to_owned()),
    };
    render(&state, &visitor, "inbox.html", "Inbox", ctx).await
}

/// `POST /inbox`: `action` = `read`, `unread` (the ticked `id`s) or `read_all`.
pub async fn mark(State(state): State<AppState>, Writer(_, account): Writer, form: FormData) -> AppResult<Response> {
    let ids: Vec<NotificationId> = form.all("id").iter().filter_map(|i| i.parse().ok()).collect();
    match form.get("action") {
        "read_all" => state.store.mark_notifications(account.id, None, true).await?,
        "read" => state.store.mark_notifications(account.id, Some(&ids), true).await?,
        "unread" => state.store.mark_notifications(account.id, Some(&ids), false).await?,
        _ => return Err(AppError::BadRequest("Choose what to do with the notifications.".into())),
    };
    let back =
        super::local_path(form.get("return_to")).filter(|p| p.starts_with("/inbox")).unwrap_or_else(|| "/inbox".into());
    Ok(Redirect::to(&back).into_response())
}

#[derive(Serialize)]
struct PrefRow {
    kind: &'static str,
    label: &'static str,
    channel: &'static str,
}

/// `GET /account/notifications`.
pub async fn prefs_form(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    uri: Uri,
) -> AppResult<Html<String>> {
    let prefs = state.store.notification_prefs(account.id).await?;
    #[derive(Serialize)]
    struct Ctx {
        rows: Vec<PrefRow>,
        channels: Vec<(&'static str, &'static str)>,
        saved: bool,
    }
    let ctx = Ctx {
        rows: prefs
            .into_iter()
            .map(|(k, c)| PrefRow { kind: k.as_str(), label: k.label(), channel: c.as_str() })
            .collect(),
        channels: Channel::ALL.iter().map(|c| (c.as_str(), c.label())).collect(),
        saved: query_param(&uri, "saved").is_some(),
    };
    render(&state, &visitor, "account/notifications.html", "Notification preferences", ctx).await
}

/// `POST /account/notifications`: one field per kind, named after it.
pub async fn save_prefs(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    form: FormData,
) -> AppResult<Response> {
    for kind in NotificationKind::ALL {
        match form.get(kind.as_str()) {
            "" => {}
            value => {
                let channel: Channel =
                    value.parse().map_err(|_| AppError::BadRequest(format!("{value:?} is not a delivery choice.")))?;
                state.store.set_notification_pref(account.id, kind, channel).await?;
            }
        }
    }
    Ok(Redirect::to("/account/notifications?saved=1").into_response())
}

/// `GET /unsubscribe/{token}`: what the link in a mail's footer opens. Nothing changes until
/// the button is pressed (link checkers follow GET links).
pub async fn unsubscribe_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Html<String>> {
    let (_, kind) = crate::visitors::check_unsubscribe(&state, &token).await?.ok_or(AppError::NotFound)?;
    let said = format!("Stop emails for: {}. They stay in your inbox on the site.", kind.label());
    let action = format!("/unsubscribe/{token}");
    message_with_button(&state, &visitor, "Unsubscribe", &[&said], None, Some((&action, "Unsubscribe"))).await
}

/// `POST /unsubscribe/{token}`: RFC 8058's one click, from a mail client or the page above.
/// The signed token is the authority, so it needs no session and no CSRF token.
pub async fn unsubscribe(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Html<String>> {
    let (user, kind) = crate::visitors::check_unsubscribe(&state, &token).await?.ok_or(AppError::NotFound)?;
    state.store.set_notification_pref(user, kind, Channel::Site).await?;
    let said = format!("No more emails for: {}. You can change this in your notification preferences.", kind.label());
    let link = Some(("/account/notifications", "Notification preferences"));
    message(&state, &visitor, "Unsubscribed", &[&said], link).await
}

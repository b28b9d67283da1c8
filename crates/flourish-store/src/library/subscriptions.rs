//! Subscriptions: what a reader follows, the updates on their way to followers, the saved
//! searches' round, and the private feed.
//!
//! **Works, series and creators.** Posting a work or a chapter that someone follows writes
//! a [`record_updates`] row in the posting transaction (nothing, when no one follows: an
//! import of a million works writes no rows). [`SubscriptionStore::deliver_updates`] then
//! delivers it in chunks of followers in account order, each chunk one transaction that
//! also moves the update's `delivered_to` mark: a crash resumes at the mark, and two nodes
//! racing for a chunk cannot both commit it. A hundred thousand followers are a hundred
//! short transactions, so readers are never held up behind one long one.
//!
//! **Tags and saved searches** are checked by a round against the search index (the web
//! crate runs it), which calls [`SubscriptionStore::search_checked`] once per search.
//!
//! **Visibility.** An update is delivered only while its work is posted and not hidden.
//! Followers are members, so members-only works reach their inbox and email; the feed,
//! which anyone holding its address can read, shows only what a guest may.

use crate::conversation::{jobs::MAIL_NOTIFICATION, notify};
use crate::{Store, StoreError, now, placeholders, with_db};
use flourish_core::subscription::{MAX_SAVED_SEARCHES, MAX_SEARCH_CHARS, MAX_SUBSCRIPTIONS};
use flourish_core::{
    Channel, DigestEvery, NewSubscription, Notification, NotificationKind, Subscription, SubscriptionKind, UserId,
};
use sqlx::AssertSqlSafe;

/// A tag or saved search the round checks.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SavedSearch {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub target_id: i64,
    pub query: String,
    pub name: String,
    /// Works updated after this (unix seconds) are new to the follower.
    pub checked_until: i64,
}

/// What a round found for one saved search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchNotice {
    pub title: String,
    pub body: String,
    pub url: String,
}

/// One step of delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delivered {
    pub update: i64,
    /// Followers notified in this step (those with the kind turned off are not).
    pub notified: u64,
    /// Every follower has it; the update is gone.
    pub done: bool,
}

pub trait SubscriptionStore {
    /// Follows something. A work must be posted and not hidden; a second subscription to
    /// the same thing is a conflict.
    async fn subscribe(&self, user: UserId, new: &NewSubscription) -> Result<Subscription, StoreError>;
    async fn unsubscribe(&self, user: UserId, id: i64) -> Result<(), StoreError>;
    /// Newest first, named as the reader may see them now.
    async fn subscriptions(&self, user: UserId) -> Result<Vec<Subscription>, StoreError>;
    /// The account's subscription to this work, series, account or tag, if any.
    async fn subscription_to(
        &self,
        user: UserId,
        kind: SubscriptionKind,
        target: i64,
    ) -> Result<Option<i64>, StoreError>;
    async fn digest_every(&self, user: UserId) -> Result<DigestEvery, StoreError>;
    async fn set_digest_every(&self, user: UserId, every: DigestEvery) -> Result<(), StoreError>;
    /// The secret of the account's feed address: `candidate` becomes it when there is none
    /// yet, or when `renew` (which revokes the old address).
    async fn feed_secret(&self, user: UserId, candidate: &str, renew: bool) -> Result<String, StoreError>;
    /// Whose feed this secret opens.
    async fn feed_owner(&self, secret: &str) -> Result<Option<UserId>, StoreError>;
    /// The account's subscription notifications a guest may see, newest first: only
    /// posted, unhidden works open to everyone, and saved-search notices (which link to a
    /// listing the reader of the feed sees as a guest).
    async fn subscription_feed(&self, user: UserId, limit: u32) -> Result<Vec<Notification>, StoreError>;
    /// Delivers the oldest waiting update to its next `chunk` followers; `None` when
    /// nothing waits.
    async fn deliver_updates(&self, chunk: u32) -> Result<Option<Delivered>, StoreError>;
    /// Updates waiting for delivery: what a test or a bench waits on.
    async fn waiting_updates(&self) -> Result<u64, StoreError>;
    /// Tags and saved searches last checked before `before`, the longest waiting first.
    async fn due_searches(&self, before: i64, limit: u32) -> Result<Vec<SavedSearch>, StoreError>;
    /// Records that a search was checked up to `until`, with its notice if it found
    /// anything, in one transaction; false when another node got there first.
    async fn search_checked(
        &self,
        search: &SavedSearch,
        until: i64,
        notice: Option<&SearchNotice>,
    ) -> Result<bool, StoreError>;
    /// Queues one digest job per account with entries waiting, for the accounts whose
    /// digest is due today (`weekly` also the weekly ones). Returns how many were queued.
    async fn queue_digests(&self, day: &str, run_at: i64, weekly: bool) -> Result<u64, StoreError>;
}

/// Writes an update row for each of `works` that is posted, shown and followed, inside the
/// posting transaction `tx`: a new chapter (`chapter` set) reaches the work's, its series'
/// and its creators' followers; a new work its series' and creators'.
pub(crate) async fn record_updates<DB>(
    tx: &mut sqlx::Transaction<'_, DB>,
    works: &[i64],
    chapter: Option<i64>,
    at: i64,
) -> Result<(), StoreError>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: sqlx::IntoArguments<DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for ids in works.chunks(500) {
        let sql = format!(
            "INSERT INTO work_updates (work_id, chapter_id, delivered_to, created_at) \
             SELECT w.id, $2, 0, $1 FROM works w WHERE w.id IN ({}) AND w.posted = TRUE AND w.hidden = FALSE AND ( \
             ($3 AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.kind = 'work' AND s.target_id = w.id)) \
             OR EXISTS (SELECT 1 FROM series_works sw JOIN subscriptions s ON s.kind = 'series' AND s.target_id = sw.series_id \
                        WHERE sw.work_id = w.id) \
             OR EXISTS (SELECT 1 FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id \
                        JOIN subscriptions s ON s.kind = 'creator' AND s.target_id = p.user_id WHERE wc.work_id = w.id))",
            placeholders(4, ids.len())
        );
        let mut q = sqlx::query::<DB>(AssertSqlSafe(sql)).bind(at).bind(chapter).bind(chapter.is_some());
        for id in ids {
            q = q.bind(*id);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    id: i64,
    kind: String,
    target_id: i64,
    query: String,
    name: String,
    /// What the reader may see it called now; None when it is gone or hidden.
    label: Option<String>,
    created_at: i64,
}

impl SubscriptionRow {
    fn into_subscription(self) -> Subscription {
        let kind: SubscriptionKind = self.kind.parse().unwrap_or(SubscriptionKind::Search);
        let gone = || match kind {
            SubscriptionKind::Work => "A work no longer on the archive".to_owned(),
            SubscriptionKind::Series => "A series no longer on the archive".to_owned(),
            SubscriptionKind::Creator => "An account no longer on the archive".to_owned(),
            SubscriptionKind::Tag => "A tag no longer on the archive".to_owned(),
            SubscriptionKind::Search => self.name.clone(),
        };
        let name = self.label.clone().unwrap_or_else(gone);
        let url = match kind {
            SubscriptionKind::Work => format!("/works/{}", self.target_id),
            SubscriptionKind::Series => format!("/series/{}", self.target_id),
            SubscriptionKind::Creator => format!("/users/{}", flourish_core::tag_url_segment(&name)),
            SubscriptionKind::Tag => format!("/tags/{}/works", flourish_core::tag_url_segment(&name)),
            SubscriptionKind::Search => format!("/works?{}", self.query),
        };
        Subscription {
            id: self.id,
            kind,
            target_id: self.target_id,
            query: self.query,
            name,
            url,
            created_at: crate::rows::ts(self.created_at),
        }
    }
}

const SELECT: &str = "SELECT s.id, s.kind, s.target_id, s.query, s.name, s.created_at, CASE s.kind \
     WHEN 'work' THEN (SELECT w.title FROM works w WHERE w.id = s.target_id AND w.posted = TRUE AND w.hidden = FALSE) \
     WHEN 'series' THEN (SELECT r.title FROM series r WHERE r.id = s.target_id AND EXISTS (SELECT 1 FROM series_works sw \
        JOIN works w ON w.id = sw.work_id WHERE sw.series_id = r.id AND w.posted = TRUE AND w.hidden = FALSE)) \
     WHEN 'creator' THEN (SELECT u.username FROM users u WHERE u.id = s.target_id) \
     WHEN 'tag' THEN (SELECT t.name FROM tags t WHERE t.id = s.target_id) \
     ELSE s.name END AS label FROM subscriptions s";

/// The work an update is about, as its notice needs it.
#[derive(sqlx::FromRow)]
struct UpdatedWork {
    title: String,
    posted: bool,
    hidden: bool,
    chapter_count: i64,
    word_count: i64,
}

fn chapter_heading(position: i64, title: &str) -> String {
    if title.trim().is_empty() {
        format!("Chapter {position}")
    } else {
        format!("Chapter {position}: {}", title.trim())
    }
}

impl SubscriptionStore for Store {
    async fn subscribe(&self, user: UserId, new: &NewSubscription) -> Result<Subscription, StoreError> {
        let (kind, target, query, name) = match new {
            NewSubscription::Work(id) => (SubscriptionKind::Work, *id, String::new(), String::new()),
            NewSubscription::Series(id) => (SubscriptionKind::Series, *id, String::new(), String::new()),
            NewSubscription::Creator(id) => (SubscriptionKind::Creator, *id, String::new(), String::new()),
            NewSubscription::Tag(id) => (SubscriptionKind::Tag, *id, String::new(), String::new()),
            NewSubscription::Search { query, name } => {
                let query = query.trim().trim_start_matches('?').to_owned();
                let mut errors = flourish_core::ValidationErrors::default();
                if query.is_empty() {
                    errors.add("query", "Choose some filters first: an empty search would follow the whole archive.");
                } else if query.chars().count() > MAX_SEARCH_CHARS {
                    errors.add("query", format!("A saved search is at most {MAX_SEARCH_CHARS} characters."));
                }
                let name = name.trim();
                if name.chars().count() > 100 {
                    errors.add("name", "Give the search a name of up to 100 characters.");
                }
                errors.into_result()?;
                let name = if name.is_empty() { "Saved search".to_owned() } else { name.to_owned() };
                (SubscriptionKind::Search, 0, query, name)
            }
        };
        if kind == SubscriptionKind::Creator && target == user.0 {
            return Err(StoreError::invalid("creator", "You can't subscribe to yourself."));
        }
        let exists_sql = match kind {
            SubscriptionKind::Work => "SELECT COUNT(*) FROM works WHERE id = $1 AND posted = TRUE AND hidden = FALSE",
            // As the series page: a series with no posted, shown work does not exist.
            SubscriptionKind::Series => {
                "SELECT COUNT(*) FROM series_works sw JOIN works w ON w.id = sw.work_id \
                 WHERE sw.series_id = $1 AND w.posted = TRUE AND w.hidden = FALSE"
            }
            SubscriptionKind::Creator => "SELECT COUNT(*) FROM users WHERE id = $1",
            SubscriptionKind::Tag => "SELECT COUNT(*) FROM tags WHERE id = $1",
            SubscriptionKind::Search => "SELECT CAST($1 + 1 AS BIGINT)",
        };
        let what = match kind {
            SubscriptionKind::Work => "work",
            SubscriptionKind::Series => "series",
            SubscriptionKind::Creator => "account",
            SubscriptionKind::Tag => "tag",
            SubscriptionKind::Search => "search",
        };
        let at = now();
        let id: i64 = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let (found,): (i64,) = sqlx::query_as(AssertSqlSafe(exists_sql)).bind(target).fetch_one(&mut *tx).await?;
            if found == 0 {
                return Err(StoreError::NotFound(what));
            }
            let (all, searches): (i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN kind IN ('tag', 'search') THEN 1 ELSE 0 END), 0) \
                 FROM subscriptions WHERE user_id = $1",
            )
            .bind(user.0)
            .fetch_one(&mut *tx)
            .await?;
            if all as usize >= MAX_SUBSCRIPTIONS {
                return Err(StoreError::invalid(
                    "subscription",
                    format!("An account follows at most {MAX_SUBSCRIPTIONS} things; unsubscribe from some first."),
                ));
            }
            if kind.is_search() && searches as usize >= MAX_SAVED_SEARCHES {
                return Err(StoreError::invalid(
                    "subscription",
                    format!("An account follows at most {MAX_SAVED_SEARCHES} tags and saved searches together."),
                ));
            }
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO subscriptions (user_id, kind, target_id, query, name, checked_until, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(user.0)
            .bind(kind.as_str())
            .bind(target)
            .bind(&query)
            .bind(&name)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                return Err(StoreError::Conflict(format!("You already subscribe to this {what}.")));
            };
            tx.commit().await?;
            id
        });
        let sql = format!("{SELECT} WHERE s.id = $1");
        let row: SubscriptionRow =
            with_db!(self, db => sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_one(db).await?);
        Ok(row.into_subscription())
    }

    async fn unsubscribe(&self, user: UserId, id: i64) -> Result<(), StoreError> {
        let done = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let done = sqlx::query("DELETE FROM subscriptions WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            done
        });
        if done == 0 {
            return Err(StoreError::NotFound("subscription"));
        }
        Ok(())
    }

    async fn subscriptions(&self, user: UserId) -> Result<Vec<Subscription>, StoreError> {
        let sql = format!("{SELECT} WHERE s.user_id = $1 ORDER BY s.id DESC");
        let rows: Vec<SubscriptionRow> =
            with_db!(self, db => sqlx::query_as(AssertSqlSafe(sql)).bind(user.0).fetch_all(db).await?);
        Ok(rows.into_iter().map(SubscriptionRow::into_subscription).collect())
    }

    async fn subscription_to(
        &self,
        user: UserId,
        kind: SubscriptionKind,
        target: i64,
    ) -> Result<Option<i64>, StoreError> {
        let id = with_db!(self, db => {
            sqlx::query_scalar("SELECT id FROM subscriptions WHERE user_id = $1 AND kind = $2 AND target_id = $3 AND query = ''")
                .bind(user.0)
                .bind(kind.as_str())
                .bind(target)
                .fetch_optional(db)
                .await?
        });
        Ok(id)
    }

    async fn digest_every(&self, user: UserId) -> Result<DigestEvery, StoreError> {
        let every: Option<String> = with_db!(self, db => {
            sqlx::query_scalar("SELECT digest_every FROM users WHERE id = $1").bind(user.0).fetch_optional(db).await?
        });
        Ok(every.and_then(|e| e.parse().ok()).unwrap_or_default())
    }

    async fn set_digest_every(&self, user: UserId, every: DigestEvery) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("UPDATE users SET digest_every = $2 WHERE id = $1").bind(user.0).bind(every.as_str()).execute(db).await?;
        });
        Ok(())
    }

    async fn feed_secret(&self, user: UserId, candidate: &str, renew: bool) -> Result<String, StoreError> {
        let sql = if renew {
            "UPDATE users SET feed_secret = $2 WHERE id = $1"
        } else {
            "UPDATE users SET feed_secret = $2 WHERE id = $1 AND feed_secret IS NULL"
        };
        let secret: Option<String> = with_db!(self, db => {
            sqlx::query(sql).bind(user.0).bind(candidate).execute(db).await?;
            sqlx::query_scalar("SELECT feed_secret FROM users WHERE id = $1").bind(user.0).fetch_optional(db).await?
        });
        secret.ok_or(StoreError::NotFound("account"))
    }

    async fn feed_owner(&self, secret: &str) -> Result<Option<UserId>, StoreError> {
        if secret.is_empty() {
            return Ok(None);
        }
        let id: Option<i64> = with_db!(self, db => {
            sqlx::query_scalar("SELECT id FROM users WHERE feed_secret = $1").bind(secret).fetch_optional(db).await?
        });
        Ok(id.map(UserId))
    }

    async fn subscription_feed(&self, user: UserId, limit: u32) -> Result<Vec<Notification>, StoreError> {
        let page = self
            .notifications_where(
                user,
                "n.kind = 'subscription' AND (n.work_id IS NULL OR EXISTS (SELECT 1 FROM works w WHERE w.id = n.work_id \
                 AND w.posted = TRUE AND w.hidden = FALSE AND w.restricted = FALSE))",
                limit,
            )
            .await?;
        Ok(page)
    }

    async fn deliver_updates(&self, chunk: u32) -> Result<Option<Delivered>, StoreError> {
        let chunk = chunk.clamp(1, 2_000);
        let at = now();
        let delivered = with_db!(self, db => {
            let next: Option<(i64, i64, Option<i64>, i64)> = sqlx::query_as(
                "SELECT id, work_id, chapter_id, delivered_to FROM work_updates ORDER BY id LIMIT 1",
            )
            .fetch_optional(db)
            .await?;
            let Some((update, work, chapter, after)) = next else { return Ok(None) };
            let (_turn, mut tx) = db.begin_write().await?;
            let found: Option<UpdatedWork> = sqlx::query_as(
                "SELECT title, posted, hidden, chapter_count, word_count FROM works WHERE id = $1",
            )
            .bind(work)
            .fetch_optional(&mut *tx)
            .await?;
            let chapter_row: Option<(i64, String)> = match chapter {
                Some(c) => sqlx::query_as("SELECT position, title FROM chapters WHERE id = $1").bind(c).fetch_optional(&mut *tx).await?,
                None => None,
            };
            // Hidden or taken back to draft since: no one hears of it.
            let open = found.as_ref().is_some_and(|w| w.posted && !w.hidden) && (chapter.is_none() || chapter_row.is_some());
            let followers: Vec<i64> = if open {
                // Each branch walks its own index in account order and stops at the chunk;
                // the union of the three is cut to the chunk again.
                sqlx::query_scalar(
                    "SELECT user_id FROM ( \
                     SELECT * FROM (SELECT s.user_id FROM subscriptions s \
                        WHERE $3 AND s.kind = 'work' AND s.target_id = $1 AND s.user_id > $2 ORDER BY s.user_id LIMIT $4) a \
                     UNION SELECT * FROM (SELECT s.user_id FROM series_works sw JOIN subscriptions s \
                        ON s.kind = 'series' AND s.target_id = sw.series_id \
                        WHERE sw.work_id = $1 AND s.user_id > $2 ORDER BY s.user_id LIMIT $4) b \
                     UNION SELECT * FROM (SELECT s.user_id FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id \
                        JOIN subscriptions s ON s.kind = 'creator' AND s.target_id = p.user_id \
                        WHERE wc.work_id = $1 AND s.user_id > $2 ORDER BY s.user_id LIMIT $4) c \
                     ) f ORDER BY user_id LIMIT $4",
                )
                .bind(work)
                .bind(after)
                .bind(chapter.is_some())
                .bind(i64::from(chunk))
                .fetch_all(&mut *tx)
                .await?
            } else {
                vec![]
            };
            let done = (followers.len() as u32) < chunk;
            let last = followers.last().copied().unwrap_or(after);
            // The mark moves first: a node racing for the same chunk waits here, then finds
            // the mark moved and gives up.
            let progress = if done {
                sqlx::query("DELETE FROM work_updates WHERE id = $1 AND delivered_to = $2").bind(update).bind(after).execute(&mut *tx).await?
            } else {
                sqlx::query("UPDATE work_updates SET delivered_to = $3 WHERE id = $1 AND delivered_to = $2")
                    .bind(update)
                    .bind(after)
                    .bind(last)
                    .execute(&mut *tx)
                    .await?
            };
            if progress.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(Some(Delivered { update, notified: 0, done: false }));
            }
            let mut notified = 0u64;
            if let (Some(w), false) = (found, followers.is_empty()) {
                let creators: Vec<(i64, String, String)> = sqlx::query_as(
                    "SELECT p.user_id, p.name, u.username FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id \
                     JOIN users u ON u.id = p.user_id WHERE wc.work_id = $1 ORDER BY wc.position",
                )
                .bind(work)
                .fetch_all(&mut *tx)
                .await?;
                let placeholders_creators = placeholders(1, creators.len().max(1));
                let blocked: Vec<i64> = if creators.is_empty() {
                    vec![]
                } else {
                    let mut q = sqlx::query_scalar(AssertSqlSafe(format!(
                        "SELECT blocked_id FROM blocks WHERE blocker_id IN ({placeholders_creators})"
                    )));
                    for (user, _, _) in &creators {
                        q = q.bind(*user);
                    }
                    q.fetch_all(&mut *tx).await?
                };
                // A creator's own update, or one from a creator who blocked the follower,
                // reaches no one.
                let recipients: Vec<i64> = followers
                    .into_iter()
                    .filter(|f| !creators.iter().any(|(u, _, _)| u == f) && !blocked.contains(f))
                    .collect();
                let channels: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT user_id, channel FROM notification_prefs WHERE kind = 'subscription' AND user_id > $1 AND user_id <= $2",
                )
                .bind(after)
                .bind(last)
                .fetch_all(&mut *tx)
                .await?;
                let channel_of = |user: i64| {
                    channels
                        .iter()
                        .find(|(u, _)| *u == user)
                        .and_then(|(_, c)| c.parse().ok())
                        .unwrap_or(NotificationKind::Subscription.default_channel())
                };
                let deliveries: Vec<(i64, Channel)> =
                    recipients.into_iter().map(|u| (u, channel_of(u))).filter(|(_, c)| *c != Channel::Off).collect();
                if !deliveries.is_empty() {
                    let byline = creators
                        .iter()
                        .map(|(_, name, username)| if name == username { name.clone() } else { format!("{name} ({username})") })
                        .collect::<Vec<_>>()
                        .join(", ");
                    let byline = if byline.is_empty() { "Anonymous".to_owned() } else { byline };
                    let (title, url) = match (&chapter_row, chapter) {
                        (Some((position, name)), Some(c)) => (
                            format!("New chapter of {}: {}", w.title, chapter_heading(*position, name)),
                            format!("/works/{work}/chapters/{c}"),
                        ),
                        _ => (format!("New work by {byline}: {}", w.title), format!("/works/{work}")),
                    };
                    let body = format!("by {byline} · {} chapters · {} words", w.chapter_count, w.word_count);
                    let rows = placeholders_rows(deliveries.len());
                    let sql = format!(
                        "INSERT INTO notifications (user_id, kind, work_id, comment_id, actor, title, body, url, digest, read, created_at) \
                         VALUES {rows} RETURNING id, user_id"
                    );
                    let mut q = sqlx::query_as::<_, (i64, i64)>(AssertSqlSafe(sql))
                        .bind(work)
                        .bind(&byline)
                        .bind(&title)
                        .bind(&body)
                        .bind(&url)
                        .bind(at);
                    for (user, channel) in &deliveries {
                        q = q.bind(*user).bind(*channel == Channel::Digest);
                    }
                    let written: Vec<(i64, i64)> = q.fetch_all(&mut *tx).await?;
                    notified = written.len() as u64;
                    let users: Vec<i64> = deliveries.iter().map(|(u, _)| *u).collect();
                    let mut q = sqlx::query(AssertSqlSafe(format!(
                        "UPDATE users SET unread_notifications = unread_notifications + 1 WHERE id IN ({})",
                        placeholders(1, users.len())
                    )));
                    for u in &users {
                        q = q.bind(*u);
                    }
                    q.execute(&mut *tx).await?;
                    let mails: Vec<i64> = written
                        .iter()
                        .filter(|(_, u)| deliveries.iter().any(|(d, c)| d == u && *c == Channel::Email))
                        .map(|(id, _)| *id)
                        .collect();
                    if !mails.is_empty() {
                        let values: Vec<String> = (0..mails.len())
                            .map(|i| format!("($1, ${}, ${}, 'ready', 0, $2, $2)", 3 + 2 * i, 4 + 2 * i))
                            .collect();
                        let sql = format!(
                            "INSERT INTO jobs (kind, idempotency_key, payload, state, attempts, run_at, created_at) VALUES {} \
                             ON CONFLICT (idempotency_key) DO NOTHING",
                            values.join(", ")
                        );
                        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(MAIL_NOTIFICATION).bind(at);
                        for id in &mails {
                            q = q.bind(format!("mail:notification:{id}")).bind(serde_json::json!({ "notification": id }).to_string());
                        }
                        q.execute(&mut *tx).await?;
                    }
                }
            }
            tx.commit().await?;
            Some(Delivered { update, notified, done })
        });
        Ok(delivered)
    }

    async fn waiting_updates(&self) -> Result<u64, StoreError> {
        let (n,): (i64,) =
            with_db!(self, db => sqlx::query_as("SELECT COUNT(*) FROM work_updates").fetch_one(db).await?);
        Ok(n as u64)
    }

    async fn due_searches(&self, before: i64, limit: u32) -> Result<Vec<SavedSearch>, StoreError> {
        let rows = with_db!(self, db => {
            sqlx::query_as(
                "SELECT id, user_id, kind, target_id, query, name, checked_until FROM subscriptions \
                 WHERE kind IN ('tag', 'search') AND checked_until < $1 ORDER BY checked_until, id LIMIT $2",
            )
            .bind(before)
            .bind(i64::from(limit))
            .fetch_all(db)
            .await?
        });
        Ok(rows)
    }

    async fn search_checked(
        &self,
        search: &SavedSearch,
        until: i64,
        notice: Option<&SearchNotice>,
    ) -> Result<bool, StoreError> {
        let at = now();
        let moved = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let moved = sqlx::query("UPDATE subscriptions SET checked_until = $3 WHERE id = $1 AND checked_until = $2")
                .bind(search.id)
                .bind(search.checked_until)
                .bind(until)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if moved == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            if let Some(n) = notice {
                let notice = crate::conversation::Notice {
                    user: search.user_id,
                    kind: NotificationKind::Subscription,
                    work: None,
                    comment: None,
                    actor: "",
                    title: &n.title,
                    body: &n.body,
                    url: &n.url,
                };
                notify!(tx, &notice, at);
            }
            tx.commit().await?;
            true
        });
        Ok(moved)
    }

    async fn queue_digests(&self, day: &str, run_at: i64, weekly: bool) -> Result<u64, StoreError> {
        let at = now();
        // One statement, however many accounts: the daily round must not be a transaction
        // per account.
        let queued = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let done = sqlx::query(
                "INSERT INTO jobs (kind, idempotency_key, payload, state, attempts, run_at, created_at) \
                 SELECT $1, 'digest:' || $2 || ':' || CAST(u.id AS TEXT), '{\"user\": ' || CAST(u.id AS TEXT) || '}', 'ready', 0, $3, $4 \
                 FROM users u WHERE (u.digest_every = 'daily' OR $5) \
                 AND EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.digest = TRUE) \
                 ON CONFLICT (idempotency_key) DO NOTHING",
            )
            .bind(crate::conversation::jobs::MAIL_DIGEST)
            .bind(day)
            .bind(run_at)
            .bind(at)
            .bind(weekly)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            done
        });
        Ok(queued)
    }
}

/// `($7, 'subscription', $1, NULL, $2, $3, $4, $5, $8, FALSE, $6), …`: a notification row per
/// recipient, sharing the work, actor, title, body, url and time bound once.
fn placeholders_rows(n: usize) -> String {
    (0..n)
        .map(|i| format!("(${}, 'subscription', $1, NULL, $2, $3, $4, $5, ${}, FALSE, $6)", 7 + 2 * i, 8 + 2 * i))
        .collect::<Vec<_>>()
        .join(", ")
}

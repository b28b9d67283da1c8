//! The inbox: each account's notifications, where each kind goes, and what the mail
//! worker reads to send them.

use super::{Notice, notify};
use crate::rows::ts;
use crate::traits::Page;
use crate::{Store, StoreError, now, placeholders, with_db};
use flourish_core::{Channel, CommentId, Notification, NotificationId, NotificationKind, UserId, WorkId};
use sqlx::AssertSqlSafe;

/// Which notifications an inbox page shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InboxFilter {
    pub unread_only: bool,
    pub work: Option<WorkId>,
    pub kind: Option<NotificationKind>,
}

/// A notification with what a mail about it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailNotice {
    pub notification: Notification,
    pub user: UserId,
    pub username: String,
    pub email: Option<String>,
}

pub trait NotificationStore {
    /// An account's inbox, newest first.
    async fn notifications(
        &self,
        user: UserId,
        filter: InboxFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Notification>, StoreError>;
    /// Newest first, older than `before`: the API's cursor paging.
    async fn notifications_before(
        &self,
        user: UserId,
        before: Option<NotificationId>,
        limit: u32,
    ) -> Result<Vec<Notification>, StoreError>;
    /// Marks these (or every one, for `None`) read or unread; returns how many changed.
    async fn mark_notifications(
        &self,
        user: UserId,
        ids: Option<&[NotificationId]>,
        read: bool,
    ) -> Result<u64, StoreError>;
    /// The channel of every kind, defaults filled in.
    async fn notification_prefs(&self, user: UserId) -> Result<Vec<(NotificationKind, Channel)>, StoreError>;
    async fn set_notification_pref(
        &self,
        user: UserId,
        kind: NotificationKind,
        channel: Channel,
    ) -> Result<(), StoreError>;
    async fn mail_notice(&self, id: NotificationId) -> Result<Option<MailNotice>, StoreError>;
    /// Accounts with notifications waiting for their digest.
    async fn digest_recipients(&self) -> Result<Vec<UserId>, StoreError>;
    /// An account's waiting digest entries, oldest first, with its address.
    async fn digest(&self, user: UserId) -> Result<(Vec<Notification>, Option<String>), StoreError>;
    /// Marks digest entries up to `last` as sent.
    async fn digest_sent(&self, user: UserId, last: NotificationId) -> Result<(), StoreError>;
    /// One notification per creator summing up the kudos their works got in
    /// `[since, until)`: kudos are never notified one by one. Returns how many were written.
    async fn summarize_kudos(&self, since: i64, until: i64) -> Result<u64, StoreError>;
}

const SELECT: &str = "SELECT n.id, n.kind, n.work_id, n.comment_id, n.actor, n.title, n.body, n.url, n.read, n.created_at \
     FROM notifications n";

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    kind: String,
    work_id: Option<i64>,
    comment_id: Option<i64>,
    actor: String,
    title: String,
    body: String,
    url: String,
    read: bool,
    created_at: i64,
}

impl NotificationRow {
    fn into_notification(self) -> Notification {
        Notification {
            id: NotificationId(self.id),
            // Written only from the enum.
            kind: self.kind.parse().unwrap_or(NotificationKind::Moderation),
            work_id: self.work_id.map(WorkId),
            comment_id: self.comment_id.map(CommentId),
            actor: self.actor,
            title: self.title,
            body: self.body,
            url: self.url,
            read: self.read,
            created_at: ts(self.created_at),
        }
    }
}

impl Store {
    /// An account's notifications meeting `condition` (SQL on `n`, written by this crate),
    /// newest first.
    pub(crate) async fn notifications_where(
        &self,
        user: UserId,
        condition: &'static str,
        limit: u32,
    ) -> Result<Vec<Notification>, StoreError> {
        let sql = format!("{SELECT} WHERE n.user_id = $1 AND {condition} ORDER BY n.id DESC LIMIT $2");
        let rows: Vec<NotificationRow> = with_db!(self, db => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(user.0).bind(i64::from(limit)).fetch_all(db).await?
        });
        Ok(rows.into_iter().map(NotificationRow::into_notification).collect())
    }
}

impl NotificationStore for Store {
    async fn notifications(
        &self,
        user: UserId,
        filter: InboxFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Notification>, StoreError> {
        // Each condition is written so a NULL parameter switches it off.
        let conditions = "n.user_id = $1 AND ($2 = FALSE OR n.read = FALSE) AND ($3 IS NULL OR n.work_id = $3) \
                          AND ($4 IS NULL OR n.kind = $4)";
        let sql = format!("{SELECT} WHERE {conditions} ORDER BY n.id DESC LIMIT $5 OFFSET $6");
        let count = format!("SELECT COUNT(*) FROM notifications n WHERE {conditions}");
        let kind = filter.kind.map(|k| k.as_str());
        let (rows, total): (Vec<NotificationRow>, i64) = with_db!(self, db => {
            let rows = sqlx::query_as(AssertSqlSafe(sql))
                .bind(user.0)
                .bind(filter.unread_only)
                .bind(filter.work.map(|w| w.0))
                .bind(kind)
                .bind(i64::from(per_page))
                .bind(Page::<()>::offset(page, per_page))
                .fetch_all(db)
                .await?;
            let (total,): (i64,) = sqlx::query_as(AssertSqlSafe(count))
                .bind(user.0)
                .bind(filter.unread_only)
                .bind(filter.work.map(|w| w.0))
                .bind(kind)
                .fetch_one(db)
                .await?;
            (rows, total)
        });
        Ok(Page {
            items: rows.into_iter().map(NotificationRow::into_notification).collect(),
            page: page.max(1),
            per_page,
            total: total as u64,
        })
    }

    async fn notifications_before(
        &self,
        user: UserId,
        before: Option<NotificationId>,
        limit: u32,
    ) -> Result<Vec<Notification>, StoreError> {
        let sql = format!("{SELECT} WHERE n.user_id = $1 AND n.id < $2 ORDER BY n.id DESC LIMIT $3");
        let rows: Vec<NotificationRow> = with_db!(self, db => {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(user.0)
                .bind(before.map_or(i64::MAX, |b| b.0))
                .bind(i64::from(limit))
                .fetch_all(db)
                .await?
        });
        Ok(rows.into_iter().map(NotificationRow::into_notification).collect())
    }

    async fn mark_notifications(
        &self,
        user: UserId,
        ids: Option<&[NotificationId]>,
        read: bool,
    ) -> Result<u64, StoreError> {
        let only = match ids {
            Some([]) => return Ok(0),
            Some(ids) => format!(" AND id IN ({})", placeholders(3, ids.len().min(500))),
            None => String::new(),
        };
        let sql = format!("UPDATE notifications SET read = $2 WHERE user_id = $1 AND read <> $2{only}");
        let changed = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let mut q = sqlx::query(AssertSqlSafe(sql)).bind(user.0).bind(read);
            for id in ids.unwrap_or(&[]).iter().take(500) {
                q = q.bind(id.0);
            }
            let changed = q.execute(&mut *tx).await?.rows_affected();
            // Counted again rather than moved, so the header can never drift.
            sqlx::query(
                "UPDATE users SET unread_notifications = (SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read = FALSE) \
                 WHERE id = $1",
            )
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            changed
        });
        Ok(changed)
    }

    async fn notification_prefs(&self, user: UserId) -> Result<Vec<(NotificationKind, Channel)>, StoreError> {
        let rows: Vec<(String, String)> = with_db!(self, db => {
            sqlx::query_as("SELECT kind, channel FROM notification_prefs WHERE user_id = $1").bind(user.0).fetch_all(db).await?
        });
        Ok(NotificationKind::ALL
            .into_iter()
            .map(|kind| {
                let chosen = rows.iter().find(|(k, _)| k == kind.as_str()).and_then(|(_, c)| c.parse().ok());
                (kind, chosen.unwrap_or(kind.default_channel()))
            })
            .collect())
    }

    async fn set_notification_pref(
        &self,
        user: UserId,
        kind: NotificationKind,
        channel: Channel,
    ) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query(
                "INSERT INTO notification_prefs (user_id, kind, channel) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, kind) DO UPDATE SET channel = excluded.channel",
            )
            .bind(user.0)
            .bind(kind.as_str())
            .bind(channel.as_str())
            .execute(db)
            .await?;
        });
        Ok(())
    }

    async fn mail_notice(&self, id: NotificationId) -> Result<Option<MailNotice>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            n: NotificationRow,
            user_id: i64,
            username: String,
            email: Option<String>,
        }
        let sql = format!(
            "{} , n.user_id, u.username, u.email FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.id = $1",
            SELECT.trim_end_matches(" FROM notifications n")
        );
        let row: Option<Row> =
            with_db!(self, db => sqlx::query_as(AssertSqlSafe(sql)).bind(id.0).fetch_optional(db).await?);
        Ok(row.map(|r| MailNotice {
            notification: r.n.into_notification(),
            user: UserId(r.user_id),
            username: r.username,
            email: r.email,
        }))
    }

    async fn digest_recipients(&self) -> Result<Vec<UserId>, StoreError> {
        let rows: Vec<(i64,)> = with_db!(self, db => {
            sqlx::query_as("SELECT DISTINCT user_id FROM notifications WHERE digest = TRUE ORDER BY user_id").fetch_all(db).await?
        });
        Ok(rows.into_iter().map(|(u,)| UserId(u)).collect())
    }

    async fn digest(&self, user: UserId) -> Result<(Vec<Notification>, Option<String>), StoreError> {
        let sql = format!("{SELECT} WHERE n.user_id = $1 AND n.digest = TRUE ORDER BY n.id LIMIT 500");
        let (rows, email): (Vec<NotificationRow>, Option<(Option<String>,)>) = with_db!(self, db => {
            let rows = sqlx::query_as(AssertSqlSafe(sql)).bind(user.0).fetch_all(db).await?;
            let email = sqlx::query_as("SELECT email FROM users WHERE id = $1").bind(user.0).fetch_optional(db).await?;
            (rows, email)
        });
        Ok((rows.into_iter().map(NotificationRow::into_notification).collect(), email.and_then(|(e,)| e)))
    }

    async fn digest_sent(&self, user: UserId, last: NotificationId) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("UPDATE notifications SET digest = FALSE WHERE user_id = $1 AND id <= $2 AND digest = TRUE")
                .bind(user.0)
                .bind(last.0)
                .execute(db)
                .await?;
        });
        Ok(())
    }

    async fn summarize_kudos(&self, since: i64, until: i64) -> Result<u64, StoreError> {
        let at = now();
        let written = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let rows: Vec<(i64, i64, String, i64)> = sqlx::query_as(
                "SELECT p.user_id, w.id, w.title, COUNT(*) FROM kudos k JOIN works w ON w.id = k.work_id \
                 JOIN work_creators wc ON wc.work_id = w.id JOIN pseuds p ON p.id = wc.pseud_id \
                 WHERE k.created_at >= $1 AND k.created_at < $2 GROUP BY p.user_id, w.id, w.title ORDER BY p.user_id, w.id",
            )
            .bind(since)
            .bind(until)
            .fetch_all(&mut *tx)
            .await?;
            let mut written = 0u64;
            for chunk in rows.chunk_by(|a, b| a.0 == b.0) {
                let user = chunk[0].0;
                let total: i64 = chunk.iter().map(|r| r.3).sum();
                let title = if total == 1 { "Your work got kudos".to_owned() } else { format!("Your works got {total} kudos") };
                let body = chunk.iter().map(|(_, _, t, n)| format!("{t}: {n}")).collect::<Vec<_>>().join(" · ");
                let url = if chunk.len() == 1 { format!("/works/{}", chunk[0].1) } else { "/inbox".to_owned() };
                let work = (chunk.len() == 1).then_some(chunk[0].1);
                let notice = Notice { user, kind: NotificationKind::Kudos, work, comment: None, actor: "", title: &title, body: &body, url: &url };
                notify!(tx, &notice, at);
                written += 1;
            }
            tx.commit().await?;
            written
        });
        Ok(written)
    }
}

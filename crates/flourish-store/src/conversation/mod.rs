//! Readers answering writers, in one transaction each (DESIGN.md, "Readers' actions"): the
//! action's rows, the work's counts, its outbox row and every notification (with its mail
//! job) it causes are written together or not at all.
//!
//! Start with [`comments`], the largest: who may comment (the work's policy, blocks,
//! account standing, limits and the spam score), threads, moderation. [`kudos`] is the
//! small version of the same rules. [`notifications`] is the inbox and where each kind of
//! event goes; [`jobs`] the queue that mail (and every other background task) goes through;
//! [`blocks`] the first safety tool, [`reports`] the second.
//!
//! The steps several writes share are macros, not functions, so they expand inside each
//! write's `with_db!` body and are type-checked against both drivers like the rest.

mod blocks;
mod comments;
pub mod jobs;
pub(crate) mod kudos;
mod notifications;
mod reports;

pub use blocks::{BlockStore, BlockedAccount, MAX_BLOCKS};
pub use comments::{CommentOrder, CommentReader, CommentStore, CommentsPage, SpamPolicy};
pub use jobs::{Job, JobRecord, JobStore};
pub use kudos::{KudosGiver, KudosList, KudosStore};
pub use notifications::{InboxFilter, MailNotice, NotificationStore};
pub use reports::{NewReport, QueueFilter, ReportStore};

/// What a blocked account is told (blocking is silent: the blocker is never asked or told).
pub const BLOCKED_MESSAGE: &str = "You can't do that here: the creator has blocked you.";

/// Sets a work's comment count to what readers can see: after a write removed comments
/// wholesale (a deleted chapter). `$1` is the work.
pub(crate) const RECOUNT_COMMENTS: &str = "UPDATE works SET comments = (SELECT COUNT(*) FROM comments \
     WHERE work_id = $1 AND state = 'published' AND deleted = FALSE AND hidden = FALSE) WHERE id = $1";

/// One event for one account's inbox, before its channel is looked up.
pub(crate) struct Notice<'a> {
    pub user: i64,
    pub kind: flourish_core::NotificationKind,
    pub work: Option<i64>,
    pub comment: Option<i64>,
    pub actor: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub url: &'a str,
}

/// Queues a background job in the caller's transaction; a job with the same idempotency
/// key is queued once. Evaluates to nothing; errors return from the caller.
macro_rules! enqueue_job {
    ($tx:expr, $kind:expr, $key:expr, $payload:expr, $run_at:expr, $at:expr) => {
        sqlx::query(
            "INSERT INTO jobs (kind, idempotency_key, payload, state, attempts, run_at, created_at) \
             VALUES ($1, $2, $3, 'ready', 0, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind($kind)
        .bind($key)
        .bind($payload)
        .bind($run_at)
        .bind($at)
        .execute(&mut *$tx)
        .await?
    };
}

/// Delivers a [`Notice`] in the caller's transaction: to the inbox (and the unread count)
/// unless its recipient turned the kind off, and to a mail job when they want email at
/// once. A digest waits, flagged, for the daily digest job.
macro_rules! notify {
    ($tx:expr, $notice:expr, $at:expr) => {{
        let notice: &$crate::conversation::Notice<'_> = $notice;
        let chosen: Option<String> =
            sqlx::query_scalar("SELECT channel FROM notification_prefs WHERE user_id = $1 AND kind = $2")
                .bind(notice.user)
                .bind(notice.kind.as_str())
                .fetch_optional(&mut *$tx)
                .await?;
        let channel = chosen.and_then(|c| c.parse().ok()).unwrap_or(notice.kind.default_channel());
        if channel != flourish_core::Channel::Off {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO notifications (user_id, kind, work_id, comment_id, actor, title, body, url, digest, read, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE, $10) RETURNING id",
            )
            .bind(notice.user)
            .bind(notice.kind.as_str())
            .bind(notice.work)
            .bind(notice.comment)
            .bind(notice.actor)
            .bind(notice.title)
            .bind(notice.body)
            .bind(notice.url)
            .bind(channel == flourish_core::Channel::Digest)
            .bind($at)
            .fetch_one(&mut *$tx)
            .await?;
            sqlx::query("UPDATE users SET unread_notifications = unread_notifications + 1 WHERE id = $1")
                .bind(notice.user)
                .execute(&mut *$tx)
                .await?;
            if channel == flourish_core::Channel::Email {
                $crate::conversation::enqueue_job!(
                    $tx,
                    $crate::conversation::jobs::MAIL_NOTIFICATION,
                    format!("mail:notification:{id}"),
                    serde_json::json!({ "notification": id }).to_string(),
                    $at,
                    $at
                );
            }
        }
    }};
}

/// The accounts credited on a work, for notices and the creator checks.
macro_rules! creator_users {
    ($tx:expr, $work:expr) => {{
        let users: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT p.user_id FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id WHERE wc.work_id = $1",
        )
        .bind($work)
        .fetch_all(&mut *$tx)
        .await?;
        users
    }};
}

/// SQL: whether account `$2` is credited on work `$1`.
macro_rules! credited_sql {
    () => {
        "EXISTS (SELECT 1 FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id WHERE wc.work_id = $1 AND p.user_id = $2)"
    };
}

/// SQL: whether any creator of work `$1` has blocked account `$2`.
macro_rules! blocked_sql {
    () => {
        "EXISTS (SELECT 1 FROM blocks b JOIN pseuds p ON p.user_id = b.blocker_id \
         JOIN work_creators wc ON wc.pseud_id = p.id WHERE wc.work_id = $1 AND b.blocked_id = $2)"
    };
}

/// Whether any creator of the work has blocked `$user`.
macro_rules! blocked_by_creator {
    ($tx:expr, $work:expr, $user:expr) => {{
        let blocked: bool = sqlx::query_scalar(concat!("SELECT ", $crate::conversation::blocked_sql!()))
            .bind($work)
            .bind($user)
            .fetch_one(&mut *$tx)
            .await?;
        blocked
    }};
}

/// Whether `$user` moderates the work's comments: one of its creators, or an admin.
macro_rules! moderates {
    ($tx:expr, $work:expr, $user:expr) => {{
        let (allowed,): (bool,) = sqlx::query_as(concat!(
            "SELECT EXISTS (SELECT 1 FROM users WHERE id = $2 AND is_admin = TRUE) OR ",
            $crate::conversation::credited_sql!()
        ))
        .bind($work)
        .bind($user)
        .fetch_one(&mut *$tx)
        .await?;
        allowed
    }};
}

/// Whether `$user` is on the archive's staff: an admin or a moderator.
macro_rules! staff {
    ($tx:expr, $user:expr) => {{
        let row: Option<(bool, bool)> = sqlx::query_as("SELECT is_admin, is_moderator FROM users WHERE id = $1")
            .bind($user)
            .fetch_optional(&mut *$tx)
            .await?;
        row.is_some_and(|(admin, moderator)| admin || moderator)
    }};
}

/// An account's standing, read in the caller's transaction: (status, created_at).
macro_rules! standing {
    ($tx:expr, $user:expr) => {{
        let row: Option<(String, i64)> = sqlx::query_as("SELECT status, created_at FROM users WHERE id = $1")
            .bind($user)
            .fetch_optional(&mut *$tx)
            .await?;
        row
    }};
}

pub(crate) use {
    blocked_by_creator, blocked_sql, creator_users, credited_sql, enqueue_job, moderates, notify, staff, standing,
};

/// Refuses an account that may not act: only active accounts comment, give kudos or report.
/// (The kudos insert asks the same of `users.status` in its SQL.)
pub(crate) fn check_active(status: &str) -> Result<(), crate::StoreError> {
    match status {
        "active" => Ok(()),
        _ => Err(crate::StoreError::Forbidden(
            "Your account is suspended: you can read, but not comment, leave kudos or report, until an admin lifts it."
                .into(),
        )),
    }
}

/// Whether a work row lets this viewer in: posted, not hidden, and members-only works
/// for members only.
pub(crate) fn work_is_open(posted: bool, hidden: bool, restricted: bool, member: bool) -> bool {
    posted && !hidden && (!restricted || member)
}

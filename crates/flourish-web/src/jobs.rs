//! The background worker every node runs (DESIGN.md): it takes jobs from the database's
//! job table and does them — mail about notifications, daily digests, the daily kudos
//! summaries. A job is leased while it runs; a node that dies lets the lease run out and
//! another node (or this one, restarted) takes it again.
//!
//! Mail is sent exactly once except in one window: after the mail server accepted a
//! message and before the job was marked done (the window opens as the message's final line
//! leaves: a node that dies before the reply arrives cannot know it was accepted). A crash
//! there sends it again, under the same `Message-ID` (made from the job's id), so mail
//! clients show one message. `crates/flourish/tests/it/mail_crash.rs` kills a node there and
//! at random moments to prove it.

use crate::mail::QueuedMail;
use crate::state::AppState;
use flourish_core::{NotificationId, NotificationKind, UserId};
use flourish_store::conversation::jobs::{DAILY, MAIL_DIGEST, MAIL_NOTIFICATION};
use flourish_store::{JobStore, NotificationStore, StatisticsStore, StoreError, SubscriptionStore};
use std::time::Duration;

/// How long a job is someone's before another node may take it, unless configured
/// (`mail.lease_secs`).
pub const DEFAULT_LEASE_SECS: u32 = 120;
/// How often an idle worker looks for work.
pub const IDLE_POLL: Duration = Duration::from_millis(500);
/// Attempts before a job is left dead for an admin to retry.
const MAX_ATTEMPTS: i64 = 8;

/// What a job's failure means.
#[derive(Debug)]
enum JobError {
    /// Worth trying again later (the mail server is down).
    Retry(String),
    /// It will never work (a malformed payload).
    Fatal(String),
}

impl From<StoreError> for JobError {
    fn from(e: StoreError) -> JobError {
        JobError::Retry(e.to_string())
    }
}

/// Runs jobs for as long as the archive runs.
pub async fn run(state: AppState) {
    let mut last_daily = String::new();
    let mut last_round = 0i64;
    loop {
        // New works and chapters reach their followers first: a chunk, then the queue.
        match crate::following::deliver_step(&state).await {
            Ok(true) => {
                tokio::time::sleep(crate::following::DELIVERY_PAUSE).await;
                continue;
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "cannot deliver updates to followers"),
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        if now - last_round >= 60 {
            last_round = now;
            let until = now - crate::following::INDEX_LAG_SECS;
            if let Err(e) =
                crate::following::check_saved_searches(&state, until, crate::following::SEARCH_ROUND_SECS).await
            {
                tracing::warn!(error = %e, "cannot check saved searches");
            }
        }
        let today = time::OffsetDateTime::now_utc().date();
        if today.to_string() != last_daily {
            match schedule_daily(&state, today).await {
                Ok(()) => last_daily = today.to_string(),
                Err(e) => tracing::warn!(error = %e, "cannot schedule the daily jobs"),
            }
        }
        match run_one(&state).await {
            Ok(true) => {}
            Ok(false) => tokio::time::sleep(IDLE_POLL).await,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the job queue");
                tokio::time::sleep(IDLE_POLL * 4).await;
            }
        }
    }
}

/// Queues today's round (idempotent: every node asks, one job is made).
async fn schedule_daily(state: &AppState, today: time::Date) -> Result<(), StoreError> {
    let until = today.midnight().assume_utc().unix_timestamp();
    let payload = serde_json::json!({ "day": today.to_string(), "since": until - 86_400, "until": until }).to_string();
    state.store.enqueue(DAILY, &format!("daily:{today}"), &payload, until).await?;
    Ok(())
}

/// Takes and does one due job; `false` when there was none.
pub async fn run_one(state: &AppState) -> Result<bool, StoreError> {
    let Some(job) = state.store.claim_job(i64::from(state.config.job_lease_secs)).await? else { return Ok(false) };
    let payload: serde_json::Value = serde_json::from_str(&job.payload).unwrap_or_default();
    let result = match job.kind.as_str() {
        MAIL_NOTIFICATION => mail_notification(state, job.id, &payload).await,
        MAIL_DIGEST => mail_digest(state, job.id, &payload).await,
        DAILY => daily(state, &payload).await,
        other => Err(JobError::Fatal(format!("unknown job kind {other:?}"))),
    };
    match result {
        Ok(()) => state.store.finish_job(job.id).await?,
        Err(JobError::Retry(e)) if job.attempts < MAX_ATTEMPTS => {
            // 30 s, 2 min, 4.5 min, … : a mail server down for an hour is waited out.
            let backoff = 30 * job.attempts * job.attempts;
            tracing::warn!(job = job.id, kind = job.kind, error = e, retry_in = backoff, "job failed; will try again");
            state.store.fail_job(job.id, &e, Some(backoff)).await?;
        }
        Err(JobError::Retry(e) | JobError::Fatal(e)) => {
            tracing::error!(job = job.id, kind = job.kind, error = e, "job failed for good; an admin can retry it");
            state.store.fail_job(job.id, &e, None).await?;
        }
    }
    Ok(true)
}

fn message_id(state: &AppState, job: i64) -> String {
    format!("<flourish.job.{job}@{}>", state.mailer.domain())
}

fn footer(state: &AppState, unsubscribe: &str) -> String {
    format!(
        "\n\n--\nChange what {} sends you: {}\nStop these emails: {unsubscribe}\n",
        state.config.archive_name,
        state.config.url("/account/notifications")
    )
}

async fn mail_notification(state: &AppState, job: i64, payload: &serde_json::Value) -> Result<(), JobError> {
    let id = payload["notification"].as_i64().ok_or_else(|| JobError::Fatal("no notification id".into()))?;
    // Gone (the account or the work was deleted) or no address: nothing to send.
    let Some(notice) = state.store.mail_notice(NotificationId(id)).await? else { return Ok(()) };
    let Some(email) = notice.email.as_deref() else { return Ok(()) };
    let unsubscribe = unsubscribe_url(state, notice.user, notice.notification.kind).await?;
    let n = &notice.notification;
    let mut body = format!("Hi {},\n\n{}\n", notice.username, n.title);
    if !n.body.is_empty() {
        body.push_str(&format!("\n    {}\n", n.body.replace('\n', "\n    ")));
    }
    body.push_str(&format!("\n{}\n", state.config.url(&n.url)));
    body.push_str(&footer(state, &unsubscribe));
    let mail = QueuedMail {
        to: email,
        subject: &format!("[{}] {}", state.config.archive_name, n.title),
        body: &body,
        message_id: message_id(state, job),
        unsubscribe: Some(unsubscribe),
    };
    state.mailer.send_queued(&state.store, &mail).await.map_err(JobError::Retry)?;
    Ok(())
}

async fn unsubscribe_url(state: &AppState, user: UserId, kind: NotificationKind) -> Result<String, JobError> {
    let token =
        crate::visitors::unsubscribe_token(state, user, kind).await.map_err(|e| JobError::Retry(e.to_string()))?;
    Ok(state.config.url(&format!("/unsubscribe/{token}")))
}

async fn mail_digest(state: &AppState, job: i64, payload: &serde_json::Value) -> Result<(), JobError> {
    let user = UserId(payload["user"].as_i64().ok_or_else(|| JobError::Fatal("no user id".into()))?);
    let (entries, email) = state.store.digest(user).await?;
    let (Some(last), Some(email)) = (entries.last(), email) else { return Ok(()) };
    // One unsubscribe per message: the kind most of the digest is about.
    let kind = entries.iter().map(|e| e.kind).max_by_key(|k| entries.iter().filter(|e| e.kind == *k).count());
    let unsubscribe = unsubscribe_url(state, user, kind.unwrap_or(NotificationKind::Kudos)).await?;
    let mut body = format!("Here is what happened on {} since the last digest:\n", state.config.archive_name);
    for e in &entries {
        body.push_str(&format!("\n* {}\n  {}\n", e.title, state.config.url(&e.url)));
        if !e.body.is_empty() {
            body.push_str(&format!("  {}\n", e.body));
        }
    }
    body.push_str(&footer(state, &unsubscribe));
    let mail = QueuedMail {
        to: &email,
        subject: &format!(
            "[{}] Your {} digest ({} update{})",
            state.config.archive_name,
            state.store.digest_every(user).await?.as_str(),
            entries.len(),
            if entries.len() == 1 { "" } else { "s" }
        ),
        body: &body,
        message_id: message_id(state, job),
        unsubscribe: Some(unsubscribe),
    };
    state.mailer.send_queued(&state.store, &mail).await.map_err(JobError::Retry)?;
    state.store.digest_sent(user, last.id).await?;
    Ok(())
}

async fn daily(state: &AppState, payload: &serde_json::Value) -> Result<(), JobError> {
    let (Some(since), Some(until), Some(day)) =
        (payload["since"].as_i64(), payload["until"].as_i64(), payload["day"].as_str())
    else {
        return Err(JobError::Fatal("malformed daily payload".into()));
    };
    state.store.summarize_kudos(since, until).await?;
    // Weekly digests go out on Mondays, with the daily ones.
    let weekly = time::Date::parse(day, &time::format_description::well_known::Iso8601::DATE)
        .is_ok_and(|d| d.weekday() == time::Weekday::Monday);
    state.store.queue_digests(day, until, weekly).await?;
    // Yesterday's hits reach the search index's sorts; yesterday's visitor keys are gone.
    let today = until.div_euclid(flourish_store::library::statistics::DAY);
    state.store.hits_to_index(today - 1).await?;
    state.store.forget_hit_visitors(today).await?;
    Ok(())
}

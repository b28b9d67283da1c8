//! The job table (DESIGN.md, "Readers' actions and background work"): what must not slow a
//! request, taken by a worker in every node. A claimed job is leased; a node that dies
//! mid-job lets its lease run out and another node takes the job again, so nothing queued is
//! ever lost, and a job runs twice only when its node died after doing it but before
//! recording it.

use super::enqueue_job;
use crate::{Backend, Store, StoreError, now, with_db};

/// Mail about one notification; payload `{"notification": id}`.
pub const MAIL_NOTIFICATION: &str = "mail_notification";
/// One account's daily digest; payload `{"user": id}`.
pub const MAIL_DIGEST: &str = "mail_digest";
/// The daily round: the kudos summaries, then a digest job per account.
pub const DAILY: &str = "daily";

/// Jobs that may be taken at `$1`: due ones, and running ones whose lease ran out.
const DUE: &str = "(state = 'ready' AND run_at <= $1) OR (state = 'running' AND lease_until < $1)";

/// A claimed job.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub idempotency_key: String,
    pub payload: String,
    /// Including this one.
    pub attempts: i64,
}

/// A job as the admin page lists it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    pub idempotency_key: String,
    pub state: String,
    pub attempts: i64,
    pub run_at: i64,
    pub last_error: String,
    pub created_at: i64,
}

pub trait JobStore {
    /// Queues a job unless one with this key exists; returns whether it was queued.
    async fn enqueue(&self, kind: &str, key: &str, payload: &str, run_at: i64) -> Result<bool, StoreError>;
    /// Takes the next due job (or one whose lease ran out) for `lease_secs`.
    async fn claim_job(&self, lease_secs: i64) -> Result<Option<Job>, StoreError>;
    async fn finish_job(&self, id: i64) -> Result<(), StoreError>;
    /// Records a failure: tried again after `retry_in` seconds, or dead (for an admin to
    /// retry) when `None`.
    async fn fail_job(&self, id: i64, error: &str, retry_in: Option<i64>) -> Result<(), StoreError>;
    /// Jobs in `state` (all when `None`), newest first.
    async fn jobs(&self, state: Option<&str>, limit: u32) -> Result<Vec<JobRecord>, StoreError>;
    /// Puts a dead job back in the queue.
    async fn retry_job(&self, id: i64) -> Result<(), StoreError>;
    /// Queued or running jobs: what a test waits on.
    async fn pending_jobs(&self) -> Result<u64, StoreError>;
}

impl JobStore for Store {
    async fn enqueue(&self, kind: &str, key: &str, payload: &str, run_at: i64) -> Result<bool, StoreError> {
        let at = now();
        let queued = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let done = enqueue_job!(tx, kind, key, payload, run_at, at);
            tx.commit().await?;
            done.rows_affected() > 0
        });
        Ok(queued)
    }

    async fn claim_job(&self, lease_secs: i64) -> Result<Option<Job>, StoreError> {
        let at = now();
        // Idle workers ask every half second on every node: a read answers "nothing due"
        // without taking SQLite's write lock from the requests.
        let due: Option<(i64,)> = with_db!(self, db => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT id FROM jobs WHERE {DUE} LIMIT 1"))).bind(at).fetch_optional(db).await?
        });
        if due.is_none() {
            return Ok(None);
        }
        // SQLite has one writer, so the UPDATE alone is atomic; PostgreSQL needs the row
        // lock, and SKIP LOCKED lets each node take a different job instead of waiting.
        let lock = if self.backend() == Backend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
        let sql = format!(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $2 WHERE id = (\
             SELECT id FROM jobs WHERE {DUE} ORDER BY run_at, id LIMIT 1{lock}) RETURNING id, kind, idempotency_key, payload, attempts"
        );
        let job = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let job = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(at).bind(at + lease_secs).fetch_optional(&mut *tx).await?;
            tx.commit().await?;
            job
        });
        Ok(job)
    }

    async fn finish_job(&self, id: i64) -> Result<(), StoreError> {
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            sqlx::query("UPDATE jobs SET state = 'done', lease_until = NULL, finished_at = $2 WHERE id = $1")
                .bind(id)
                .bind(now())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn fail_job(&self, id: i64, error: &str, retry_in: Option<i64>) -> Result<(), StoreError> {
        let at = now();
        let (state, run_at) = match retry_in {
            Some(secs) => ("ready", at + secs),
            None => ("dead", at),
        };
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            sqlx::query("UPDATE jobs SET state = $2, run_at = $3, lease_until = NULL, last_error = $4 WHERE id = $1")
                .bind(id)
                .bind(state)
                .bind(run_at)
                .bind(error)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn jobs(&self, state: Option<&str>, limit: u32) -> Result<Vec<JobRecord>, StoreError> {
        let rows = with_db!(self, db => {
            sqlx::query_as(
                "SELECT id, kind, idempotency_key, state, attempts, run_at, last_error, created_at FROM jobs \
                 WHERE ($1 IS NULL OR state = $1) ORDER BY id DESC LIMIT $2",
            )
            .bind(state)
            .bind(i64::from(limit))
            .fetch_all(db)
            .await?
        });
        Ok(rows)
    }

    async fn retry_job(&self, id: i64) -> Result<(), StoreError> {
        let done = with_db!(self, db => {
            sqlx::query("UPDATE jobs SET state = 'ready', run_at = $2, last_error = '' WHERE id = $1 AND state = 'dead'")
                .bind(id)
                .bind(now())
                .execute(db)
                .await?
                .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound("dead job"));
        }
        Ok(())
    }

    async fn pending_jobs(&self) -> Result<u64, StoreError> {
        let (n,): (i64,) = with_db!(self, db => {
            sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE state IN ('ready', 'running')").fetch_one(db).await?
        });
        Ok(n as u64)
    }
}

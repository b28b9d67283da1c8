//! Cleaning stored HTML again when the sanitizer's rules change.
//!
//! Works, chapters and series record the [`SANITIZER_VERSION`] their HTML was cleaned with.
//! When the rules tighten (a hole found, as in issue 20), every row below the current
//! version is cleaned again: `flourish serve` does it before it listens, and
//! `flourish admin resanitize` does it on demand with a progress bar. A work whose HTML
//! changed gets a new version and an outbox row, so the search index, cached pages and
//! cached downloads (kept per work version) are rebuilt; one whose HTML was already clean
//! only has its version mark raised. Running it twice, or on two nodes at once, is harmless:
//! sanitizing clean HTML gives the same HTML.

use crate::changes::{Changed, works_changed};
use crate::{Store, StoreError, now, placeholders, with_db};
use flourish_text::{SANITIZER_VERSION, count_words_in_html, sanitize_html};
use sqlx::AssertSqlSafe;

/// Works cleaned per transaction: short enough that a running archive's writers wait little.
const BATCH: usize = 100;

/// What [`ContentCleaning::resanitize`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResanitizeReport {
    /// Works (with their chapters) cleaned again, and how many of them changed.
    pub works: u64,
    pub works_changed: u64,
    /// Series descriptions cleaned again, and how many changed.
    pub series: u64,
    pub series_changed: u64,
}

pub trait ContentCleaning {
    /// How many works (counting a work once however many of its chapters are stale) and
    /// series hold HTML cleaned by an older sanitizer.
    async fn stale_content(&self) -> Result<(u64, u64), StoreError>;
    /// Cleans every stale work, chapter and series again; `progress` is told how many works
    /// are done after each batch.
    async fn resanitize(&self, progress: impl FnMut(u64) + Send) -> Result<ResanitizeReport, StoreError>;
}

/// The works holding stale HTML, in their own fields or in a chapter's.
const STALE_WORKS: &str = "SELECT id FROM works WHERE sanitizer_version < $1 \
     UNION SELECT work_id FROM chapters WHERE sanitizer_version < $1";

/// One chapter's HTML fields as stored.
type ChapterHtml = (i64, i64, String, String, String, String);

impl ContentCleaning for Store {
    async fn stale_content(&self) -> Result<(u64, u64), StoreError> {
        let version = i64::from(SANITIZER_VERSION);
        let (works, series): (i64, i64) = with_db!(self, db => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT (SELECT COUNT(*) FROM ({STALE_WORKS}) stale), \
                 (SELECT COUNT(*) FROM series WHERE sanitizer_version < $1)"
            )))
            .bind(version)
            .fetch_one(db)
            .await?
        });
        Ok((works as u64, series as u64))
    }

    async fn resanitize(&self, mut progress: impl FnMut(u64) + Send) -> Result<ResanitizeReport, StoreError> {
        let mut report = ResanitizeReport::default();
        loop {
            let (seen, changed) = self.resanitize_work_batch().await?;
            if seen == 0 {
                break;
            }
            report.works += seen;
            report.works_changed += changed;
            progress(report.works);
        }
        loop {
            let (seen, changed) = self.resanitize_series_batch().await?;
            if seen == 0 {
                break;
            }
            report.series += seen;
            report.series_changed += changed;
        }
        Ok(report)
    }
}

impl Store {
    /// Cleans up to [`BATCH`] stale works and their chapters in one transaction; returns how
    /// many were looked at and how many changed. Each row is written only while it is still
    /// stale, so an edit made meanwhile (already cleaned by today's rules) is never undone.
    async fn resanitize_work_batch(&self) -> Result<(u64, u64), StoreError> {
        let version = i64::from(SANITIZER_VERSION);
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let ids: Vec<(i64,)> = sqlx::query_as(AssertSqlSafe(format!("{STALE_WORKS} ORDER BY 1 LIMIT {BATCH}")))
                .bind(version)
                .fetch_all(&mut *tx)
                .await?;
            if ids.is_empty() {
                tx.rollback().await?;
                return Ok((0, 0));
            }
            let ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
            let in_ids = placeholders(2, ids.len());

            let mut q = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT id, summary, notes, end_notes FROM works WHERE $1 = $1 AND id IN ({in_ids})"
            )))
            .bind(version);
            for id in &ids {
                q = q.bind(id);
            }
            let works: Vec<(i64, String, String, String)> = q.fetch_all(&mut *tx).await?;
            let mut changed: Vec<i64> = Vec::new();
            for (id, summary, notes, end_notes) in works {
                let clean = [sanitize_html(&summary), sanitize_html(&notes), sanitize_html(&end_notes)];
                if clean != [summary, notes, end_notes] {
                    sqlx::query(
                        "UPDATE works SET summary = $2, notes = $3, end_notes = $4 WHERE id = $1 AND sanitizer_version < $5",
                    )
                    .bind(id)
                    .bind(&clean[0])
                    .bind(&clean[1])
                    .bind(&clean[2])
                    .bind(version)
                    .execute(&mut *tx)
                    .await?;
                    changed.push(id);
                }
            }

            let mut q = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT id, work_id, summary, notes, end_notes, content FROM chapters \
                 WHERE sanitizer_version < $1 AND work_id IN ({in_ids})"
            )))
            .bind(version);
            for id in &ids {
                q = q.bind(id);
            }
            let chapters: Vec<ChapterHtml> = q.fetch_all(&mut *tx).await?;
            for (id, work, summary, notes, end_notes, content) in chapters {
                let clean =
                    [sanitize_html(&summary), sanitize_html(&notes), sanitize_html(&end_notes), sanitize_html(&content)];
                if clean != [summary, notes, end_notes, content] {
                    sqlx::query(
                        "UPDATE chapters SET summary = $2, notes = $3, end_notes = $4, content = $5, word_count = $6 \
                         WHERE id = $1 AND sanitizer_version < $7",
                    )
                    .bind(id)
                    .bind(&clean[0])
                    .bind(&clean[1])
                    .bind(&clean[2])
                    .bind(&clean[3])
                    .bind(count_words_in_html(&clean[3]) as i64)
                    .bind(version)
                    .execute(&mut *tx)
                    .await?;
                    if !changed.contains(&work) {
                        changed.push(work);
                    }
                }
            }

            for sql in [
                format!("UPDATE works SET sanitizer_version = $1 WHERE sanitizer_version < $1 AND id IN ({in_ids})"),
                format!("UPDATE chapters SET sanitizer_version = $1 WHERE sanitizer_version < $1 AND work_id IN ({in_ids})"),
            ] {
                let mut q = sqlx::query(AssertSqlSafe(sql)).bind(version);
                for id in &ids {
                    q = q.bind(id);
                }
                q.execute(&mut *tx).await?;
            }

            if !changed.is_empty() {
                let mut q = sqlx::query(AssertSqlSafe(format!(
                    "UPDATE works SET word_count = (SELECT COALESCE(SUM(word_count), 0) FROM chapters WHERE work_id = works.id) \
                     WHERE id IN ({})",
                    placeholders(1, changed.len())
                )));
                for id in &changed {
                    q = q.bind(id);
                }
                q.execute(&mut *tx).await?;
                // Indexes, cached pages and cached downloads follow. `updated_at` stays:
                // cleaning is not an update readers should be told of.
                works_changed(&mut tx, Changed::Works(&changed), at).await?;
            }
            tx.commit().await?;
            Ok((ids.len() as u64, changed.len() as u64))
        })
    }

    /// Cleans up to [`BATCH`] stale series descriptions; a series that changed queues its
    /// works, whose pages show it.
    async fn resanitize_series_batch(&self) -> Result<(u64, u64), StoreError> {
        let version = i64::from(SANITIZER_VERSION);
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let rows: Vec<(i64, String, String)> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT id, summary, notes FROM series WHERE sanitizer_version < $1 ORDER BY id LIMIT {BATCH}"
            )))
            .bind(version)
            .fetch_all(&mut *tx)
            .await?;
            let mut changed = 0;
            for (id, summary, notes) in &rows {
                let clean = [sanitize_html(summary), sanitize_html(notes)];
                let is_changed = clean[0] != *summary || clean[1] != *notes;
                sqlx::query(
                    "UPDATE series SET summary = $2, notes = $3, sanitizer_version = $4 WHERE id = $1 AND sanitizer_version < $4",
                )
                .bind(id)
                .bind(&clean[0])
                .bind(&clean[1])
                .bind(version)
                .execute(&mut *tx)
                .await?;
                if is_changed {
                    changed += 1;
                    works_changed(&mut tx, Changed::InSeries(*id), at).await?;
                }
            }
            tx.commit().await?;
            Ok((rows.len() as u64, changed))
        })
    }
}

//! Creator statistics: hits counted once per visitor per work (and chapter) per day, and
//! each work's activity day by day for its creators' statistics page.
//!
//! Hits arrive in batches from the web crate's hit log, already reduced to a keyed hash
//! per visitor that changes daily. [`StatisticsStore::record_hits`] keeps each hash only
//! for its day (to count a visitor once) and [`StatisticsStore::forget_hit_visitors`]
//! deletes past days' hashes, so nothing that tells readers apart outlives the day.

use crate::changes::{Changed, works_changed};
use crate::{Store, StoreError, placeholders, with_db};
use flourish_core::UserId;
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// Seconds in a statistics day (UTC).
pub const DAY: i64 = 86_400;

/// One page view to count.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Hit {
    /// Unix days.
    pub day: i64,
    pub work: i64,
    /// The chapter shown; None for the work's own address (its first chapter, or the
    /// whole work).
    pub chapter: Option<i64>,
    /// The visitor's keyed hash for that day (64 bits of it: plenty to tell a day's
    /// visitors of one work apart, and an eighth of the bytes to store and compare).
    pub visitor: i64,
    /// A member's account: their visits to their own works do not count.
    pub member: Option<i64>,
}

/// One day's count of one kind for one work (chapter 0) or chapter.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Activity {
    pub work_id: i64,
    pub chapter_id: i64,
    pub day: i64,
    /// hits, kudos, comments, bookmarks or subscriptions.
    pub kind: String,
    pub n: i64,
}

pub trait StatisticsStore {
    /// Counts the hits not counted yet (a visitor seen before that day, for that work or
    /// chapter, is not counted again; a creator's visits to their own work never); returns
    /// how many work hits were new.
    async fn record_hits(&self, hits: &[Hit]) -> Result<u64, StoreError>;
    /// Deletes the visitor hashes of days before `today`.
    async fn forget_hit_visitors(&self, today: i64) -> Result<u64, StoreError>;
    /// Sends the hit counts of works hit on or after `day` to the search index (their
    /// outbox rows, as counts): the daily round's, so hits never empty the page cache.
    /// Returns how many works.
    async fn hits_to_index(&self, day: i64) -> Result<u64, StoreError>;
    /// The posted works credited to `user`, oldest first.
    async fn creator_work_ids(&self, user: UserId) -> Result<Vec<i64>, StoreError>;
    /// Every chapter of `user`'s works, in one read: (work, chapter, position, title).
    async fn creator_chapters(&self, user: UserId) -> Result<Vec<(i64, i64, i64, String)>, StoreError>;
    /// Each of `user`'s works' activity per day in `[from, to]` (unix days): hits (per
    /// work, chapter 0, and per chapter), kudos, published comments, public bookmarks and
    /// subscriptions.
    async fn creator_activity(&self, user: UserId, from: i64, to: i64) -> Result<Vec<Activity>, StoreError>;
}

/// The works credited to `$1`.
const MINE: &str = "SELECT wc.work_id FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id WHERE p.user_id = $1";

impl StatisticsStore for Store {
    async fn record_hits(&self, hits: &[Hit]) -> Result<u64, StoreError> {
        if hits.is_empty() {
            return Ok(0);
        }
        let mut works: Vec<i64> = hits.iter().map(|h| h.work).collect();
        works.sort_unstable();
        works.dedup();
        let mut new_work_hits = 0u64;
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            // Who may not count (creators), and which chapter a work's own address shows.
            let mut creators: Vec<(i64, i64)> = Vec::new();
            let mut first: HashMap<i64, i64> = HashMap::new();
            for ids in works.chunks(500) {
                let list = placeholders(1, ids.len());
                let mut q = sqlx::query_as::<_, (i64, i64)>(AssertSqlSafe(format!(
                    "SELECT wc.work_id, p.user_id FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id WHERE wc.work_id IN ({list})"
                )));
                for id in ids {
                    q = q.bind(*id);
                }
                creators.extend(q.fetch_all(&mut *tx).await?);
                let mut q = sqlx::query_as::<_, (i64, i64)>(AssertSqlSafe(format!(
                    "SELECT c.work_id, c.id FROM chapters c WHERE c.work_id IN ({list}) \
                     AND c.position = (SELECT MIN(position) FROM chapters m WHERE m.work_id = c.work_id)"
                )));
                for id in ids {
                    q = q.bind(*id);
                }
                first.extend(q.fetch_all(&mut *tx).await?);
            }
            // Two keys a view: the work's (chapter 0) and the chapter's.
            let mut keys: Vec<(i64, i64, i64, i64)> = Vec::new();
            for h in hits {
                if h.member.is_some_and(|m| creators.iter().any(|(w, u)| *w == h.work && *u == m)) {
                    continue;
                }
                let Some(chapter) = h.chapter.or_else(|| first.get(&h.work).copied()) else { continue };
                keys.push((h.day, h.work, 0, h.visitor));
                keys.push((h.day, h.work, chapter, h.visitor));
            }
            keys.sort_unstable();
            keys.dedup();
            let mut counted: HashMap<(i64, i64, i64), i64> = HashMap::new();
            // 1,000 rows a statement (4,000 values, within both databases' limits).
            for batch in keys.chunks(1_000) {
                let rows: Vec<String> = (0..batch.len())
                    .map(|i| format!("(${}, ${}, ${}, ${})", 4 * i + 1, 4 * i + 2, 4 * i + 3, 4 * i + 4))
                    .collect();
                let sql = format!(
                    "INSERT INTO hit_visitors (day, work_id, chapter_id, visitor) VALUES {} \
                     ON CONFLICT DO NOTHING RETURNING day, work_id, chapter_id",
                    rows.join(", ")
                );
                let mut q = sqlx::query_as::<_, (i64, i64, i64)>(AssertSqlSafe(sql));
                for (day, work, chapter, visitor) in batch {
                    q = q.bind(*day).bind(*work).bind(*chapter).bind(*visitor);
                }
                for (day, work, chapter) in q.fetch_all(&mut *tx).await? {
                    *counted.entry((work, chapter, day)).or_default() += 1;
                }
            }
            for ((work, chapter, day), n) in &counted {
                sqlx::query(
                    "INSERT INTO work_hits_daily (work_id, chapter_id, day, hits) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (work_id, chapter_id, day) DO UPDATE SET hits = work_hits_daily.hits + excluded.hits",
                )
                .bind(*work)
                .bind(*chapter)
                .bind(*day)
                .bind(*n)
                .execute(&mut *tx)
                .await?;
                if *chapter == 0 {
                    // The count on the work's page; the search index takes it in the daily
                    // round, not an outbox row per hit, which would empty the page cache.
                    sqlx::query("UPDATE works SET hits = hits + $2 WHERE id = $1").bind(*work).bind(*n).execute(&mut *tx).await?;
                    new_work_hits += *n as u64;
                }
            }
            tx.commit().await?;
        });
        Ok(new_work_hits)
    }

    async fn forget_hit_visitors(&self, today: i64) -> Result<u64, StoreError> {
        let gone = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let gone = sqlx::query("DELETE FROM hit_visitors WHERE day < $1").bind(today).execute(&mut *tx).await?.rows_affected();
            tx.commit().await?;
            gone
        });
        Ok(gone)
    }

    async fn hits_to_index(&self, day: i64) -> Result<u64, StoreError> {
        let at = crate::now();
        let n = with_db!(self, db => {
            let ids: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT work_id FROM work_hits_daily WHERE chapter_id = 0 AND day >= $1")
                .bind(day)
                .fetch_all(db)
                .await?;
            for chunk in ids.chunks(1_000) {
                let (_turn, mut tx) = db.begin_write().await?;
                for id in chunk {
                    works_changed(&mut tx, Changed::Counts(*id), at).await?;
                }
                tx.commit().await?;
            }
            ids.len() as u64
        });
        Ok(n)
    }

    async fn creator_work_ids(&self, user: UserId) -> Result<Vec<i64>, StoreError> {
        let sql = format!("SELECT w.id FROM works w WHERE w.posted = TRUE AND w.id IN ({MINE}) ORDER BY w.id");
        let ids = with_db!(self, db => sqlx::query_scalar(AssertSqlSafe(sql)).bind(user.0).fetch_all(db).await?);
        Ok(ids)
    }

    async fn creator_chapters(&self, user: UserId) -> Result<Vec<(i64, i64, i64, String)>, StoreError> {
        let sql = format!(
            "SELECT c.work_id, c.id, c.position, c.title FROM chapters c WHERE c.work_id IN ({MINE}) ORDER BY c.work_id, c.position"
        );
        let rows = with_db!(self, db => sqlx::query_as(AssertSqlSafe(sql)).bind(user.0).fetch_all(db).await?);
        Ok(rows)
    }

    async fn creator_activity(&self, user: UserId, from: i64, to: i64) -> Result<Vec<Activity>, StoreError> {
        // Each kind grouped by day in the database: a popular work's kudos stay rows there.
        let sql = format!(
            "SELECT work_id, chapter_id, day, 'hits' AS kind, hits AS n FROM work_hits_daily \
               WHERE work_id IN ({MINE}) AND day BETWEEN $2 AND $3 \
             UNION ALL SELECT work_id, 0, created_at / {DAY}, 'kudos', COUNT(*) FROM kudos \
               WHERE work_id IN ({MINE}) AND created_at BETWEEN $2 * {DAY} AND $3 * {DAY} + {DAY} - 1 GROUP BY work_id, created_at / {DAY} \
             UNION ALL SELECT work_id, 0, created_at / {DAY}, 'comments', COUNT(*) FROM comments \
               WHERE work_id IN ({MINE}) AND state = 'published' AND deleted = FALSE AND hidden = FALSE \
               AND created_at BETWEEN $2 * {DAY} AND $3 * {DAY} + {DAY} - 1 GROUP BY work_id, created_at / {DAY} \
             UNION ALL SELECT work_id, 0, created_at / {DAY}, 'bookmarks', COUNT(*) FROM bookmarks \
               WHERE work_id IN ({MINE}) AND private = FALSE \
               AND created_at BETWEEN $2 * {DAY} AND $3 * {DAY} + {DAY} - 1 GROUP BY work_id, created_at / {DAY} \
             UNION ALL SELECT target_id, 0, created_at / {DAY}, 'subscriptions', COUNT(*) FROM subscriptions \
               WHERE kind = 'work' AND target_id IN ({MINE}) \
               AND created_at BETWEEN $2 * {DAY} AND $3 * {DAY} + {DAY} - 1 GROUP BY target_id, created_at / {DAY}"
        );
        let rows = with_db!(self, db => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(user.0).bind(from).bind(to).fetch_all(db).await?
        });
        Ok(rows)
    }
}

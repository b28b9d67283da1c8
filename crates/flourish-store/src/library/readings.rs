//! Reading history, the position inside a chapter, and Marked for Later: every row is one
//! reader's own, and every read here is by that reader's id, so nothing leaks to anyone
//! else through these calls.

use crate::traits::Page;
use crate::{Store, StoreError, now, with_db};
use flourish_core::{ChapterId, Reading, ReadingPreferences, ReadingSettings, UserId, Visit, WorkId};
use sqlx::AssertSqlSafe;

/// The most works a Continue Reading shelf shows.
pub const SHELF: u32 = 6;

pub trait ReadingStore {
    /// Records page views, in one transaction: each (reader, work) row once, at its latest
    /// visit; readers who switched history off are skipped.
    async fn record_visits(&self, visits: &[Visit]) -> Result<(), StoreError>;
    /// Records the paragraph in view in a chapter the reader has open. The chapter must
    /// be one of the work's, and the reader must keep positions.
    async fn record_position(
        &self,
        user: UserId,
        work: WorkId,
        chapter: ChapterId,
        paragraph: u32,
    ) -> Result<(), StoreError>;
    /// The reader's history, last visited first, of works they can still see.
    async fn history(&self, user: UserId, page: u32, per_page: u32) -> Result<Page<Reading>, StoreError>;
    /// Works the reader is part-way through, last visited first: a place kept inside a
    /// chapter, a later chapter than the last one read, or (for a work read whole on one
    /// page) chapters posted since.
    async fn continue_reading(&self, user: UserId) -> Result<Vec<Reading>, StoreError>;
    /// The reader's rows for these works (blurbs' "since you read" marks).
    async fn readings_of(&self, user: UserId, works: &[WorkId]) -> Result<Vec<Reading>, StoreError>;
    async fn reading(&self, user: UserId, work: WorkId) -> Result<Option<Reading>, StoreError>;
    async fn forget_reading(&self, user: UserId, work: WorkId) -> Result<(), StoreError>;
    async fn clear_history(&self, user: UserId) -> Result<u64, StoreError>;
    async fn reading_settings(&self, user: UserId) -> Result<ReadingSettings, StoreError>;
    async fn set_reading_settings(&self, user: UserId, settings: ReadingSettings) -> Result<(), StoreError>;
    async fn mark_for_later(&self, user: UserId, work: WorkId, marked: bool) -> Result<(), StoreError>;
    async fn reading_preferences(&self, user: UserId) -> Result<ReadingPreferences, StoreError>;
    /// Saves a reader's preferences; a value outside its choices is invalid.
    async fn set_reading_preferences(&self, user: UserId, prefs: &ReadingPreferences) -> Result<(), StoreError>;
    async fn is_marked_for_later(&self, user: UserId, work: WorkId) -> Result<bool, StoreError>;
    /// Marked for Later, newest mark first, of works the reader can still see.
    async fn marked_for_later(&self, user: UserId, page: u32, per_page: u32) -> Result<Page<WorkId>, StoreError>;
}

const READING_COLUMNS: &str = "r.work_id, w.title, r.first_visit_at, r.last_visit_at, r.visits, r.chapter_id, \
     (SELECT c.position FROM chapters c WHERE c.id = r.chapter_id) AS chapter_position, \
     (SELECT n.id FROM chapters n WHERE n.work_id = r.work_id AND n.position > \
         COALESCE((SELECT c.position FROM chapters c WHERE c.id = r.chapter_id), r.chapters_then) ORDER BY n.position LIMIT 1) AS next_chapter, \
     r.paragraph, r.chapters_then, \
     r.updated_then, w.chapter_count AS chapters_now, w.updated_at AS updated_now";

/// Works a member may see (`w` joined).
const SEEN: &str = "w.posted = TRUE AND w.hidden = FALSE";

#[derive(sqlx::FromRow)]
struct ReadingRow {
    work_id: i64,
    title: String,
    first_visit_at: i64,
    last_visit_at: i64,
    visits: i64,
    chapter_id: Option<i64>,
    chapter_position: Option<i64>,
    next_chapter: Option<i64>,
    paragraph: Option<i64>,
    chapters_then: i64,
    updated_then: i64,
    chapters_now: i64,
    updated_now: i64,
}

impl From<ReadingRow> for Reading {
    fn from(r: ReadingRow) -> Reading {
        Reading {
            work: WorkId(r.work_id),
            title: r.title,
            first_visit_at: r.first_visit_at,
            last_visit_at: r.last_visit_at,
            visits: r.visits.max(0) as u64,
            chapter: r.chapter_id.map(ChapterId),
            chapter_position: r.chapter_position.map(|p| p.max(0) as u32),
            next_chapter: r.next_chapter.map(ChapterId),
            paragraph: r.paragraph.map(|p| p.max(0) as u32),
            chapters_then: r.chapters_then.max(0) as u32,
            updated_then: r.updated_then,
            chapters_now: r.chapters_now.max(0) as u32,
            updated_now: r.updated_now,
        }
    }
}

impl Store {
    async fn reading_rows(&self, sql: String, user: UserId, extra: &[i64]) -> Result<Vec<Reading>, StoreError> {
        let rows: Vec<ReadingRow> = with_db!(self, db => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(user.0);
            for v in extra {
                q = q.bind(*v);
            }
            q.fetch_all(db).await?
        });
        Ok(rows.into_iter().map(Reading::from).collect())
    }
}

impl ReadingStore for Store {
    async fn record_visits(&self, visits: &[Visit]) -> Result<(), StoreError> {
        if visits.is_empty() {
            return Ok(());
        }
        // The latest visit of each (reader, work), and how many there were.
        let mut latest: std::collections::BTreeMap<(i64, i64), (Visit, i64)> = std::collections::BTreeMap::new();
        for v in visits {
            let entry = latest.entry((v.user.0, v.work.0)).or_insert((*v, 0));
            if v.at >= entry.0.at {
                entry.0 = *v;
            }
            entry.1 += 1;
        }
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            for (visit, count) in latest.values() {
                // A chapter that is not the work's is not recorded as the place read.
                sqlx::query(
                    "INSERT INTO readings (user_id, work_id, first_visit_at, last_visit_at, visits, chapter_id, paragraph, chapters_then, updated_then) \
                     SELECT $1, w.id, $3, $3, $4, (SELECT c.id FROM chapters c WHERE c.id = $5 AND c.work_id = w.id), NULL, \
                     COALESCE($6, w.chapter_count), COALESCE($7, w.updated_at) \
                     FROM works w WHERE w.id = $2 AND w.posted = TRUE \
                     AND NOT EXISTS (SELECT 1 FROM reading_settings s WHERE s.user_id = $1 AND s.keep_history = FALSE) \
                     ON CONFLICT (user_id, work_id) DO UPDATE SET last_visit_at = excluded.last_visit_at, \
                     visits = readings.visits + excluded.visits, \
                     paragraph = CASE WHEN excluded.chapter_id IS NULL OR excluded.chapter_id = readings.chapter_id THEN readings.paragraph ELSE NULL END, \
                     chapter_id = COALESCE(excluded.chapter_id, readings.chapter_id), \
                     chapters_then = excluded.chapters_then, updated_then = excluded.updated_then",
                )
                .bind(visit.user.0)
                .bind(visit.work.0)
                .bind(visit.at)
                .bind(*count)
                .bind(visit.chapter.map(|c| c.0))
                .bind(visit.seen.map(|(chapters, _)| i64::from(chapters)))
                .bind(visit.seen.map(|(_, updated)| updated))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn record_position(
        &self,
        user: UserId,
        work: WorkId,
        chapter: ChapterId,
        paragraph: u32,
    ) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let known: Option<(i64,)> = sqlx::query_as(
                "SELECT c.id FROM chapters c JOIN works w ON w.id = c.work_id \
                 WHERE c.id = $1 AND c.work_id = $2 AND w.posted = TRUE AND w.hidden = FALSE",
            )
            .bind(chapter.0)
            .bind(work.0)
            .fetch_optional(&mut *tx)
            .await?;
            if known.is_none() {
                return Err(StoreError::NotFound("chapter"));
            }
            let settings: Option<(bool, bool)> =
                sqlx::query_as("SELECT keep_history, keep_position FROM reading_settings WHERE user_id = $1")
                    .bind(user.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (history, position) = settings.unwrap_or((true, true));
            if !history || !position {
                // Nothing is kept, and the reader is not told off for a page's script.
                return Ok(());
            }
            sqlx::query(
                "INSERT INTO readings (user_id, work_id, first_visit_at, last_visit_at, visits, chapter_id, paragraph, chapters_then, updated_then) \
                 SELECT $1, w.id, $4, $4, 1, $3, $5, w.chapter_count, w.updated_at FROM works w WHERE w.id = $2 \
                 ON CONFLICT (user_id, work_id) DO UPDATE SET chapter_id = excluded.chapter_id, paragraph = excluded.paragraph, \
                 last_visit_at = excluded.last_visit_at",
            )
            .bind(user.0)
            .bind(work.0)
            .bind(chapter.0)
            .bind(at)
            .bind(i64::from(paragraph))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn history(&self, user: UserId, page: u32, per_page: u32) -> Result<Page<Reading>, StoreError> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 100);
        let (total,): (i64,) = with_db!(self, db => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM readings r JOIN works w ON w.id = r.work_id WHERE r.user_id = $1 AND {SEEN}"
            )))
            .bind(user.0)
            .fetch_one(db)
            .await?
        });
        let sql = format!(
            "SELECT {READING_COLUMNS} FROM readings r JOIN works w ON w.id = r.work_id WHERE r.user_id = $1 AND {SEEN} \
             ORDER BY r.last_visit_at DESC, r.work_id DESC LIMIT $2 OFFSET $3"
        );
        let offset = i64::from(page - 1) * i64::from(per_page);
        let items = self.reading_rows(sql, user, &[i64::from(per_page), offset]).await?;
        Ok(Page { items, page, per_page, total: total.max(0) as u64 })
    }

    async fn continue_reading(&self, user: UserId) -> Result<Vec<Reading>, StoreError> {
        let sql = format!(
            "SELECT {READING_COLUMNS} FROM readings r JOIN works w ON w.id = r.work_id WHERE r.user_id = $1 AND {SEEN} \
             AND (r.paragraph IS NOT NULL \
                  OR (r.chapter_id IS NOT NULL AND (SELECT c.position FROM chapters c WHERE c.id = r.chapter_id) < w.chapter_count) \
                  OR (r.chapter_id IS NULL AND r.chapters_then < w.chapter_count)) \
             ORDER BY r.last_visit_at DESC, r.work_id DESC LIMIT {SHELF}"
        );
        self.reading_rows(sql, user, &[]).await
    }

    async fn readings_of(&self, user: UserId, works: &[WorkId]) -> Result<Vec<Reading>, StoreError> {
        if works.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            "SELECT {READING_COLUMNS} FROM readings r JOIN works w ON w.id = r.work_id WHERE r.user_id = $1 AND r.work_id IN ({})",
            crate::placeholders(2, works.len())
        );
        let ids: Vec<i64> = works.iter().map(|w| w.0).collect();
        self.reading_rows(sql, user, &ids).await
    }

    async fn reading(&self, user: UserId, work: WorkId) -> Result<Option<Reading>, StoreError> {
        Ok(self.readings_of(user, &[work]).await?.pop())
    }

    async fn forget_reading(&self, user: UserId, work: WorkId) -> Result<(), StoreError> {
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            sqlx::query("DELETE FROM readings WHERE user_id = $1 AND work_id = $2").bind(user.0).bind(work.0).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn clear_history(&self, user: UserId) -> Result<u64, StoreError> {
        let done = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let done = sqlx::query("DELETE FROM readings WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
            tx.commit().await?;
            done.rows_affected()
        });
        Ok(done)
    }

    async fn reading_settings(&self, user: UserId) -> Result<ReadingSettings, StoreError> {
        let row: Option<(bool, bool)> = with_db!(self, db => {
            sqlx::query_as("SELECT keep_history, keep_position FROM reading_settings WHERE user_id = $1")
                .bind(user.0)
                .fetch_optional(db)
                .await?
        });
        Ok(row.map_or_else(ReadingSettings::default, |(keep_history, keep_position)| ReadingSettings {
            keep_history,
            keep_position,
        }))
    }

    async fn set_reading_settings(&self, user: UserId, settings: ReadingSettings) -> Result<(), StoreError> {
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            sqlx::query(
                "INSERT INTO reading_settings (user_id, keep_history, keep_position) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET keep_history = excluded.keep_history, keep_position = excluded.keep_position",
            )
            .bind(user.0)
            .bind(settings.keep_history)
            .bind(settings.keep_position)
            .execute(&mut *tx)
            .await?;
            if !settings.keep_position {
                // Positions already kept go too: the reader asked for none.
                sqlx::query("UPDATE readings SET paragraph = NULL WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn mark_for_later(&self, user: UserId, work: WorkId, marked: bool) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            if marked {
                let done = sqlx::query(
                    "INSERT INTO marked_later (user_id, work_id, created_at) SELECT $1, id, $3 FROM works \
                     WHERE id = $2 AND posted = TRUE AND hidden = FALSE ON CONFLICT DO NOTHING",
                )
                .bind(user.0)
                .bind(work.0)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM works WHERE id = $1 AND posted = TRUE AND hidden = FALSE")
                        .bind(work.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if exists.is_none() {
                        return Err(StoreError::NotFound("work"));
                    }
                }
            } else {
                sqlx::query("DELETE FROM marked_later WHERE user_id = $1 AND work_id = $2").bind(user.0).bind(work.0).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn reading_preferences(&self, user: UserId) -> Result<ReadingPreferences, StoreError> {
        type Row = (bool, bool, bool, String, String, String, String, String);
        let row: Option<Row> = with_db!(self, db => {
            sqlx::query_as(
                "SELECT whole_work, hide_warnings, hide_freeforms, font_size, line_spacing, font, theme, time_zone \
                 FROM reading_preferences WHERE user_id = $1",
            )
            .bind(user.0)
            .fetch_optional(db)
            .await?
        });
        Ok(row.map_or_else(ReadingPreferences::default, |r| ReadingPreferences {
            whole_work: r.0,
            hide_warnings: r.1,
            hide_freeforms: r.2,
            font_size: r.3,
            line_spacing: r.4,
            font: r.5,
            theme: r.6,
            time_zone: r.7,
        }))
    }

    async fn set_reading_preferences(&self, user: UserId, prefs: &ReadingPreferences) -> Result<(), StoreError> {
        if let Some(field) = prefs.invalid_field() {
            return Err(StoreError::invalid(field, "Choose one of the choices offered."));
        }
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            sqlx::query(
                "INSERT INTO reading_preferences (user_id, whole_work, hide_warnings, hide_freeforms, font_size, line_spacing, font, theme, time_zone) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (user_id) DO UPDATE SET whole_work = excluded.whole_work, \
                 hide_warnings = excluded.hide_warnings, hide_freeforms = excluded.hide_freeforms, font_size = excluded.font_size, \
                 line_spacing = excluded.line_spacing, font = excluded.font, theme = excluded.theme, time_zone = excluded.time_zone",
            )
            .bind(user.0)
            .bind(prefs.whole_work)
            .bind(prefs.hide_warnings)
            .bind(prefs.hide_freeforms)
            .bind(&prefs.font_size)
            .bind(&prefs.line_spacing)
            .bind(&prefs.font)
            .bind(&prefs.theme)
            .bind(&prefs.time_zone)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn is_marked_for_later(&self, user: UserId, work: WorkId) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = with_db!(self, db => {
            sqlx::query_as("SELECT work_id FROM marked_later WHERE user_id = $1 AND work_id = $2")
                .bind(user.0)
                .bind(work.0)
                .fetch_optional(db)
                .await?
        });
        Ok(row.is_some())
    }

    async fn marked_for_later(&self, user: UserId, page: u32, per_page: u32) -> Result<Page<WorkId>, StoreError> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 100);
        let offset = i64::from(page - 1) * i64::from(per_page);
        let (total, rows): (i64, Vec<(i64,)>) = with_db!(self, db => {
            let (total,): (i64,) = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM marked_later m JOIN works w ON w.id = m.work_id WHERE m.user_id = $1 AND {SEEN}"
            )))
            .bind(user.0)
            .fetch_one(db)
            .await?;
            let rows = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT m.work_id FROM marked_later m JOIN works w ON w.id = m.work_id WHERE m.user_id = $1 AND {SEEN} \
                 ORDER BY m.created_at DESC, m.work_id DESC LIMIT $2 OFFSET $3"
            )))
            .bind(user.0)
            .bind(i64::from(per_page))
            .bind(offset)
            .fetch_all(db)
            .await?;
            (total, rows)
        });
        Ok(Page { items: rows.into_iter().map(|(w,)| WorkId(w)).collect(), page, per_page, total: total.max(0) as u64 })
    }
}

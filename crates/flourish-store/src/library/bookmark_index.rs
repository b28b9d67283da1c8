//! What the search index needs of bookmarks: each bookmark with what it is filtered and
//! sorted by (its tags, its work's tags, language, words, dates, kudos) and who may see it,
//! and the bookmark outbox the indexer follows. A bookmarked work's own changes reach its
//! bookmarks through the works' outbox ([`BookmarkIndexSource::bookmarks_of_works`]).

use crate::{Store, StoreError, placeholders, with_db};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// A bookmark as the search index holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedBookmark {
    pub id: i64,
    pub user_id: i64,
    pub private: bool,
    pub rec: bool,
    pub has_notes: bool,
    /// work, series or external.
    pub kind: &'static str,
    pub work_id: Option<i64>,
    pub series_id: Option<i64>,
    /// The bookmarker's tags: (name, key).
    pub tags: Vec<(String, String)>,
    /// The bookmarked work's tag ids (the index adds synonyms' canonical tags and parents).
    pub work_tags: Vec<i64>,
    pub language: Option<String>,
    pub words: Option<u64>,
    pub kudos: u64,
    /// The work's (or series' latest work's) last update; the bookmark's date otherwise.
    pub updated_at: i64,
    pub created_at: i64,
    /// Whether a guest may see the bookmarked item (posted, not hidden, not members-only;
    /// a series with such a work; any external work), and whether a member may.
    pub open_to_guests: bool,
    pub open_to_members: bool,
}

pub trait BookmarkIndexSource {
    /// These bookmarks as the index holds them; missing ones are left out (deleted).
    async fn bookmarks_for_index(&self, ids: &[i64]) -> Result<Vec<IndexedBookmark>, StoreError>;
    /// Bookmarks after `after` in id order, for a rebuild.
    async fn bookmarks_for_index_after(&self, after: i64, limit: u32) -> Result<Vec<IndexedBookmark>, StoreError>;
    /// The bookmarks of these works and of the series they are in.
    async fn bookmarks_of_works(&self, works: &[i64]) -> Result<Vec<i64>, StoreError>;
    /// Bookmark outbox rows after `after`: (row, bookmark).
    async fn bookmark_outbox_after(&self, after: i64, limit: u32) -> Result<Vec<(i64, i64)>, StoreError>;
    async fn bookmark_outbox_head(&self) -> Result<i64, StoreError>;
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    user_id: i64,
    private: bool,
    rec: bool,
    notes: String,
    work_id: Option<i64>,
    series_id: Option<i64>,
    created_at: i64,
    language: Option<String>,
    words: Option<i64>,
    kudos: Option<i64>,
    updated_at: Option<i64>,
    guests: Option<bool>,
    members: Option<bool>,
}

/// A bookmark with its work's (or series') figures and openness. A series is open when
/// any of its works is, and takes its latest update.
const SELECT: &str = "SELECT b.id, b.user_id, b.private, b.rec, b.notes, b.work_id, b.series_id, b.created_at, \
     w.language, w.word_count AS words, w.kudos, \
     CASE WHEN b.series_id IS NOT NULL THEN (SELECT MAX(sw2.updated_at) FROM series_works s JOIN works sw2 ON sw2.id = s.work_id \
        WHERE s.series_id = b.series_id AND sw2.posted = TRUE AND sw2.hidden = FALSE) ELSE w.updated_at END AS updated_at, \
     CASE WHEN b.work_id IS NOT NULL THEN (w.posted = TRUE AND w.hidden = FALSE AND w.restricted = FALSE) \
          WHEN b.series_id IS NOT NULL THEN EXISTS (SELECT 1 FROM series_works s JOIN works x ON x.id = s.work_id \
             WHERE s.series_id = b.series_id AND x.posted = TRUE AND x.hidden = FALSE AND x.restricted = FALSE) \
          ELSE TRUE END AS guests, \
     CASE WHEN b.work_id IS NOT NULL THEN (w.posted = TRUE AND w.hidden = FALSE) \
          WHEN b.series_id IS NOT NULL THEN EXISTS (SELECT 1 FROM series_works s JOIN works x ON x.id = s.work_id \
             WHERE s.series_id = b.series_id AND x.posted = TRUE AND x.hidden = FALSE) \
          ELSE TRUE END AS members \
     FROM bookmarks b LEFT JOIN works w ON w.id = b.work_id";

impl Store {
    async fn indexed(&self, rows: Vec<Row>) -> Result<Vec<IndexedBookmark>, StoreError> {
        if rows.is_empty() {
            return Ok(vec![]);
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let works: Vec<i64> = rows.iter().filter_map(|r| r.work_id).collect();
        let mut tags: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        let mut work_tags: HashMap<i64, Vec<i64>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT bookmark_id, name, name_key FROM bookmark_tag_names WHERE bookmark_id IN ({}) ORDER BY bookmark_id, position",
                placeholders(1, chunk.len())
            );
            let found: Vec<(i64, String, String)> = with_db!(self, db => {
                let mut q = sqlx::query_as(AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(db).await?
            });
            for (id, name, key) in found {
                tags.entry(id).or_default().push((name, key));
            }
        }
        for chunk in works.chunks(500) {
            let sql =
                format!("SELECT work_id, tag_id FROM work_tags WHERE work_id IN ({})", placeholders(1, chunk.len()));
            let found: Vec<(i64, i64)> = with_db!(self, db => {
                let mut q = sqlx::query_as(AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(db).await?
            });
            for (work, tag) in found {
                work_tags.entry(work).or_default().push(tag);
            }
        }
        Ok(rows
            .into_iter()
            .map(|r| IndexedBookmark {
                id: r.id,
                user_id: r.user_id,
                private: r.private,
                rec: r.rec,
                has_notes: !r.notes.trim().is_empty(),
                kind: if r.work_id.is_some() {
                    "work"
                } else if r.series_id.is_some() {
                    "series"
                } else {
                    "external"
                },
                work_id: r.work_id,
                series_id: r.series_id,
                tags: tags.remove(&r.id).unwrap_or_default(),
                work_tags: r.work_id.and_then(|w| work_tags.get(&w).cloned()).unwrap_or_default(),
                language: r.language,
                words: r.words.map(|w| w.max(0) as u64),
                kudos: r.kudos.unwrap_or(0).max(0) as u64,
                updated_at: r.updated_at.unwrap_or(r.created_at),
                created_at: r.created_at,
                open_to_guests: r.guests.unwrap_or(false),
                open_to_members: r.members.unwrap_or(false),
            })
            .collect())
    }
}

impl BookmarkIndexSource for Store {
    async fn bookmarks_for_index(&self, ids: &[i64]) -> Result<Vec<IndexedBookmark>, StoreError> {
        let mut rows = Vec::new();
        for chunk in ids.chunks(500) {
            let sql = format!("{SELECT} WHERE b.id IN ({})", placeholders(1, chunk.len()));
            let found: Vec<Row> = with_db!(self, db => {
                let mut q = sqlx::query_as(AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(db).await?
            });
            rows.extend(found);
        }
        self.indexed(rows).await
    }

    async fn bookmarks_for_index_after(&self, after: i64, limit: u32) -> Result<Vec<IndexedBookmark>, StoreError> {
        let sql = format!("{SELECT} WHERE b.id > $1 ORDER BY b.id LIMIT $2");
        let rows: Vec<Row> = with_db!(self, db => sqlx::query_as(AssertSqlSafe(sql)).bind(after).bind(i64::from(limit)).fetch_all(db).await?);
        self.indexed(rows).await
    }

    async fn bookmarks_of_works(&self, works: &[i64]) -> Result<Vec<i64>, StoreError> {
        let mut out = Vec::new();
        for chunk in works.chunks(500) {
            let list = placeholders(1, chunk.len());
            let sql = format!(
                "SELECT id FROM bookmarks WHERE work_id IN ({list}) \
                 UNION SELECT b.id FROM bookmarks b JOIN series_works sw ON sw.series_id = b.series_id WHERE sw.work_id IN ({list})"
            );
            let found: Vec<i64> = with_db!(self, db => {
                let mut q = sqlx::query_scalar(AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(db).await?
            });
            out.extend(found);
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    async fn bookmark_outbox_after(&self, after: i64, limit: u32) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = with_db!(self, db => {
            sqlx::query_as("SELECT id, bookmark_id FROM bookmark_outbox WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(db)
                .await?
        });
        Ok(rows)
    }

    async fn bookmark_outbox_head(&self) -> Result<i64, StoreError> {
        let head: Option<i64> =
            with_db!(self, db => sqlx::query_scalar("SELECT MAX(id) FROM bookmark_outbox").fetch_one(db).await?);
        Ok(head.unwrap_or(0))
    }
}

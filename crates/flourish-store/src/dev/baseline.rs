//! The SQL baseline the search benchmarks compare against: the same listings answered by
//! SQLite alone, with FTS5 for text and `GROUP BY` for the sidebar counts. Benchmarks only;
//! the archive never serves from it. SQLite only, since FTS5 is SQLite's.

use crate::backend::Db;
use crate::{Store, StoreError, placeholders};
use sqlx::AssertSqlSafe;

/// One listing, in the terms both the index and SQL understand: direct tag ids (the
/// generated corpus has no wrangling), a word range, an FTS5 query, a sort.
#[derive(Clone, Debug, Default)]
pub struct BaselineQuery {
    pub include: Vec<i64>,
    pub exclude: Vec<i64>,
    pub words: Option<(u64, u64)>,
    pub text: Option<String>,
    /// Kudos, else best match when there is text, else date updated.
    pub by_kudos: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselineAnswer {
    pub ids: Vec<i64>,
    pub total: u64,
    /// (tag id, works) for every tag among the results.
    pub counts: Vec<(i64, u64)>,
}

impl Store {
    /// Builds the FTS5 table over titles, summaries and notes, if it is not there yet.
    pub async fn baseline_prepare(&self) -> Result<(), StoreError> {
        let Db::Sqlite(db) = &self.db else {
            return Err(StoreError::Conflict("the SQL baseline runs on SQLite only".into()));
        };
        let exists: Option<(String,)> =
            sqlx::query_as("SELECT name FROM sqlite_master WHERE name = 'baseline_fts'").fetch_optional(db).await?;
        if exists.is_none() {
            sqlx::query(
                "CREATE VIRTUAL TABLE baseline_fts USING fts5(title, summary, notes, content='works', content_rowid='id')",
            )
            .execute(db)
            .await?;
            sqlx::query("INSERT INTO baseline_fts(baseline_fts) VALUES ('rebuild')").execute(db).await?;
        }
        Ok(())
    }

    /// Answers `q` with SQL: a page of 20, the total, and the tag counts.
    pub async fn baseline_listing(&self, q: &BaselineQuery) -> Result<BaselineAnswer, StoreError> {
        let Db::Sqlite(db) = &self.db else {
            return Err(StoreError::Conflict("the SQL baseline runs on SQLite only".into()));
        };
        enum Bind {
            Int(i64),
            Text(String),
        }
        let mut binds: Vec<Bind> = vec![];
        let mut conditions = vec!["w.posted = TRUE AND w.restricted = FALSE".to_owned()];
        // The first included tag drives the query through its index (the way a person would
        // write it); the others are checked per work.
        let mut driving = None;
        for (i, id) in q.include.iter().enumerate() {
            binds.push(Bind::Int(*id));
            if i == 0 && q.text.is_none() {
                driving =
                    Some(format!("work_tags i0 JOIN works w ON w.id = i0.work_id AND i0.tag_id = ${}", binds.len()));
            } else {
                conditions.push(format!(
                    "EXISTS (SELECT 1 FROM work_tags i WHERE i.work_id = w.id AND i.tag_id = ${})",
                    binds.len()
                ));
            }
        }
        if !q.exclude.is_empty() {
            let list = placeholders(binds.len() + 1, q.exclude.len());
            binds.extend(q.exclude.iter().map(|id| Bind::Int(*id)));
            conditions.push(format!(
                "NOT EXISTS (SELECT 1 FROM work_tags x WHERE x.work_id = w.id AND x.tag_id IN ({list}))"
            ));
        }
        if let Some((from, to)) = q.words {
            binds.push(Bind::Int(from as i64));
            binds.push(Bind::Int(to as i64));
            conditions.push(format!("w.word_count BETWEEN ${} AND ${}", binds.len() - 1, binds.len()));
        }
        let (from, order) = match &q.text {
            Some(text) => {
                binds.push(Bind::Text(text.clone()));
                let n = binds.len();
                (
                    format!("baseline_fts f JOIN works w ON w.id = f.rowid AND baseline_fts MATCH ${n}"),
                    if q.by_kudos { "w.kudos DESC, w.id DESC" } else { "f.rank" },
                )
            }
            None => (
                driving.unwrap_or_else(|| "works w".to_owned()),
                if q.by_kudos { "w.kudos DESC, w.id DESC" } else { "w.updated_at DESC, w.id DESC" },
            ),
        };
        let matched = format!("SELECT w.id FROM {from} WHERE {}", conditions.join(" AND "));
        let page = format!("{matched} ORDER BY {order} LIMIT 20");
        let total = format!("SELECT COUNT(*) FROM ({matched})");
        let counts = format!(
            "SELECT wt.tag_id, COUNT(*) FROM ({matched}) m JOIN work_tags wt ON wt.work_id = m.id GROUP BY wt.tag_id"
        );
        macro_rules! bound {
            ($q:expr) => {{
                let mut q = $q;
                for b in &binds {
                    q = match b {
                        Bind::Int(n) => q.bind(*n),
                        Bind::Text(t) => q.bind(t.clone()),
                    };
                }
                q
            }};
        }
        let ids: Vec<(i64,)> = bound!(sqlx::query_as(AssertSqlSafe(page))).fetch_all(db).await?;
        let (total,): (i64,) = bound!(sqlx::query_as(AssertSqlSafe(total))).fetch_one(db).await?;
        let counts: Vec<(i64, i64)> = bound!(sqlx::query_as(AssertSqlSafe(counts))).fetch_all(db).await?;
        Ok(BaselineAnswer {
            ids: ids.into_iter().map(|(id,)| id).collect(),
            total: total as u64,
            counts: counts.into_iter().map(|(t, c)| (t, c as u64)).collect(),
        })
    }
}

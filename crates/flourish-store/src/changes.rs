//! The outbox rule, in one place (DESIGN.md): a write that changes what readers see gives
//! every work it changed a new version and an outbox row, in the write's own transaction.
//! Search indexes, cached pages and cached downloads all follow the outbox, so a write
//! that forgot would leave them stale. Every write path calls [`works_changed`]; nothing
//! else writes to the outbox (the archive import, which queues every work it brings, and
//! the outbox reader aside).

use crate::{StoreError, placeholders};
use sqlx::AssertSqlSafe;

/// Which works a write changed.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Changed<'a> {
    /// One work, by id.
    Work(i64),
    /// Works by id: new works, a batch of cleaned works.
    Works(&'a [i64]),
    /// Every work carrying any of these tags: wrangling changed what they match.
    TaggedWith(&'a [i64]),
    /// Every work in a series, whose pages show the series.
    InSeries(i64),
    /// One work whose counts alone changed (kudos, comments) or whose page alone did (a
    /// comment edited, a thread frozen): its text, tags and metadata did not. Cached pages
    /// follow it at once; the search index, which must re-read the whole work to change a
    /// count, follows it at a bounded pace (flourish-search's indexer).
    Counts(i64),
}

/// Ids bound per statement: well under SQLite's and PostgreSQL's parameter limits.
const IDS_PER_STATEMENT: usize = 500;

impl Changed<'_> {
    /// Batches of (SQL selecting the works, with placeholders from `$2`; the values).
    fn selections(&self) -> Vec<(String, Vec<i64>)> {
        let select = |ids: &[i64], from: &str| (from.replace("{}", &placeholders(2, ids.len())), ids.to_vec());
        match *self {
            Changed::Work(id) | Changed::Counts(id) => vec![select(&[id], "{}")],
            Changed::Works(ids) => ids.chunks(IDS_PER_STATEMENT).map(|ids| select(ids, "{}")).collect(),
            Changed::TaggedWith(tags) => tags
                .chunks(IDS_PER_STATEMENT)
                .map(|tags| select(tags, "SELECT work_id FROM work_tags WHERE tag_id IN ({})"))
                .collect(),
            Changed::InSeries(series) => {
                vec![select(&[series], "SELECT work_id FROM series_works WHERE series_id = {}")]
            }
        }
    }
}

/// Gives every work in `changed` a new version and queues it in the outbox, inside the
/// write's transaction `tx`. A work about to be deleted is passed before its row goes, so
/// the indexes see a version above its last and drop it.
pub(crate) async fn works_changed<DB>(
    tx: &mut sqlx::Transaction<'_, DB>,
    changed: Changed<'_>,
    at: i64,
) -> Result<(), StoreError>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: sqlx::IntoArguments<DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let counts_only = matches!(changed, Changed::Counts(_));
    for (works, ids) in changed.selections() {
        if ids.is_empty() {
            continue;
        }
        for sql in [
            format!("UPDATE works SET version = version + 1 WHERE $1 = $1 AND id IN ({works})"),
            format!(
                "INSERT INTO outbox (work_id, version, created_at, counts_only) \
                 SELECT id, version, $1, {counts_only} FROM works WHERE id IN ({works})"
            ),
        ] {
            let mut q = sqlx::query::<DB>(AssertSqlSafe(sql)).bind(at);
            for id in &ids {
                q = q.bind(*id);
            }
            q.execute(&mut **tx).await?;
        }
    }
    Ok(())
}

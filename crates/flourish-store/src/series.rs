//! Series and home-page statistics.

use crate::changes::{Changed, works_changed};
use crate::rows::{OwnedPseudRow, WorkRow, pseud_columns, ts, visible, work_columns};
use crate::traits::{ArchiveCounts, SeriesStore, StatsStore};
use crate::{Store, StoreError, now, with_db};
use flourish_core::{PseudId, Series, SeriesChoice, SeriesDraft, SeriesId, SeriesPlacement, Viewer, Work, WorkId};

/// Puts `work` in the series `placement` names, inside the work's own transaction `tx`, so a
/// crash never leaves a work without the series it was posted into. `creators` are the
/// work's: a new series is credited to them, and a titled one is looked for among the
/// first one's account's series.
pub(crate) async fn place_in_series<DB>(
    tx: &mut sqlx::Transaction<'_, DB>,
    work: i64,
    creators: &[PseudId],
    placement: &SeriesPlacement,
    at: i64,
) -> Result<(), StoreError>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: sqlx::IntoArguments<DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + for<'r> sqlx::Decode<'r, DB> + sqlx::Type<DB>,
    String: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    // Reading one column by position, for query_scalar.
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let first = creators.first().map_or(0, |p| p.0);
    let existing = match &placement.series {
        SeriesChoice::Existing(id) => {
            let found = sqlx::query_scalar::<DB, i64>("SELECT id FROM series WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut **tx)
                .await?;
            Some(found.ok_or(StoreError::NotFound("series"))?)
        }
        SeriesChoice::New(_) => None,
        SeriesChoice::Titled(title) => {
            sqlx::query_scalar::<DB, i64>(
                "SELECT s.id FROM series s JOIN series_creators sc ON sc.series_id = s.id \
                 JOIN pseuds p ON p.id = sc.pseud_id \
                 WHERE p.user_id = (SELECT user_id FROM pseuds WHERE id = $1) AND LOWER(s.title) = LOWER($2) \
                 ORDER BY s.id LIMIT 1",
            )
            .bind(first)
            .bind(title.trim().to_owned())
            .fetch_optional(&mut **tx)
            .await?
        }
    };
    let series = match (existing, &placement.series) {
        (Some(id), _) => id,
        (None, SeriesChoice::New(title) | SeriesChoice::Titled(title)) => {
            let id = sqlx::query_scalar::<DB, i64>(
                "INSERT INTO series (title, summary, notes, complete, created_at, updated_at, sanitizer_version) \
                 VALUES ($1, '', '', $2, $3, $3, $4) RETURNING id",
            )
            .bind(title.trim().to_owned())
            .bind(false)
            .bind(at)
            .bind(i64::from(flourish_text::SANITIZER_VERSION))
            .fetch_one(&mut **tx)
            .await?;
            for (i, pseud) in creators.iter().enumerate() {
                sqlx::query::<DB>(
                    "INSERT INTO series_creators (series_id, pseud_id, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(pseud.0)
                .bind(i as i64)
                .execute(&mut **tx)
                .await?;
            }
            id
        }
        (None, SeriesChoice::Existing(_)) => unreachable!("an existing series was found or refused above"),
    };
    // A work already in the series keeps its part unless one is given; a new one goes last.
    let part = match placement.part {
        Some(part) => i64::from(part),
        None => {
            sqlx::query_scalar::<DB, i64>(
                "SELECT COALESCE((SELECT position FROM series_works WHERE series_id = $1 AND work_id = $2), \
             (SELECT COALESCE(MAX(position), 0) + 1 FROM series_works WHERE series_id = $1))",
            )
            .bind(series)
            .bind(work)
            .fetch_one(&mut **tx)
            .await?
        }
    };
    sqlx::query::<DB>(
        "INSERT INTO series_works (series_id, work_id, position) VALUES ($1, $2, $3) \
         ON CONFLICT (series_id, work_id) DO UPDATE SET position = excluded.position",
    )
    .bind(series)
    .bind(work)
    .bind(part)
    .execute(&mut **tx)
    .await?;
    sqlx::query::<DB>("UPDATE series SET updated_at = $2 WHERE id = $1")
        .bind(series)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SeriesRow {
    id: i64,
    title: String,
    summary: String,
    notes: String,
    complete: bool,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct PositionedWorkRow {
    position: i64,
    #[sqlx(flatten)]
    work: WorkRow,
}

impl SeriesStore for Store {
    async fn create_series(&self, draft: &SeriesDraft) -> Result<SeriesId, StoreError> {
        draft.validate(&self.limits)?;
        let at = now();
        let id = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO series (title, summary, notes, complete, created_at, updated_at, sanitizer_version) \
                 VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
            )
            .bind(draft.title.trim())
            .bind(flourish_text::sanitize_html(&draft.summary))
            .bind(flourish_text::sanitize_html(&draft.notes))
            .bind(draft.complete)
            .bind(at)
            .bind(i64::from(flourish_text::SANITIZER_VERSION))
            .fetch_one(&mut *tx)
            .await?;
            for (i, pseud) in draft.creators.iter().enumerate() {
                let inserted = sqlx::query(
                    "INSERT INTO series_creators (series_id, pseud_id, position) SELECT $1, id, $3 FROM pseuds WHERE id = $2 \
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(pseud.0)
                .bind(i as i64)
                .execute(&mut *tx)
                .await?;
                if inserted.rows_affected() == 0 {
                    return Err(StoreError::invalid("creators", format!("There is no pseud with id {pseud}.")));
                }
            }
            tx.commit().await?;
            id
        });
        Ok(SeriesId(id))
    }

    async fn add_to_series(&self, series: SeriesId, work: WorkId, position: Option<u32>) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let (work_exists,): (bool,) = sqlx::query_as("SELECT EXISTS (SELECT 1 FROM works WHERE id = $1)")
                .bind(work.0)
                .fetch_one(&mut *tx)
                .await?;
            if !work_exists {
                return Err(StoreError::NotFound("work"));
            }
            let placement = SeriesPlacement { series: SeriesChoice::Existing(series), part: position };
            place_in_series(&mut tx, work.0, &[], &placement, at).await?;
            works_changed(&mut tx, Changed::Work(work.0), at).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn series(&self, id: SeriesId) -> Result<Option<Series>, StoreError> {
        const CREATORS: &str = concat!(
            "SELECT sc.series_id AS owner_id, ",
            pseud_columns!(),
            " FROM series_creators sc JOIN pseuds p ON p.id = sc.pseud_id JOIN users u ON u.id = p.user_id",
            " WHERE sc.series_id = $1 ORDER BY sc.position"
        );
        let (row, creators) = with_db!(self, db => {
            let row: Option<SeriesRow> =
                sqlx::query_as("SELECT id, title, summary, notes, complete, updated_at FROM series WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(db)
                    .await?;
            let creators: Vec<OwnedPseudRow> = sqlx::query_as(CREATORS).bind(id.0).fetch_all(db).await?;
            (row, creators)
        });
        Ok(row.map(|r| Series {
            id: SeriesId(r.id),
            title: r.title,
            summary: r.summary,
            notes: r.notes,
            complete: r.complete,
            creators: creators.into_iter().map(|c| c.pseud.into_pseud()).collect(),
            updated_at: ts(r.updated_at),
        }))
    }

    async fn series_of_user(&self, user: flourish_core::UserId) -> Result<Vec<Series>, StoreError> {
        let ids: Vec<(i64,)> = with_db!(self, db => {
            sqlx::query_as(
                "SELECT DISTINCT s.id FROM series s JOIN series_creators sc ON sc.series_id = s.id \
                 JOIN pseuds p ON p.id = sc.pseud_id WHERE p.user_id = $1 ORDER BY s.id",
            )
            .bind(user.0)
            .fetch_all(db)
            .await?
        });
        let mut all = Vec::with_capacity(ids.len());
        for (id,) in ids {
            if let Some(s) = self.series(SeriesId(id)).await? {
                all.push(s);
            }
        }
        Ok(all)
    }

    async fn series_works(&self, id: SeriesId, viewer: Viewer) -> Result<Vec<(u32, Work)>, StoreError> {
        const SQL: &str = concat!(
            "SELECT sw.position, ",
            work_columns!(),
            " FROM series_works sw JOIN works w ON w.id = sw.work_id WHERE ",
            visible!(),
            " AND sw.series_id = $2 ORDER BY sw.position, w.id"
        );
        let rows: Vec<PositionedWorkRow> = with_db!(self, db => {
            sqlx::query_as(SQL).bind(viewer.is_member()).bind(id.0).fetch_all(db).await?
        });
        let positions: Vec<u32> = rows.iter().map(|r| r.position as u32).collect();
        let works = self.hydrate(rows.into_iter().map(|r| r.work).collect()).await?;
        Ok(positions.into_iter().zip(works).collect())
    }
}

impl StatsStore for Store {
    async fn counts(&self, viewer: Viewer) -> Result<ArchiveCounts, StoreError> {
        const WORKS: &str =
            concat!("SELECT COUNT(*), CAST(COALESCE(SUM(w.word_count), 0) AS BIGINT) FROM works w WHERE ", visible!());
        // Fandoms and creators are counted from the (few) tags and users, each asking the
        // indexes whether one visible work exists, rather than by joining every work: on a
        // million works that is the difference between milliseconds and many seconds.
        const FANDOMS: &str = concat!(
            "SELECT COUNT(*) FROM tags t WHERE t.kind = 'fandom' AND t.synonym_of IS NULL AND (",
            "EXISTS (SELECT 1 FROM work_tags wt JOIN works w ON w.id = wt.work_id WHERE wt.tag_id = t.id AND ",
            visible!(),
            ") OR EXISTS (SELECT 1 FROM tags s JOIN work_tags wt ON wt.tag_id = s.id JOIN works w ON w.id = wt.work_id ",
            "WHERE s.synonym_of = t.id AND ",
            visible!(),
            "))"
        );
        const CREATORS: &str = concat!(
            "SELECT COUNT(*) FROM users u WHERE EXISTS (SELECT 1 FROM pseuds p ",
            "JOIN work_creators wc ON wc.pseud_id = p.id JOIN works w ON w.id = wc.work_id WHERE p.user_id = u.id AND ",
            visible!(),
            ")"
        );
        let member = viewer.is_member();
        let ((works, words), (fandoms,), (creators,)): ((i64, i64), (i64,), (i64,)) = with_db!(self, db => (
            sqlx::query_as(WORKS).bind(member).fetch_one(db).await?,
            sqlx::query_as(FANDOMS).bind(member).fetch_one(db).await?,
            sqlx::query_as(CREATORS).bind(member).fetch_one(db).await?,
        ));
        Ok(ArchiveCounts {
            works: works as u64,
            fandoms: fandoms as u64,
            creators: creators as u64,
            words: words as u64,
        })
    }
}

//! Works and chapters.

mod editing;
pub use editing::{CreatorInvitation, WorkEditing};

use crate::changes::{Changed, works_changed};
use crate::rows::{
    ChapterRow, ChapterSummaryRow, OwnedPseudRow, SeriesEntryRow, WorkRow, WorkTagRow, chapter_columns, pseud_columns,
    tag_columns, ts, visible, work_columns,
};
use crate::series::place_in_series;
use crate::traits::{Page, WorkStore};
use crate::{Store, StoreError, now, placeholders, with_db};
use flourish_core::{
    Chapter, ChapterDraft, ChapterId, ChapterSummary, Tag, TagId, TagKind, Viewer, Work, WorkDraft, WorkId,
};
use flourish_text::pipeline::fingerprint;
use flourish_text::{SANITIZER_VERSION, count_words_in_html, sanitize_html};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// A chapter made ready for storing: sanitized, counted.
struct CleanChapter {
    title: String,
    summary: String,
    notes: String,
    end_notes: String,
    content: String,
    word_count: i64,
}

impl CleanChapter {
    fn new(draft: &ChapterDraft) -> CleanChapter {
        let content = sanitize_html(&draft.content);
        CleanChapter {
            title: draft.title.trim().to_owned(),
            summary: sanitize_html(&draft.summary),
            notes: sanitize_html(&draft.notes),
            end_notes: sanitize_html(&draft.end_notes),
            word_count: count_words_in_html(&content) as i64,
            content,
        }
    }
}

/// The start of every chapter insert; [`bind_chapter!`] binds a row's values in this order.
const CHAPTER_INSERT: &str = "INSERT INTO chapters (work_id, position, title, summary, notes, end_notes, content, \
     sanitizer_version, word_count, published_at, created_at) VALUES ";
const CHAPTER_COLUMNS: usize = 11;

/// Binds one chapter row to a query made from [`CHAPTER_INSERT`].
macro_rules! bind_chapter {
    ($q:expr, $work:expr, $position:expr, $c:expr, $published:expr, $created:expr) => {
        $q.bind($work)
            .bind($position)
            .bind(&$c.title)
            .bind(&$c.summary)
            .bind(&$c.notes)
            .bind(&$c.end_notes)
            .bind(&$c.content)
            .bind(i64::from(SANITIZER_VERSION))
            .bind($c.word_count)
            .bind($published)
            .bind($created)
    };
}

/// Values bound per multi-row statement. sqlx binds SQLite parameters by name, and SQLite
/// finds a parameter's name by walking its list, so binding n values costs n²: statements
/// of 11,000 values spent more than half of a bulk load there. A few hundred values keep
/// that negligible and still save most round trips.
const VALUES_PER_STATEMENT: usize = 512;

fn rows_per_statement(columns: usize) -> usize {
    (VALUES_PER_STATEMENT / columns).max(1)
}

/// `prefix ($1, …, $k), ($k+1, …), … suffix`: a multi-row INSERT of `rows` rows of `columns`
/// values. The SQL holds only placeholders; every value is bound.
fn rows_sql(prefix: &str, rows: usize, columns: usize, suffix: &str) -> String {
    let values: Vec<String> = (0..rows).map(|r| format!("({})", placeholders(r * columns + 1, columns))).collect();
    format!("{prefix}{}{suffix}", values.join(", "))
}

/// Links works to tags, given as (work id, name key, position) triples. `VALUES` columns
/// are `column1`… in both databases; SQLite needs the `WHERE` to parse an upsert after a join.
fn work_tags_sql(rows: usize) -> String {
    format!(
        "INSERT INTO work_tags (work_id, tag_id, position) SELECT v.column1, t.id, v.column3 FROM (VALUES {}) AS v \
         JOIN tags t ON t.name_key = v.column2 WHERE TRUE ON CONFLICT DO NOTHING",
        (0..rows).map(|r| format!("({})", placeholders(r * 3 + 1, 3))).collect::<Vec<_>>().join(", ")
    )
}

/// A work draft made ready for storing: every field sanitized, counted and hashed.
struct CleanWork {
    title: String,
    summary: String,
    notes: String,
    end_notes: String,
    language: String,
    complete: bool,
    expected: Option<i64>,
    chapter_count: i64,
    posted: bool,
    restricted: bool,
    allow_downloads: bool,
    comment_policy: &'static str,
    moderated: bool,
    published: i64,
    words: i64,
    hash: String,
    chapters: Vec<CleanChapter>,
    /// Its tags in order, each once: rating, warnings, categories, then the creator's.
    tags: Vec<(TagKind, String)>,
}

impl CleanWork {
    fn new(draft: &WorkDraft, hash: String, now: i64) -> CleanWork {
        let chapters: Vec<CleanChapter> = draft.chapters.iter().map(CleanChapter::new).collect();
        let tags = draft_tags(draft);
        CleanWork {
            title: draft.title.trim().to_owned(),
            summary: sanitize_html(&draft.summary),
            notes: sanitize_html(&draft.notes),
            end_notes: sanitize_html(&draft.end_notes),
            language: draft.language.trim().to_owned(),
            complete: draft.complete,
            expected: if draft.complete { Some(chapters.len() as i64) } else { draft.expected_chapters.map(i64::from) },
            chapter_count: if draft.posted { chapters.len() as i64 } else { 0 },
            posted: draft.posted,
            restricted: draft.restricted,
            allow_downloads: draft.allow_downloads,
            comment_policy: draft.comment_policy.as_str(),
            moderated: draft.moderated,
            published: draft.published_at.map_or(now, |t| t.unix_timestamp()),
            words: chapters.iter().map(|c| c.word_count).sum(),
            hash,
            chapters,
            tags,
        }
    }
}

/// A draft's tags in order, each once: rating, warnings, categories, then the creator's.
fn draft_tags(draft: &WorkDraft) -> Vec<(TagKind, String)> {
    let mut tags: Vec<(TagKind, String)> = vec![(TagKind::Rating, draft.rating.name().to_owned())];
    tags.extend(draft.warnings.iter().map(|w| (TagKind::Warning, w.name().to_owned())));
    tags.extend(draft.categories.iter().map(|c| (TagKind::Category, c.name().to_owned())));
    tags.extend(draft.user_tags().filter(|(_, n)| !n.trim().is_empty()).map(|(k, n)| (k, n.trim().to_owned())));
    let mut seen = std::collections::HashSet::new();
    tags.retain(|(_, name)| seen.insert(crate::name_key(name)));
    tags
}

/// Which works a listing shows; each has its own static SQL.
#[derive(Clone, Copy)]
pub(crate) enum Listing {
    Recent,
    /// Works carrying this canonical tag or one of its synonyms.
    Tag(i64),
    Pseud(i64),
}

impl Listing {
    /// The page query ($1 member, $2 limit, $3 offset, $4 the listing's id) and the count
    /// query ($1 member, $2 the listing's id). Every listing binds the same parameters, so
    /// the recent-works condition mentions its unused id (`$4 = 0`) to keep the count.
    fn sql(self) -> (&'static str, &'static str) {
        macro_rules! listing {
            ($page_cond:literal, $count_cond:literal) => {
                (
                    concat!(
                        "SELECT ",
                        work_columns!(),
                        " FROM works w WHERE ",
                        visible!(),
                        $page_cond,
                        " ORDER BY w.updated_at DESC, w.id DESC LIMIT $2 OFFSET $3"
                    ),
                    concat!("SELECT COUNT(*) FROM works w WHERE ", visible!(), $count_cond),
                )
            };
        }
        match self {
            Listing::Recent => listing!(" AND $4 = 0", " AND $2 = 0"),
            Listing::Tag(_) => listing!(
                " AND w.id IN (SELECT wt.work_id FROM work_tags wt JOIN tags t ON t.id = wt.tag_id WHERE t.id = $4 OR t.synonym_of = $4)",
                " AND w.id IN (SELECT wt.work_id FROM work_tags wt JOIN tags t ON t.id = wt.tag_id WHERE t.id = $2 OR t.synonym_of = $2)"
            ),
            Listing::Pseud(_) => listing!(
                " AND w.id IN (SELECT wc.work_id FROM work_creators wc WHERE wc.pseud_id = $4)",
                " AND w.id IN (SELECT wc.work_id FROM work_creators wc WHERE wc.pseud_id = $2)"
            ),
        }
    }

    fn id(self) -> i64 {
        match self {
            Listing::Recent => 0,
            Listing::Tag(id) | Listing::Pseud(id) => id,
        }
    }
}

/// Which works [`Store::hydrate_where`] reads the related rows of.
enum WorksIn<'a> {
    Ids(&'a [i64]),
    /// Ids above the first, up to and including the second.
    Range(i64, i64),
}

impl WorksIn<'_> {
    /// The condition on `column` (a work id), its values bound from `$1`.
    fn condition(&self, column: &str) -> String {
        match self {
            WorksIn::Ids(ids) => format!("{column} IN ({})", placeholders(1, ids.len())),
            WorksIn::Range(..) => format!("{column} > $1 AND {column} <= $2"),
        }
    }

    fn binds(&self) -> Vec<i64> {
        match self {
            WorksIn::Ids(ids) => ids.to_vec(),
            WorksIn::Range(after, last) => vec![*after, *last],
        }
    }
}

impl Store {
    pub(crate) async fn list_works(
        &self,
        listing: Listing,
        viewer: Viewer,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Work>, StoreError> {
        let (page_sql, count_sql) = listing.sql();
        let (rows, (total,)) = with_db!(self, db => {
            let rows: Vec<WorkRow> = sqlx::query_as(page_sql)
                .bind(viewer.is_member())
                .bind(per_page as i64)
                .bind(Page::<Work>::offset(page, per_page))
                .bind(listing.id())
                .fetch_all(db)
                .await?;
            let total: (i64,) = sqlx::query_as(count_sql)
                .bind(viewer.is_member())
                .bind(listing.id())
                .fetch_one(db)
                .await?;
            (rows, total)
        });
        Ok(Page { items: self.hydrate(rows).await?, page: page.max(1), per_page, total: total as u64 })
    }

    /// Fills in the creators, tags and series of works loaded as rows: one query each, for
    /// any number of works.
    pub(crate) async fn hydrate(&self, rows: Vec<WorkRow>) -> Result<Vec<Work>, StoreError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        self.hydrate_where(rows, WorksIn::Ids(&ids), None).await
    }

    /// [`Store::hydrate`] for the works `which` names. With `known` (a reindex, which has
    /// the tag graph), a work's tags are read as one row of tag ids and each tag is taken
    /// from `known`, or read once when it is newer than what `known` holds.
    async fn hydrate_where(
        &self,
        rows: Vec<WorkRow>,
        which: WorksIn<'_>,
        known: Option<&(dyn Fn(TagId) -> Option<Tag> + Sync)>,
    ) -> Result<Vec<Work>, StoreError> {
        if rows.is_empty() {
            return Ok(vec![]);
        }
        let binds = which.binds();
        let creators_sql = format!(
            concat!(
                "SELECT wc.work_id AS owner_id, ",
                pseud_columns!(),
                " FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id JOIN users u ON u.id = p.user_id",
                " WHERE {ids} ORDER BY wc.work_id, wc.position"
            ),
            ids = which.condition("wc.work_id")
        );
        let tags_sql = match known {
            None => format!(
                concat!(
                    "SELECT wt.work_id, ",
                    tag_columns!(),
                    " FROM work_tags wt JOIN tags t ON t.id = wt.tag_id",
                    " WHERE {ids} ORDER BY wt.work_id, wt.position, t.name"
                ),
                ids = which.condition("wt.work_id")
            ),
            // "position tag_id" pairs, one row a work.
            Some(_) => format!(
                "SELECT work_id, string_agg(CAST(position AS TEXT) || ' ' || CAST(tag_id AS TEXT), ',') \
                 FROM work_tags WHERE {} GROUP BY work_id",
                which.condition("work_id")
            ),
        };
        let series_sql = format!(
            "SELECT sw.work_id, s.id AS series_id, s.title, sw.position FROM series_works sw \
             JOIN series s ON s.id = sw.series_id WHERE {} ORDER BY sw.work_id, s.id",
            which.condition("sw.work_id")
        );
        let (creators, tags, tag_lists, series) = with_db!(self, db => {
            let mut q = sqlx::query_as::<_, OwnedPseudRow>(AssertSqlSafe(creators_sql));
            for id in &binds {
                q = q.bind(id);
            }
            let creators = q.fetch_all(db).await?;
            let (mut tags, mut tag_lists) = (Vec::new(), Vec::new());
            if known.is_none() {
                let mut q = sqlx::query_as::<_, WorkTagRow>(AssertSqlSafe(tags_sql));
                for id in &binds {
                    q = q.bind(id);
                }
                tags = q.fetch_all(db).await?;
            } else {
                let mut q = sqlx::query_as::<_, (i64, String)>(AssertSqlSafe(tags_sql));
                for id in &binds {
                    q = q.bind(id);
                }
                tag_lists = q.fetch_all(db).await?;
            }
            let mut q = sqlx::query_as::<_, SeriesEntryRow>(AssertSqlSafe(series_sql));
            for id in &binds {
                q = q.bind(id);
            }
            (creators, tags, tag_lists, q.fetch_all(db).await?)
        });
        let mut works: Vec<Work> = rows.into_iter().map(WorkRow::into_work).collect();
        let index: HashMap<i64, usize> = works.iter().enumerate().map(|(i, w)| (w.id.0, i)).collect();
        // A range can hold a work posted after `rows` were read; it is not one of them.
        for row in creators {
            if let Some(&i) = index.get(&row.owner_id) {
                works[i].creators.push(row.pseud.into_pseud());
            }
        }
        for row in tags {
            if let Some(&i) = index.get(&row.work_id) {
                works[i].tags.0.push(row.tag.into_tag());
            }
        }
        if let Some(known) = known {
            for (work, list) in tag_lists {
                let Some(&i) = index.get(&work) else { continue };
                let mut tags: Vec<(i64, Tag)> = Vec::new();
                for (position, id) in list.split(',').filter_map(|pair| pair.split_once(' ')) {
                    let (Ok(position), Ok(id)) = (position.parse::<i64>(), id.parse::<i64>()) else { continue };
                    let tag = match known(TagId(id)) {
                        Some(tag) => Some(tag),
                        // A tag made after the graph was loaded: rare, so read alone.
                        None => crate::TagStore::tag(self, TagId(id)).await?,
                    };
                    tags.extend(tag.map(|tag| (position, tag)));
                }
                // In the joined query's order, before the grouping by kind below.
                tags.sort_by(|(pa, a), (pb, b)| pa.cmp(pb).then_with(|| a.name.cmp(&b.name)));
                works[i].tags.0.extend(tags.into_iter().map(|(_, tag)| tag));
            }
        }
        for row in series {
            if let Some(&i) = index.get(&row.work_id) {
                works[i].series.push(row.into_entry());
            }
        }
        for work in &mut works {
            // Tags come in the creator's order; group them by kind, keeping that order.
            work.tags.0.sort_by_key(|t| t.kind);
        }
        Ok(works)
    }
}

impl WorkStore for Store {
    async fn create_work(&self, draft: &WorkDraft) -> Result<WorkId, StoreError> {
        let ids = self.create_works(std::slice::from_ref(draft)).await?;
        Ok(ids[0])
    }

    async fn create_works(&self, drafts: &[WorkDraft]) -> Result<Vec<WorkId>, StoreError> {
        let fingerprints: Vec<String> = drafts.iter().map(fingerprint).collect();
        self.create_fingerprinted_works(drafts, &fingerprints).await
    }

    async fn create_fingerprinted_works(
        &self,
        drafts: &[WorkDraft],
        fingerprints: &[String],
    ) -> Result<Vec<WorkId>, StoreError> {
        assert_eq!(drafts.len(), fingerprints.len(), "one fingerprint per draft");
        if drafts.is_empty() {
            return Ok(vec![]);
        }
        for draft in drafts {
            draft.validate(&self.limits)?;
        }
        let created = now();
        let works: Vec<CleanWork> =
            drafts.iter().zip(fingerprints).map(|(d, hash)| CleanWork::new(d, hash.clone(), created)).collect();
        let pseuds: Vec<i64> = {
            let mut ids: Vec<i64> = drafts.iter().flat_map(|d| d.creators.iter().map(|p| p.0)).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        // Tags of the whole batch, each once, at its first place.
        let mut tags: Vec<(TagKind, String, String)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for w in &works {
            for (kind, name) in &w.tags {
                let key = crate::name_key(name);
                if seen.insert(key.clone()) {
                    tags.push((*kind, name.clone(), key));
                }
            }
        }
        let links: Vec<(usize, &str, i64)> = works
            .iter()
            .enumerate()
            .flat_map(|(w, work)| work.tags.iter().enumerate().map(move |(i, (_, name))| (w, name.as_str(), i as i64)))
            .collect();
        let pseuds_sql = format!("SELECT id FROM pseuds WHERE id IN ({})", placeholders(1, pseuds.len()));

        let ids = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let mut q = sqlx::query_as::<_, (i64,)>(AssertSqlSafe(pseuds_sql.clone()));
            for id in &pseuds {
                q = q.bind(id);
            }
            let found: Vec<(i64,)> = q.fetch_all(&mut *tx).await?;
            if let Some(missing) = pseuds.iter().find(|p| !found.iter().any(|(id,)| id == *p)) {
                return Err(StoreError::invalid("creators", format!("There is no pseud with id {missing}.")));
            }
            // Works one by one, for their ids (RETURNING gives a multi-row insert's ids in
            // no promised order); everything else in one statement per table per batch,
            // since each statement is a round trip to SQLite's worker thread or PostgreSQL.
            let mut ids = Vec::with_capacity(works.len());
            for w in &works {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO works (title, summary, notes, end_notes, language, complete, expected_chapters, \
                     chapter_count, posted, restricted, published_at, updated_at, word_count, version, created_at, content_hash, allow_downloads, \
                     sanitizer_version, comment_policy, moderated) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, 0, $13, $14, $15, $16, $17, $18) RETURNING id",
                )
                .bind(&w.title)
                .bind(&w.summary)
                .bind(&w.notes)
                .bind(&w.end_notes)
                .bind(&w.language)
                .bind(w.complete)
                .bind(w.expected)
                .bind(w.chapter_count)
                .bind(w.posted)
                .bind(w.restricted)
                .bind(w.published)
                .bind(w.words)
                .bind(created)
                .bind(&w.hash)
                .bind(w.allow_downloads)
                .bind(i64::from(SANITIZER_VERSION))
                .bind(w.comment_policy)
                .bind(w.moderated)
                .fetch_one(&mut *tx)
                .await?;
                ids.push(id);
            }
            for (draft, id) in drafts.iter().zip(&ids) {
                if let Some(placement) = &draft.series {
                    place_in_series(&mut tx, *id, &draft.creators, placement, created).await?;
                }
            }
            let chapters: Vec<(i64, i64, &CleanChapter, i64)> = works
                .iter()
                .zip(&ids)
                .flat_map(|(w, id)| w.chapters.iter().enumerate().map(move |(i, c)| (*id, i as i64 + 1, c, w.published)))
                .collect();
            for batch in chapters.chunks(rows_per_statement(CHAPTER_COLUMNS)) {
                let mut q = sqlx::query(AssertSqlSafe(rows_sql(CHAPTER_INSERT, batch.len(), CHAPTER_COLUMNS, "")));
                for (work_id, position, c, published) in batch {
                    q = bind_chapter!(q, work_id, position, c, published, created);
                }
                q.execute(&mut *tx).await?;
            }
            let creators: Vec<(i64, i64, i64)> = drafts
                .iter()
                .zip(&ids)
                .flat_map(|(d, id)| d.creators.iter().enumerate().map(move |(i, p)| (*id, p.0, i as i64)))
                .collect();
            for batch in creators.chunks(rows_per_statement(3)) {
                let mut q = sqlx::query(AssertSqlSafe(rows_sql(
                    "INSERT INTO work_creators (work_id, pseud_id, position) VALUES ",
                    batch.len(),
                    3,
                    " ON CONFLICT DO NOTHING",
                )));
                for (work_id, pseud, position) in batch {
                    q = q.bind(work_id).bind(pseud).bind(position);
                }
                q.execute(&mut *tx).await?;
            }
            // Tag names are global: a name already in use (in any kind) is that tag.
            for batch in tags.chunks(rows_per_statement(5)) {
                let mut q = sqlx::query(AssertSqlSafe(rows_sql(
                    "INSERT INTO tags (name, name_key, kind, canonical, created_at) VALUES ",
                    batch.len(),
                    5,
                    " ON CONFLICT (name_key) DO NOTHING",
                )));
                for (kind, name, key) in batch {
                    q = q.bind(name).bind(key).bind(kind.as_str()).bind(false).bind(created);
                }
                q.execute(&mut *tx).await?;
            }
            for batch in links.chunks(rows_per_statement(3)) {
                let mut q = sqlx::query(AssertSqlSafe(work_tags_sql(batch.len())));
                for (w, name, position) in batch {
                    q = q.bind(ids[*w]).bind(crate::name_key(name)).bind(position);
                }
                q.execute(&mut *tx).await?;
            }
            // Works start at version 0, so the outbox rule gives them version 1.
            works_changed(&mut tx, Changed::Works(&ids), created).await?;
            crate::library::subscriptions::record_updates(&mut tx, &ids, None, created).await?;
            tx.commit().await?;
            ids
        });
        Ok(ids.into_iter().map(WorkId).collect())
    }

    async fn add_chapter(&self, work: WorkId, draft: &ChapterDraft) -> Result<Chapter, StoreError> {
        draft.validate(&self.limits)?;
        let c = CleanChapter::new(draft);
        let at = now();
        let (id, position) = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let next: Option<(i64,)> = sqlx::query_as(
                "SELECT (SELECT COALESCE(MAX(position), 0) + 1 FROM chapters WHERE work_id = $1) FROM works WHERE id = $1",
            )
            .bind(work.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((position,)) = next else { return Err(StoreError::NotFound("work")) };
            let sql = rows_sql(CHAPTER_INSERT, 1, CHAPTER_COLUMNS, " RETURNING id");
            let (id,): (i64,) = bind_chapter!(sqlx::query_as(AssertSqlSafe(sql)), work.0, position, c, at, at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE works SET word_count = word_count + $2, chapter_count = chapter_count + 1, updated_at = $3, \
                 expected_chapters = CASE WHEN expected_chapters < chapter_count + 1 THEN NULL ELSE expected_chapters END \
                 WHERE id = $1",
            )
            .bind(work.0)
            .bind(c.word_count)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            works_changed(&mut tx, Changed::Work(work.0), at).await?;
            crate::library::subscriptions::record_updates(&mut tx, &[work.0], Some(id), at).await?;
            tx.commit().await?;
            (id, position)
        });
        Ok(Chapter {
            id: ChapterId(id),
            work_id: work,
            position: position as u32,
            title: c.title,
            summary: c.summary,
            notes: c.notes,
            end_notes: c.end_notes,
            content: c.content,
            sanitizer_version: SANITIZER_VERSION,
            word_count: c.word_count as u64,
            published_at: ts(at),
        })
    }

    async fn work(&self, id: WorkId, viewer: Viewer) -> Result<Option<Work>, StoreError> {
        const SQL: &str = concat!("SELECT ", work_columns!(), " FROM works w WHERE ", visible!(), " AND w.id = $2");
        let row: Option<WorkRow> = with_db!(self, db => {
            sqlx::query_as(SQL).bind(viewer.is_member()).bind(id.0).fetch_optional(db).await?
        });
        Ok(self.hydrate(row.into_iter().collect()).await?.pop())
    }

    async fn recent_works(&self, viewer: Viewer, page: u32, per_page: u32) -> Result<Page<Work>, StoreError> {
        self.list_works(Listing::Recent, viewer, page, per_page).await
    }

    async fn chapter_index(&self, work: WorkId, viewer: Viewer) -> Result<Vec<ChapterSummary>, StoreError> {
        const SQL: &str = concat!(
            "SELECT c.id, c.position, c.title, c.published_at FROM chapters c JOIN works w ON w.id = c.work_id WHERE ",
            visible!(),
            " AND c.work_id = $2 ORDER BY c.position"
        );
        let rows: Vec<ChapterSummaryRow> = with_db!(self, db => {
            sqlx::query_as(SQL).bind(viewer.is_member()).bind(work.0).fetch_all(db).await?
        });
        Ok(rows.into_iter().map(ChapterSummaryRow::into_summary).collect())
    }

    async fn chapter(&self, work: WorkId, chapter: ChapterId, viewer: Viewer) -> Result<Option<Chapter>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            chapter_columns!(),
            " FROM chapters c JOIN works w ON w.id = c.work_id WHERE ",
            visible!(),
            " AND c.work_id = $2 AND c.id = $3"
        );
        let row: Option<ChapterRow> = with_db!(self, db => {
            sqlx::query_as(SQL).bind(viewer.is_member()).bind(work.0).bind(chapter.0).fetch_optional(db).await?
        });
        Ok(row.map(ChapterRow::into_chapter))
    }

    async fn chapters(&self, work: WorkId, viewer: Viewer) -> Result<Vec<Chapter>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            chapter_columns!(),
            " FROM chapters c JOIN works w ON w.id = c.work_id WHERE ",
            visible!(),
            " AND c.work_id = $2 ORDER BY c.position"
        );
        let rows: Vec<ChapterRow> = with_db!(self, db => {
            sqlx::query_as(SQL).bind(viewer.is_member()).bind(work.0).fetch_all(db).await?
        });
        Ok(rows.into_iter().map(ChapterRow::into_chapter).collect())
    }

    async fn works_with_fingerprints(&self, fingerprints: &[String]) -> Result<Vec<(String, WorkId)>, StoreError> {
        let mut found = Vec::new();
        for batch in fingerprints.chunks(rows_per_statement(1)) {
            let sql = format!(
                "SELECT content_hash, MIN(id) FROM works WHERE content_hash IN ({}) GROUP BY content_hash",
                placeholders(1, batch.len())
            );
            let rows: Vec<(String, i64)> = with_db!(self, db => {
                let mut q = sqlx::query_as(AssertSqlSafe(sql));
                for f in batch {
                    q = q.bind(f);
                }
                q.fetch_all(db).await?
            });
            found.extend(rows.into_iter().map(|(f, id)| (f, WorkId(id))));
        }
        Ok(found)
    }

    async fn work_count(&self) -> Result<u64, StoreError> {
        let (n,): (i64,) = with_db!(self, db => sqlx::query_as("SELECT COUNT(*) FROM works").fetch_one(db).await?);
        Ok(n as u64)
    }
}

impl Store {
    /// Works the viewer may see among `ids`, in the order of `ids`: a search index answers
    /// with ids, and the database has the final word on what is visible now.
    pub async fn works_by_ids(&self, ids: &[WorkId], viewer: Viewer) -> Result<Vec<Work>, StoreError> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            concat!("SELECT ", work_columns!(), " FROM works w WHERE ", visible!(), " AND w.id IN ({ids})"),
            ids = placeholders(2, ids.len())
        );
        let rows: Vec<WorkRow> = with_db!(self, db => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(viewer.is_member());
            for id in ids {
                q = q.bind(id.0);
            }
            q.fetch_all(db).await?
        });
        let mut works = self.hydrate(rows).await?;
        works.sort_by_key(|w| ids.iter().position(|id| *id == w.id));
        Ok(works)
    }
}

impl crate::traits::IndexSource for Store {
    async fn works_for_index(&self, ids: &[WorkId]) -> Result<Vec<Work>, StoreError> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            concat!("SELECT ", work_columns!(), " FROM works w WHERE w.id IN ({ids}) ORDER BY w.id"),
            ids = placeholders(1, ids.len())
        );
        let rows: Vec<WorkRow> = with_db!(self, db => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in ids {
                q = q.bind(id.0);
            }
            q.fetch_all(db).await?
        });
        self.hydrate(rows).await
    }

    async fn works_for_index_after(
        &self,
        after: WorkId,
        limit: u32,
        known: &(dyn Fn(TagId) -> Option<Tag> + Sync),
    ) -> Result<Vec<Work>, StoreError> {
        const SQL: &str = concat!("SELECT ", work_columns!(), " FROM works w WHERE w.id > $1 ORDER BY w.id LIMIT $2");
        let rows: Vec<WorkRow> =
            with_db!(self, db => sqlx::query_as(SQL).bind(after.0).bind(i64::from(limit)).fetch_all(db).await?);
        // The batch is every work in (after, last]: its rows are found by that range, not
        // by binding each id.
        let last = rows.last().map_or(after.0, |r| r.id);
        self.hydrate_where(rows, WorksIn::Range(after.0, last), Some(known)).await
    }
}

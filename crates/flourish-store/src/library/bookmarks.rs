//! Bookmarks, one transaction each: the row, its tags, and the work's public count with
//! its outbox row (a count, so `Changed::Counts`).
//!
//! Who sees a bookmark: its owner always; anyone else only a public one whose work or
//! series they can see. Every read that returns bookmarks to someone else goes through
//! [`SHOWN`], and counts count only public bookmarks, so a private one never shows through
//! a count either.

use crate::changes::{Changed, works_changed};
use crate::rows::PseudRow;
use crate::traits::Page;
use crate::{Store, StoreError, now, with_db};
use flourish_core::bookmark::{MAX_BOOKMARK_NOTES, MAX_BOOKMARK_TAGS, MAX_EXTERNAL_URL};
use flourish_core::{
    Bookmark, BookmarkFields, BookmarkId, BookmarkTarget, ExternalWork, Pseud, SeriesId, UserId, WorkId,
};
use sqlx::AssertSqlSafe;

/// The condition a bookmark must meet to be shown to a viewer who is not its owner:
/// `$1` is the viewer's account (0 for a guest), `$2` whether they are a member.
const SHOWN: &str = "(b.user_id = $1 OR (b.private = FALSE AND ( \
     (b.work_id IS NOT NULL AND EXISTS (SELECT 1 FROM works w WHERE w.id = b.work_id \
         AND w.posted = TRUE AND w.hidden = FALSE AND (w.restricted = FALSE OR $2))) \
     OR (b.series_id IS NOT NULL AND EXISTS (SELECT 1 FROM series_works sw JOIN works w ON w.id = sw.work_id \
         WHERE sw.series_id = b.series_id AND w.posted = TRUE AND w.hidden = FALSE AND (w.restricted = FALSE OR $2))) \
     OR b.external_url IS NOT NULL)))";

const COLUMNS: &str = "b.id, b.user_id, b.work_id, b.series_id, b.external, b.notes, b.private, b.rec, b.created_at, \
     b.updated_at, p.id AS pseud_id, u.username, p.name AS pseud_name, p.is_default, p.description";

/// Narrows a list of bookmarks (the bookmark sidebar).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookmarkFilter {
    /// Only bookmarks carrying every one of these bookmarker's tags (by name).
    pub tags: Vec<String>,
    /// None carrying any of these.
    pub exclude_tags: Vec<String>,
    /// Only those whose work carries every one of these tags (ids; works only).
    pub work_tags: Vec<i64>,
    pub exclude_work_tags: Vec<i64>,
    pub rec_only: bool,
    pub with_notes: bool,
    /// "work", "series" or "external".
    pub kind: Option<String>,
    /// The bookmarked work's language (works only).
    pub language: Option<String>,
    /// The bookmarked work's words, inclusive (works only).
    pub words_from: Option<u64>,
    pub words_to: Option<u64>,
    /// When it was bookmarked, unix seconds, inclusive.
    pub bookmarked_from: Option<i64>,
    pub bookmarked_to: Option<i64>,
    pub sort: BookmarkSort,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BookmarkSort {
    /// Newest bookmark first.
    #[default]
    Bookmarked,
    /// The bookmarked work's last update, newest first.
    Updated,
    /// The bookmarked work's kudos, most first.
    Kudos,
}

pub trait BookmarkStore {
    /// Bookmarks `target` for `user`: one per account per item (a second is a conflict).
    async fn create_bookmark(
        &self,
        user: UserId,
        target: &BookmarkTarget,
        fields: &BookmarkFields,
    ) -> Result<BookmarkId, StoreError>;
    /// Rewrites a bookmark's notes, tags, pseud and flags; only its owner may.
    async fn update_bookmark(&self, user: UserId, id: BookmarkId, fields: &BookmarkFields) -> Result<(), StoreError>;
    async fn delete_bookmark(&self, user: UserId, id: BookmarkId) -> Result<(), StoreError>;
    /// One bookmark, if `viewer` may see it.
    async fn bookmark(&self, id: BookmarkId, viewer: Option<UserId>) -> Result<Option<Bookmark>, StoreError>;
    /// These bookmarks in this order, those `viewer` may see (what the search index found,
    /// checked again against the database).
    async fn bookmarks_by_ids(&self, ids: &[BookmarkId], viewer: Option<UserId>) -> Result<Vec<Bookmark>, StoreError>;
    /// `user`'s own bookmark of a work, if any (for the work page's "Edit bookmark").
    async fn bookmark_of_work(&self, user: UserId, work: WorkId) -> Result<Option<Bookmark>, StoreError>;
    /// `user`'s own bookmark of a series, if any.
    async fn bookmark_of_series(&self, user: UserId, series: SeriesId) -> Result<Option<Bookmark>, StoreError>;
    /// The bookmarks of `owner` that `viewer` may see.
    async fn user_bookmarks(
        &self,
        owner: UserId,
        viewer: Option<UserId>,
        filter: &BookmarkFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Bookmark>, StoreError>;
    /// A work's bookmarks that `viewer` may see (public ones, and the viewer's own).
    async fn work_bookmarks(
        &self,
        work: WorkId,
        viewer: Option<UserId>,
        filter: &BookmarkFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Bookmark>, StoreError>;
}

/// Fields checked and cleaned before any write.
struct Clean {
    notes: String,
    tags: Vec<String>,
}

fn clean(fields: &BookmarkFields, tag_name_limit: usize) -> Result<Clean, StoreError> {
    let length = fields.notes.chars().count();
    if length > MAX_BOOKMARK_NOTES {
        return Err(StoreError::invalid(
            "notes",
            format!("Notes must be at most {MAX_BOOKMARK_NOTES} characters long (they have {length})."),
        ));
    }
    let notes = if fields.notes.trim().is_empty() {
        String::new()
    } else {
        flourish_text::sanitize_comment_html(&flourish_text::formats::to_html(
            &fields.notes,
            fields.notes_format.as_str(),
        ))
    };
    let mut seen = std::collections::HashSet::new();
    let mut tags = Vec::new();
    for name in fields.tags.iter().flat_map(|t| t.split(',')).map(str::trim).filter(|t| !t.is_empty()) {
        flourish_core::tag::validate_tag_name(name, tag_name_limit)
            .map_err(|e| StoreError::invalid("tags", format!("{name}: {e}.")))?;
        if seen.insert(crate::name_key(name)) {
            tags.push(name.to_owned());
        }
    }
    if tags.len() > MAX_BOOKMARK_TAGS {
        return Err(StoreError::invalid("tags", format!("A bookmark can have at most {MAX_BOOKMARK_TAGS} tags.")));
    }
    Ok(Clean { notes, tags })
}

/// Checks an external work: an http(s) address with a host, a title and a creator.
fn check_external(work: &ExternalWork) -> Result<ExternalWork, StoreError> {
    let address = work.url.trim();
    if address.len() > MAX_EXTERNAL_URL {
        return Err(StoreError::invalid("url", format!("The address must be at most {MAX_EXTERNAL_URL} characters.")));
    }
    let parsed = url::Url::parse(address)
        .map_err(|_| StoreError::invalid("url", "That doesn't look like a web address (https://…)."))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(StoreError::invalid("url", "An external work's address must start with http:// or https://."));
    }
    let mut errors = flourish_core::ValidationErrors::default();
    if work.title.trim().is_empty() {
        errors.add("title", "An external work needs a title.");
    }
    if work.creator.trim().is_empty() {
        errors.add("creator", "An external work needs a creator.");
    }
    if work.fandoms.iter().all(|f| f.trim().is_empty()) {
        errors.add("fandoms", "An external work needs a fandom.");
    }
    if work.summary.chars().count() > flourish_core::Limits::default().summary {
        errors.add("summary", "The summary is too long.");
    }
    if !errors.0.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let trimmed = |v: &[String]| v.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    Ok(ExternalWork {
        url: parsed.to_string(),
        title: work.title.trim().to_owned(),
        creator: work.creator.trim().to_owned(),
        fandoms: trimmed(&work.fandoms),
        summary: flourish_text::sanitize_comment_html(&flourish_text::formats::to_html(&work.summary, "plain")),
        tags: trimmed(&work.tags),
    })
}

#[derive(sqlx::FromRow)]
struct BookmarkRow {
    id: i64,
    user_id: i64,
    work_id: Option<i64>,
    series_id: Option<i64>,
    external: Option<String>,
    notes: String,
    private: bool,
    rec: bool,
    created_at: i64,
    updated_at: i64,
    pseud_id: i64,
    username: String,
    pseud_name: String,
    is_default: bool,
    description: String,
}

impl BookmarkRow {
    fn into_bookmark(self, tags: Vec<String>) -> Bookmark {
        let target = match (self.work_id, self.series_id) {
            (Some(work), _) => BookmarkTarget::Work(WorkId(work)),
            (None, Some(series)) => BookmarkTarget::Series(SeriesId(series)),
            (None, None) => BookmarkTarget::External(
                self.external.as_deref().and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default(),
            ),
        };
        let pseud: Pseud = PseudRow {
            id: self.pseud_id,
            user_id: self.user_id,
            username: self.username,
            name: self.pseud_name,
            is_default: self.is_default,
            description: self.description,
        }
        .into_pseud();
        Bookmark {
            id: BookmarkId(self.id),
            user: UserId(self.user_id),
            pseud,
            target,
            notes: self.notes,
            tags,
            private: self.private,
            rec: self.rec,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// Sets a work's bookmark count to its public bookmarks. `$1` is the work.
pub(crate) const RECOUNT: &str = "UPDATE works SET bookmarks = (SELECT COUNT(*) FROM bookmarks WHERE work_id = $1 AND private = FALSE) WHERE id = $1";

/// Writes a bookmark's tags (after deleting the old ones) inside `$tx`. They stay with the
/// bookmark, never in the archive's tag list, where a private bookmark's would show.
macro_rules! write_tags {
    ($tx:expr, $id:expr, $tags:expr) => {{
        sqlx::query("DELETE FROM bookmark_tag_names WHERE bookmark_id = $1").bind($id).execute(&mut *$tx).await?;
        for (position, name) in $tags.iter().enumerate() {
            sqlx::query(
                "INSERT INTO bookmark_tag_names (bookmark_id, name, name_key, position) VALUES ($1, $2, $3, $4)",
            )
            .bind($id)
            .bind(name)
            .bind(crate::name_key(name))
            .bind(position as i64)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

/// The pseud to show a bookmark under: `$pseud` if it is `$user`'s, else their default.
macro_rules! pick_pseud {
    ($tx:expr, $user:expr, $pseud:expr) => {{
        let found: Option<(i64,)> = match $pseud {
            Some(p) => {
                sqlx::query_as("SELECT id FROM pseuds WHERE id = $1 AND user_id = $2")
                    .bind(p.0)
                    .bind($user.0)
                    .fetch_optional(&mut *$tx)
                    .await?
            }
            None => {
                sqlx::query_as("SELECT id FROM pseuds WHERE user_id = $1 ORDER BY is_default DESC, id LIMIT 1")
                    .bind($user.0)
                    .fetch_optional(&mut *$tx)
                    .await?
            }
        };
        match found {
            Some((id,)) => id,
            None => return Err(StoreError::invalid("pseud", "Choose one of your own pseuds.")),
        }
    }};
}

impl Store {
    /// The tags of each bookmark in `ids`, in their order.
    async fn bookmark_tags(&self, ids: &[i64]) -> Result<std::collections::HashMap<i64, Vec<String>>, StoreError> {
        let mut tags: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
        if ids.is_empty() {
            return Ok(tags);
        }
        let sql = format!(
            "SELECT bt.bookmark_id, bt.name FROM bookmark_tag_names bt \
             WHERE bt.bookmark_id IN ({}) ORDER BY bt.bookmark_id, bt.position",
            crate::placeholders(1, ids.len())
        );
        let rows: Vec<(i64, String)> = with_db!(self, db => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_all(db).await?
        });
        for (id, name) in rows {
            tags.entry(id).or_default().push(name);
        }
        Ok(tags)
    }

    /// `user`'s bookmark whose `column` (`b.work_id` or `b.series_id`) is `id`.
    async fn own_bookmark(&self, user: UserId, column: &'static str, id: i64) -> Result<Option<Bookmark>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM bookmarks b JOIN pseuds p ON p.id = b.pseud_id JOIN users u ON u.id = b.user_id \
             WHERE b.user_id = $1 AND {column} = $2"
        );
        let row: Option<BookmarkRow> = with_db!(self, db => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(user.0).bind(id).fetch_optional(db).await?
        });
        Ok(self.hydrate_bookmarks(row.into_iter().collect()).await?.pop())
    }

    async fn hydrate_bookmarks(&self, rows: Vec<BookmarkRow>) -> Result<Vec<Bookmark>, StoreError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut tags = self.bookmark_tags(&ids).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let t = tags.remove(&r.id).unwrap_or_default();
                r.into_bookmark(t)
            })
            .collect())
    }

    /// A page of bookmarks matching `scope` (SQL over `b`, with `$1` the viewer and `$2`
    /// membership, and `$3` the scope's id) and `filter`.
    async fn bookmark_page(
        &self,
        scope: &str,
        scope_id: i64,
        viewer: Option<UserId>,
        filter: &BookmarkFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Bookmark>, StoreError> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 100);
        let mut conditions = vec![SHOWN.to_owned(), scope.to_owned()];
        let mut names: Vec<String> = Vec::new();
        let mut ids: Vec<i64> = Vec::new();
        // Placeholders after the three fixed ones; names and ids are bound in this order.
        let mut next = 4;
        for name in &filter.tags {
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM bookmark_tag_names bt WHERE bt.bookmark_id = b.id AND bt.name_key = ${next})"
            ));
            names.push(crate::name_key(name));
            next += 1;
        }
        for name in &filter.exclude_tags {
            conditions.push(format!(
                "NOT EXISTS (SELECT 1 FROM bookmark_tag_names bt WHERE bt.bookmark_id = b.id AND bt.name_key = ${next})"
            ));
            names.push(crate::name_key(name));
            next += 1;
        }
        for tag in &filter.work_tags {
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM work_tags wt WHERE wt.work_id = b.work_id AND wt.tag_id = ${next})"
            ));
            ids.push(*tag);
            next += 1;
        }
        for tag in &filter.exclude_work_tags {
            conditions.push(format!(
                "NOT EXISTS (SELECT 1 FROM work_tags wt WHERE wt.work_id = b.work_id AND wt.tag_id = ${next})"
            ));
            ids.push(*tag);
            next += 1;
        }
        // Bound after the names and the tag ids: the language, then the numbers.
        let language = filter.language.clone().filter(|l| !l.is_empty());
        if language.is_some() {
            conditions.push(format!("EXISTS (SELECT 1 FROM works w WHERE w.id = b.work_id AND w.language = ${next})"));
            next += 1;
        }
        let mut numbers: Vec<i64> = Vec::new();
        let mut numeric = |sql: String, value: i64, numbers: &mut Vec<i64>, next: &mut usize| {
            conditions.push(sql.replace("{}", &format!("${next}")));
            numbers.push(value);
            *next += 1;
        };
        if let Some(n) = filter.words_from {
            let sql = "EXISTS (SELECT 1 FROM works w WHERE w.id = b.work_id AND w.word_count >= {})".to_owned();
            numeric(sql, n.min(i64::MAX as u64) as i64, &mut numbers, &mut next);
        }
        if let Some(n) = filter.words_to {
            let sql = "EXISTS (SELECT 1 FROM works w WHERE w.id = b.work_id AND w.word_count <= {})".to_owned();
            numeric(sql, n.min(i64::MAX as u64) as i64, &mut numbers, &mut next);
        }
        if let Some(t) = filter.bookmarked_from {
            numeric("b.created_at >= {}".to_owned(), t, &mut numbers, &mut next);
        }
        if let Some(t) = filter.bookmarked_to {
            numeric("b.created_at <= {}".to_owned(), t, &mut numbers, &mut next);
        }
        if filter.rec_only {
            conditions.push("b.rec = TRUE".into());
        }
        if filter.with_notes {
            conditions.push("b.notes <> ''".into());
        }
        match filter.kind.as_deref() {
            Some("work") => conditions.push("b.work_id IS NOT NULL".into()),
            Some("series") => conditions.push("b.series_id IS NOT NULL".into()),
            Some("external") => conditions.push("b.external_url IS NOT NULL".into()),
            _ => {}
        }
        let order = match filter.sort {
            BookmarkSort::Bookmarked => "b.created_at DESC, b.id DESC",
            BookmarkSort::Updated => "(SELECT w.updated_at FROM works w WHERE w.id = b.work_id) DESC, b.id DESC",
            BookmarkSort::Kudos => "(SELECT w.kudos FROM works w WHERE w.id = b.work_id) DESC, b.id DESC",
        };
        let conditions = conditions.join(" AND ");
        let count_sql = format!("SELECT COUNT(*) FROM bookmarks b WHERE {conditions}");
        let list_sql = format!(
            "SELECT {COLUMNS} FROM bookmarks b JOIN pseuds p ON p.id = b.pseud_id JOIN users u ON u.id = b.user_id \
             WHERE {conditions} ORDER BY {order} LIMIT ${next} OFFSET ${}",
            next + 1
        );
        let viewer_id = viewer.map_or(0, |v| v.0);
        let member = viewer.is_some();
        let offset = i64::from(page - 1) * i64::from(per_page);
        let (total, rows): (i64, Vec<BookmarkRow>) = with_db!(self, db => {
            let mut count = sqlx::query_as::<_, (i64,)>(AssertSqlSafe(count_sql)).bind(viewer_id).bind(member).bind(scope_id);
            let mut list = sqlx::query_as::<_, BookmarkRow>(AssertSqlSafe(list_sql)).bind(viewer_id).bind(member).bind(scope_id);
            for name in &names {
                count = count.bind(name);
                list = list.bind(name);
            }
            for id in &ids {
                count = count.bind(*id);
                list = list.bind(*id);
            }
            if let Some(language) = &language {
                count = count.bind(language);
                list = list.bind(language);
            }
            for n in &numbers {
                count = count.bind(*n);
                list = list.bind(*n);
            }
            let (total,) = count.fetch_one(db).await?;
            (total, list.bind(i64::from(per_page)).bind(offset).fetch_all(db).await?)
        });
        Ok(Page { items: self.hydrate_bookmarks(rows).await?, page, per_page, total: total.max(0) as u64 })
    }
}

/// Queues a bookmark for the search index in the caller's transaction (see
/// `bookmark_index.rs`).
macro_rules! bookmark_changed {
    ($tx:expr, $id:expr, $at:expr) => {
        sqlx::query("INSERT INTO bookmark_outbox (bookmark_id, created_at) VALUES ($1, $2)")
            .bind($id)
            .bind($at)
            .execute(&mut *$tx)
            .await?
    };
}

impl BookmarkStore for Store {
    async fn create_bookmark(
        &self,
        user: UserId,
        target: &BookmarkTarget,
        fields: &BookmarkFields,
    ) -> Result<BookmarkId, StoreError> {
        let clean = clean(fields, self.limits.tag_name)?;
        let external = match target {
            BookmarkTarget::External(work) => Some(check_external(work)?),
            _ => None,
        };
        let at = now();
        // A date from a data file, never one in the future.
        let made = fields.bookmarked_at.map_or(at, |t| t.clamp(0, at));
        let id = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let pseud = pick_pseud!(tx, user, fields.pseud);
            // The item must be there, and visible to a member.
            let (work, series, url) = match target {
                BookmarkTarget::Work(work) => {
                    let found: Option<(i64,)> = sqlx::query_as(
                        "SELECT id FROM works WHERE id = $1 AND posted = TRUE AND hidden = FALSE",
                    )
                    .bind(work.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if found.is_none() {
                        return Err(StoreError::NotFound("work"));
                    }
                    (Some(work.0), None, None)
                }
                BookmarkTarget::Series(series) => {
                    let found: Option<(i64,)> = sqlx::query_as(
                        "SELECT sw.series_id FROM series_works sw JOIN works w ON w.id = sw.work_id \
                         WHERE sw.series_id = $1 AND w.posted = TRUE AND w.hidden = FALSE LIMIT 1",
                    )
                    .bind(series.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if found.is_none() {
                        return Err(StoreError::NotFound("series"));
                    }
                    (None, Some(series.0), None)
                }
                BookmarkTarget::External(_) => (None, None, external.as_ref().map(|e| e.url.clone())),
            };
            let json = external.as_ref().map(|e| serde_json::to_string(e).unwrap_or_default());
            let inserted: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO bookmarks (user_id, pseud_id, work_id, series_id, external_url, external, notes, private, rec, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(user.0)
            .bind(pseud)
            .bind(work)
            .bind(series)
            .bind(url)
            .bind(json)
            .bind(&clean.notes)
            .bind(fields.private)
            .bind(fields.rec)
            .bind(made)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id,)) = inserted else {
                return Err(StoreError::Conflict("You have already bookmarked this; edit that bookmark instead.".into()));
            };
            write_tags!(tx, id, clean.tags);
            if let Some(work) = work {
                sqlx::query(RECOUNT).bind(work).execute(&mut *tx).await?;
                works_changed(&mut tx, Changed::Counts(work), at).await?;
            }
            bookmark_changed!(tx, id, at);
            tx.commit().await?;
            id
        });
        Ok(BookmarkId(id))
    }

    async fn update_bookmark(&self, user: UserId, id: BookmarkId, fields: &BookmarkFields) -> Result<(), StoreError> {
        let clean = clean(fields, self.limits.tag_name)?;
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let pseud = pick_pseud!(tx, user, fields.pseud);
            let updated: Option<(Option<i64>,)> = sqlx::query_as(
                "UPDATE bookmarks SET pseud_id = $3, notes = $4, private = $5, rec = $6, updated_at = $7 \
                 WHERE id = $1 AND user_id = $2 RETURNING work_id",
            )
            .bind(id.0)
            .bind(user.0)
            .bind(pseud)
            .bind(&clean.notes)
            .bind(fields.private)
            .bind(fields.rec)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            // Someone else's bookmark is as unknown as a missing one.
            let Some((work,)) = updated else { return Err(StoreError::NotFound("bookmark")) };
            write_tags!(tx, id.0, clean.tags);
            if let Some(work) = work {
                sqlx::query(RECOUNT).bind(work).execute(&mut *tx).await?;
                works_changed(&mut tx, Changed::Counts(work), at).await?;
            }
            bookmark_changed!(tx, id.0, at);
            tx.commit().await?;
        });
        Ok(())
    }

    async fn delete_bookmark(&self, user: UserId, id: BookmarkId) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let deleted: Option<(Option<i64>,)> =
                sqlx::query_as("DELETE FROM bookmarks WHERE id = $1 AND user_id = $2 RETURNING work_id")
                    .bind(id.0)
                    .bind(user.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((work,)) = deleted else { return Err(StoreError::NotFound("bookmark")) };
            if let Some(work) = work {
                sqlx::query(RECOUNT).bind(work).execute(&mut *tx).await?;
                works_changed(&mut tx, Changed::Counts(work), at).await?;
            }
            bookmark_changed!(tx, id.0, at);
            tx.commit().await?;
        });
        Ok(())
    }

    async fn bookmark(&self, id: BookmarkId, viewer: Option<UserId>) -> Result<Option<Bookmark>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM bookmarks b JOIN pseuds p ON p.id = b.pseud_id JOIN users u ON u.id = b.user_id \
             WHERE {SHOWN} AND b.id = $3"
        );
        let row: Option<BookmarkRow> = with_db!(self, db => {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(viewer.map_or(0, |v| v.0))
                .bind(viewer.is_some())
                .bind(id.0)
                .fetch_optional(db)
                .await?
        });
        Ok(self.hydrate_bookmarks(row.into_iter().collect()).await?.pop())
    }

    async fn bookmarks_by_ids(&self, ids: &[BookmarkId], viewer: Option<UserId>) -> Result<Vec<Bookmark>, StoreError> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let ids: Vec<BookmarkId> = ids.iter().take(500).copied().collect();
        let sql = format!(
            "SELECT {COLUMNS} FROM bookmarks b JOIN pseuds p ON p.id = b.pseud_id JOIN users u ON u.id = b.user_id \
             WHERE {SHOWN} AND b.id IN ({})",
            crate::placeholders(3, ids.len())
        );
        let rows: Vec<BookmarkRow> = with_db!(self, db => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(viewer.map_or(0, |v| v.0)).bind(viewer.is_some());
            for id in &ids {
                q = q.bind(id.0);
            }
            q.fetch_all(db).await?
        });
        let mut found = self.hydrate_bookmarks(rows).await?;
        found.sort_by_key(|b| ids.iter().position(|id| *id == b.id));
        Ok(found)
    }

    async fn bookmark_of_work(&self, user: UserId, work: WorkId) -> Result<Option<Bookmark>, StoreError> {
        self.own_bookmark(user, "b.work_id", work.0).await
    }

    async fn bookmark_of_series(&self, user: UserId, series: SeriesId) -> Result<Option<Bookmark>, StoreError> {
        self.own_bookmark(user, "b.series_id", series.0).await
    }

    async fn user_bookmarks(
        &self,
        owner: UserId,
        viewer: Option<UserId>,
        filter: &BookmarkFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Bookmark>, StoreError> {
        self.bookmark_page("b.user_id = $3", owner.0, viewer, filter, page, per_page).await
    }

    async fn work_bookmarks(
        &self,
        work: WorkId,
        viewer: Option<UserId>,
        filter: &BookmarkFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Bookmark>, StoreError> {
        self.bookmark_page("b.work_id = $3", work.0, viewer, filter, page, per_page).await
    }
}

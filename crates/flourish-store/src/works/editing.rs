//! Changing works after they are made: what creators edit, what admins hide, and the
//! co-creator invitations that need the invited writer's consent.
//!
//! Every change recounts the work and tells the outbox in its own transaction
//! ([`touch_work!`], through `changes::works_changed`), so search and cached pages follow
//! every edit.

use super::{CleanChapter, draft_tags, work_tags_sql};
use crate::rows::{ChapterRow, PseudRow, WorkRow, chapter_columns, pseud_columns, work_columns};
use crate::traits::Page;
use crate::{Store, StoreError, now, with_db};
use flourish_core::{Chapter, ChapterDraft, ChapterId, Pseud, PseudId, UserId, Work, WorkDraft, WorkId};
use sqlx::AssertSqlSafe;

/// A writer asked to join a work's credits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatorInvitation {
    pub work_id: WorkId,
    pub work_title: String,
    /// The invited writer's pseud.
    pub pseud: Pseud,
    /// The username of who asked.
    pub invited_by: String,
}

pub trait WorkEditing {
    /// The accounts credited on a work in any state: who may edit it.
    async fn creator_accounts(&self, work: WorkId) -> Result<Vec<UserId>, StoreError>;
    /// A work in any state (draft, hidden, restricted), for its creators and admins.
    async fn work_for_editing(&self, work: WorkId) -> Result<Option<Work>, StoreError>;
    async fn chapters_for_editing(&self, work: WorkId) -> Result<Vec<Chapter>, StoreError>;
    /// Replaces the work's own fields and tags; chapters and creators are left alone.
    async fn update_work(&self, work: WorkId, draft: &WorkDraft) -> Result<(), StoreError>;
    /// Posts a draft. A backdated draft keeps its date; any other gets today's.
    async fn post_work(&self, work: WorkId) -> Result<(), StoreError>;
    async fn update_chapter(&self, work: WorkId, chapter: ChapterId, draft: &ChapterDraft) -> Result<(), StoreError>;
    /// Deletes a chapter; the last one cannot be (delete the work instead).
    async fn delete_chapter(&self, work: WorkId, chapter: ChapterId) -> Result<(), StoreError>;
    /// Puts the work's chapters in the order given, which must name each exactly once.
    async fn reorder_chapters(&self, work: WorkId, order: &[ChapterId]) -> Result<(), StoreError>;
    async fn delete_work(&self, work: WorkId) -> Result<(), StoreError>;
    async fn set_hidden(&self, work: WorkId, hidden: bool) -> Result<(), StoreError>;
    /// Works an admin hid, most recently updated first.
    async fn hidden_works(&self, limit: u32) -> Result<Vec<Work>, StoreError>;
    /// Every work the account is credited on, drafts and hidden works too, latest first.
    async fn works_of_user(&self, user: UserId, page: u32, per_page: u32) -> Result<Page<Work>, StoreError>;
    /// Asks the owner of `pseud` to join the work's credits. A pseud of the inviting account
    /// itself joins at once.
    async fn invite_creator(&self, work: WorkId, pseud: PseudId, by: UserId) -> Result<(), StoreError>;
    async fn creator_invitations(&self, user: UserId) -> Result<Vec<CreatorInvitation>, StoreError>;
    /// Accepts or declines an invitation to `work` sent to one of `user`'s pseuds; false if
    /// there was none.
    async fn answer_creator_invitation(&self, work: WorkId, user: UserId, accept: bool) -> Result<bool, StoreError>;
}

/// Recounts a work from its chapters, marks it updated and tells the outbox (a new version),
/// inside the transaction `$tx`; a missing work rolls back and answers `NotFound`.
macro_rules! touch_work {
    ($tx:expr, $work:expr, $at:expr) => {{
        let found = sqlx::query(
            "UPDATE works SET \
             word_count = (SELECT COALESCE(SUM(word_count), 0) FROM chapters WHERE work_id = $1), \
             chapter_count = CASE WHEN posted THEN (SELECT COUNT(*) FROM chapters WHERE work_id = $1) ELSE 0 END, \
             expected_chapters = CASE WHEN complete THEN (SELECT COUNT(*) FROM chapters WHERE work_id = $1) \
                 WHEN expected_chapters < (SELECT COUNT(*) FROM chapters WHERE work_id = $1) THEN NULL \
                 ELSE expected_chapters END, \
             updated_at = CASE WHEN $2 > published_at THEN $2 ELSE published_at END \
             WHERE id = $1",
        )
        .bind($work)
        .bind($at)
        .execute(&mut *$tx)
        .await?;
        if found.rows_affected() == 0 {
            // Roll back now: a dropped transaction holds SQLite's write lock until its
            // connection is next used.
            $tx.rollback().await?;
            return Err(StoreError::NotFound("work"));
        }
        crate::changes::works_changed(&mut $tx, crate::changes::Changed::Work($work), $at).await?;
    }};
}

impl WorkEditing for Store {
    async fn creator_accounts(&self, work: WorkId) -> Result<Vec<UserId>, StoreError> {
        let rows: Vec<(i64,)> = with_db!(self, db => {
            sqlx::query_as(
                "SELECT DISTINCT p.user_id FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id WHERE wc.work_id = $1",
            )
            .bind(work.0)
            .fetch_all(db)
            .await?
        });
        Ok(rows.into_iter().map(|(u,)| UserId(u)).collect())
    }

    async fn work_for_editing(&self, work: WorkId) -> Result<Option<Work>, StoreError> {
        const SQL: &str = concat!("SELECT ", work_columns!(), " FROM works w WHERE w.id = $1");
        let row: Option<WorkRow> = with_db!(self, db => sqlx::query_as(SQL).bind(work.0).fetch_optional(db).await?);
        Ok(self.hydrate(row.into_iter().collect()).await?.pop())
    }

    async fn chapters_for_editing(&self, work: WorkId) -> Result<Vec<Chapter>, StoreError> {
        const SQL: &str =
            concat!("SELECT ", chapter_columns!(), " FROM chapters c WHERE c.work_id = $1 ORDER BY c.position");
        let rows: Vec<ChapterRow> = with_db!(self, db => sqlx::query_as(SQL).bind(work.0).fetch_all(db).await?);
        Ok(rows.into_iter().map(ChapterRow::into_chapter).collect())
    }

    async fn update_work(&self, work: WorkId, draft: &WorkDraft) -> Result<(), StoreError> {
        draft.validate_metadata(&self.limits)?;
        let tags = draft_tags(draft);
        let at = now();
        let summary = flourish_text::sanitize_html(&draft.summary);
        let notes = flourish_text::sanitize_html(&draft.notes);
        let end_notes = flourish_text::sanitize_html(&draft.end_notes);
        let published = draft.published_at.map(|t| t.unix_timestamp());
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let done = sqlx::query(
                "UPDATE works SET title = $2, summary = $3, notes = $4, end_notes = $5, language = $6, complete = $7, \
                 expected_chapters = $8, restricted = $9, published_at = COALESCE($10, published_at), allow_downloads = $11, \
                 sanitizer_version = $12, comment_policy = $13, moderated = $14 WHERE id = $1",
            )
            .bind(work.0)
            .bind(draft.title.trim())
            .bind(&summary)
            .bind(&notes)
            .bind(&end_notes)
            .bind(draft.language.trim())
            .bind(draft.complete)
            .bind(draft.expected_chapters.map(i64::from))
            .bind(draft.restricted)
            .bind(published)
            .bind(draft.allow_downloads)
            .bind(i64::from(flourish_text::SANITIZER_VERSION))
            .bind(draft.comment_policy.as_str())
            .bind(draft.moderated)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                return Err(StoreError::NotFound("work"));
            }
            sqlx::query("DELETE FROM work_tags WHERE work_id = $1").bind(work.0).execute(&mut *tx).await?;
            for (kind, name) in &tags {
                sqlx::query(
                    "INSERT INTO tags (name, name_key, kind, canonical, created_at) VALUES ($1, $2, $3, FALSE, $4) \
                     ON CONFLICT (name_key) DO NOTHING",
                )
                .bind(name)
                .bind(crate::name_key(name))
                .bind(kind.as_str())
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            let mut q = sqlx::query(AssertSqlSafe(work_tags_sql(tags.len())));
            for (i, (_, name)) in tags.iter().enumerate() {
                q = q.bind(work.0).bind(crate::name_key(name)).bind(i as i64);
            }
            q.execute(&mut *tx).await?;
            if let Some(placement) = &draft.series {
                let creators: Vec<(i64,)> =
                    sqlx::query_as("SELECT pseud_id FROM work_creators WHERE work_id = $1 ORDER BY position")
                        .bind(work.0)
                        .fetch_all(&mut *tx)
                        .await?;
                let creators: Vec<PseudId> = creators.into_iter().map(|(p,)| PseudId(p)).collect();
                crate::series::place_in_series(&mut tx, work.0, &creators, placement, at).await?;
            }
            touch_work!(tx, work.0, at);
            tx.commit().await?;
        });
        Ok(())
    }

    async fn post_work(&self, work: WorkId) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let was_draft: Option<bool> =
                sqlx::query_scalar("SELECT posted = FALSE FROM works WHERE id = $1").bind(work.0).fetch_optional(&mut *tx).await?;
            sqlx::query(
                "UPDATE works SET posted = TRUE, published_at = CASE WHEN published_at < created_at THEN published_at ELSE $2 END \
                 WHERE id = $1",
            )
            .bind(work.0)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            touch_work!(tx, work.0, at);
            if was_draft == Some(true) {
                crate::library::subscriptions::record_updates(&mut tx, &[work.0], None, at).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn update_chapter(&self, work: WorkId, chapter: ChapterId, draft: &ChapterDraft) -> Result<(), StoreError> {
        draft.validate(&self.limits)?;
        let c = CleanChapter::new(draft);
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let done = sqlx::query(
                "UPDATE chapters SET title = $3, summary = $4, notes = $5, end_notes = $6, content = $7, \
                 sanitizer_version = $8, word_count = $9 WHERE id = $2 AND work_id = $1",
            )
            .bind(work.0)
            .bind(chapter.0)
            .bind(&c.title)
            .bind(&c.summary)
            .bind(&c.notes)
            .bind(&c.end_notes)
            .bind(&c.content)
            .bind(i64::from(flourish_text::SANITIZER_VERSION))
            .bind(c.word_count)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                return Err(StoreError::NotFound("chapter"));
            }
            touch_work!(tx, work.0, at);
            tx.commit().await?;
        });
        Ok(())
    }

    async fn delete_chapter(&self, work: WorkId, chapter: ChapterId) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let found: Option<(i64, i64)> = sqlx::query_as(
                "SELECT position, (SELECT COUNT(*) FROM chapters WHERE work_id = $1) FROM chapters WHERE id = $2 AND work_id = $1",
            )
            .bind(work.0)
            .bind(chapter.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((position, count)) = found else { return Err(StoreError::NotFound("chapter")) };
            if count <= 1 {
                return Err(StoreError::Conflict(
                    "A work needs at least one chapter. To remove this one, delete the work.".into(),
                ));
            }
            sqlx::query("DELETE FROM chapters WHERE id = $1").bind(chapter.0).execute(&mut *tx).await?;
            // The chapter's comments went with it.
            sqlx::query(crate::conversation::RECOUNT_COMMENTS).bind(work.0).execute(&mut *tx).await?;
            // Two steps, so no intermediate state repeats a position (both databases check
            // uniqueness row by row).
            sqlx::query("UPDATE chapters SET position = -position WHERE work_id = $1 AND position > $2")
                .bind(work.0)
                .bind(position)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE chapters SET position = -position - 1 WHERE work_id = $1 AND position < 0")
                .bind(work.0)
                .execute(&mut *tx)
                .await?;
            touch_work!(tx, work.0, at);
            tx.commit().await?;
        });
        Ok(())
    }

    async fn reorder_chapters(&self, work: WorkId, order: &[ChapterId]) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let mut ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM chapters WHERE work_id = $1")
                .bind(work.0)
                .fetch_all(&mut *tx)
                .await?;
            if ids.is_empty() {
                return Err(StoreError::NotFound("work"));
            }
            ids.sort_unstable();
            let mut given: Vec<i64> = order.iter().map(|c| c.0).collect();
            given.sort_unstable();
            if given != ids.iter().map(|(id,)| *id).collect::<Vec<_>>() {
                return Err(StoreError::invalid("order", "List every chapter of the work exactly once."));
            }
            for (i, chapter) in order.iter().enumerate() {
                sqlx::query("UPDATE chapters SET position = $3 WHERE work_id = $1 AND id = $2")
                    .bind(work.0)
                    .bind(chapter.0)
                    .bind(-(i as i64) - 1)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("UPDATE chapters SET position = -position WHERE work_id = $1").bind(work.0).execute(&mut *tx).await?;
            touch_work!(tx, work.0, at);
            tx.commit().await?;
        });
        Ok(())
    }

    async fn delete_work(&self, work: WorkId) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            // The outbox gets a version above the last, so indexes and caches drop the work.
            touch_work!(tx, work.0, at);
            sqlx::query("DELETE FROM works WHERE id = $1").bind(work.0).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn set_hidden(&self, work: WorkId, hidden: bool) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            sqlx::query("UPDATE works SET hidden = $2 WHERE id = $1").bind(work.0).bind(hidden).execute(&mut *tx).await?;
            touch_work!(tx, work.0, at);
            tx.commit().await?;
        });
        Ok(())
    }

    async fn hidden_works(&self, limit: u32) -> Result<Vec<Work>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            work_columns!(),
            " FROM works w WHERE w.hidden = TRUE ORDER BY w.updated_at DESC, w.id DESC LIMIT $1"
        );
        let rows: Vec<WorkRow> = with_db!(self, db => sqlx::query_as(SQL).bind(limit as i64).fetch_all(db).await?);
        self.hydrate(rows).await
    }

    async fn works_of_user(&self, user: UserId, page: u32, per_page: u32) -> Result<Page<Work>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            work_columns!(),
            " FROM works w WHERE w.id IN (SELECT wc.work_id FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id \
             WHERE p.user_id = $1) ORDER BY w.updated_at DESC, w.id DESC LIMIT $2 OFFSET $3"
        );
        const COUNT: &str = "SELECT COUNT(DISTINCT wc.work_id) FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id \
             WHERE p.user_id = $1";
        let (rows, total): (Vec<WorkRow>, i64) = with_db!(self, db => {
            let rows = sqlx::query_as(SQL)
                .bind(user.0)
                .bind(per_page as i64)
                .bind(Page::<()>::offset(page, per_page))
                .fetch_all(db)
                .await?;
            let (total,): (i64,) = sqlx::query_as(COUNT).bind(user.0).fetch_one(db).await?;
            (rows, total)
        });
        Ok(Page { items: self.hydrate(rows).await?, page: page.max(1), per_page, total: total as u64 })
    }

    async fn invite_creator(&self, work: WorkId, pseud: PseudId, by: UserId) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let owner: Option<(i64,)> =
                sqlx::query_as("SELECT user_id FROM pseuds WHERE id = $1").bind(pseud.0).fetch_optional(&mut *tx).await?;
            let Some((owner,)) = owner else { return Err(StoreError::invalid("pseud", "There is no such pseud.")) };
            let credited: Option<(i64,)> =
                sqlx::query_as("SELECT pseud_id FROM work_creators WHERE work_id = $1 AND pseud_id = $2")
                    .bind(work.0)
                    .bind(pseud.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            if credited.is_some() {
                return Err(StoreError::invalid("pseud", "That pseud is already a creator of this work."));
            }
            let blocked: Option<(i64,)> = sqlx::query_as("SELECT blocker_id FROM blocks WHERE blocker_id = $1 AND blocked_id = $2")
                .bind(owner)
                .bind(by.0)
                .fetch_optional(&mut *tx)
                .await?;
            if blocked.is_some() {
                return Err(StoreError::Forbidden(crate::conversation::BLOCKED_MESSAGE.into()));
            }
            if owner == by.0 {
                sqlx::query(
                    "INSERT INTO work_creators (work_id, pseud_id, position) \
                     VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM work_creators WHERE work_id = $1))",
                )
                .bind(work.0)
                .bind(pseud.0)
                .execute(&mut *tx)
                .await?;
                touch_work!(tx, work.0, at);
            } else {
                let invited = sqlx::query(
                    "INSERT INTO creator_invitations (work_id, pseud_id, invited_by, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(work.0)
                .bind(pseud.0)
                .bind(by.0)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                // The invited writer answers on their account page; the inbox says so (once).
                if invited > 0 {
                    let (inviter, title): (String, String) = sqlx::query_as(
                        "SELECT u.username, w.title FROM users u, works w WHERE u.id = $1 AND w.id = $2",
                    )
                    .bind(by.0)
                    .bind(work.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    let title = format!("{inviter} invited you to be a co-creator of “{title}”");
                    let notice = crate::conversation::Notice {
                        user: owner,
                        kind: flourish_core::NotificationKind::CoCreator,
                        work: Some(work.0),
                        comment: None,
                        actor: &inviter,
                        title: &title,
                        body: "",
                        url: "/account",
                    };
                    crate::conversation::notify!(tx, &notice, at);
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn creator_invitations(&self, user: UserId) -> Result<Vec<CreatorInvitation>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            work_id: i64,
            work_title: String,
            invited_by: String,
            #[sqlx(flatten)]
            pseud: PseudRow,
        }
        const SQL: &str = concat!(
            "SELECT ci.work_id, w.title AS work_title, ib.username AS invited_by, ",
            pseud_columns!(),
            " FROM creator_invitations ci JOIN works w ON w.id = ci.work_id JOIN pseuds p ON p.id = ci.pseud_id \
             JOIN users u ON u.id = p.user_id JOIN users ib ON ib.id = ci.invited_by \
             WHERE p.user_id = $1 ORDER BY ci.created_at"
        );
        let rows: Vec<Row> = with_db!(self, db => sqlx::query_as(SQL).bind(user.0).fetch_all(db).await?);
        Ok(rows
            .into_iter()
            .map(|r| CreatorInvitation {
                work_id: WorkId(r.work_id),
                work_title: r.work_title,
                invited_by: r.invited_by,
                pseud: r.pseud.into_pseud(),
            })
            .collect())
    }

    async fn answer_creator_invitation(&self, work: WorkId, user: UserId, accept: bool) -> Result<bool, StoreError> {
        let at = now();
        let answered = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let invited: Option<(i64,)> = sqlx::query_as(
                "DELETE FROM creator_invitations WHERE work_id = $1 AND pseud_id IN (SELECT id FROM pseuds WHERE user_id = $2) \
                 RETURNING pseud_id",
            )
            .bind(work.0)
            .bind(user.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((pseud,)) = invited else {
                tx.rollback().await?;
                return Ok(false);
            };
            if accept {
                sqlx::query(
                    "INSERT INTO work_creators (work_id, pseud_id, position) \
                     VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM work_creators WHERE work_id = $1)) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(work.0)
                .bind(pseud)
                .execute(&mut *tx)
                .await?;
                touch_work!(tx, work.0, at);
            }
            tx.commit().await?;
            true
        });
        Ok(answered)
    }
}

//! Comments: threads on chapters, who may write them, and the creator's and admins' tools.
//!
//! Every rule is checked inside the write's transaction, in this order: the work is there
//! for this commenter, its policy lets them comment, their account is active, nobody
//! involved has blocked them, the parent can take a reply, they are within the limits, the
//! text is not a repeat; then the spam score decides whether the comment waits for the
//! creator. Counts, outbox and notices follow in the same transaction.

use super::{
    Notice, blocked_by_creator, check_active, creator_users, moderates, notify, staff, standing, work_is_open,
};
use crate::changes::{Changed, works_changed};
use crate::rows::ts;
use crate::{Store, StoreError, now, placeholders, with_db};
use flourish_core::conversation::{THREAD_DEPTH_SHOWN, excerpt};
use flourish_core::{
    ChapterId, Comment, CommentAuthor, CommentId, CommentPolicy, CommentState, Commenter, NewComment, NotificationKind,
    PseudId, TextFormat, UserId, WorkId,
};
use sha2::{Digest, Sha256};
use sqlx::AssertSqlSafe;

/// Who is reading comments: held comments show to the work's creators and admins, and a
/// hidden comment's text to admins and moderators.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommentReader {
    pub user: Option<UserId>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CommentOrder {
    #[default]
    Oldest,
    Newest,
}

/// One page of a chapter's threads: its top-level comments and their replies down to
/// [`THREAD_DEPTH_SHOWN`], in no particular order (`flourish_core::conversation::tree`
/// arranges them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommentsPage {
    pub comments: Vec<Comment>,
    /// The top-level comments of the page, in the order asked for.
    pub roots: Vec<CommentId>,
    pub page: u32,
    pub per_page: u32,
    /// Top-level comments the reader can see: the threads paged through.
    pub total: u64,
    /// Every comment readers see, replies too: what a heading counts, as the work's stats.
    pub visible: u64,
    /// Comments on the work waiting for approval, for its creators (0 for others).
    pub held: u64,
}

/// The limits and the spam score, AO3's figures where it has them.
#[derive(Clone, Copy, Debug)]
pub struct SpamPolicy {
    /// The window the comment limits count in.
    pub window_secs: i64,
    /// Comments per window from an account younger than `new_account_secs`, or a guest address.
    pub new_limit: i64,
    pub limit: i64,
    pub new_account_secs: i64,
    /// A comment scoring this much waits for the creator.
    pub hold_at: i64,
}

impl SpamPolicy {
    /// AO3: new accounts may leave 3 comments per 15 minutes.
    pub const DEFAULT: SpamPolicy =
        SpamPolicy { window_secs: 15 * 60, new_limit: 3, limit: 20, new_account_secs: 7 * 24 * 3600, hold_at: 5 };
}

pub trait CommentStore {
    /// Checks and stores a comment (see the module docs); returns it as stored, which may
    /// be held for approval.
    async fn add_comment(&self, new: &NewComment) -> Result<Comment, StoreError>;
    async fn comment(&self, id: CommentId, reader: CommentReader) -> Result<Option<Comment>, StoreError>;
    /// Page `page` (from 1) of a chapter's threads, 25 top-level comments a page.
    async fn chapter_comments(
        &self,
        chapter: ChapterId,
        reader: CommentReader,
        order: CommentOrder,
        page: u32,
    ) -> Result<CommentsPage, StoreError>;
    /// A comment and its replies, down to [`THREAD_DEPTH_SHOWN`] levels below it: "continue
    /// this thread". `None` when the reader may not see it.
    async fn comment_thread(&self, root: CommentId, reader: CommentReader) -> Result<Option<Vec<Comment>>, StoreError>;
    /// A work's threads across its chapters, oldest first, after the top-level comment
    /// `after`: the API's cursor paging.
    async fn work_comments(
        &self,
        work: WorkId,
        reader: CommentReader,
        after: Option<CommentId>,
        limit: u32,
    ) -> Result<CommentsPage, StoreError>;
    /// Comments on the work waiting for approval, oldest first.
    async fn held_comments(&self, work: WorkId) -> Result<Vec<Comment>, StoreError>;
    /// Its writer changes a comment nobody has replied to.
    async fn edit_comment(
        &self,
        id: CommentId,
        by: UserId,
        content: &str,
        format: TextFormat,
    ) -> Result<Comment, StoreError>;
    /// Its writer, the work's creators, an admin or a moderator delete a comment. One with replies stays
    /// as a "deleted comment" so its thread survives.
    async fn delete_comment(&self, id: CommentId, by: UserId) -> Result<(), StoreError>;
    /// A creator (or admin) publishes held comments: these, or all the work's when `None`.
    /// Returns how many were published.
    async fn approve_comments(&self, work: WorkId, ids: Option<&[CommentId]>, by: UserId) -> Result<u64, StoreError>;
    /// A creator (or admin) freezes a comment and every reply under it: no more replies or
    /// edits. `false` thaws it.
    async fn freeze_thread(&self, id: CommentId, frozen: bool, by: UserId) -> Result<(), StoreError>;
    /// An admin or moderator hides (or shows again) a comment.
    async fn hide_comment(&self, id: CommentId, hidden: bool, by: UserId) -> Result<(), StoreError>;
    /// The words that raise a comment's spam score, as an admin listed them.
    async fn spam_words(&self) -> Result<Vec<String>, StoreError>;
    async fn set_spam_words(&self, words: &[String]) -> Result<(), StoreError>;
}

/// A parent comment as a reply checks it: work, chapter, thread, depth, author, state,
/// deleted, hidden, frozen.
type ParentRow = (i64, i64, i64, i64, Option<i64>, String, bool, bool, bool);

/// A comment as its writer's edit or a deletion checks it, read in the write's transaction.
#[derive(sqlx::FromRow)]
struct Target {
    work_id: i64,
    user_id: Option<i64>,
    parent_id: Option<i64>,
    replies: i64,
    frozen: bool,
    hidden: bool,
    state: String,
}

impl Target {
    /// Whether readers see it, so counts and pages change with it.
    fn visible(&self) -> bool {
        self.state == "published" && !self.hidden
    }
}

/// The [`Target`] comment `$id` in transaction `$tx`; a deleted one is not found.
macro_rules! target {
    ($tx:expr, $id:expr) => {{
        let row: Option<Target> = sqlx::query_as(
            "SELECT work_id, user_id, parent_id, replies, frozen, hidden, state FROM comments WHERE id = $1 AND deleted = FALSE",
        )
        .bind($id)
        .fetch_optional(&mut *$tx)
        .await?;
        row.ok_or(StoreError::NotFound("comment"))?
    }};
}

const SELECT: &str = "SELECT c.id, c.work_id, c.chapter_id, c.parent_id, c.thread_id, c.depth, c.user_id, u.username, \
     c.pseud_id, COALESCE(p.name, c.guest_name, '') AS name, c.content, c.state, c.deleted, c.hidden, c.frozen, \
     c.replies, c.created_at, c.edited_at FROM comments c LEFT JOIN pseuds p ON p.id = c.pseud_id \
     LEFT JOIN users u ON u.id = c.user_id";

/// What readers see of a thread: published comments (held ones too when `$2`), and deleted
/// ones only while replies hang from them.
const SHOWN: &str = "(c.state = 'published' OR $2) AND (c.deleted = FALSE OR c.replies > 0)";
/// A comment every reader sees and the counts count.
const VISIBLE: &str = "c.state = 'published' AND c.deleted = FALSE AND c.hidden = FALSE";

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: i64,
    work_id: i64,
    chapter_id: i64,
    parent_id: Option<i64>,
    thread_id: i64,
    depth: i64,
    user_id: Option<i64>,
    username: Option<String>,
    pseud_id: Option<i64>,
    name: String,
    content: String,
    state: String,
    deleted: bool,
    hidden: bool,
    frozen: bool,
    replies: i64,
    created_at: i64,
    edited_at: Option<i64>,
}

impl CommentRow {
    fn into_comment(self, sees_hidden: bool) -> Comment {
        let blank = self.deleted || (self.hidden && !sees_hidden);
        Comment {
            id: CommentId(self.id),
            work_id: WorkId(self.work_id),
            chapter_id: ChapterId(self.chapter_id),
            parent_id: self.parent_id.map(CommentId),
            thread_id: CommentId(self.thread_id),
            depth: self.depth.max(1) as u32,
            author: CommentAuthor {
                name: self.name,
                user: self.user_id.map(UserId),
                username: self.username,
                pseud: self.pseud_id.map(PseudId),
            },
            content: if blank { String::new() } else { self.content },
            state: CommentState::parse(&self.state),
            deleted: self.deleted,
            hidden: self.hidden,
            frozen: self.frozen,
            replies: self.replies.max(0) as u32,
            created_at: ts(self.created_at),
            edited_at: self.edited_at.map(ts),
        }
    }
}

/// A comment's text made ready: typed text to sanitized HTML, checked, and the key that
/// finds the same text again (case and spacing aside).
struct CleanComment {
    html: String,
    hash: String,
    links: usize,
    words: Vec<String>,
}

fn clean_comment(content: &str, format: TextFormat, max: usize) -> Result<CleanComment, StoreError> {
    let length = content.chars().count();
    if length > max {
        return Err(StoreError::invalid(
            "content",
            format!("Comment must be at most {max} characters long (it has {length})."),
        ));
    }
    let html = flourish_text::sanitize_comment_html(&flourish_text::formats::to_html(content, format.as_str()));
    let text = excerpt(&html, usize::MAX).to_lowercase();
    if text.trim().is_empty() {
        return Err(StoreError::invalid("content", "Comment can't be blank."));
    }
    let words: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    let hash = Sha256::digest(words.join(" ").as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    Ok(CleanComment { links: html.matches("<a ").count(), html, hash, words })
}

/// How much a comment looks like spam: links beyond the first, an admin's spam words, one
/// word repeated over and over, and an account (or guest) with no history.
fn spam_score(clean: &CleanComment, spam_words: &[String], repeated_elsewhere: bool, newcomer: bool) -> i64 {
    let mut score = 2 * clean.links.saturating_sub(1) as i64;
    let trim = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned();
    let words: Vec<String> = clean.words.iter().map(|w| trim(w)).filter(|w| !w.is_empty()).collect();
    score += 3 * spam_words
        .iter()
        .filter(|s| words.iter().any(|w| w == *s) || (s.contains(' ') && clean.words.join(" ").contains(s.as_str())))
        .count() as i64;
    if words.len() >= 10 {
        let mut counts = std::collections::HashMap::new();
        for w in &words {
            *counts.entry(w.as_str()).or_insert(0usize) += 1;
        }
        if counts.values().copied().max().unwrap_or(0) * 2 > words.len() {
            score += 2;
        }
    }
    if repeated_elsewhere {
        score += 3;
    }
    if newcomer {
        score += 1;
    }
    score
}

/// Puts `comments` in their reader's hands: (work creators and admins see held ones,
/// admins and moderators hidden text).
async fn privileges(store: &Store, work: i64, user: Option<UserId>) -> Result<(bool, bool), StoreError> {
    let Some(user) = user else { return Ok((false, false)) };
    let row: Option<(bool, bool, bool)> = with_db!(store, db => {
        sqlx::query_as(
            "SELECT u.is_admin, u.is_moderator, EXISTS (SELECT 1 FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id \
             WHERE wc.work_id = $1 AND p.user_id = $2) FROM users u WHERE u.id = $2",
        )
        .bind(work)
        .bind(user.0)
        .fetch_optional(db)
        .await?
    });
    Ok(row.map_or((false, false), |(admin, moderator, creator)| (creator || admin, admin || moderator)))
}

impl Store {
    async fn comment_rows(&self, sql: &str, binds: &[i64], sees_held: bool) -> Result<Vec<CommentRow>, StoreError> {
        let rows = with_db!(self, db => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.to_owned())).bind(binds[0]).bind(sees_held);
            for b in &binds[1..] {
                q = q.bind(*b);
            }
            q.fetch_all(db).await?
        });
        Ok(rows)
    }

    /// The replies under `roots` (top-level comments) down to the shown depth.
    async fn replies_under(&self, roots: &[i64], sees_held: bool) -> Result<Vec<CommentRow>, StoreError> {
        if roots.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            "{SELECT} WHERE c.depth BETWEEN 2 AND $1 AND {SHOWN} AND c.thread_id IN ({}) ORDER BY c.id",
            placeholders(3, roots.len())
        );
        let mut binds = vec![i64::from(THREAD_DEPTH_SHOWN)];
        binds.extend_from_slice(roots);
        self.comment_rows(&sql, &binds, sees_held).await
    }

    /// Top-level comments in `scope` (a condition on `$1`, `scope_id`) the reader may see,
    /// chosen by `tail` (its placeholders from `$3`, bound to `binds`), with their replies,
    /// how many there are in all, and for moderators how many wait on the work.
    async fn threads_page(
        &self,
        work: i64,
        reader: CommentReader,
        scope: &str,
        scope_id: i64,
        tail: &str,
        binds: &[i64],
    ) -> Result<CommentsPage, StoreError> {
        let (sees_held, sees_hidden) = privileges(self, work, reader.user).await?;
        let top_level = format!("{scope} AND c.parent_id IS NULL AND {SHOWN}");
        let mut all = vec![scope_id];
        all.extend_from_slice(binds);
        let roots = self.comment_rows(&format!("{SELECT} WHERE {top_level} {tail}"), &all, sees_held).await?;
        // Threads (for paging) and every comment readers see (for the heading), in one pass.
        let count_sql = format!(
            "SELECT COALESCE(SUM(CASE WHEN c.parent_id IS NULL AND {SHOWN} THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN {VISIBLE} THEN 1 ELSE 0 END), 0) FROM comments c WHERE {scope}"
        );
        let (total, visible): (i64, i64) = with_db!(self, db => {
            sqlx::query_as(AssertSqlSafe(count_sql)).bind(scope_id).bind(sees_held).fetch_one(db).await?
        });
        let root_ids: Vec<i64> = roots.iter().map(|r| r.id).collect();
        let replies = self.replies_under(&root_ids, sees_held).await?;
        Ok(CommentsPage {
            comments: roots.into_iter().chain(replies).map(|r| r.into_comment(sees_hidden)).collect(),
            roots: root_ids.into_iter().map(CommentId).collect(),
            // The callers know their paging.
            page: 1,
            per_page: 0,
            total: total as u64,
            visible: visible as u64,
            held: if sees_held { self.held_count(work).await? } else { 0 },
        })
    }

    async fn held_count(&self, work: i64) -> Result<u64, StoreError> {
        let (n,): (i64,) = with_db!(self, db => {
            sqlx::query_as("SELECT COUNT(*) FROM comments WHERE work_id = $1 AND state = 'held'").bind(work).fetch_one(db).await?
        });
        Ok(n as u64)
    }
}

impl CommentStore for Store {
    async fn add_comment(&self, new: &NewComment) -> Result<Comment, StoreError> {
        let clean = clean_comment(&new.content, new.format, self.limits().comment)?;
        if let Commenter::Guest { name, email, .. } = &new.by {
            if name.trim().is_empty() || name.chars().count() > 100 {
                return Err(StoreError::invalid("name", "Give a name of up to 100 characters."));
            }
            if !flourish_core::is_plausible_email(email.trim()) {
                return Err(StoreError::invalid("email", "Give an email address (only the archive's admins see it)."));
            }
        }
        let spam_words = self.spam_words().await?;
        let policy = SpamPolicy::DEFAULT;
        let at = now();
        let member = new.by.user();
        let id: i64 = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let row: Option<(bool, bool, bool, String, bool, String)> = sqlx::query_as(
                "SELECT posted, hidden, restricted, comment_policy, moderated, title FROM works WHERE id = $1",
            )
            .bind(new.work.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((posted, hidden, restricted, comment_policy, moderated, title)) = row else {
                return Err(StoreError::NotFound("work"));
            };
            if !work_is_open(posted, hidden, restricted, member.is_some()) {
                return Err(StoreError::NotFound("work"));
            }
            let creators = creator_users!(tx, new.work.0);
            let (actor, account_age, pseud) = match &new.by {
                Commenter::Member { user, pseud } => {
                    let Some((status, created)) = standing!(tx, user.0) else { return Err(StoreError::NotFound("account")) };
                    check_active(&status)?;
                    // The pseud chosen, or the account's default one: only its own.
                    let owned: Option<(i64, String)> = sqlx::query_as(
                        "SELECT id, name FROM pseuds WHERE user_id = $1 AND (($2 IS NULL AND is_default) OR id = $2)",
                    )
                    .bind(user.0)
                    .bind(pseud.map(|p| p.0))
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((pseud, name)) = owned else {
                        return Err(StoreError::invalid("pseud_id", "Choose one of your own pseuds."));
                    };
                    (name, Some(at - created), Some(pseud))
                }
                Commenter::Guest { name, .. } => (name.trim().to_owned(), None, None),
            };
            match comment_policy.parse::<CommentPolicy>().unwrap_or_default() {
                CommentPolicy::NoOne => return Err(StoreError::Forbidden("Comments are turned off on this work.".into())),
                CommentPolicy::Members if member.is_none() => {
                    return Err(StoreError::Forbidden(
                        "Only registered users can comment on this work. Log in (or sign up) to comment.".into(),
                    ));
                }
                _ => {}
            }
            let is_creator = member.is_some_and(|u| creators.contains(&u.0));
            if let Some(user) = member
                && !is_creator
                && blocked_by_creator!(tx, new.work.0, user.0)
            {
                return Err(StoreError::Forbidden(super::BLOCKED_MESSAGE.into()));
            }
            // Where it goes: under its parent, or on a chapter of the work.
            let (chapter, thread, depth, parent_author) = match new.parent {
                Some(parent) => {
                    let row: Option<ParentRow> = sqlx::query_as(
                        "SELECT work_id, chapter_id, thread_id, depth, user_id, state, deleted, hidden, frozen FROM comments WHERE id = $1",
                    )
                    .bind(parent.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((work, chapter, thread, depth, author, state, deleted, hidden, frozen)) = row else {
                        return Err(StoreError::NotFound("comment"));
                    };
                    if work != new.work.0 || (state == "held" && !is_creator) {
                        return Err(StoreError::NotFound("comment"));
                    }
                    if deleted || hidden {
                        return Err(StoreError::invalid("parent_id", "That comment was deleted or hidden; it can't take replies."));
                    }
                    if state == "held" {
                        return Err(StoreError::invalid("parent_id", "Approve that comment before replying to it."));
                    }
                    if frozen {
                        return Err(StoreError::Forbidden("This thread is frozen: it takes no more replies.".into()));
                    }
                    if let (Some(author), Some(user)) = (author, member) {
                        let blocked: Option<(i64,)> = sqlx::query_as("SELECT blocker_id FROM blocks WHERE blocker_id = $1 AND blocked_id = $2")
                            .bind(author)
                            .bind(user.0)
                            .fetch_optional(&mut *tx)
                            .await?;
                        if blocked.is_some() {
                            return Err(StoreError::Forbidden(super::BLOCKED_MESSAGE.into()));
                        }
                    }
                    (chapter, Some(thread), depth + 1, author)
                }
                None => {
                    let chapter: Option<(i64,)> = match new.chapter {
                        Some(c) => sqlx::query_as("SELECT id FROM chapters WHERE id = $1 AND work_id = $2")
                            .bind(c.0)
                            .bind(new.work.0)
                            .fetch_optional(&mut *tx)
                            .await?,
                        None => sqlx::query_as("SELECT id FROM chapters WHERE work_id = $1 ORDER BY position DESC LIMIT 1")
                            .bind(new.work.0)
                            .fetch_optional(&mut *tx)
                            .await?,
                    };
                    let Some((chapter,)) = chapter else { return Err(StoreError::NotFound("chapter")) };
                    (chapter, None, 1, None)
                }
            };
            let (guest_key, guest_email) = match &new.by {
                Commenter::Guest { address_key, email, .. } => (Some(address_key.clone()), Some(email.trim().to_lowercase())),
                Commenter::Member { .. } => (None, None),
            };
            // Limits: per account, or per address for guests, stricter for newcomers.
            let newcomer = account_age.is_none_or(|age| age < policy.new_account_secs);
            if !is_creator {
                let since = at - policy.window_secs;
                let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
                    "SELECT COUNT(*), MIN(created_at) FROM comments WHERE created_at > $1 AND (user_id = $2 OR guest_key = $3)",
                )
                .bind(since)
                .bind(member.map(|u| u.0))
                .bind(guest_key.as_deref())
                .fetch_one(&mut *tx)
                .await?;
                let limit = if newcomer { policy.new_limit } else { policy.limit };
                if count >= limit {
                    let retry_after = (oldest.unwrap_or(at) + policy.window_secs - at).max(1) as u64;
                    return Err(StoreError::RateLimited {
                        retry_after,
                        message: format!(
                            "You can leave {limit} comments every {} minutes; try again in {} minutes.",
                            policy.window_secs / 60,
                            retry_after.div_ceil(60)
                        ),
                    });
                }
            }
            let repeats: Vec<(i64,)> = sqlx::query_as(
                "SELECT chapter_id FROM comments WHERE content_hash = $1 AND created_at > $2 AND (user_id = $3 OR guest_email = $4)",
            )
            .bind(&clean.hash)
            .bind(at - 24 * 3600)
            .bind(member.map(|u| u.0))
            .bind(guest_email.as_deref())
            .fetch_all(&mut *tx)
            .await?;
            if repeats.iter().any(|(c,)| *c == chapter) {
                return Err(StoreError::invalid("content", "You have already left this comment here."));
            }
            let score = if is_creator { 0 } else { spam_score(&clean, &spam_words, !repeats.is_empty(), newcomer) };
            let held = !is_creator && (moderated || score >= policy.hold_at);
            let state = if held { CommentState::Held } else { CommentState::Published };
            let guest_name = match &new.by {
                Commenter::Member { .. } => None,
                Commenter::Guest { name, .. } => Some(name.trim().to_owned()),
            };
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO comments (work_id, chapter_id, parent_id, thread_id, depth, user_id, pseud_id, guest_name, guest_email, \
                 guest_key, content, content_hash, state, spam_score, created_at) \
                 VALUES ($1, $2, $3, COALESCE($4, 0), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
            )
            .bind(new.work.0)
            .bind(chapter)
            .bind(new.parent.map(|p| p.0))
            .bind(thread)
            .bind(depth)
            .bind(member.map(|u| u.0))
            .bind(pseud)
            .bind(guest_name)
            .bind(guest_email.as_deref())
            .bind(guest_key.as_deref())
            .bind(&clean.html)
            .bind(&clean.hash)
            .bind(state.as_str())
            .bind(score)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            match new.parent {
                None => {
                    sqlx::query("UPDATE comments SET thread_id = id WHERE id = $1").bind(id).execute(&mut *tx).await?;
                }
                Some(parent) => {
                    sqlx::query("UPDATE comments SET replies = replies + 1 WHERE id = $1").bind(parent.0).execute(&mut *tx).await?;
                }
            }
            let url = format!("/comments/{id}");
            let body = excerpt(&clean.html, 300);
            if held {
                let title = format!("A comment on “{title}” is waiting for your approval");
                for user in creators.iter().filter(|u| Some(**u) != member.map(|m| m.0)) {
                    let notice = Notice { user: *user, kind: NotificationKind::Held, work: Some(new.work.0), comment: Some(id), actor: &actor, title: &title, body: &body, url: &url };
                    notify!(tx, &notice, at);
                }
            } else {
                sqlx::query("UPDATE works SET comments = comments + 1 WHERE id = $1").bind(new.work.0).execute(&mut *tx).await?;
                works_changed(&mut tx, Changed::Counts(new.work.0), at).await?;
                let replied_to = parent_author.filter(|a| Some(*a) != member.map(|m| m.0));
                if let Some(author) = replied_to {
                    let title = format!("{actor} replied to your comment on “{title}”");
                    let notice = Notice { user: author, kind: NotificationKind::Reply, work: Some(new.work.0), comment: Some(id), actor: &actor, title: &title, body: &body, url: &url };
                    notify!(tx, &notice, at);
                }
                let title = format!("{actor} commented on “{title}”");
                for user in creators.iter().filter(|u| Some(**u) != member.map(|m| m.0) && Some(**u) != replied_to) {
                    let notice = Notice { user: *user, kind: NotificationKind::Comment, work: Some(new.work.0), comment: Some(id), actor: &actor, title: &title, body: &body, url: &url };
                    notify!(tx, &notice, at);
                }
            }
            tx.commit().await?;
            id
        });
        self.comment(CommentId(id), CommentReader { user: member }).await?.ok_or(StoreError::NotFound("comment"))
    }

    async fn comment(&self, id: CommentId, reader: CommentReader) -> Result<Option<Comment>, StoreError> {
        let sql = format!("{SELECT} WHERE c.id = $1");
        let row: Option<CommentRow> =
            with_db!(self, db => sqlx::query_as(AssertSqlSafe(sql)).bind(id.0).fetch_optional(db).await?);
        let Some(row) = row else { return Ok(None) };
        let (sees_held, sees_hidden) = privileges(self, row.work_id, reader.user).await?;
        let is_author = reader.user.is_some_and(|u| row.user_id == Some(u.0));
        if row.state == "held" && !sees_held && !is_author {
            return Ok(None);
        }
        Ok(Some(row.into_comment(sees_hidden)))
    }

    async fn chapter_comments(
        &self,
        chapter: ChapterId,
        reader: CommentReader,
        order: CommentOrder,
        page: u32,
    ) -> Result<CommentsPage, StoreError> {
        let per_page = flourish_core::conversation::COMMENTS_PER_PAGE;
        let work: Option<(i64,)> = with_db!(self, db => {
            sqlx::query_as("SELECT work_id FROM chapters WHERE id = $1").bind(chapter.0).fetch_optional(db).await?
        });
        let Some((work,)) = work else { return Ok(CommentsPage { page: 1, per_page, ..Default::default() }) };
        let direction = match order {
            CommentOrder::Oldest => "ASC",
            CommentOrder::Newest => "DESC",
        };
        let offset = crate::Page::<()>::offset(page, per_page);
        let tail = format!("ORDER BY c.id {direction} LIMIT $3 OFFSET $4");
        let mut found = self
            .threads_page(work, reader, "c.chapter_id = $1", chapter.0, &tail, &[i64::from(per_page), offset])
            .await?;
        found.page = page.max(1);
        found.per_page = per_page;
        Ok(found)
    }

    async fn comment_thread(&self, root: CommentId, reader: CommentReader) -> Result<Option<Vec<Comment>>, StoreError> {
        let Some(top) = self.comment(root, reader).await? else { return Ok(None) };
        let (sees_held, sees_hidden) = privileges(self, top.work_id.0, reader.user).await?;
        let sql =
            format!("{SELECT} WHERE c.thread_id = $1 AND {SHOWN} AND c.depth > $3 AND c.depth <= $4 ORDER BY c.id");
        let deepest = i64::from(top.depth + THREAD_DEPTH_SHOWN - 1);
        let rows = self.comment_rows(&sql, &[top.thread_id.0, i64::from(top.depth), deepest], sees_held).await?;
        // Only the rows under `root`: walk down from it.
        let mut inside = std::collections::HashSet::from([root.0]);
        let mut out = vec![top];
        for row in rows {
            if row.parent_id.is_some_and(|p| inside.contains(&p)) {
                inside.insert(row.id);
                out.push(row.into_comment(sees_hidden));
            }
        }
        Ok(Some(out))
    }

    async fn work_comments(
        &self,
        work: WorkId,
        reader: CommentReader,
        after: Option<CommentId>,
        limit: u32,
    ) -> Result<CommentsPage, StoreError> {
        let binds = [after.map_or(0, |a| a.0), i64::from(limit)];
        let mut found = self
            .threads_page(work.0, reader, "c.work_id = $1", work.0, "AND c.id > $3 ORDER BY c.id LIMIT $4", &binds)
            .await?;
        found.per_page = limit;
        Ok(found)
    }

    async fn held_comments(&self, work: WorkId) -> Result<Vec<Comment>, StoreError> {
        let sql = format!("{SELECT} WHERE c.work_id = $1 AND c.state = 'held' ORDER BY c.id");
        let rows: Vec<CommentRow> =
            with_db!(self, db => sqlx::query_as(AssertSqlSafe(sql)).bind(work.0).fetch_all(db).await?);
        Ok(rows.into_iter().map(|r| r.into_comment(false)).collect())
    }

    async fn edit_comment(
        &self,
        id: CommentId,
        by: UserId,
        content: &str,
        format: TextFormat,
    ) -> Result<Comment, StoreError> {
        let clean = clean_comment(content, format, self.limits().comment)?;
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let comment = target!(tx, id.0);
            if comment.user_id != Some(by.0) {
                return Err(StoreError::Forbidden("Only the person who wrote a comment can edit it.".into()));
            }
            let Some((status, _)) = standing!(tx, by.0) else { return Err(StoreError::NotFound("account")) };
            check_active(&status)?;
            if comment.frozen {
                return Err(StoreError::Forbidden("This thread is frozen: its comments can't be edited.".into()));
            }
            if comment.replies > 0 {
                return Err(StoreError::Conflict("Someone has replied to this comment, so it can no longer be edited.".into()));
            }
            sqlx::query("UPDATE comments SET content = $2, content_hash = $3, edited_at = $4 WHERE id = $1")
                .bind(id.0)
                .bind(&clean.html)
                .bind(&clean.hash)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            if comment.visible() {
                works_changed(&mut tx, Changed::Counts(comment.work_id), at).await?;
            }
            tx.commit().await?;
        });
        self.comment(id, CommentReader { user: Some(by) }).await?.ok_or(StoreError::NotFound("comment"))
    }

    async fn delete_comment(&self, id: CommentId, by: UserId) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let comment = target!(tx, id.0);
            let work = comment.work_id;
            // Moderators delete too: the report queue's "delete" on a comment.
            if comment.user_id != Some(by.0) && !moderates!(tx, work, by.0) && !staff!(tx, by.0) {
                return Err(StoreError::Forbidden("Only a comment's writer, the work's creators, admins and moderators can delete it.".into()));
            }
            if comment.replies > 0 {
                sqlx::query("UPDATE comments SET deleted = TRUE, content = '' WHERE id = $1").bind(id.0).execute(&mut *tx).await?;
            } else {
                sqlx::query("DELETE FROM comments WHERE id = $1").bind(id.0).execute(&mut *tx).await?;
                if let Some(parent) = comment.parent_id {
                    sqlx::query("UPDATE comments SET replies = replies - 1 WHERE id = $1").bind(parent).execute(&mut *tx).await?;
                }
            }
            if comment.visible() {
                sqlx::query("UPDATE works SET comments = comments - 1 WHERE id = $1 AND comments > 0").bind(work).execute(&mut *tx).await?;
                works_changed(&mut tx, Changed::Counts(work), at).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn approve_comments(&self, work: WorkId, ids: Option<&[CommentId]>, by: UserId) -> Result<u64, StoreError> {
        let at = now();
        let approved = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            if !moderates!(tx, work.0, by.0) {
                return Err(StoreError::Forbidden("Only this work's creators can approve its comments.".into()));
            }
            let held: Vec<(i64, Option<i64>, String, bool, String)> = sqlx::query_as(
                "SELECT c.id, pp.user_id, COALESCE(pc.name, c.guest_name, ''), c.hidden, c.content FROM comments c \
                 LEFT JOIN comments pp ON pp.id = c.parent_id \
                 LEFT JOIN pseuds pc ON pc.id = c.pseud_id WHERE c.work_id = $1 AND c.state = 'held' ORDER BY c.id",
            )
            .bind(work.0)
            .fetch_all(&mut *tx)
            .await?;
            let title: (String,) = sqlx::query_as("SELECT title FROM works WHERE id = $1").bind(work.0).fetch_one(&mut *tx).await?;
            let mut approved = 0u64;
            for (id, parent_author, actor, hidden, content) in held {
                if ids.is_some_and(|ids| !ids.iter().any(|i| i.0 == id)) {
                    continue;
                }
                sqlx::query("UPDATE comments SET state = 'published' WHERE id = $1").bind(id).execute(&mut *tx).await?;
                if !hidden {
                    sqlx::query("UPDATE works SET comments = comments + 1 WHERE id = $1").bind(work.0).execute(&mut *tx).await?;
                }
                if let Some(author) = parent_author.filter(|a| *a != by.0) {
                    let title = format!("{actor} replied to your comment on “{}”", title.0);
                    let url = format!("/comments/{id}");
                    let body = excerpt(&content, 300);
                    let notice = Notice { user: author, kind: NotificationKind::Reply, work: Some(work.0), comment: Some(id), actor: &actor, title: &title, body: &body, url: &url };
                    notify!(tx, &notice, at);
                }
                approved += 1;
            }
            if approved > 0 {
                works_changed(&mut tx, Changed::Counts(work.0), at).await?;
            }
            tx.commit().await?;
            approved
        });
        Ok(approved)
    }

    async fn freeze_thread(&self, id: CommentId, frozen: bool, by: UserId) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let work: Option<(i64,)> = sqlx::query_as("SELECT work_id FROM comments WHERE id = $1").bind(id.0).fetch_optional(&mut *tx).await?;
            let Some((work,)) = work else { return Err(StoreError::NotFound("comment")) };
            if !moderates!(tx, work, by.0) {
                return Err(StoreError::Forbidden("Only this work's creators can freeze its threads.".into()));
            }
            sqlx::query(
                "WITH RECURSIVE under(id) AS (SELECT id FROM comments WHERE id = $1 \
                 UNION ALL SELECT c.id FROM comments c JOIN under ON c.parent_id = under.id) \
                 UPDATE comments SET frozen = $2 WHERE id IN (SELECT id FROM under)",
            )
            .bind(id.0)
            .bind(frozen)
            .execute(&mut *tx)
            .await?;
            works_changed(&mut tx, Changed::Counts(work), at).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn hide_comment(&self, id: CommentId, hidden: bool, by: UserId) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            if !staff!(tx, by.0) {
                return Err(StoreError::Forbidden("Only admins and moderators can hide comments.".into()));
            }
            let row: Option<(i64, bool, bool, String, Option<i64>, String)> = sqlx::query_as(
                "SELECT c.work_id, c.hidden, c.deleted, c.state, c.user_id, w.title FROM comments c JOIN works w ON w.id = c.work_id WHERE c.id = $1",
            )
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((work, was, deleted, state, author, title)) = row else { return Err(StoreError::NotFound("comment")) };
            if was != hidden {
                // Its writer hears of it in the inbox (a moderation event).
                if let Some(author) = author {
                    let title = if hidden {
                        format!("The moderators hid your comment on “{title}”")
                    } else {
                        format!("Your comment on “{title}” is shown again")
                    };
                    let url = format!("/comments/{}", id.0);
                    let notice = Notice { user: author, kind: NotificationKind::Moderation, work: Some(work), comment: Some(id.0), actor: "", title: &title, body: "", url: &url };
                    notify!(tx, &notice, at);
                }
                sqlx::query("UPDATE comments SET hidden = $2 WHERE id = $1").bind(id.0).bind(hidden).execute(&mut *tx).await?;
                if state == "published" && !deleted {
                    let delta: i64 = if hidden { -1 } else { 1 };
                    sqlx::query("UPDATE works SET comments = comments + $2 WHERE id = $1").bind(work).bind(delta).execute(&mut *tx).await?;
                }
                works_changed(&mut tx, Changed::Counts(work), at).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn spam_words(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> =
            with_db!(self, db => sqlx::query_as("SELECT word FROM spam_words ORDER BY word").fetch_all(db).await?);
        Ok(rows.into_iter().map(|(w,)| w).collect())
    }

    async fn set_spam_words(&self, words: &[String]) -> Result<(), StoreError> {
        let mut clean: Vec<String> = words
            .iter()
            .map(|w| w.trim().to_lowercase())
            .filter(|w| !w.is_empty() && w.chars().count() <= 100)
            .collect();
        clean.sort();
        clean.dedup();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            sqlx::query("DELETE FROM spam_words").execute(&mut *tx).await?;
            for w in &clean {
                sqlx::query("INSERT INTO spam_words (word) VALUES ($1)").bind(w).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spam_scores_links_words_and_repetition() {
        let clean = |s: &str| clean_comment(s, TextFormat::Html, 10_000).unwrap();
        let plain = clean("<p>I loved the library scene, thank you!</p>");
        assert_eq!(spam_score(&plain, &[], false, false), 0);
        let links = clean(
            "<a href=\"https://a.example\">a</a> <a href=\"https://b.example\">b</a> <a href=\"https://c.example\">c</a>",
        );
        assert_eq!(spam_score(&links, &[], false, false), 4);
        let words = clean("cheap pills here");
        assert_eq!(spam_score(&words, &["pills".to_owned()], false, true), 4);
        let repeated = clean("buy buy buy buy buy buy buy buy now now");
        assert_eq!(spam_score(&repeated, &[], true, false), 5);
    }

    #[test]
    fn comment_text_is_checked_before_anything_is_written() {
        assert!(matches!(clean_comment("   ", TextFormat::Plain, 100), Err(StoreError::Invalid(_))));
        assert!(matches!(clean_comment("<p><br></p>", TextFormat::Html, 100), Err(StoreError::Invalid(_))));
        assert!(matches!(clean_comment(&"x".repeat(101), TextFormat::Plain, 100), Err(StoreError::Invalid(_))));
        let a = clean_comment("Loved   it", TextFormat::Plain, 100).unwrap();
        let b = clean_comment("<p>loved it</p>", TextFormat::Html, 100).unwrap();
        assert_eq!(a.hash, b.hash, "the same words are the same comment");
    }
}

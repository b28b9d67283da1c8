//! Abuse reports and the queue admins and moderators work (see `flourish_core::report`).
//!
//! Closing a report is two steps: the page first takes the action itself (hides or deletes
//! the target, suspends the account) through the store's own method for it, then
//! [`ReportStore::close_reports`] closes every open report of that target and tells each
//! reporter, in one transaction. Every action is idempotent, and a deleted target counts
//! as dealt with, so a crash between the steps leaves an open report whose action can
//! simply be taken again.

use super::{Notice, check_active, notify, staff, standing};
use crate::rows::ts;
use crate::{Page, Store, StoreError, now, with_db};
use flourish_core::conversation::excerpt;
use flourish_core::report::{COUNT_WINDOW_SECS, COUNTED_PER_MONTH, DETAILS_MAX};
use flourish_core::{
    NotificationKind, Report, ReportAction, ReportContext, ReportId, ReportReason, ReportState, ReportTarget, UserId,
    WorkId,
};

/// A report as a reader files it.
#[derive(Clone, Debug)]
pub struct NewReport<'a> {
    pub reporter: UserId,
    pub target: ReportTarget,
    pub reason: ReportReason,
    pub details: &'a str,
}

/// Which reports a queue page lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueFilter {
    /// Open reports that entered the queue, oldest first.
    Open,
    /// Closed reports, most recently closed first.
    Closed,
}

pub trait ReportStore {
    /// Files a report. The target must be there for the reporter and not their own; one
    /// report per reporter per target (a second is a conflict).
    async fn file_report(&self, new: &NewReport<'_>) -> Result<ReportId, StoreError>;
    /// The target as the report form shows it, after the same checks as [`Self::file_report`]
    /// (so a reader learns at once that they reported it already).
    async fn reportable(&self, reporter: UserId, target: ReportTarget) -> Result<ReportContext, StoreError>;
    /// The target as a moderator sees it now; `None` when it no longer exists.
    async fn report_context(&self, target: ReportTarget) -> Result<Option<ReportContext>, StoreError>;
    async fn report_queue(&self, filter: QueueFilter, page: u32, per_page: u32) -> Result<Page<Report>, StoreError>;
    async fn report(&self, id: ReportId) -> Result<Option<Report>, StoreError>;
    /// Every report of the same target, newest first: what a moderator reads beside one.
    async fn reports_on_target(&self, target: ReportTarget) -> Result<Vec<Report>, StoreError>;
    /// Closes every open report of report `id`'s target as `action` (taken already; see the
    /// module docs), tells each reporter, and for a warning sends `note` to the target's
    /// owners. `by` must be an admin or moderator. Returns how many reports closed.
    async fn close_reports(
        &self,
        id: ReportId,
        by: UserId,
        action: ReportAction,
        note: &str,
    ) -> Result<u64, StoreError>;
    /// Gives or takes an account's moderator role.
    async fn set_moderator(&self, user: UserId, on: bool) -> Result<(), StoreError>;
}

/// The checks every report passes, in transaction `$tx`: the reporter may act, the target
/// is there for them and not their own, and they have not reported it before. Evaluates
/// to the work the target lives in; errors return from the caller.
macro_rules! check_report {
    ($tx:expr, $reporter:expr, $target:expr) => {{
        let reporter: i64 = $reporter;
        let target: ReportTarget = $target;
        let noun = target.noun();
        let Some((status, _)) = standing!($tx, reporter) else { return Err(StoreError::NotFound("account")) };
        check_active(&status)?;
        let (work, own): (Option<i64>, bool) = match target {
            ReportTarget::User(user) => {
                let found: Option<(i64,)> =
                    sqlx::query_as("SELECT id FROM users WHERE id = $1").bind(user.0).fetch_optional(&mut *$tx).await?;
                if found.is_none() {
                    return Err(StoreError::NotFound("account"));
                }
                (None, user.0 == reporter)
            }
            ReportTarget::Work(_) | ReportTarget::Chapter(_) | ReportTarget::Comment(_) => {
                let sql = match target {
                    ReportTarget::Work(_) => "SELECT id, CAST(NULL AS BIGINT) FROM works WHERE id = $1",
                    ReportTarget::Chapter(_) => "SELECT work_id, CAST(NULL AS BIGINT) FROM chapters WHERE id = $1",
                    _ => "SELECT work_id, user_id FROM comments WHERE id = $1 AND state = 'published' AND deleted = FALSE AND hidden = FALSE",
                };
                let found: Option<(i64, Option<i64>)> = sqlx::query_as(sql).bind(target.id()).fetch_optional(&mut *$tx).await?;
                let Some((work, writer)) = found else { return Err(StoreError::NotFound(noun)) };
                // A draft or hidden work (and all in it) is as absent as it is elsewhere.
                let (posted, hidden): (bool, bool) =
                    sqlx::query_as("SELECT posted, hidden FROM works WHERE id = $1").bind(work).fetch_one(&mut *$tx).await?;
                if !posted || hidden {
                    return Err(StoreError::NotFound(noun));
                }
                let own = match (target, writer) {
                    (ReportTarget::Comment(_), writer) => writer == Some(reporter),
                    _ => {
                        let credited: bool = sqlx::query_scalar(concat!("SELECT ", $crate::conversation::credited_sql!()))
                            .bind(work)
                            .bind(reporter)
                            .fetch_one(&mut *$tx)
                            .await?;
                        credited
                    }
                };
                (Some(work), own)
            }
        };
        if own {
            return Err(StoreError::invalid("target", format!("You can't report your own {noun}.")));
        }
        let earlier: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM reports WHERE reporter_id = $1 AND target_kind = $2 AND target_id = $3")
                .bind(reporter)
                .bind(target.kind())
                .bind(target.id())
                .fetch_optional(&mut *$tx)
                .await?;
        if earlier.is_some() {
            return Err(StoreError::Conflict(format!(
                "You have already reported this {noun}. The moderators have it, and you will hear the outcome in your inbox."
            )));
        }
        work
    }};
}

/// A stored report, then how many reports of its target are open.
type ReportRow = (
    i64,
    String,
    String,
    i64,
    Option<i64>,
    String,
    String,
    bool,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
    i64,
);

const REPORT_COLUMNS: &str = "r.id, u.username, r.target_kind, r.target_id, r.work_id, r.reason, r.details, r.counted, \
     r.state, r.outcome, m.username, r.created_at, r.resolved_at, \
     (SELECT COUNT(*) FROM reports o WHERE o.target_kind = r.target_kind AND o.target_id = r.target_id AND o.state = 'open') \
     FROM reports r JOIN users u ON u.id = r.reporter_id LEFT JOIN users m ON m.id = r.resolved_by";

impl Store {
    /// A stored row with its target's context filled in.
    async fn report_from_row(&self, row: ReportRow) -> Result<Report, StoreError> {
        let (
            id,
            reporter,
            kind,
            target_id,
            work,
            reason,
            details,
            counted,
            state,
            outcome,
            resolved_by,
            created,
            resolved,
            open_on_target,
        ) = row;
        let bad = |what: &str, value: &str| {
            StoreError::Database(sqlx::Error::Decode(format!("report {id}: unknown {what} {value:?}").into()))
        };
        let target = ReportTarget::from_parts(&kind, target_id).map_err(|_| bad("target", &kind))?;
        Ok(Report {
            id: ReportId(id),
            reporter,
            target,
            work: work.map(WorkId),
            reason: reason.parse().map_err(|_| bad("reason", &reason))?,
            details,
            counted,
            state: state.parse().map_err(|_| bad("state", &state))?,
            outcome: if outcome.is_empty() {
                None
            } else {
                Some(outcome.parse().map_err(|_| bad("outcome", &outcome))?)
            },
            resolved_by,
            created_at: ts(created),
            resolved_at: resolved.map(ts),
            context: self.report_context(target).await?,
            open_on_target,
        })
    }
}

impl ReportStore for Store {
    async fn file_report(&self, new: &NewReport<'_>) -> Result<ReportId, StoreError> {
        let details = new.details.trim();
        if details.chars().count() > DETAILS_MAX {
            return Err(StoreError::invalid(
                "details",
                format!("Please keep the explanation under {DETAILS_MAX} characters."),
            ));
        }
        if new.reason.needs_details() && details.is_empty() {
            return Err(StoreError::invalid("details", "Please say what is wrong: it helps the moderators."));
        }
        let at = now();
        let reporter = new.reporter.0;
        let id = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let work = check_report!(tx, reporter, new.target);
            let (counted_lately,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM reports WHERE target_kind = $1 AND target_id = $2 AND counted = TRUE AND created_at >= $3",
            )
            .bind(new.target.kind())
            .bind(new.target.id())
            .bind(at - COUNT_WINDOW_SECS)
            .fetch_one(&mut *tx)
            .await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO reports (reporter_id, target_kind, target_id, work_id, reason, details, counted, state, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id",
            )
            .bind(reporter)
            .bind(new.target.kind())
            .bind(new.target.id())
            .bind(work)
            .bind(new.reason.as_str())
            .bind(details)
            .bind(counted_lately < COUNTED_PER_MONTH)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            id
        });
        Ok(ReportId(id))
    }

    async fn reportable(&self, reporter: UserId, target: ReportTarget) -> Result<ReportContext, StoreError> {
        with_db!(self, db => {
            let mut tx = db.begin().await?;
            check_report!(tx, reporter.0, target);
            tx.rollback().await?;
        });
        self.report_context(target).await?.ok_or(StoreError::NotFound(target.noun()))
    }

    async fn report_context(&self, target: ReportTarget) -> Result<Option<ReportContext>, StoreError> {
        // What the form and the queue show of the target. An account's row names its owner
        // and a comment's its writer; a work's or chapter's owners are its creators, read
        // after. Nothing here is private: the reporter's form shows the title and excerpt.
        let found: Option<(ReportContext, Option<i64>)> = with_db!(self, db => {
            match target {
                ReportTarget::Work(work) => {
                    let row: Option<(String, String, bool)> =
                        sqlx::query_as("SELECT title, summary, hidden FROM works WHERE id = $1").bind(work.0).fetch_optional(db).await?;
                    row.map(|(title, summary, hidden)| {
                        let url = format!("/works/{}", work.0);
                        (ReportContext { title, excerpt: excerpt(&summary, 400), url, hidden, owners: Vec::new() }, Some(work.0))
                    })
                }
                ReportTarget::Chapter(chapter) => {
                    let row: Option<(i64, i64, String, String, bool, String)> = sqlx::query_as(
                        "SELECT c.work_id, c.position, c.title, w.title, w.hidden, c.content FROM chapters c JOIN works w ON w.id = c.work_id WHERE c.id = $1",
                    )
                    .bind(chapter.0)
                    .fetch_optional(db)
                    .await?;
                    row.map(|(work, position, title, work_title, hidden, content)| {
                        let name = if title.is_empty() { format!("Chapter {position}") } else { format!("Chapter {position}: {title}") };
                        let title = format!("{name} of “{work_title}”");
                        let url = format!("/works/{work}/chapters/{}", chapter.0);
                        (ReportContext { title, excerpt: excerpt(&content, 400), url, hidden, owners: Vec::new() }, Some(work))
                    })
                }
                ReportTarget::Comment(comment) => {
                    #[derive(sqlx::FromRow)]
                    struct Row {
                        content: String,
                        hidden: bool,
                        work_title: String,
                        writer: Option<i64>,
                        writer_name: Option<String>,
                    }
                    let row: Option<Row> = sqlx::query_as(
                        "SELECT c.content, c.hidden, w.title AS work_title, u.id AS writer, u.username AS writer_name \
                         FROM comments c JOIN works w ON w.id = c.work_id LEFT JOIN users u ON u.id = c.user_id \
                         WHERE c.id = $1 AND c.deleted = FALSE",
                    )
                    .bind(comment.0)
                    .fetch_optional(db)
                    .await?;
                    row.map(|r| {
                        let owners = r.writer.zip(r.writer_name).map(|(id, name)| (UserId(id), name)).into_iter().collect();
                        let title = format!("A comment on “{}”", r.work_title);
                        let url = format!("/comments/{}", comment.0);
                        (ReportContext { title, excerpt: excerpt(&r.content, 600), url, hidden: r.hidden, owners }, None)
                    })
                }
                ReportTarget::User(user) => {
                    let row: Option<(String,)> =
                        sqlx::query_as("SELECT username FROM users WHERE id = $1").bind(user.0).fetch_optional(db).await?;
                    row.map(|(name,)| {
                        let url = format!("/users/{name}");
                        let owners = vec![(user, name.clone())];
                        (ReportContext { title: name, excerpt: String::new(), url, hidden: false, owners }, None)
                    })
                }
            }
        });
        let Some((mut context, creators_of)) = found else { return Ok(None) };
        if let Some(work) = creators_of {
            let creators: Vec<(i64, String)> = with_db!(self, db => {
                sqlx::query_as(
                    "SELECT DISTINCT u.id, u.username FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id \
                     JOIN users u ON u.id = p.user_id WHERE wc.work_id = $1 ORDER BY u.username",
                )
                .bind(work)
                .fetch_all(db)
                .await?
            });
            context.owners = creators.into_iter().map(|(id, name)| (UserId(id), name)).collect();
        }
        Ok(Some(context))
    }

    async fn report_queue(&self, filter: QueueFilter, page: u32, per_page: u32) -> Result<Page<Report>, StoreError> {
        let page = page.max(1);
        let (cond, order) = match filter {
            QueueFilter::Open => ("r.state = 'open' AND r.counted = TRUE", "r.id"),
            QueueFilter::Closed => ("r.state <> 'open'", "r.resolved_at DESC, r.id DESC"),
        };
        let list = format!("SELECT {REPORT_COLUMNS} WHERE {cond} ORDER BY {order} LIMIT $1 OFFSET $2");
        let count = format!("SELECT COUNT(*) FROM reports r WHERE {cond}");
        let (rows, total): (Vec<ReportRow>, i64) = with_db!(self, db => {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(list.clone()))
                .bind(i64::from(per_page))
                .bind(i64::from(page - 1) * i64::from(per_page))
                .fetch_all(db)
                .await?;
            let (total,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(count.clone())).fetch_one(db).await?;
            (rows, total)
        });
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            items.push(self.report_from_row(row).await?);
        }
        Ok(Page { items, page, per_page, total: total as u64 })
    }

    async fn report(&self, id: ReportId) -> Result<Option<Report>, StoreError> {
        let sql = format!("SELECT {REPORT_COLUMNS} WHERE r.id = $1");
        let row: Option<ReportRow> =
            with_db!(self, db => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id.0).fetch_optional(db).await?);
        match row {
            Some(row) => Ok(Some(self.report_from_row(row).await?)),
            None => Ok(None),
        }
    }

    async fn reports_on_target(&self, target: ReportTarget) -> Result<Vec<Report>, StoreError> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} WHERE r.target_kind = $1 AND r.target_id = $2 ORDER BY r.id DESC LIMIT 100"
        );
        let rows: Vec<ReportRow> = with_db!(self, db => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(target.kind()).bind(target.id()).fetch_all(db).await?
        });
        let mut reports = Vec::with_capacity(rows.len());
        for row in rows {
            reports.push(self.report_from_row(row).await?);
        }
        Ok(reports)
    }

    async fn close_reports(
        &self,
        id: ReportId,
        by: UserId,
        action: ReportAction,
        note: &str,
    ) -> Result<u64, StoreError> {
        let note = note.trim();
        if action == ReportAction::Warn && note.is_empty() {
            return Err(StoreError::invalid("note", "Write the warning its owner will read."));
        }
        let Some(report) = self.report(id).await? else { return Err(StoreError::NotFound("report")) };
        if let Some(refusal) = report.target.refuses(action) {
            return Err(StoreError::invalid("action", refusal));
        }
        if report.state != ReportState::Open {
            return Err(StoreError::Conflict(format!(
                "This report was already closed{}.",
                report.resolved_by.as_deref().map(|m| format!(" by {m}")).unwrap_or_default()
            )));
        }
        let noun = report.target.noun();
        let (named, url) = match &report.context {
            Some(c) => (format!("the {noun} “{}”", c.title), c.url.clone()),
            None => (format!("a {noun} that is no longer here"), "/inbox".to_owned()),
        };
        let outcome = match action.closes_as() {
            ReportState::Dismissed => "A moderator looked at it and found nothing against the archive's rules.",
            _ => "A moderator looked at it and acted on it. Thank you for telling us.",
        };
        let reporters_title = format!("Your report of {named} was reviewed");
        let warned_title = format!("A moderator wrote to you about your {noun}");
        let work = report.work;
        let at = now();
        let closed = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            if !staff!(tx, by.0) {
                return Err(StoreError::Forbidden("Only admins and moderators work the report queue.".into()));
            }
            let open: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT id, reporter_id FROM reports WHERE target_kind = $1 AND target_id = $2 AND state = 'open' ORDER BY id",
            )
            .bind(report.target.kind())
            .bind(report.target.id())
            .fetch_all(&mut *tx)
            .await?;
            // Another moderator may have closed them between the read above and this one.
            if !open.iter().any(|(r, _)| *r == id.0) {
                return Err(StoreError::Conflict("This report was closed by someone else a moment ago.".into()));
            }
            for (report_id, reporter) in &open {
                sqlx::query(
                    "UPDATE reports SET state = $2, outcome = $3, resolved_by = $4, resolved_at = $5 WHERE id = $1",
                )
                .bind(report_id)
                .bind(action.closes_as().as_str())
                .bind(action.as_str())
                .bind(by.0)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                let notice = Notice { user: *reporter, kind: NotificationKind::Report, work: work.map(|w: WorkId| w.0), comment: None, actor: "", title: &reporters_title, body: outcome, url: &url };
                notify!(tx, &notice, at);
            }
            if action == ReportAction::Warn {
                for (owner, _) in report.context.iter().flat_map(|c| c.owners.iter()) {
                    let notice = Notice { user: owner.0, kind: NotificationKind::Moderation, work: work.map(|w| w.0), comment: None, actor: "", title: &warned_title, body: note, url: &url };
                    notify!(tx, &notice, at);
                }
            }
            tx.commit().await?;
            open.len() as u64
        });
        Ok(closed)
    }

    async fn set_moderator(&self, user: UserId, on: bool) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("UPDATE users SET is_moderator = $2 WHERE id = $1").bind(user.0).bind(on).execute(db).await?;
        });
        Ok(())
    }
}

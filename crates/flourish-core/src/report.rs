//! Abuse reports: a reader flags a work, a chapter, a comment or an account; admins and
//! moderators work the queue and the reporter hears the outcome.
//!
//! A target draws at most [`COUNTED_PER_MONTH`] reports into the queue a month: past that
//! a report is still kept (and closed with the others when the target is dealt with), so
//! a crowd reporting one work cannot bury every other report.

use crate::account::UnknownValue;
use crate::ids::{ChapterId, CommentId, ReportId, UserId, WorkId};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use time::OffsetDateTime;

/// Reports of one target that enter the queue in [`COUNT_WINDOW_SECS`].
pub const COUNTED_PER_MONTH: i64 = 5;
/// The window [`COUNTED_PER_MONTH`] counts over: thirty days.
pub const COUNT_WINDOW_SECS: i64 = 30 * 24 * 3600;
/// Characters of explanation a report may carry.
pub const DETAILS_MAX: usize = 2_000;

/// What is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ReportTarget {
    Work(WorkId),
    Chapter(ChapterId),
    Comment(CommentId),
    User(UserId),
}

impl ReportTarget {
    pub const KINDS: [&'static str; 4] = ["work", "chapter", "comment", "user"];

    pub fn kind(self) -> &'static str {
        match self {
            ReportTarget::Work(_) => "work",
            ReportTarget::Chapter(_) => "chapter",
            ReportTarget::Comment(_) => "comment",
            ReportTarget::User(_) => "user",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            ReportTarget::Work(id) => id.0,
            ReportTarget::Chapter(id) => id.0,
            ReportTarget::Comment(id) => id.0,
            ReportTarget::User(id) => id.0,
        }
    }

    /// The target a stored `(kind, id)` pair names.
    pub fn from_parts(kind: &str, id: i64) -> Result<ReportTarget, UnknownValue> {
        Ok(match kind {
            "work" => ReportTarget::Work(WorkId(id)),
            "chapter" => ReportTarget::Chapter(ChapterId(id)),
            "comment" => ReportTarget::Comment(CommentId(id)),
            "user" => ReportTarget::User(UserId(id)),
            other => return Err(UnknownValue(other.to_owned())),
        })
    }

    /// What may be done about it. Suspending reaches a comment's writer or a reported
    /// account, never a work's creators wholesale: a co-creator may have done nothing.
    pub fn actions(self) -> &'static [ReportAction] {
        use ReportAction::*;
        match self {
            ReportTarget::Work(_) | ReportTarget::Chapter(_) => &[Hide, Delete, Warn, Dismiss],
            ReportTarget::Comment(_) => &[Hide, Delete, Warn, Suspend, Dismiss],
            ReportTarget::User(_) => &[Warn, Suspend, Dismiss],
        }
    }

    /// Why `action` can't be taken on this target, if it can't.
    pub fn refuses(self, action: ReportAction) -> Option<String> {
        (!self.actions().contains(&action)).then(|| format!("A reported {} can't be dealt with that way.", self.noun()))
    }

    /// "the work", "the comment": how pages and notices name it.
    pub fn noun(self) -> &'static str {
        match self {
            ReportTarget::Work(_) => "work",
            ReportTarget::Chapter(_) => "chapter",
            ReportTarget::Comment(_) => "comment",
            ReportTarget::User(_) => "account",
        }
    }
}

/// Why it is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Spam,
    Harassment,
    Plagiarism,
    Tagging,
    Other,
}

impl ReportReason {
    pub const ALL: [ReportReason; 5] = [
        ReportReason::Spam,
        ReportReason::Harassment,
        ReportReason::Plagiarism,
        ReportReason::Tagging,
        ReportReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Spam => "spam",
            ReportReason::Harassment => "harassment",
            ReportReason::Plagiarism => "plagiarism",
            ReportReason::Tagging => "tagging",
            ReportReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportReason::Spam => "Spam or advertising",
            ReportReason::Harassment => "Harassment or threats",
            ReportReason::Plagiarism => "Plagiarism or copyright",
            ReportReason::Tagging => "Missing warnings, wrong rating or tags",
            ReportReason::Other => "Something else (please explain)",
        }
    }

    /// "Something else" means nothing without an explanation.
    pub fn needs_details(self) -> bool {
        self == ReportReason::Other
    }
}

impl FromStr for ReportReason {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        ReportReason::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// What a moderator did about a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportAction {
    /// Hid the work (a chapter's work) or the comment from readers.
    Hide,
    /// Deleted the work, chapter or comment.
    Delete,
    /// Wrote to its owner, through their inbox.
    Warn,
    /// Suspended the comment's writer or the account.
    Suspend,
    /// Found nothing against the rules.
    Dismiss,
}

impl ReportAction {
    pub const ALL: [ReportAction; 5] =
        [ReportAction::Hide, ReportAction::Delete, ReportAction::Warn, ReportAction::Suspend, ReportAction::Dismiss];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportAction::Hide => "hide",
            ReportAction::Delete => "delete",
            ReportAction::Warn => "warn",
            ReportAction::Suspend => "suspend",
            ReportAction::Dismiss => "dismiss",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportAction::Hide => "Hide it from readers",
            ReportAction::Delete => "Delete it",
            ReportAction::Warn => "Warn its owner",
            ReportAction::Suspend => "Suspend the account",
            ReportAction::Dismiss => "Dismiss: nothing against the rules",
        }
    }

    /// The state the report ends in.
    pub fn closes_as(self) -> ReportState {
        match self {
            ReportAction::Dismiss => ReportState::Dismissed,
            _ => ReportState::Resolved,
        }
    }
}

impl FromStr for ReportAction {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        ReportAction::ALL.into_iter().find(|a| a.as_str() == s).ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Open,
    Resolved,
    Dismissed,
}

impl ReportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Open => "open",
            ReportState::Resolved => "resolved",
            ReportState::Dismissed => "dismissed",
        }
    }
}

impl FromStr for ReportState {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        [ReportState::Open, ReportState::Resolved, ReportState::Dismissed]
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// One report as the queue shows it, with its target in context.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub id: ReportId,
    pub reporter: String,
    pub target: ReportTarget,
    /// The work a work, chapter or comment lives in.
    pub work: Option<WorkId>,
    pub reason: ReportReason,
    pub details: String,
    /// Whether it entered the queue (see the module docs).
    pub counted: bool,
    pub state: ReportState,
    /// The action taken, once closed.
    pub outcome: Option<ReportAction>,
    pub resolved_by: Option<String>,
    pub created_at: OffsetDateTime,
    pub resolved_at: Option<OffsetDateTime>,
    /// The target as it is now: its title or an excerpt, where it lives, who owns it.
    /// `None` once it is deleted.
    pub context: Option<ReportContext>,
    /// Open reports of the same target, this one included.
    pub open_on_target: i64,
}

/// A reported thing as a moderator needs to see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportContext {
    /// A work's title, an account's name, "Chapter 3 of “Title”".
    pub title: String,
    /// Plain text: the comment, or the work's summary.
    pub excerpt: String,
    /// Where it lives on this archive.
    pub url: String,
    /// Already hidden from readers (a hidden work or comment).
    pub hidden: bool,
    /// The accounts that answer for it: a work's creators, a comment's writer, the account.
    pub owners: Vec<(UserId, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_round_trip_through_their_stored_parts() {
        for target in [
            ReportTarget::Work(WorkId(3)),
            ReportTarget::Chapter(ChapterId(4)),
            ReportTarget::Comment(CommentId(5)),
            ReportTarget::User(UserId(6)),
        ] {
            assert_eq!(ReportTarget::from_parts(target.kind(), target.id()), Ok(target));
        }
        assert!(ReportTarget::from_parts("series", 1).is_err());
    }

    #[test]
    fn an_account_cannot_be_hidden_and_a_work_is_never_suspended_wholesale() {
        assert!(!ReportTarget::User(UserId(1)).actions().contains(&ReportAction::Hide));
        assert!(!ReportTarget::Work(WorkId(1)).actions().contains(&ReportAction::Suspend));
        assert!(ReportTarget::Comment(CommentId(1)).actions().contains(&ReportAction::Suspend));
        for target in [ReportTarget::Work(WorkId(1)), ReportTarget::User(UserId(1))] {
            assert!(target.actions().contains(&ReportAction::Dismiss));
        }
    }

    #[test]
    fn reasons_and_actions_parse_what_they_print() {
        for r in ReportReason::ALL {
            assert_eq!(r.as_str().parse(), Ok(r));
        }
        for a in ReportAction::ALL {
            assert_eq!(a.as_str().parse(), Ok(a));
        }
        assert_eq!(ReportAction::Dismiss.closes_as(), ReportState::Dismissed);
        assert_eq!(ReportAction::Warn.closes_as(), ReportState::Resolved);
        assert!(ReportReason::Other.needs_details() && !ReportReason::Spam.needs_details());
    }
}

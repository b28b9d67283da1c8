//! Readers answering writers: kudos, comments and who may leave them, and the notifications
//! that tell people about it. The rules that need no database live here; the store applies
//! the rest inside each write's transaction.

use crate::account::UnknownValue;
use crate::ids::{ChapterId, CommentId, NotificationId, PseudId, UserId, WorkId};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use time::OffsetDateTime;

/// Who may comment on a work; its creators choose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentPolicy {
    /// Guests too, with a name and an email address.
    Everyone,
    /// Logged-in users only (AO3's default since 2023's spam waves).
    #[default]
    Members,
    /// Nobody: comments are off.
    NoOne,
}

impl CommentPolicy {
    pub const ALL: [CommentPolicy; 3] = [CommentPolicy::Everyone, CommentPolicy::Members, CommentPolicy::NoOne];

    pub fn as_str(self) -> &'static str {
        match self {
            CommentPolicy::Everyone => "everyone",
            CommentPolicy::Members => "members",
            CommentPolicy::NoOne => "no_one",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommentPolicy::Everyone => "Everyone, including guests",
            CommentPolicy::Members => "Only registered users",
            CommentPolicy::NoOne => "No one (comments off)",
        }
    }
}

impl FromStr for CommentPolicy {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        CommentPolicy::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// How a comment was typed; the store turns each into sanitized HTML.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextFormat {
    /// AO3's rich text: HTML where blank lines still make paragraphs.
    #[default]
    Html,
    Markdown,
    Plain,
}

impl TextFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            TextFormat::Html => "html",
            TextFormat::Markdown => "markdown",
            TextFormat::Plain => "plain",
        }
    }
}

impl FromStr for TextFormat {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "html" => Ok(TextFormat::Html),
            "markdown" => Ok(TextFormat::Markdown),
            "plain" => Ok(TextFormat::Plain),
            _ => Err(UnknownValue(s.to_owned())),
        }
    }
}

/// Who is commenting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Commenter {
    /// A member, under one of their pseuds (their default pseud when `None`).
    Member { user: UserId, pseud: Option<PseudId> },
    /// A guest's name and email address (shown to nobody but admins) and the keyed hash of
    /// their address that per-address limits count by.
    Guest { name: String, email: String, address_key: String },
}

impl Commenter {
    pub fn user(&self) -> Option<UserId> {
        match self {
            Commenter::Member { user, .. } => Some(*user),
            Commenter::Guest { .. } => None,
        }
    }
}

/// A comment as submitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewComment {
    pub work: WorkId,
    /// The chapter it is on; `None` for the work's last chapter. A reply is always on its
    /// parent's chapter.
    pub chapter: Option<ChapterId>,
    pub parent: Option<CommentId>,
    pub content: String,
    pub format: TextFormat,
    pub by: Commenter,
}

/// Whether a comment is public yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentState {
    #[default]
    Published,
    /// Waiting for a creator: the work is moderated, or the comment looks like spam.
    Held,
}

impl CommentState {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentState::Published => "published",
            CommentState::Held => "held",
        }
    }

    pub fn parse(s: &str) -> CommentState {
        if s == "held" { CommentState::Held } else { CommentState::Published }
    }
}

/// Who wrote a comment, as readers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentAuthor {
    /// The pseud's name, or the name a guest gave.
    pub name: String,
    /// The account, for links and permissions; `None` for a guest or a deleted account.
    pub user: Option<UserId>,
    pub username: Option<String>,
    pub pseud: Option<PseudId>,
}

impl CommentAuthor {
    /// The page of the pseud it was written under; `None` for a guest or a deleted account.
    pub fn path(&self) -> Option<String> {
        self.username.as_deref().map(|u| crate::work::pseud_path(u, &self.name))
    }
}

/// The deepest level shown under a comment before "continue this thread".
pub const THREAD_DEPTH_SHOWN: u32 = 5;
/// Top-level comments per page.
pub const COMMENTS_PER_PAGE: u32 = 25;

/// A stored comment. `content` is sanitized HTML, empty for a deleted comment and for a
/// hidden one unless the reader is an admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: CommentId,
    pub work_id: WorkId,
    pub chapter_id: ChapterId,
    pub parent_id: Option<CommentId>,
    pub thread_id: CommentId,
    /// 1 for a top-level comment.
    pub depth: u32,
    pub author: CommentAuthor,
    pub content: String,
    pub state: CommentState,
    pub deleted: bool,
    pub hidden: bool,
    pub frozen: bool,
    pub replies: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub edited_at: Option<OffsetDateTime>,
}

impl Comment {
    /// Its writer may still change it: nobody has replied, and the thread is not frozen.
    pub fn editable(&self) -> bool {
        self.replies == 0 && !self.frozen && !self.deleted
    }
}

/// A comment with the replies shown under it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommentNode {
    pub comment: Comment,
    pub children: Vec<CommentNode>,
    /// It has replies deeper than a page shows: "continue this thread".
    pub continues: bool,
}

/// Arranges comments into threads: `roots` in the order given, each comment's replies
/// oldest first below it. A comment whose replies were not loaded (below the depth shown)
/// is marked to continue. Comments whose parent is missing are left out.
pub fn tree(comments: Vec<Comment>, roots: &[CommentId]) -> Vec<CommentNode> {
    use std::collections::HashMap;
    let mut children: HashMap<CommentId, Vec<Comment>> = HashMap::new();
    let mut by_id: HashMap<CommentId, Comment> = HashMap::new();
    for c in comments {
        match c.parent_id {
            Some(parent) if !roots.contains(&c.id) => children.entry(parent).or_default().push(c),
            _ => {
                by_id.insert(c.id, c);
            }
        }
    }
    fn build(comment: Comment, children: &mut HashMap<CommentId, Vec<Comment>>) -> CommentNode {
        let mut replies = children.remove(&comment.id).unwrap_or_default();
        replies.sort_by_key(|c| c.id);
        let continues = replies.is_empty() && comment.replies > 0;
        CommentNode { children: replies.into_iter().map(|c| build(c, children)).collect(), continues, comment }
    }
    roots.iter().filter_map(|id| by_id.remove(id)).map(|c| build(c, &mut children)).collect()
}

/// The kinds of event the notification centre carries; each goes to the channel its
/// recipient picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A comment on one of my works.
    Comment,
    /// A reply to one of my comments.
    Reply,
    /// Kudos on my works: always a daily summary.
    Kudos,
    /// A comment held for my approval.
    Held,
    /// Co-creator invitations and changes.
    CoCreator,
    /// An admin acted on my work or comment.
    Moderation,
    /// What happened to a report I made.
    Report,
    /// Something I follow was updated: a new chapter or work, or new works in a tag or a
    /// saved search.
    Subscription,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 8] = [
        NotificationKind::Comment,
        NotificationKind::Reply,
        NotificationKind::Kudos,
        NotificationKind::Held,
        NotificationKind::CoCreator,
        NotificationKind::Moderation,
        NotificationKind::Report,
        NotificationKind::Subscription,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Comment => "comment",
            NotificationKind::Reply => "reply",
            NotificationKind::Kudos => "kudos",
            NotificationKind::Held => "held",
            NotificationKind::CoCreator => "co_creator",
            NotificationKind::Moderation => "moderation",
            NotificationKind::Report => "report",
            NotificationKind::Subscription => "subscription",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NotificationKind::Comment => "Comments on my works",
            NotificationKind::Reply => "Replies to my comments",
            NotificationKind::Kudos => "Kudos on my works (a daily summary)",
            NotificationKind::Held => "Comments waiting for my approval",
            NotificationKind::CoCreator => "Co-creator invitations",
            NotificationKind::Moderation => "Moderation of my works and comments",
            NotificationKind::Report => "Outcomes of my reports",
            NotificationKind::Subscription => "Updates to what I subscribe to",
        }
    }

    /// Where an event goes until its recipient chooses: what AO3 emails, by email;
    /// kudos in the daily digest; the rest on the site.
    pub fn default_channel(self) -> Channel {
        match self {
            NotificationKind::Comment
            | NotificationKind::Reply
            | NotificationKind::CoCreator
            | NotificationKind::Subscription => Channel::Email,
            NotificationKind::Kudos => Channel::Digest,
            NotificationKind::Held | NotificationKind::Moderation | NotificationKind::Report => Channel::Site,
        }
    }
}

impl FromStr for NotificationKind {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        NotificationKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// Where a kind of event goes. Every channel but `Off` also shows it in the inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The inbox only.
    Site,
    /// The inbox and an email at once.
    Email,
    /// The inbox and the email digest, daily or weekly as the account chooses.
    Digest,
    Off,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Site, Channel::Email, Channel::Digest, Channel::Off];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Site => "site",
            Channel::Email => "email",
            Channel::Digest => "digest",
            Channel::Off => "off",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Site => "On the site",
            Channel::Email => "Email at once",
            Channel::Digest => "Email digest (daily or weekly)",
            Channel::Off => "Off",
        }
    }
}

impl FromStr for Channel {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// One entry of an account's inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: NotificationId,
    pub kind: NotificationKind,
    pub work_id: Option<WorkId>,
    pub comment_id: Option<CommentId>,
    /// Who caused it (a pseud's or guest's name), if anyone.
    pub actor: String,
    pub title: String,
    /// Plain text: an excerpt of the comment, a summary of kudos.
    pub body: String,
    /// A path on this archive.
    pub url: String,
    pub read: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Plain text of sanitized HTML, shortened to about `max` characters at a word boundary:
/// for notifications and mail, which must not carry markup.
pub fn excerpt(html: &str, max: usize) -> String {
    let mut text = String::with_capacity(html.len().min(max.saturating_mul(2)));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ");
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    let mut length = 0usize;
    for w in words {
        let n = w.chars().count();
        if length + n + 1 > max {
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
            length += 1;
        }
        out.push_str(w);
        length += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in CommentPolicy::ALL {
            assert_eq!(p.as_str().parse::<CommentPolicy>(), Ok(p));
        }
        for k in NotificationKind::ALL {
            assert_eq!(k.as_str().parse::<NotificationKind>(), Ok(k));
        }
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>(), Ok(c));
        }
        assert!("sometimes".parse::<CommentPolicy>().is_err());
    }

    #[test]
    fn excerpts_are_plain_text_cut_at_a_word() {
        assert_eq!(excerpt("<p>Oh &amp; <em>wow</em></p><p>again</p>", 100), "Oh & wow again");
        assert_eq!(excerpt("<p>one two three four</p>", 9), "one two…");
    }

    fn comment(id: i64, parent: Option<i64>, replies: u32) -> Comment {
        Comment { id: CommentId(id), parent_id: parent.map(CommentId), replies, ..sample() }
    }

    #[test]
    fn threads_are_arranged_under_their_roots() {
        let all = vec![comment(5, Some(1), 0), comment(1, None, 2), comment(3, Some(1), 1), comment(2, None, 0)];
        let threads = tree(all, &[CommentId(2), CommentId(1)]);
        assert_eq!(threads.iter().map(|t| t.comment.id.0).collect::<Vec<_>>(), [2, 1]);
        let replies: Vec<i64> = threads[1].children.iter().map(|c| c.comment.id.0).collect();
        assert_eq!(replies, [3, 5], "replies oldest first");
        assert!(threads[1].children[0].continues, "a reply with unloaded replies continues elsewhere");
        assert!(!threads[1].children[1].continues);
    }

    fn sample() -> Comment {
        Comment {
            id: CommentId(1),
            work_id: WorkId(1),
            chapter_id: ChapterId(1),
            parent_id: None,
            thread_id: CommentId(1),
            depth: 1,
            author: CommentAuthor { name: "a".into(), user: None, username: None, pseud: None },
            content: "<p>x</p>".into(),
            state: CommentState::Published,
            deleted: false,
            hidden: false,
            frozen: false,
            replies: 0,
            created_at: OffsetDateTime::UNIX_EPOCH,
            edited_at: None,
        }
    }

    #[test]
    fn a_comment_is_editable_until_replied_to_or_frozen() {
        let mut c = sample();
        assert!(c.editable());
        c.replies = 1;
        assert!(!c.editable());
        c.replies = 0;
        c.frozen = true;
        assert!(!c.editable());
    }
}

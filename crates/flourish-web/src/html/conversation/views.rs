//! What the work page and the thread page show of the conversation: kudos, threads, the
//! comment form and each comment's buttons, decided once here for every page.

use crate::auth::Visitor;
use crate::error::AppResult;
use crate::html::query_param;
use crate::state::AppState;
use axum::http::Uri;
use flourish_core::conversation::{CommentNode, tree};
use flourish_core::{Comment, CommentPolicy, CommentState, Work};
use flourish_store::{AccountStore, CommentOrder, CommentReader, CommentStore, KudosStore};
use serde::Serialize;

/// Names of kudos-givers shown on the work page before "more".
pub const KUDOS_SHOWN: u32 = 50;

#[derive(Serialize)]
pub struct KudosView {
    pub total: u64,
    pub names: Vec<String>,
    pub guests: u64,
    pub more_url: Option<String>,
    /// The visitor (a member) has left kudos already.
    pub given: bool,
    /// The button is shown: not to the work's creators.
    pub can_give: bool,
    pub action: String,
}

/// Who is looking at comments, and what that lets them do.
#[derive(Clone, Debug)]
pub struct Powers {
    pub user: Option<i64>,
    /// A creator of the work: deletes any comment, freezes threads, approves held ones.
    pub creator: bool,
    /// An admin or moderator: hides comments.
    pub moderator: bool,
    pub admin: bool,
    /// The work's policy lets this visitor comment at all.
    pub may_comment: bool,
}

impl Powers {
    pub fn of(visitor: &Visitor, work: &Work) -> Powers {
        let account = visitor.account.as_ref();
        Powers {
            user: account.map(|a| a.id.0),
            creator: crate::html::work::is_creator(visitor, work),
            moderator: account.is_some_and(|a| a.is_admin || a.is_moderator),
            admin: account.is_some_and(|a| a.is_admin),
            may_comment: closed_reason(visitor, work).is_none(),
        }
    }

    /// Whether these powers delete `comment`: its writer, the work's creators, admins and
    /// moderators (the store decides the same for the deletion itself).
    pub fn may_delete(&self, comment: &Comment) -> bool {
        self.creator || self.moderator || (self.user.is_some() && comment.author.user.map(|u| u.0) == self.user)
    }
}

#[derive(Serialize)]
pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub author_url: Option<String>,
    pub guest: bool,
    pub posted: String,
    pub edited: Option<String>,
    pub content: String,
    pub depth: u32,
    pub held: bool,
    pub deleted: bool,
    pub hidden: bool,
    pub frozen: bool,
    pub url: String,
    pub can_reply: bool,
    pub can_edit: bool,
    pub can_delete: bool,
    pub can_freeze: bool,
    pub can_hide: bool,
    /// A published comment someone else wrote: a reader may report it.
    pub can_report: bool,
    pub children: Vec<CommentView>,
    /// Replies deeper than this page shows.
    pub continue_url: Option<String>,
}

impl CommentView {
    pub fn new(node: CommentNode, powers: &Powers) -> CommentView {
        let c = node.comment;
        let mine = powers.user.is_some() && c.author.user.map(|u| u.0) == powers.user;
        let open = !c.deleted && !c.hidden && c.state == CommentState::Published;
        CommentView {
            id: c.id.0,
            author: if c.author.name.is_empty() { "(Previous user)".to_owned() } else { c.author.name.clone() },
            guest: c.author.user.is_none() && !c.author.name.is_empty(),
            author_url: c.author.path(),
            posted: stamp(c.created_at),
            edited: c.edited_at.map(stamp),
            depth: c.depth,
            held: c.state == CommentState::Held,
            can_reply: powers.may_comment && open && !c.frozen,
            can_edit: mine && c.editable() && !c.hidden,
            can_delete: !c.deleted && (mine || powers.creator || powers.admin),
            can_freeze: !c.deleted && (powers.creator || powers.admin),
            can_hide: !c.deleted && powers.moderator,
            can_report: open && !mine,
            url: format!("/comments/{}", c.id),
            continue_url: node.continues.then(|| format!("/comments/{}", c.id)),
            children: node.children.into_iter().map(|n| CommentView::new(n, powers)).collect(),
            content: c.content,
            deleted: c.deleted,
            hidden: c.hidden,
            frozen: c.frozen,
        }
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}

/// When a comment or notification was written, in the reader's time zone.
pub fn stamp(t: time::OffsetDateTime) -> String {
    crate::views::local_time(t)
}

/// The form a new comment or reply is written in.
#[derive(Serialize, Default)]
pub struct CommentForm {
    pub action: String,
    pub chapter_id: Option<i64>,
    pub parent_id: Option<i64>,
    /// (id, name) of the member's pseuds, default first; empty for a guest.
    pub pseuds: Vec<(i64, String)>,
    /// A guest: asks for a name and an email address.
    pub guest: bool,
    pub content: String,
    pub format: String,
    pub name: String,
    pub email: String,
    pub max_length: usize,
    pub return_to: String,
    /// Comments wait for the creator's approval here.
    pub moderated: bool,
}

impl CommentForm {
    pub async fn new(state: &AppState, visitor: &Visitor, work: &Work) -> AppResult<CommentForm> {
        let pseuds = match &visitor.account {
            Some(a) => {
                let mut pseuds = state.store.pseuds_of(a.id).await?;
                pseuds.sort_by_key(|p| !p.is_default);
                pseuds.into_iter().map(|p| (p.id.0, p.name)).collect()
            }
            None => vec![],
        };
        Ok(CommentForm {
            action: format!("/works/{}/comments", work.id),
            guest: visitor.account.is_none(),
            pseuds,
            format: "html".into(),
            max_length: state.store.limits().comment,
            moderated: work.moderated,
            ..Default::default()
        })
    }
}

/// Why there is no comment form, when there is none: the one statement of who may
/// comment as pages show it (the store enforces the same rules on every write).
pub fn closed_reason(visitor: &Visitor, work: &Work) -> Option<&'static str> {
    if !work.posted {
        return Some("Comments open when the work is posted.");
    }
    match (work.comment_policy, &visitor.account) {
        (CommentPolicy::NoOne, _) => Some("The creator has turned comments off on this work."),
        (CommentPolicy::Members, None) => Some("Only registered users can comment on this work."),
        (_, Some(a)) if !a.can_write() => Some("Your account is suspended, so you can't comment."),
        _ => None,
    }
}

#[derive(Serialize)]
pub struct ThreadsView {
    pub heading: String,
    pub chapter_id: i64,
    pub threads: Vec<CommentView>,
    /// Threads, for paging.
    pub total: u64,
    /// Comments readers see, replies too: the heading's count.
    pub count: u64,
    pub pages: Vec<(u32, String)>,
    pub page: u32,
    pub newest_first: bool,
    pub oldest_url: String,
    pub newest_url: String,
    pub form: Option<CommentForm>,
    pub closed: Option<&'static str>,
    pub login_url: Option<String>,
    /// Held comments waiting for a creator, and where to approve them.
    pub held: u64,
    pub held_url: String,
}

#[derive(Serialize)]
pub struct ConversationView {
    pub kudos: KudosView,
    pub comments: Option<ThreadsView>,
    /// The member's bookmark box; none for guests.
    pub bookmark: Option<crate::html::library::bookmarks::BookmarkBox>,
}

/// The work page's kudos and the threads of `chapter` (the chapter being read, or the
/// last one in the entire-work view), page and order from `?comments_page=` and
/// `?comment_order=newest`.
pub async fn for_work_page(
    state: &AppState,
    visitor: &Visitor,
    work: &Work,
    chapter: Option<(flourish_core::ChapterId, u32)>,
    multi: bool,
    base_url: &str,
    uri: &Uri,
) -> AppResult<ConversationView> {
    let powers = Powers::of(visitor, work);
    let list = state.store.kudos_list(work.id, 0, KUDOS_SHOWN).await?;
    let given = match &visitor.account {
        Some(a) if !powers.creator => state.store.has_given_kudos(work.id, a.id).await?,
        _ => false,
    };
    let kudos = KudosView {
        total: work.stats.kudos,
        more_url: list.more.then(|| format!("/works/{}/kudos", work.id)),
        names: list.names,
        guests: work.stats.guest_kudos,
        given,
        can_give: work.posted && !powers.creator,
        action: format!("/works/{}/kudos", work.id),
    };
    let bookmark = match &visitor.account {
        Some(account) if work.posted => {
            let target = flourish_core::BookmarkTarget::Work(work.id);
            Some(crate::html::library::bookmarks::BookmarkBox::for_target(state, account, &target).await?)
        }
        _ => None,
    };
    let Some((chapter, position)) = chapter.filter(|_| work.posted) else {
        return Ok(ConversationView { kudos, comments: None, bookmark });
    };
    let newest_first = query_param(uri, "comment_order").is_some_and(|o| o == "newest");
    let page = query_param(uri, "comments_page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1).clamp(1, 100_000);
    let order = if newest_first { CommentOrder::Newest } else { CommentOrder::Oldest };
    let reader = CommentReader { user: visitor.account.as_ref().map(|a| a.id) };
    let found = state.store.chapter_comments(chapter, reader, order, page).await?;
    let order_param = if newest_first { "&comment_order=newest" } else { "" };
    let sep = if base_url.contains('?') { '&' } else { '?' };
    let pages = (1..=found.total.div_ceil(u64::from(found.per_page)).max(1) as u32)
        .map(|n| (n, format!("{base_url}{sep}comments_page={n}{order_param}#comments")))
        .collect::<Vec<_>>();
    let threads = tree(found.comments, &found.roots).into_iter().map(|n| CommentView::new(n, &powers)).collect();
    let closed = closed_reason(visitor, work);
    let form = if closed.is_none() {
        let mut form = CommentForm::new(state, visitor, work).await?;
        form.chapter_id = Some(chapter.0);
        Some(form)
    } else {
        None
    };
    Ok(ConversationView {
        kudos,
        bookmark,
        comments: Some(ThreadsView {
            heading: if multi { format!("Comments on Chapter {position}") } else { "Comments".to_owned() },
            chapter_id: chapter.0,
            threads,
            total: found.total,
            count: found.visible,
            pages: if pages.len() > 1 { pages } else { vec![] },
            page: found.page,
            newest_first,
            oldest_url: format!("{base_url}#comments"),
            newest_url: format!("{base_url}{sep}comment_order=newest#comments"),
            form,
            closed,
            login_url: (visitor.account.is_none() && work.comment_policy == CommentPolicy::Members)
                .then(|| format!("/login?return_to={}", urlencode(base_url))),
            held: found.held,
            held_url: format!("/works/{}/comments/held", work.id),
        }),
    })
}

/// Comments laid out as threads for a page that is not the work page.
pub fn threads(comments: Vec<Comment>, roots: &[flourish_core::CommentId], powers: &Powers) -> Vec<CommentView> {
    tree(comments, roots).into_iter().map(|n| CommentView::new(n, powers)).collect()
}

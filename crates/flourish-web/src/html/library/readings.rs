//! History, Continue Reading and Marked for Later in the pages. Every page here is its
//! reader's alone: another account's history answers 404, as if it did not exist.

use crate::auth::{Visitor, Writer};
use crate::error::{AppError, AppResult, path_id};
use crate::html::form::FormData;
use crate::html::{PageQuery, render};
use crate::query_string::query_param;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use flourish_core::{Account, Reading, ReadingSettings, UserId, Visit, Work, WorkId};
use flourish_store::{IndexSource, ReadingStore};
use serde::Serialize;

const PER_PAGE: u32 = 20;

/// Where to pick a work up: the place kept inside a chapter, else the chapter after the
/// last one read, else the work.
fn resume_url(r: &Reading) -> String {
    match (r.chapter, r.paragraph, r.next_chapter) {
        (Some(chapter), Some(_), _) => format!("/works/{}/chapters/{}#resume", r.work, chapter.0),
        (_, _, Some(next)) => format!("/works/{}/chapters/{}", r.work, next.0),
        _ => format!("/works/{}", r.work),
    }
}

/// One entry of a history list or a shelf.
#[derive(Serialize)]
pub struct ReadingView {
    pub work_id: i64,
    pub title: String,
    pub url: String,
    pub resume_url: String,
    pub last_visit: String,
    pub visits: u64,
    /// "Chapter 2 of 5", when a chapter was read.
    pub place: Option<String>,
    pub new_chapters: u32,
    pub updated_since: bool,
}

impl ReadingView {
    pub fn new(r: &Reading) -> ReadingView {
        ReadingView {
            work_id: r.work.0,
            title: r.title.clone(),
            url: format!("/works/{}", r.work),
            resume_url: resume_url(r),
            last_visit: crate::views::local_date(crate::views::unix(r.last_visit_at)),
            visits: r.visits,
            place: r.chapter_position.map(|p| format!("Chapter {p} of {}", r.chapters_now)),
            new_chapters: r.new_chapters(),
            updated_since: r.updated_since(),
        }
    }
}

/// The Continue Reading shelf for a member (home page, dashboard).
pub async fn shelf(state: &AppState, account: Option<&Account>) -> AppResult<Vec<ReadingView>> {
    let Some(account) = account else { return Ok(vec![]) };
    Ok(state.store.continue_reading(account.id).await?.iter().map(ReadingView::new).collect())
}

/// What a member's work page shows of their reading: Marked for Later, and where they
/// stopped if that is not this page.
#[derive(Serialize)]
pub struct ReadingBox {
    pub later: bool,
    pub later_action: String,
    /// A link to the place kept, when it is in another chapter than this page.
    pub resume: Option<(String, String)>,
    /// The paragraph to bring into view on this page (the page's script reads it).
    pub resume_paragraph: Option<u32>,
    pub new_chapters: u32,
    /// The chapter page's script sends the paragraph in view.
    pub keep_position: bool,
}

impl ReadingBox {
    /// Reads what the history kept, then notes this visit (written within a second).
    pub async fn for_page(
        state: &AppState,
        account: &Account,
        work: &Work,
        chapter: Option<flourish_core::ChapterId>,
    ) -> AppResult<ReadingBox> {
        let kept = state.store.reading(account.id, work.id).await?;
        let settings = state.store.reading_settings(account.id).await?;
        let later = state.store.is_marked_for_later(account.id, work.id).await?;
        if work.posted {
            state.visits.note(Visit {
                user: account.id,
                work: work.id,
                chapter,
                at: time::OffsetDateTime::now_utc().unix_timestamp(),
                seen: Some((work.chapter_count, work.updated_at.unix_timestamp())),
            });
        }
        let here = |c| chapter == Some(c);
        let (resume, resume_paragraph) = match &kept {
            Some(r) => match (r.chapter, r.chapter_position, r.paragraph) {
                (Some(c), _, Some(p)) if here(c) => (None, Some(p)),
                (Some(c), Some(position), Some(_)) => {
                    (Some((format!("/works/{}/chapters/{}#resume", work.id, c.0), format!("Chapter {position}"))), None)
                }
                _ => (None, None),
            },
            None => (None, None),
        };
        Ok(ReadingBox {
            later,
            later_action: format!("/works/{}/later", work.id),
            resume,
            resume_paragraph,
            new_chapters: kept.as_ref().map_or(0, Reading::new_chapters),
            keep_position: settings.keep_history && settings.keep_position,
        })
    }
}

/// `POST /works/{id}/later` with `marked` = 1 or 0.
pub async fn mark_later(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let work: WorkId = path_id(&id)?;
    state.store.mark_for_later(account.id, work, form.get("marked") == "1").await?;
    Ok(Redirect::to(&format!("/works/{work}#reading")).into_response())
}

/// `POST /works/{id}/chapters/{chapter}/position`: the paragraph in view, from the page's
/// script (`paragraph`, 0 and up). Answers 204; a chapter not of this work is a 404.
pub async fn position(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    Path((id, chapter)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let work: WorkId = path_id(&id)?;
    let chapter: flourish_core::ChapterId = path_id(&chapter)?;
    let paragraph: u32 = form.get("paragraph").parse().ok().filter(|p| *p < 1_000_000).ok_or_else(|| {
        let mut errors = flourish_core::ValidationErrors::default();
        errors.add("paragraph", "A paragraph is a number from 0.");
        AppError::Invalid(errors)
    })?;
    state.store.record_position(account.id, work, chapter, paragraph).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

fn own(visitor: &Visitor, username: &str) -> AppResult<UserId> {
    match &visitor.account {
        Some(a) if a.username.eq_ignore_ascii_case(username) => Ok(a.id),
        _ => Err(AppError::NotFound),
    }
}

/// `GET /users/{username}/readings`: the history (`?show=later`: Marked for Later).
pub async fn history(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(username): Path<String>,
    query: PageQuery,
    uri: Uri,
) -> AppResult<Response> {
    let user = own(&visitor, &username)?;
    let later = query_param(&uri, "show").as_deref() == Some("later");
    let settings = state.store.reading_settings(user).await?;
    #[derive(Serialize)]
    struct Ctx {
        later: bool,
        readings: Vec<ReadingView>,
        works: Vec<crate::views::WorkView>,
        total: u64,
        pages: Vec<(u32, String)>,
        page: u32,
        settings: ReadingSettings,
        base: String,
        notice: Option<&'static str>,
    }
    let base = format!("/users/{}/readings", visitor.account.as_ref().map_or("", |a| a.username.as_str()));
    let notice = match query_param(&uri, "notice").as_deref() {
        Some("cleared") => Some("Your history was cleared."),
        Some("settings") => Some("Your history settings were saved."),
        _ => None,
    };
    let (readings, works, total, page, count) = if later {
        let page = state.store.marked_for_later(user, query.page(), PER_PAGE).await?;
        let works: Vec<Work> = state.store.works_for_index(&page.items).await?;
        let ordered =
            page.items.iter().filter_map(|id| works.iter().find(|w| w.id == *id)).map(crate::views::WorkView::new);
        (vec![], ordered.collect(), page.total, page.page, page.page_count())
    } else {
        let page = state.store.history(user, query.page(), PER_PAGE).await?;
        (page.items.iter().map(ReadingView::new).collect(), vec![], page.total, page.page, page.page_count())
    };
    let show = if later { "&show=later" } else { "" };
    let ctx = Ctx {
        pages: (1..=count.max(1)).map(|n| (n, format!("{base}?page={n}{show}"))).collect(),
        later,
        readings,
        works,
        total,
        page,
        settings,
        base,
        notice,
    };
    let title = if later { "Marked for Later" } else { "History" };
    Ok(render(&state, &visitor, "readings.html", title, ctx).await?.into_response())
}

/// `POST /readings/{work}/delete`: one entry out of the history.
pub async fn forget(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let work: WorkId = path_id(&id)?;
    state.store.forget_reading(account.id, work).await?;
    Ok(Redirect::to(&format!("/users/{}/readings", account.username)).into_response())
}

/// `POST /readings/clear`: the whole history.
pub async fn clear(State(state): State<AppState>, Writer(_, account): Writer) -> AppResult<Response> {
    // Views still in the buffer would bring entries back a second later.
    state.visits.flush(&state.store).await?;
    state.store.clear_history(account.id).await?;
    Ok(Redirect::to(&format!("/users/{}/readings?notice=cleared", account.username)).into_response())
}

/// `POST /readings/settings`: history on or off, places in chapters on or off.
pub async fn settings(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    form: FormData,
) -> AppResult<Response> {
    let settings = ReadingSettings {
        keep_history: form.get("keep_history") == "1",
        keep_position: form.get("keep_position") == "1",
    };
    state.store.set_reading_settings(account.id, settings).await?;
    Ok(Redirect::to(&format!("/users/{}/readings?notice=settings", account.username)).into_response())
}

//! My data: an account's library (bookmarks, history, Marked for Later, kudos given,
//! filter profiles, reading preferences) as one JSON file, bookmarks as CSV too, and the
//! JSON read back into an account here or on another Flourish archive.
//!
//! Ids mean something only on the archive they came from. The file names its archive;
//! read back there, works and series are found again by id. Elsewhere a bookmarked work
//! becomes a bookmark of a work elsewhere (its address on the old archive, its title,
//! creators and fandoms), and the history and kudos, which record what happened on the
//! old archive, are not replayed.

use crate::auth::Writer;
use crate::error::{AppError, AppResult};
use crate::html::form::{FieldErrors, invalid};
use crate::html::{message, render};
use crate::state::AppState;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use flourish_core::{
    BookmarkFields, BookmarkTarget, ExternalWork, FilterProfile, NewSubscription, ReadingPreferences, ReadingSettings,
    SeriesId, SubscriptionKind, TextFormat, UserId, Work, WorkId,
};
use flourish_store::{
    BookmarkFilter, BookmarkStore, FilterStore, IndexSource, KudosStore, ReadingStore, SeriesStore, StoreError,
    SubscriptionStore, TagStore,
};
use serde::{Deserialize, Serialize};

const FORMAT: &str = "flourish-library";
const VERSION: u32 = 1;
/// The largest file read back.
const MAX_FILE: usize = 20 << 20;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct WorkRef {
    pub work_id: i64,
    pub title: String,
    pub url: String,
    #[serde(default)]
    pub creators: Vec<String>,
    #[serde(default)]
    pub fandoms: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SeriesRef {
    pub series_id: i64,
    pub title: String,
    pub url: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct BookmarkEntry {
    #[serde(default)]
    pub work: Option<WorkRef>,
    #[serde(default)]
    pub series: Option<SeriesRef>,
    #[serde(default)]
    pub external: Option<ExternalWork>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub private: bool,
    #[serde(default)]
    pub rec: bool,
    #[serde(default)]
    pub created_at: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    pub work: WorkRef,
    pub visits: u64,
    pub first_visit_at: i64,
    pub last_visit_at: i64,
    #[serde(default)]
    pub chapter_position: Option<u32>,
    #[serde(default)]
    pub paragraph: Option<u32>,
}

/// Something followed: a work, series, creator or tag by id and name, or a search by its
/// query string.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SubscriptionEntry {
    pub kind: String,
    #[serde(default)]
    pub target_id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub url: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct KudosEntry {
    pub work: WorkRef,
    pub given_at: i64,
}

/// The file.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct LibraryExport {
    pub format: String,
    pub version: u32,
    /// The archive it came from: its address.
    pub archive: String,
    pub username: String,
    pub exported_at: i64,
    #[serde(default)]
    pub bookmarks: Vec<BookmarkEntry>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    #[serde(default)]
    pub later: Vec<WorkRef>,
    #[serde(default)]
    pub kudos: Vec<KudosEntry>,
    #[serde(default)]
    pub filters: Vec<FilterProfile>,
    #[serde(default)]
    pub preferences: Option<ReadingPreferences>,
    #[serde(default)]
    pub reading_settings: Option<ReadingSettings>,
    #[serde(default)]
    pub subscriptions: Vec<SubscriptionEntry>,
    #[serde(default)]
    pub digest_every: Option<flourish_core::DigestEvery>,
}

fn work_ref(state: &AppState, work: &Work) -> WorkRef {
    WorkRef {
        work_id: work.id.0,
        title: work.title.clone(),
        url: state.config.url(&format!("/works/{}", work.id)),
        creators: work.creators.iter().map(|p| p.byline()).collect(),
        fandoms: work
            .tags
            .0
            .iter()
            .filter(|t| t.kind == flourish_core::TagKind::Fandom)
            .map(|t| t.name.clone())
            .collect(),
    }
}

async fn refs(state: &AppState, ids: &[WorkId]) -> AppResult<Vec<WorkRef>> {
    let works = state.store.works_for_index(ids).await?;
    Ok(ids.iter().filter_map(|id| works.iter().find(|w| w.id == *id)).map(|w| work_ref(state, w)).collect())
}

/// Every bookmark of `user`'s, private ones too.
async fn export_bookmarks(state: &AppState, user: UserId) -> AppResult<Vec<BookmarkEntry>> {
    let mut bookmarks = Vec::new();
    let all = BookmarkFilter::default();
    for page in 1.. {
        let found = state.store.user_bookmarks(user, Some(user), &all, page, 100).await?;
        let last = found.page >= found.page_count();
        let ids: Vec<WorkId> = found
            .items
            .iter()
            .filter_map(|b| match b.target {
                BookmarkTarget::Work(w) => Some(w),
                _ => None,
            })
            .collect();
        let works = refs(state, &ids).await?;
        for b in found.items {
            let mut entry = BookmarkEntry {
                work: None,
                series: None,
                external: None,
                notes: b.notes,
                tags: b.tags,
                private: b.private,
                rec: b.rec,
                created_at: b.created_at,
            };
            match b.target {
                BookmarkTarget::Work(w) => entry.work = works.iter().find(|r| r.work_id == w.0).cloned(),
                BookmarkTarget::Series(s) => {
                    entry.series = state.store.series(s).await?.map(|series| SeriesRef {
                        series_id: s.0,
                        title: series.title,
                        url: state.config.url(&format!("/series/{}", s.0)),
                    })
                }
                BookmarkTarget::External(e) => entry.external = Some(e),
            }
            if entry.work.is_some() || entry.series.is_some() || entry.external.is_some() {
                bookmarks.push(entry);
            }
        }
        if last {
            break;
        }
    }
    Ok(bookmarks)
}

/// Everything of `user`'s library.
async fn export(state: &AppState, user: UserId, username: &str) -> AppResult<LibraryExport> {
    let bookmarks = export_bookmarks(state, user).await?;
    let mut history = Vec::new();
    for page in 1.. {
        let found = state.store.history(user, page, 100).await?;
        let last = found.page >= found.page_count();
        let ids: Vec<WorkId> = found.items.iter().map(|r| r.work).collect();
        let works = refs(state, &ids).await?;
        for r in found.items {
            if let Some(work) = works.iter().find(|w| w.work_id == r.work.0) {
                history.push(HistoryEntry {
                    work: work.clone(),
                    visits: r.visits,
                    first_visit_at: r.first_visit_at,
                    last_visit_at: r.last_visit_at,
                    chapter_position: r.chapter_position,
                    paragraph: r.paragraph,
                });
            }
        }
        if last {
            break;
        }
    }
    let mut later = Vec::new();
    for page in 1.. {
        let found = state.store.marked_for_later(user, page, 100).await?;
        later.extend(refs(state, &found.items).await?);
        if found.page >= found.page_count() {
            break;
        }
    }
    let given = state.store.kudos_given(user).await?;
    let ids: Vec<WorkId> = given.iter().map(|(w, _)| *w).collect();
    let works = refs(state, &ids).await?;
    let kudos = given
        .iter()
        .filter_map(|(w, at)| {
            works.iter().find(|r| r.work_id == w.0).map(|r| KudosEntry { work: r.clone(), given_at: *at })
        })
        .collect();
    Ok(LibraryExport {
        format: FORMAT.into(),
        version: VERSION,
        archive: state.config.url("/"),
        username: username.to_owned(),
        exported_at: time::OffsetDateTime::now_utc().unix_timestamp(),
        bookmarks,
        history,
        later,
        kudos,
        filters: state.store.filter_profiles(user).await?,
        preferences: Some(state.store.reading_preferences(user).await?),
        reading_settings: Some(state.store.reading_settings(user).await?),
        subscriptions: state
            .store
            .subscriptions(user)
            .await?
            .into_iter()
            .map(|s| SubscriptionEntry {
                kind: s.kind.as_str().to_owned(),
                target_id: s.target_id,
                url: state.config.url(&s.url),
                name: s.name,
                query: s.query,
            })
            .collect(),
        digest_every: Some(state.store.digest_every(user).await?),
    })
}

fn download(body: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// `GET /account/data`: the page with the downloads and the form to read a file back.
pub async fn page(State(state): State<AppState>, Writer(visitor, _): Writer) -> AppResult<Html<String>> {
    form_page(&state, &visitor, FieldErrors::default()).await
}

async fn form_page(state: &AppState, visitor: &crate::auth::Visitor, errors: FieldErrors) -> AppResult<Html<String>> {
    #[derive(Serialize)]
    struct Ctx {
        action: String,
        errors: FieldErrors,
    }
    let ctx = Ctx { action: format!("/account/data/import?csrf={}", visitor.csrf), errors };
    render(state, visitor, "account/data.html", "My data", ctx).await
}

/// `GET /account/data.json`.
pub async fn json(State(state): State<AppState>, Writer(_, account): Writer) -> AppResult<Response> {
    let export = export(&state, account.id, &account.username).await?;
    let body = serde_json::to_vec_pretty(&export).map_err(|e| AppError::Internal(Box::new(e)))?;
    Ok(download(body, "application/json", &format!("{}-library.json", account.username)))
}

/// `GET /account/bookmarks.csv`.
pub async fn bookmarks_csv(State(state): State<AppState>, Writer(_, account): Writer) -> AppResult<Response> {
    // The bookmarks alone: the rest of the library is not in this file.
    let bookmarks = export_bookmarks(&state, account.id).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let wrap = |e: csv::Error| AppError::Internal(Box::new(e));
    out.write_record(["type", "title", "creators", "fandoms", "url", "notes", "tags", "private", "rec", "bookmarked"])
        .map_err(wrap)?;
    for b in &bookmarks {
        let (kind, title, creators, fandoms, url) = match (&b.work, &b.series, &b.external) {
            (Some(w), _, _) => ("work", w.title.clone(), w.creators.join(", "), w.fandoms.join(", "), w.url.clone()),
            (_, Some(s), _) => ("series", s.title.clone(), String::new(), String::new(), s.url.clone()),
            (_, _, Some(e)) => ("external", e.title.clone(), e.creator.clone(), e.fandoms.join(", "), e.url.clone()),
            _ => continue,
        };
        let date = crate::views::date(crate::views::unix(b.created_at));
        let notes = flourish_text::html_to_text(&b.notes);
        out.write_record([
            kind,
            &title,
            &creators,
            &fandoms,
            &url,
            notes.trim(),
            &b.tags.join(", "),
            if b.private { "yes" } else { "no" },
            if b.rec { "yes" } else { "no" },
            &date,
        ])
        .map_err(wrap)?;
    }
    let body = out.into_inner().map_err(|e| AppError::Internal(Box::new(e.into_error())))?;
    Ok(download(body, "text/csv; charset=utf-8", &format!("{}-bookmarks.csv", account.username)))
}

/// What reading a file back did.
#[derive(Default)]
struct Imported {
    bookmarks: usize,
    already: usize,
    skipped: Vec<String>,
    later: usize,
    filters: usize,
    subscriptions: usize,
}

/// `POST /account/data/import`: a library file read back into this account.
pub async fn import(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let mut bytes = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(b) => bytes = b.to_vec(),
                Err(_) => return Err(AppError::TooLarge(MAX_FILE)),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return Err(AppError::BadRequest(format!("The upload could not be read: {}", e.body_text()))),
        }
    }
    let refuse = |message: &str| {
        let mut errors = FieldErrors::default();
        errors.add("file", message);
        errors
    };
    if bytes.is_empty() {
        return Ok(invalid(form_page(&state, &visitor, refuse("Choose the library file to read.")).await?));
    }
    if bytes.len() > MAX_FILE {
        return Ok(invalid(
            form_page(&state, &visitor, refuse("That file is larger than 20 MB; no library file is.")).await?,
        ));
    }
    let file: LibraryExport = match serde_json::from_slice(&bytes) {
        Ok(file) => file,
        Err(e) => {
            let message = format!("That is not a Flourish library file ({e}). Nothing was read.");
            return Ok(invalid(form_page(&state, &visitor, refuse(&message)).await?));
        }
    };
    if file.format != FORMAT || file.version == 0 || file.version > VERSION {
        let message = "That file is not a Flourish library file this archive can read. Nothing was read.";
        return Ok(invalid(form_page(&state, &visitor, refuse(message)).await?));
    }
    let done = read_back(&state, account.id, &file).await?;
    let mut lines = vec![format!(
        "{} bookmark{} added, {} already here; {} marked for later; {} filter profile{} added; {} subscription{} added.",
        done.bookmarks,
        if done.bookmarks == 1 { "" } else { "s" },
        done.already,
        done.later,
        done.filters,
        if done.filters == 1 { "" } else { "s" },
        done.subscriptions,
        if done.subscriptions == 1 { "" } else { "s" },
    )];
    if file.archive != state.config.url("/") {
        lines.push(format!(
            "The file came from {}: its works are kept as bookmarks of works elsewhere, and its history and kudos stay there.",
            file.archive
        ));
    }
    lines.extend(done.skipped);
    let paragraphs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let back = format!("/users/{}/bookmarks", account.username);
    Ok(message(&state, &visitor, "Your library was read", &paragraphs, Some((&back, "Your bookmarks")))
        .await?
        .into_response())
}

async fn read_back(state: &AppState, user: UserId, file: &LibraryExport) -> AppResult<Imported> {
    let here = file.archive == state.config.url("/");
    let mut done = Imported::default();
    // Oldest first, so the list keeps its order.
    for b in file.bookmarks.iter().rev() {
        let fields = BookmarkFields {
            pseud: None,
            notes: b.notes.clone(),
            notes_format: TextFormat::Html,
            tags: b.tags.clone(),
            private: b.private,
            rec: b.rec,
            bookmarked_at: (b.created_at > 0).then_some(b.created_at),
        };
        let external = |url: &str, title: &str, creator: String, fandoms: Vec<String>| {
            BookmarkTarget::External(ExternalWork {
                url: url.to_owned(),
                title: title.to_owned(),
                creator: if creator.is_empty() { "Unknown".to_owned() } else { creator },
                fandoms: if fandoms.is_empty() { vec!["Unknown Fandom".to_owned()] } else { fandoms },
                summary: String::new(),
                tags: vec![],
            })
        };
        let target = match (&b.work, &b.series, &b.external) {
            (Some(w), _, _) if here => BookmarkTarget::Work(WorkId(w.work_id)),
            (Some(w), _, _) => external(&w.url, &w.title, w.creators.join(", "), w.fandoms.clone()),
            (_, Some(s), _) if here => BookmarkTarget::Series(SeriesId(s.series_id)),
            (_, Some(s), _) => external(&s.url, &s.title, String::new(), vec![]),
            (_, _, Some(e)) => BookmarkTarget::External(e.clone()),
            _ => continue,
        };
        match state.store.create_bookmark(user, &target, &fields).await {
            Ok(_) => done.bookmarks += 1,
            Err(StoreError::Conflict(_)) => done.already += 1,
            Err(StoreError::NotFound(_)) | Err(StoreError::Invalid(_)) => {
                let title = b.work.as_ref().map(|w| w.title.as_str()).or(b.series.as_ref().map(|s| s.title.as_str()));
                let title = title.or(b.external.as_ref().map(|e| e.title.as_str())).unwrap_or("a bookmark");
                done.skipped.push(format!(
                    "Skipped “{title}”: it is not on this archive any more, or its file entry is not valid."
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if here {
        for w in &file.later {
            match state.store.mark_for_later(user, WorkId(w.work_id), true).await {
                Ok(()) => done.later += 1,
                Err(StoreError::NotFound(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    let existing: Vec<String> =
        state.store.filter_profiles(user).await?.into_iter().map(|p| p.name.to_lowercase()).collect();
    for profile in &file.filters {
        if existing.contains(&profile.name.to_lowercase()) {
            done.skipped
                .push(format!("Kept your own filter profile “{}”; the file's was not read over it.", profile.name));
            continue;
        }
        match state.store.save_filter_profile(user, None, profile).await {
            Ok(_) => done.filters += 1,
            Err(StoreError::Invalid(e)) => done.skipped.push(format!("Skipped filter profile “{}”: {e}", profile.name)),
            Err(StoreError::Conflict(m)) => done.skipped.push(m),
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(prefs) = &file.preferences
        && prefs.invalid_field().is_none()
        && crate::views::known_time_zone(&prefs.time_zone)
    {
        state.store.set_reading_preferences(user, prefs).await?;
    }
    if let Some(settings) = file.reading_settings {
        state.store.set_reading_settings(user, settings).await?;
    }
    for s in &file.subscriptions {
        // Ids mean something only on the archive that gave them; elsewhere a tag is found
        // by its name and a search keeps its query, and works, series and accounts stay.
        let new = match (s.kind.parse::<SubscriptionKind>(), here) {
            (Ok(SubscriptionKind::Work), true) => NewSubscription::Work(s.target_id),
            (Ok(SubscriptionKind::Series), true) => NewSubscription::Series(s.target_id),
            (Ok(SubscriptionKind::Creator), true) => NewSubscription::Creator(s.target_id),
            (Ok(SubscriptionKind::Tag), true) => NewSubscription::Tag(s.target_id),
            (Ok(SubscriptionKind::Tag), false) => match state.store.tag_by_name(&s.name).await? {
                Some(tag) => NewSubscription::Tag(tag.id.0),
                None => {
                    done.skipped.push(format!("Skipped following the tag “{}”: this archive has no such tag.", s.name));
                    continue;
                }
            },
            (Ok(SubscriptionKind::Search), _) => match super::subscriptions::clean_query(&s.query) {
                Ok(query) => NewSubscription::Search { query, name: s.name.clone() },
                Err(_) => {
                    done.skipped.push(format!("Skipped the saved search “{}”: this archive cannot read it.", s.name));
                    continue;
                }
            },
            (Ok(_), false) => {
                done.skipped.push(format!("“{}” is followed on {}, not here.", s.name, file.archive));
                continue;
            }
            (Err(_), _) => continue,
        };
        match state.store.subscribe(user, &new).await {
            Ok(_) => done.subscriptions += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(StoreError::NotFound(_) | StoreError::Invalid(_)) => {
                done.skipped.push(format!("Skipped following “{}”: it is not on this archive any more.", s.name))
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(every) = file.digest_every {
        state.store.set_digest_every(user, every).await?;
    }
    Ok(done)
}

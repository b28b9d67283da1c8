//! Writers' pages: post a new work (typed, or imported from a file and corrected in the
//! form), preview and post drafts, edit a work's fields, add, edit, reorder and delete
//! chapters, delete a work, make a series. Only a work's creators reach the work pages.

use super::form::{FieldErrors, FormData, invalid};
use super::render;
use super::work::is_creator;
use crate::AppState;
use crate::audit::{Actor, work_changed};
use crate::auth::{Visitor, Writer};
use crate::error::{AppError, AppResult, path_id};
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use flourish_core::{
    Account, ArchiveWarning, Category, ChapterDraft, ChapterId, Rating, SeriesDraft, SeriesId, Work, WorkDraft, WorkId,
};
use flourish_core::{SeriesChoice, SeriesPlacement};
use flourish_store::{AccountStore, SeriesStore, StoreError, UserStore, WorkEditing, WorkStore};
use flourish_text::formats::{paragraphs_in_html, to_html};
use flourish_text::pipeline::{FileRequest, Suggestions, read_work};
use serde::Serialize;

/// The largest upload (or form) accepted: a long novel as EPUB fits with room to spare.
pub const MAX_UPLOAD_BYTES: usize = 16 << 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/works/new", get(new_form).post(create))
        .route("/works/import", get(import_form).post(import))
        .route("/works/{id}/preview", get(preview))
        .route("/works/{id}/post", post(post_draft))
        .route("/works/{id}/edit", get(edit_form).post(update))
        .route("/works/{id}/delete", get(delete_form).post(delete))
        .route("/works/{id}/chapters/new", get(new_chapter_form).post(add_chapter))
        .route("/works/{id}/chapters/manage", get(manage_chapters))
        .route("/works/{id}/chapters/order", post(reorder_chapters))
        .route("/works/{id}/chapters/{chapter}/edit", get(edit_chapter_form).post(update_chapter))
        .route("/works/{id}/chapters/{chapter}/delete", post(delete_chapter))
        .route("/series/new", get(new_series_form).post(create_series))
}

// --- The work form --------------------------------------------------------------------------

#[derive(Serialize, Default, Clone)]
struct ChapterFields {
    title: String,
    summary: String,
    notes: String,
    end_notes: String,
    content: String,
}

#[derive(Serialize, Default, Clone)]
struct WorkFields {
    title: String,
    summary: String,
    notes: String,
    end_notes: String,
    rating: String,
    warnings: Vec<String>,
    categories: Vec<String>,
    fandoms: String,
    relationships: String,
    characters: String,
    freeforms: String,
    language: String,
    pseuds: Vec<i64>,
    co_creators: String,
    complete: bool,
    expected_chapters: String,
    restricted: bool,
    allow_downloads: bool,
    published: String,
    series: String,
    series_position: String,
    new_series: String,
    text_format: String,
    chapters: Vec<ChapterFields>,
    /// Tags the text suggests, offered as choices the writer must tick.
    suggested: Option<SuggestedChoices>,
}

/// What the text suggests, by tag field; shown unticked.
#[derive(Serialize, Default, Clone)]
struct SuggestedChoices {
    fandoms: Vec<String>,
    characters: Vec<String>,
    relationships: Vec<String>,
    freeforms: Vec<String>,
}

impl SuggestedChoices {
    /// Reads `html` (the work's chapters) for suggestions.
    fn of_text(state: &AppState, html: &str, name: &str) -> Option<SuggestedChoices> {
        let doc = flourish_text::read_document(html.as_bytes(), Some(name)).ok()?;
        Some(SuggestedChoices::of(state, &doc))
    }

    fn of(state: &AppState, doc: &flourish_text::Document) -> SuggestedChoices {
        SuggestedChoices::from(flourish_text::suggest::suggest(doc, &state.config.lexicons).0)
    }
}

impl From<flourish_text::suggest::SuggestedTags> for SuggestedChoices {
    fn from(s: flourish_text::suggest::SuggestedTags) -> SuggestedChoices {
        SuggestedChoices {
            fandoms: s.fandoms,
            characters: s.characters.into_iter().map(|c| c.name).collect(),
            relationships: s.relationships.into_iter().map(|r| r.name).collect(),
            freeforms: s.places,
        }
    }
}

impl SuggestedChoices {
    /// Each suggestion under the archive's canonical name where it has wrangled one, so a
    /// writer is offered the tag readers filter by.
    async fn canonical(mut self, state: &AppState) -> AppResult<SuggestedChoices> {
        use flourish_store::TagStore;
        for list in [&mut self.fandoms, &mut self.characters, &mut self.freeforms] {
            *list = state.store.canonical_names(list).await?;
        }
        self.relationships = state.store.canonical_relationships(&self.relationships).await?;
        Ok(self)
    }
}

/// `existing` (a comma-separated tag field) with the accepted `extra` names added once.
fn with_accepted(existing: &str, extra: Vec<&str>) -> String {
    let mut names = flourish_core::tag::split_tag_input(existing);
    for e in extra {
        if !e.trim().is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(e.trim())) {
            names.push(e.trim().to_owned());
        }
    }
    names.join(", ")
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Serialize)]
struct WorkFormCtx {
    heading: String,
    action: String,
    editing: bool,
    form: WorkFields,
    errors: FieldErrors,
    ratings: Vec<&'static str>,
    warnings: Vec<&'static str>,
    categories: Vec<&'static str>,
    pseuds: Vec<Choice>,
    series: Vec<Choice>,
    notice: Option<String>,
    limits: flourish_core::Limits,
}

impl WorkFields {
    fn blank(default_pseud: Option<i64>) -> WorkFields {
        WorkFields {
            language: "en".into(),
            complete: true,
            allow_downloads: true,
            text_format: "html".into(),
            pseuds: default_pseud.into_iter().collect(),
            chapters: vec![ChapterFields::default()],
            ..Default::default()
        }
    }

    fn read(form: &FormData) -> WorkFields {
        let count = form.get("chapter_count").parse::<usize>().unwrap_or(1).clamp(1, 500);
        let chapters = (0..count)
            .map(|i| ChapterFields {
                title: form.get(&format!("chapters[{i}].title")).to_owned(),
                summary: form.get(&format!("chapters[{i}].summary")).to_owned(),
                notes: form.get(&format!("chapters[{i}].notes")).to_owned(),
                end_notes: form.get(&format!("chapters[{i}].end_notes")).to_owned(),
                content: form.get(&format!("chapters[{i}].content")).to_owned(),
            })
            .collect();
        WorkFields {
            suggested: None,
            title: form.get("title").to_owned(),
            summary: form.get("summary").to_owned(),
            notes: form.get("notes").to_owned(),
            end_notes: form.get("end_notes").to_owned(),
            rating: form.get("rating").to_owned(),
            warnings: form.all("warnings").into_iter().map(str::to_owned).collect(),
            categories: form.all("categories").into_iter().map(str::to_owned).collect(),
            // Suggestions count only when ticked.
            fandoms: with_accepted(form.get("fandoms"), form.all("accept_fandoms")),
            relationships: with_accepted(form.get("relationships"), form.all("accept_relationships")),
            characters: with_accepted(form.get("characters"), form.all("accept_characters")),
            freeforms: with_accepted(form.get("freeforms"), form.all("accept_freeforms")),
            language: form.get("language").to_owned(),
            pseuds: form.all("pseuds").into_iter().filter_map(|p| p.parse().ok()).collect(),
            co_creators: form.get("co_creators").to_owned(),
            complete: form.checked("complete"),
            expected_chapters: form.get("expected_chapters").to_owned(),
            restricted: form.checked("restricted"),
            allow_downloads: form.checked("allow_downloads"),
            published: form.get("published").to_owned(),
            series: form.get("series").to_owned(),
            series_position: form.get("series_position").to_owned(),
            new_series: form.get("new_series").to_owned(),
            text_format: form.get("text_format").to_owned(),
            chapters,
        }
    }

    /// The fields of a stored work, for its edit form.
    fn of(work: &Work) -> WorkFields {
        use flourish_core::TagKind;
        let names = |kind: TagKind| work.tags.of_kind(kind).map(|t| t.name.clone()).collect::<Vec<_>>();
        WorkFields {
            title: work.title.clone(),
            summary: work.summary.clone(),
            notes: work.notes.clone(),
            end_notes: work.end_notes.clone(),
            rating: names(TagKind::Rating).into_iter().next().unwrap_or_default(),
            warnings: names(TagKind::Warning),
            categories: names(TagKind::Category),
            fandoms: names(TagKind::Fandom).join(", "),
            relationships: names(TagKind::Relationship).join(", "),
            characters: names(TagKind::Character).join(", "),
            freeforms: names(TagKind::Freeform).join(", "),
            language: work.language.clone(),
            pseuds: work.creators.iter().map(|p| p.id.0).collect(),
            complete: work.complete,
            expected_chapters: work.expected_chapters.map(|n| n.to_string()).unwrap_or_default(),
            restricted: work.restricted,
            allow_downloads: work.allow_downloads,
            published: work.published_at.date().to_string(),
            text_format: "html".into(),
            chapters: vec![],
            ..Default::default()
        }
    }

    /// The draft these fields describe, or the fields' errors. `own_pseuds` are the
    /// writer's; crediting anyone else goes through co-creator invitations.
    fn draft(
        &self,
        own_pseuds: &[flourish_core::Pseud],
        limits: &flourish_core::Limits,
        with_chapters: bool,
        errors: &mut FieldErrors,
    ) -> Option<WorkDraft> {
        let rating = Rating::from_name(&self.rating);
        if rating.is_none() {
            errors.add("rating", "Choose a rating.");
        }
        let mut warnings = Vec::new();
        for w in &self.warnings {
            match ArchiveWarning::from_name(w) {
                Some(w) => warnings.push(w),
                None => errors.add("warnings", format!("{w:?} is not an archive warning.")),
            }
        }
        let mut categories = Vec::new();
        for c in &self.categories {
            match Category::from_name(c) {
                Some(c) => categories.push(c),
                None => errors.add("categories", format!("{c:?} is not a category.")),
            }
        }
        let creators: Vec<_> = own_pseuds.iter().filter(|p| self.pseuds.contains(&p.id.0)).map(|p| p.id).collect();
        if creators.is_empty() {
            errors.add("pseuds", "Choose at least one of your pseuds to post as.");
        }
        let expected_chapters = match self.expected_chapters.trim() {
            "" | "?" => None,
            n => match n.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.add("expected_chapters", "Enter a number of chapters, or ? if you don't know yet.");
                    None
                }
            },
        };
        let published_at = match self.published.trim() {
            "" => None,
            d => match time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")) {
                Ok(date) if flourish_core::validation::may_be_published_on(date) => Some(date.midnight().assume_utc()),
                Ok(_) => {
                    errors.add("published", flourish_core::validation::FUTURE_DATE);
                    None
                }
                Err(_) => {
                    errors.add("published", "Enter the date as YYYY-MM-DD.");
                    None
                }
            },
        };
        let html = |text: &str| if text.trim().is_empty() { String::new() } else { paragraphs_in_html(text) };
        let draft = WorkDraft {
            title: self.title.trim().to_owned(),
            summary: html(&self.summary),
            notes: html(&self.notes),
            end_notes: html(&self.end_notes),
            language: self.language.trim().to_owned(),
            rating: rating.unwrap_or(Rating::NotRated),
            warnings,
            categories,
            fandoms: flourish_core::tag::split_tag_input(&self.fandoms),
            relationships: flourish_core::tag::split_tag_input(&self.relationships),
            characters: flourish_core::tag::split_tag_input(&self.characters),
            freeforms: flourish_core::tag::split_tag_input(&self.freeforms),
            creators,
            expected_chapters,
            complete: self.complete,
            posted: false,
            restricted: self.restricted,
            published_at,
            allow_downloads: self.allow_downloads,
            chapters: self
                .chapters
                .iter()
                .map(|c| ChapterDraft {
                    title: c.title.trim().to_owned(),
                    summary: html(&c.summary),
                    notes: html(&c.notes),
                    end_notes: html(&c.end_notes),
                    content: if c.content.trim().is_empty() {
                        String::new()
                    } else {
                        to_html(&c.content, &self.text_format)
                    },
                })
                .collect(),
            series: None,
        };
        // The archive's own rules, so every problem is shown at once, not only the form's.
        let checked = if with_chapters { draft.validate(limits) } else { draft.validate_metadata(limits) };
        if let Err(e) = checked {
            let mut seen = errors.fields.keys().cloned().collect::<std::collections::BTreeSet<_>>();
            for f in e.0 {
                // "creators" is the form's "pseuds", already checked above.
                if f.field != "creators" && seen.insert(f.field.clone()) {
                    errors.add(&f.field, f.message);
                }
            }
        }
        errors.is_empty().then_some(draft)
    }
}

/// Which form the work form is: posting a new work, or editing one.
struct FormTarget {
    heading: String,
    action: String,
    editing: bool,
}

impl FormTarget {
    fn new_work() -> FormTarget {
        FormTarget { heading: "Post New Work".into(), action: "/works/new".into(), editing: false }
    }

    fn edit(work: &Work) -> FormTarget {
        FormTarget {
            heading: format!("Edit {}", work.title),
            action: format!("/works/{}/edit", work.id),
            editing: true,
        }
    }
}

async fn work_form(
    state: &AppState,
    visitor: &Visitor,
    account: &Account,
    target: FormTarget,
    form: WorkFields,
    errors: FieldErrors,
) -> AppResult<Html<String>> {
    let FormTarget { heading, action, editing } = target;
    let heading = heading.as_str();
    let pseuds = state.store.pseuds_of(account.id).await?;
    let series = state.store.series_of_user(account.id).await?;
    let ctx = WorkFormCtx {
        heading: heading.into(),
        action,
        editing,
        form,
        errors,
        ratings: Rating::ALL.iter().map(|r| r.name()).collect(),
        warnings: ArchiveWarning::ALL.iter().map(|w| w.name()).collect(),
        categories: Category::ALL.iter().map(|c| c.name()).collect(),
        pseuds: pseuds.iter().map(|p| Choice { value: p.id.0.to_string(), label: p.name.clone() }).collect(),
        series: series.iter().map(|s| Choice { value: s.id.0.to_string(), label: s.title.clone() }).collect(),
        notice: None,
        limits: state.store.limits().clone(),
    };
    render(state, visitor, "posting/work_form.html", heading, ctx).await
}

async fn new_form(State(state): State<AppState>, Writer(visitor, account): Writer) -> AppResult<Html<String>> {
    let pseuds = state.store.pseuds_of(account.id).await?;
    let default = pseuds.iter().find(|p| p.is_default).map(|p| p.id.0);
    let form = WorkFields::blank(default);
    work_form(&state, &visitor, &account, FormTarget::new_work(), form, FieldErrors::default()).await
}

async fn create(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    form: FormData,
) -> AppResult<Response> {
    let mut fields = WorkFields::read(&form);
    let action = form.get("action");
    if action == "suggest" {
        // Read what is typed so far and offer its tags; nothing is saved.
        let html: String = fields.chapters.iter().map(|c| to_html(&c.content, &fields.text_format)).collect();
        fields.suggested =
            match SuggestedChoices::of_text(&state, &format!("<html><body>{html}</body></html>"), "text.html") {
                Some(s) => Some(s.canonical(&state).await?),
                None => None,
            };
        let page =
            work_form(&state, &visitor, &account, FormTarget::new_work(), fields, FieldErrors::default()).await?;
        return Ok(page.into_response());
    }
    let own = state.store.pseuds_of(account.id).await?;
    let mut errors = FieldErrors::default();
    let co_creators = resolve_co_creators(&state, &fields.co_creators, &account, &mut errors).await?;
    let series = resolve_series(&state, &fields, &account, &mut errors).await?;
    let mut created = None;
    if let Some(mut draft) = fields.draft(&own, state.store.limits(), true, &mut errors) {
        draft.posted = action == "post";
        draft.series = series;
        if errors.is_empty() {
            match state.store.create_work(&draft).await {
                Ok(id) => created = Some(id),
                Err(e) => errors.take(e)?,
            }
        }
    }
    let Some(id) = created else {
        let page = work_form(&state, &visitor, &account, FormTarget::new_work(), fields, errors).await?;
        return Ok(invalid(page));
    };
    invite_co_creators(&state, &account, id, &co_creators).await?;
    let event = if action == "post" { "work_posted" } else { "draft_saved" };
    work_changed(&state, &Actor::of(&visitor), id, &fields.title, event, "").await;
    let to = if action == "post" { format!("/works/{id}") } else { format!("/works/{id}/preview") };
    Ok(Redirect::to(&to).into_response())
}

/// Co-creators named on the form: `username`, or `pseud (username)`.
async fn resolve_co_creators(
    state: &AppState,
    text: &str,
    account: &Account,
    errors: &mut FieldErrors,
) -> AppResult<Vec<flourish_core::PseudId>> {
    let mut found = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()).take(20) {
        let (pseud, user) = match name.split_once('(') {
            Some((p, u)) => (p.trim(), u.trim_end_matches(')').trim()),
            None => (name, name),
        };
        match state.store.pseud(user, pseud).await? {
            Some(p) if p.user_id == account.id => {}
            Some(p) => found.push(p.id),
            None => errors.add("co_creators", format!("There is no writer called {name}.")),
        }
    }
    Ok(found)
}

/// The series chosen on the form: one of the writer's, or a new one by title.
async fn resolve_series(
    state: &AppState,
    fields: &WorkFields,
    account: &Account,
    errors: &mut FieldErrors,
) -> AppResult<Option<SeriesPlacement>> {
    let position = match fields.series_position.trim() {
        "" => None,
        p => match p.parse::<u32>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                errors.add("series_position", "Enter a position of 1 or more, or leave it empty for the end.");
                None
            }
        },
    };
    if !fields.new_series.trim().is_empty() {
        if fields.new_series.chars().count() > state.store.limits().title {
            errors.add("new_series", "That series title is too long.");
        }
        return Ok(Some(SeriesPlacement {
            series: SeriesChoice::New(fields.new_series.trim().to_owned()),
            part: position,
        }));
    }
    match fields.series.trim() {
        "" => Ok(None),
        id => {
            let id: Option<SeriesId> = id.parse().ok();
            let mine = state.store.series_of_user(account.id).await?;
            match id.filter(|id| mine.iter().any(|s| s.id == *id)) {
                Some(id) => Ok(Some(SeriesPlacement { series: SeriesChoice::Existing(id), part: position })),
                None => {
                    errors.add("series", "Choose one of your series.");
                    Ok(None)
                }
            }
        }
    }
}

/// What follows a saved work: invitations to co-creators. (Its series is joined in the
/// work's own transaction, through the draft.)
async fn invite_co_creators(
    state: &AppState,
    account: &Account,
    id: WorkId,
    co_creators: &[flourish_core::PseudId],
) -> AppResult<()> {
    for pseud in co_creators {
        state.store.invite_creator(id, *pseud, account.id).await?;
    }
    Ok(())
}

// --- Loading a work for its creators ----------------------------------------------------------

/// The work, if the visitor is one of its creators: 404 for a work that does not exist or
/// that the visitor could not see anyway (a draft or hidden work of someone else), 403
/// for a work they can see but not edit.
async fn own_work(state: &AppState, visitor: &Visitor, id: &str) -> AppResult<Work> {
    let id: WorkId = path_id(id)?;
    let work = state.store.work_for_editing(id).await?.ok_or(AppError::NotFound)?;
    if is_creator(visitor, &work) {
        return Ok(work);
    }
    let visible = work.is_listed() && (!work.restricted || visitor.account.is_some());
    if visible || visitor.is_admin() { Err(AppError::not_a_creator()) } else { Err(AppError::NotFound) }
}

async fn preview(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let work = own_work(&state, &visitor, &id).await?;
    let chapters = state.store.chapters_for_editing(work.id).await?;
    let index: Vec<_> = chapters.iter().map(|c| c.summary()).collect();
    super::work::page(&state, &visitor, &work, &index, &chapters, true).await
}

async fn post_draft(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let work = own_work(&state, &visitor, &id).await?;
    if !work.posted {
        state.store.post_work(work.id).await?;
        work_changed(&state, &Actor::of(&visitor), work.id, &work.title, "work_posted", "").await;
    }
    Ok(Redirect::to(&format!("/works/{}", work.id)).into_response())
}

async fn edit_form(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let work = own_work(&state, &visitor, &id).await?;
    work_form(&state, &visitor, &account, FormTarget::edit(&work), WorkFields::of(&work), FieldErrors::default()).await
}

async fn update(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let work = own_work(&state, &visitor, &id).await?;
    let mut fields = WorkFields::read(&form);
    // The edit form has no chapter text; chapters are edited one by one.
    fields.chapters = vec![];
    // Creators stay as they are; co-creators are invited, never put on by someone else.
    let credited: Vec<_> = work.creators.clone();
    let mut errors = FieldErrors::default();
    let co_creators = resolve_co_creators(&state, &fields.co_creators, &account, &mut errors).await?;
    let series = resolve_series(&state, &fields, &account, &mut errors).await?;
    fields.pseuds = credited.iter().map(|p| p.id.0).collect();
    let draft = fields.draft(&credited, state.store.limits(), false, &mut errors).map(|d| WorkDraft { series, ..d });
    if let Some(draft) = draft
        && errors.is_empty()
        && let Err(e) = state.store.update_work(work.id, &draft).await
    {
        errors.take(e)?;
    }
    if !errors.is_empty() {
        let page = work_form(&state, &visitor, &account, FormTarget::edit(&work), fields, errors).await?;
        return Ok(invalid(page));
    }
    invite_co_creators(&state, &account, work.id, &co_creators).await?;
    work_changed(&state, &Actor::of(&visitor), work.id, &work.title, "work_edited", "").await;
    let to = if work.posted { format!("/works/{}", work.id) } else { format!("/works/{}/preview", work.id) };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Serialize)]
struct ConfirmCtx {
    heading: String,
    message: String,
    action: String,
    button: String,
    back: String,
}

async fn delete_form(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let work = own_work(&state, &visitor, &id).await?;
    let ctx = ConfirmCtx {
        heading: format!("Delete {}?", work.title),
        message: "Deleting a work removes it and all its chapters for good. This cannot be undone.".into(),
        action: format!("/works/{}/delete", work.id),
        button: "Yes, delete the work".into(),
        back: format!("/works/{}/edit", work.id),
    };
    render(&state, &visitor, "posting/confirm.html", "Delete work", ctx).await
}

async fn delete(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let work = own_work(&state, &visitor, &id).await?;
    state.store.delete_work(work.id).await?;
    work_changed(&state, &Actor::of(&visitor), work.id, &work.title, "work_deleted", "").await;
    Ok(Redirect::to("/account").into_response())
}

// --- Chapters -------------------------------------------------------------------------------

#[derive(Serialize)]
struct ChapterFormCtx {
    heading: String,
    action: String,
    work_title: String,
    work_id: i64,
    chapter: ChapterFields,
    text_format: String,
    errors: FieldErrors,
}

async fn chapter_form(
    state: &AppState,
    visitor: &Visitor,
    work: &Work,
    action: String,
    chapter: ChapterFields,
    text_format: String,
    errors: FieldErrors,
) -> AppResult<Html<String>> {
    let heading = if action.ends_with("/new") {
        format!("New chapter of {}", work.title)
    } else {
        format!("Edit chapter of {}", work.title)
    };
    let ctx = ChapterFormCtx {
        heading: heading.clone(),
        action,
        work_title: work.title.clone(),
        work_id: work.id.0,
        chapter,
        text_format,
        errors,
    };
    render(state, visitor, "posting/chapter_form.html", &heading, ctx).await
}

fn read_chapter(form: &FormData) -> (ChapterFields, String, ChapterDraft) {
    let fields = ChapterFields {
        title: form.get("chapters[0].title").to_owned(),
        summary: form.get("chapters[0].summary").to_owned(),
        notes: form.get("chapters[0].notes").to_owned(),
        end_notes: form.get("chapters[0].end_notes").to_owned(),
        content: form.get("chapters[0].content").to_owned(),
    };
    let format = form.get("text_format").to_owned();
    let html = |t: &str| if t.trim().is_empty() { String::new() } else { paragraphs_in_html(t) };
    let draft = ChapterDraft {
        title: fields.title.trim().to_owned(),
        summary: html(&fields.summary),
        notes: html(&fields.notes),
        end_notes: html(&fields.end_notes),
        content: if fields.content.trim().is_empty() { String::new() } else { to_html(&fields.content, &format) },
    };
    (fields, format, draft)
}

/// Chapter validation errors come unprefixed from the store; the form names its fields
/// like the work form's first chapter.
fn chapter_errors(e: StoreError) -> AppResult<FieldErrors> {
    let mut errors = FieldErrors::default();
    errors.take_as(e, |field| format!("chapters[0].{field}"))?;
    Ok(errors)
}

async fn new_chapter_form(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let work = own_work(&state, &visitor, &id).await?;
    chapter_form(
        &state,
        &visitor,
        &work,
        format!("/works/{}/chapters/new", work.id),
        ChapterFields::default(),
        "html".into(),
        FieldErrors::default(),
    )
    .await
}

async fn add_chapter(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let work = own_work(&state, &visitor, &id).await?;
    let (fields, format, draft) = read_chapter(&form);
    let saved = state.store.add_chapter(work.id, &draft).await.map(|c| c.id);
    let action = format!("/works/{}/chapters/new", work.id);
    after_chapter_save(&state, &visitor, &work, saved, "chapter_added", action, fields, format).await
}

/// After adding or editing a chapter: to the chapter (or the draft's preview), or the form
/// again with its errors.
#[allow(clippy::too_many_arguments)]
async fn after_chapter_save(
    state: &AppState,
    visitor: &Visitor,
    work: &Work,
    saved: Result<ChapterId, StoreError>,
    event: &str,
    action: String,
    fields: ChapterFields,
    format: String,
) -> AppResult<Response> {
    match saved {
        Ok(chapter) => {
            work_changed(state, &Actor::of(visitor), work.id, &work.title, event, &format!("chapter {chapter}")).await;
            let to = if work.posted {
                format!("/works/{}/chapters/{chapter}", work.id)
            } else {
                format!("/works/{}/preview", work.id)
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let errors = chapter_errors(e)?;
            Ok(invalid(chapter_form(state, visitor, work, action, fields, format, errors).await?))
        }
    }
}

async fn own_chapter(state: &AppState, work: &Work, chapter: &str) -> AppResult<flourish_core::Chapter> {
    let chapter: ChapterId = path_id(chapter)?;
    state.store.chapters_for_editing(work.id).await?.into_iter().find(|c| c.id == chapter).ok_or(AppError::NotFound)
}

async fn edit_chapter_form(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path((id, chapter)): Path<(String, String)>,
) -> AppResult<Html<String>> {
    let work = own_work(&state, &visitor, &id).await?;
    let c = own_chapter(&state, &work, &chapter).await?;
    let fields = ChapterFields {
        title: c.title,
        summary: c.summary,
        notes: c.notes,
        end_notes: c.end_notes,
        content: c.content,
    };
    chapter_form(
        &state,
        &visitor,
        &work,
        format!("/works/{}/chapters/{}/edit", work.id, c.id),
        fields,
        "html".into(),
        FieldErrors::default(),
    )
    .await
}

async fn update_chapter(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path((id, chapter)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let work = own_work(&state, &visitor, &id).await?;
    let c = own_chapter(&state, &work, &chapter).await?;
    let (fields, format, draft) = read_chapter(&form);
    let saved = state.store.update_chapter(work.id, c.id, &draft).await.map(|()| c.id);
    let action = format!("/works/{}/chapters/{}/edit", work.id, c.id);
    after_chapter_save(&state, &visitor, &work, saved, "chapter_edited", action, fields, format).await
}

async fn delete_chapter(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path((id, chapter)): Path<(String, String)>,
) -> AppResult<Response> {
    let work = own_work(&state, &visitor, &id).await?;
    let c = own_chapter(&state, &work, &chapter).await?;
    // The last chapter cannot go: the store's conflict is a 409 page that says so.
    state.store.delete_chapter(work.id, c.id).await?;
    let detail = format!("chapter {}", c.id);
    work_changed(&state, &Actor::of(&visitor), work.id, &work.title, "chapter_deleted", &detail).await;
    Ok(Redirect::to(&format!("/works/{}/chapters/manage", work.id)).into_response())
}

#[derive(Serialize)]
struct ManageCtx {
    work_id: i64,
    work_title: String,
    chapters: Vec<ManagedChapter>,
    errors: FieldErrors,
}

#[derive(Serialize)]
struct ManagedChapter {
    id: i64,
    position: u32,
    title: String,
    words: u64,
}

async fn manage_page(state: &AppState, visitor: &Visitor, work: &Work, errors: FieldErrors) -> AppResult<Html<String>> {
    let chapters = state.store.chapters_for_editing(work.id).await?;
    let ctx = ManageCtx {
        work_id: work.id.0,
        work_title: work.title.clone(),
        chapters: chapters
            .iter()
            .map(|c| ManagedChapter {
                id: c.id.0,
                position: c.position,
                title: c.summary().display_title(),
                words: c.word_count,
            })
            .collect(),
        errors,
    };
    render(state, visitor, "posting/chapters.html", "Manage chapters", ctx).await
}

async fn manage_chapters(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let work = own_work(&state, &visitor, &id).await?;
    manage_page(&state, &visitor, &work, FieldErrors::default()).await
}

/// The reorder form gives each chapter a new position number (`position_ID=N`); chapters
/// are sorted by it, ties kept in their old order.
async fn reorder_chapters(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let work = own_work(&state, &visitor, &id).await?;
    let chapters = state.store.chapters_for_editing(work.id).await?;
    let mut errors = FieldErrors::default();
    let mut order: Vec<(u32, u32, ChapterId)> = Vec::new();
    for c in &chapters {
        match form.get(&format!("position_{}", c.id)).trim().parse::<u32>() {
            Ok(n) if n >= 1 => order.push((n, c.position, c.id)),
            _ => errors.add("order", "Give every chapter a position of 1 or more."),
        }
    }
    if !errors.is_empty() {
        return Ok(invalid(manage_page(&state, &visitor, &work, errors).await?));
    }
    order.sort();
    let ids: Vec<ChapterId> = order.into_iter().map(|(_, _, id)| id).collect();
    state.store.reorder_chapters(work.id, &ids).await?;
    work_changed(&state, &Actor::of(&visitor), work.id, &work.title, "chapters_reordered", "").await;
    Ok(Redirect::to(&format!("/works/{}/chapters/manage", work.id)).into_response())
}

// --- Importing from a file --------------------------------------------------------------------

#[derive(Serialize)]
struct ImportCtx {
    errors: FieldErrors,
    csrf_action: String,
}

async fn import_form(State(state): State<AppState>, Writer(visitor, _): Writer) -> AppResult<Html<String>> {
    let ctx = ImportCtx { errors: FieldErrors::default(), csrf_action: format!("/works/import?csrf={}", visitor.csrf) };
    render(&state, &visitor, "posting/import.html", "Import a work from a file", ctx).await
}

/// Reads the uploaded file with the importer and shows the work form filled with what it
/// recovered — title, summary, notes, every chapter — for the writer to correct and post.
async fn import(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let mut file: Option<(Option<String>, Vec<u8>)> = None;
    let mut errors = FieldErrors::default();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().map(str::to_owned);
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(_) => return Err(AppError::TooLarge(MAX_UPLOAD_BYTES)),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::TooLarge(MAX_UPLOAD_BYTES));
            }
            Err(e) => return Err(AppError::BadRequest(format!("The upload could not be read: {}", e.body_text()))),
        }
    }
    let pseuds = state.store.pseuds_of(account.id).await?;
    let default = pseuds.iter().find(|p| p.is_default).map(|p| p.id).unwrap_or(flourish_core::PseudId(0));
    let read = match file.as_ref().filter(|(_, b)| !b.is_empty()) {
        None => {
            errors.add("file", "Choose a file to import.");
            None
        }
        Some((name, bytes)) => {
            // The same pipeline as `flourish import`; suggestions are offered, not added.
            let request = FileRequest {
                name: name.as_deref(),
                creator: default,
                fandoms: &[],
                rating: None,
                suggestions: Suggestions::Offer,
                lexicons: &state.config.lexicons,
                limits: state.store.limits(),
            };
            match read_work(bytes, &request) {
                Ok(read) => Some((name.clone(), read)),
                Err(e) => {
                    errors.add("file", format!("This file could not be read: {e}."));
                    None
                }
            }
        }
    };
    let Some((name, read)) = read else {
        let ctx = ImportCtx { errors, csrf_action: format!("/works/import?csrf={}", visitor.csrf) };
        return Ok(invalid(render(&state, &visitor, "posting/import.html", "Import a work from a file", ctx).await?));
    };
    let (doc, draft) = (&read.document, &read.draft);
    let mut fields = fields_of_draft(draft);
    fields.pseuds = vec![default.0];
    fields.suggested = Some(SuggestedChoices::from(read.suggested.clone()).canonical(&state).await?);
    let mut page_errors = FieldErrors::default();
    page_errors.general(format!(
        "Imported {} chapter{} ({} words) from {}. Check every field, then preview or post.",
        draft.chapters.len(),
        if draft.chapters.len() == 1 { "" } else { "s" },
        doc.word_count,
        name.as_deref().unwrap_or("the file")
    ));
    let page = work_form(&state, &visitor, &account, FormTarget::new_work(), fields, page_errors).await?;
    Ok(page.into_response())
}

fn fields_of_draft(d: &WorkDraft) -> WorkFields {
    WorkFields {
        title: d.title.clone(),
        summary: d.summary.clone(),
        notes: d.notes.clone(),
        end_notes: d.end_notes.clone(),
        rating: d.rating.name().into(),
        warnings: d.warnings.iter().map(|w| w.name().to_owned()).collect(),
        categories: d.categories.iter().map(|c| c.name().to_owned()).collect(),
        fandoms: d.fandoms.join(", "),
        relationships: d.relationships.join(", "),
        characters: d.characters.join(", "),
        freeforms: d.freeforms.join(", "),
        language: d.language.clone(),
        complete: d.complete,
        allow_downloads: d.allow_downloads,
        expected_chapters: d.expected_chapters.map(|n| n.to_string()).unwrap_or_default(),
        text_format: "html".into(),
        chapters: d
            .chapters
            .iter()
            .map(|c| ChapterFields {
                title: c.title.clone(),
                summary: c.summary.clone(),
                notes: c.notes.clone(),
                end_notes: c.end_notes.clone(),
                content: c.content.clone(),
            })
            .collect(),
        ..Default::default()
    }
}

// --- Series ---------------------------------------------------------------------------------

#[derive(Serialize)]
struct SeriesFormCtx {
    form: SeriesFields,
    errors: FieldErrors,
}

#[derive(Serialize, Default)]
struct SeriesFields {
    title: String,
    summary: String,
    complete: bool,
}

async fn new_series_form(State(state): State<AppState>, Writer(visitor, _): Writer) -> AppResult<Html<String>> {
    let ctx = SeriesFormCtx { form: SeriesFields::default(), errors: FieldErrors::default() };
    render(&state, &visitor, "posting/series_form.html", "New series", ctx).await
}

async fn create_series(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    form: FormData,
) -> AppResult<Response> {
    let pseuds = state.store.pseuds_of(account.id).await?;
    let fields = SeriesFields {
        title: form.get("title").to_owned(),
        summary: form.get("summary").to_owned(),
        complete: form.checked("complete"),
    };
    let draft = SeriesDraft {
        title: fields.title.trim().to_owned(),
        summary: if fields.summary.trim().is_empty() { String::new() } else { paragraphs_in_html(&fields.summary) },
        complete: fields.complete,
        creators: pseuds.iter().filter(|p| p.is_default).map(|p| p.id).collect(),
        ..Default::default()
    };
    match state.store.create_series(&draft).await {
        Ok(id) => Ok(Redirect::to(&format!("/series/{id}")).into_response()),
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.take(e)?;
            let ctx = SeriesFormCtx { form: fields, errors };
            Ok(invalid(render(&state, &visitor, "posting/series_form.html", "New series", ctx).await?))
        }
    }
}

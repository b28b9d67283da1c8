//! Chapters.

use super::*;

#[derive(Serialize)]
pub(super) struct ChapterFormCtx {
    pub(super) heading: String,
    pub(super) action: String,
    pub(super) work_title: String,
    pub(super) work_id: i64,
    pub(super) chapter: ChapterFields,
    pub(super) text_format: String,
    pub(super) errors: FieldErrors,
}

pub(super) async fn chapter_form(
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

pub(super) fn read_chapter(form: &FormData) -> (ChapterFields, String, ChapterDraft) {
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
pub(super) fn chapter_errors(e: StoreError) -> AppResult<FieldErrors> {
    let mut errors = FieldErrors::default();
    errors.take_as(e, |field| format!("chapters[0].{field}"))?;
    Ok(errors)
}

pub(super) async fn new_chapter_form(
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

pub(super) async fn add_chapter(
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
pub(super) async fn after_chapter_save(
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

pub(super) async fn own_chapter(state: &AppState, work: &Work, chapter: &str) -> AppResult<flourish_core::Chapter> {
    let chapter: ChapterId = path_id(chapter)?;
    state.store.chapters_for_editing(work.id).await?.into_iter().find(|c| c.id == chapter).ok_or(AppError::NotFound)
}

pub(super) async fn edit_chapter_form(
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

pub(super) async fn update_chapter(
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

pub(super) async fn delete_chapter(
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
pub(super) struct ManageCtx {
    pub(super) work_id: i64,
    pub(super) work_title: String,
    pub(super) chapters: Vec<ManagedChapter>,
    pub(super) errors: FieldErrors,
}

#[derive(Serialize)]
pub(super) struct ManagedChapter {
    pub(super) id: i64,
    pub(super) position: u32,
    pub(super) title: String,
    pub(super) words: u64,
}

pub(super) async fn manage_page(
    state: &AppState,
    visitor: &Visitor,
    work: &Work,
    errors: FieldErrors,
) -> AppResult<Html<String>> {
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

pub(super) async fn manage_chapters(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let work = own_work(&state, &visitor, &id).await?;
    manage_page(&state, &visitor, &work, FieldErrors::default()).await
}

/// The reorder form gives each chapter a new position number (`position_ID=N`); chapters
/// are sorted by it, ties kept in their old order.
pub(super) async fn reorder_chapters(
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

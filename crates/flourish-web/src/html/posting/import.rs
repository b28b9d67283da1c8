//! Importing from a file.

use super::*;

#[derive(Serialize)]
pub(super) struct ImportCtx {
    pub(super) errors: FieldErrors,
    pub(super) csrf_action: String,
}

pub(super) async fn import_form(State(state): State<AppState>, Writer(visitor, _): Writer) -> AppResult<Html<String>> {
    let ctx = ImportCtx { errors: FieldErrors::default(), csrf_action: format!("/works/import?csrf={}", visitor.csrf) };
    render(&state, &visitor, "posting/import.html", "Import a work from a file", ctx).await
}

/// Reads the uploaded file with the importer and shows the work form filled with what it
/// recovered — title, summary, notes, every chapter — for the writer to correct and post.
pub(super) async fn import(
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
    let flourish_text::pipeline::ReadWork { document: doc, draft, suggested, .. } = read;
    let mut fields = fields_of_draft(&draft);
    fields.pseuds = vec![default.0];
    fields.suggested = Some(SuggestedChoices::from(suggested).canonical(&state).await?);
    let mut page_errors = FieldErrors::default();
    page_errors.general(format!(
        "Imported {} chapter{} ({} words) from {}. Check every field, then preview or post.",
        draft.chapters.len(),
        if draft.chapters.len() == 1 { "" } else { "s" },
        doc.word_count,
        name.as_deref().unwrap_or("the file")
    ));
    // What the reader could not recognise, as `flourish import` reports it.
    for notice in &doc.notices {
        page_errors.general(notice.clone());
    }
    let page = work_form(&state, &visitor, &account, FormTarget::new_work(), fields, page_errors).await?;
    Ok(page.into_response())
}

pub(super) fn fields_of_draft(d: &WorkDraft) -> WorkFields {
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

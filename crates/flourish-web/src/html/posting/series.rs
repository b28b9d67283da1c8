//! Series.

use super::*;

#[derive(Serialize)]
pub(super) struct SeriesFormCtx {
    pub(super) form: SeriesFields,
    pub(super) errors: FieldErrors,
}

#[derive(Serialize, Default)]
pub(super) struct SeriesFields {
    pub(super) title: String,
    pub(super) summary: String,
    pub(super) complete: bool,
}

pub(super) async fn new_series_form(
    State(state): State<AppState>,
    Writer(visitor, _): Writer,
) -> AppResult<Html<String>> {
    let ctx = SeriesFormCtx { form: SeriesFields::default(), errors: FieldErrors::default() };
    render(&state, &visitor, "posting/series_form.html", "New series", ctx).await
}

pub(super) async fn create_series(
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

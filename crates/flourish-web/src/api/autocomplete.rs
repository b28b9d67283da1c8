//! `/api/v1/tags/autocomplete?term=…[&kind=fandom][&limit=10]`: tag suggestions as JSON, canonical
//! tags first, then by use. The sidebar's and (later) the posting form's tag fields call it.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use flourish_core::TagKind;
use flourish_search::autocomplete::Suggestion;

/// Tag suggestions for what a person has typed so far.
#[utoipa::path(
    get,
    path = "/api/v1/tags/autocomplete",
    params(
        ("term" = String, Query, description = "The start of a tag name (or of any word in it)"),
        ("kind" = Option<String>, Query, description = "rating, warning, category, fandom, relationship, character or freeform"),
        ("limit" = Option<u32>, Query, description = "At most this many (default 10)"),
    ),
    responses((status = 200, body = Vec<crate::api::dto::SuggestionOut>), (status = 400, body = crate::api::dto::ErrorOut))
)]
pub async fn tags(State(state): State<AppState>, uri: Uri) -> AppResult<Json<Vec<Suggestion>>> {
    let term = crate::query_string::query_param(&uri, "term").unwrap_or_default();
    if term.chars().count() > state.store.limits().tag_name {
        return Err(AppError::BadRequest("The term is longer than any tag name can be.".into()));
    }
    let kind = match crate::query_string::query_param(&uri, "kind").as_deref() {
        None | Some("") => None,
        Some(k) => Some(TagKind::parse(k).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Unknown tag kind “{}”: use rating, warning, category, fandom, relationship, character or freeform.",
                k.chars().take(40).collect::<String>()
            ))
        })?),
    };
    let limit = crate::query_string::query_param(&uri, "limit").and_then(|l| l.parse().ok()).unwrap_or(10);
    Ok(Json(state.search.autocomplete(&term, kind, limit)))
}

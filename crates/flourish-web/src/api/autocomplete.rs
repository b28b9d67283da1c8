//! `/api/v1/tags/autocomplete?term=…[&kind=fandom][&limit=10]`: tag suggestions as JSON, canonical
//! tags first, then by use. The sidebar's and (later) the posting form's tag fields call it.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use flourish_core::TagKind;
use flourish_search::autocomplete::Suggestion;

/// The most suggestions one request may ask for (`limit`).
const MAX_LIMIT: usize = 50;

/// Tag suggestions for what a person has typed so far.
#[utoipa::path(
    get,
    path = "/api/v1/tags/autocomplete",
    params(
        ("term" = Option<String>, Query, description = "The start of a tag name (or of any word in it); without it, the most used tags", max_length = 150),
        ("kind" = Option<String>, Query, description = "rating, warning, category, fandom, relationship, character or freeform", pattern = "^(rating|warning|category|fandom|relationship|character|freeform)?$"),
        ("limit" = Option<u32>, Query, description = "At most this many (default 10)", minimum = 1, maximum = 50),
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
    let limit = match crate::query_string::query_param(&uri, "limit").filter(|l| !l.is_empty()) {
        None => 10,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| AppError::BadRequest(format!("limit is a number from 1 to {MAX_LIMIT}.")))?,
    };
    Ok(Json(state.search.autocomplete(&term, kind, limit)))
}

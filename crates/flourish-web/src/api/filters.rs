//! The token owner's filter profiles. The default one applies to the token's listings
//! (`/api/v1/works`, `/api/v1/search`), `total` included; `filters=off` lists without it.

use super::dto::ErrorOut;
use super::input::ApiJson;
use super::{ApiViewer, ApiWriter};
use crate::error::{AppError, AppResult, path_id};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use flourish_core::FilterProfile;
use flourish_store::FilterStore;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A filter profile as the API writes it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterInput {
    pub name: String,
    /// Apply it to every listing of this account.
    #[serde(default)]
    pub default: bool,
    /// Tag names; their synonyms and subtags are hidden too.
    #[serde(default)]
    pub exclude_tags: Vec<String>,
    /// Account names.
    #[serde(default)]
    pub exclude_creators: Vec<String>,
    #[serde(default)]
    pub hide_read: bool,
    #[serde(default)]
    pub hide_kudosed: bool,
    #[serde(default)]
    pub hide_anonymous: bool,
    /// Hide works in more fandoms than this.
    #[serde(default)]
    pub max_fandoms: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct FilterOut {
    pub id: i64,
    pub name: String,
    pub default: bool,
    pub exclude_tags: Vec<String>,
    pub exclude_creators: Vec<String>,
    pub hide_read: bool,
    pub hide_kudosed: bool,
    pub hide_anonymous: bool,
    pub max_fandoms: Option<u32>,
}

impl From<FilterProfile> for FilterOut {
    fn from(p: FilterProfile) -> FilterOut {
        FilterOut {
            id: p.id,
            name: p.name,
            default: p.is_default,
            exclude_tags: p.exclude_tags,
            exclude_creators: p.exclude_creators,
            hide_read: p.hide_read,
            hide_kudosed: p.hide_kudosed,
            hide_anonymous: p.hide_anonymous,
            max_fandoms: p.max_fandoms,
        }
    }
}

impl From<FilterInput> for FilterProfile {
    fn from(i: FilterInput) -> FilterProfile {
        FilterProfile {
            id: 0,
            name: i.name,
            is_default: i.default,
            exclude_tags: i.exclude_tags,
            exclude_creators: i.exclude_creators,
            hide_read: i.hide_read,
            hide_kudosed: i.hide_kudosed,
            hide_anonymous: i.hide_anonymous,
            max_fandoms: i.max_fandoms,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FilterList {
    /// The default first.
    pub filters: Vec<FilterOut>,
}

async fn one(state: &AppState, user: flourish_core::UserId, id: i64) -> AppResult<FilterOut> {
    let found = state.store.filter_profiles(user).await?.into_iter().find(|p| p.id == id).ok_or(AppError::NotFound)?;
    Ok(found.into())
}

/// The token owner's filter profiles.
#[utoipa::path(
    get,
    path = "/api/v1/me/filters",
    responses((status = 200, body = FilterList), (status = 401, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn list(State(state): State<AppState>, viewer: ApiViewer) -> AppResult<Json<FilterList>> {
    let user = viewer.member("Your filters")?;
    let filters = state.store.filter_profiles(user).await?.into_iter().map(FilterOut::from).collect();
    Ok(Json(FilterList { filters }))
}

/// A new filter profile.
#[utoipa::path(
    post,
    path = "/api/v1/me/filters",
    request_body = FilterInput,
    responses(
        (status = 201, body = FilterOut),
        (status = 401, body = ErrorOut),
        (status = 409, body = ErrorOut, description = "A profile of that name exists, or there are 20 already"),
        (status = 422, body = ErrorOut, description = "An unknown tag or account name, too many, or a bad number"),
    ),
    security(("token" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    ApiJson(input): ApiJson<FilterInput>,
) -> AppResult<(StatusCode, Json<FilterOut>)> {
    let id = state.store.save_filter_profile(account.id, None, &input.into()).await?;
    Ok((StatusCode::CREATED, Json(one(&state, account.id, id).await?)))
}

/// Rewrites one of the token owner's filter profiles.
#[utoipa::path(
    put,
    path = "/api/v1/me/filters/{id}",
    params(("id" = i64, Path)),
    request_body = FilterInput,
    responses(
        (status = 200, body = FilterOut),
        (status = 401, body = ErrorOut),
        (status = 404, body = ErrorOut),
        (status = 409, body = ErrorOut),
        (status = 422, body = ErrorOut),
    ),
    security(("token" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<FilterInput>,
) -> AppResult<Json<FilterOut>> {
    let id: i64 = path_id(&id)?;
    state.store.save_filter_profile(account.id, Some(id), &input.into()).await?;
    Ok(Json(one(&state, account.id, id).await?))
}

#[utoipa::path(
    delete,
    path = "/api/v1/me/filters/{id}",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorOut), (status = 404, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id: i64 = path_id(&id)?;
    state.store.delete_filter_profile(account.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

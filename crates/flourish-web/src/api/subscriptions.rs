//! The token owner's subscriptions. Only ever the owner's: there is no way to ask who
//! follows what.

use super::dto::ErrorOut;
use super::input::ApiJson;
use super::{ApiViewer, ApiWriter};
use crate::error::{AppError, AppResult, path_id};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use flourish_core::{NewSubscription, Subscription};
use flourish_store::{AccountStore, SubscriptionStore, TagStore};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Something to follow: exactly one of `work_id`, `series_id`, `creator` (a username),
/// `tag` (a tag's name) or `search` (a listing's query string, as `/api/v1/works` takes it,
/// with an optional `name`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionInput {
    pub work_id: Option<i64>,
    pub series_id: Option<i64>,
    pub creator: Option<String>,
    pub tag: Option<String>,
    pub search: Option<String>,
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SubscriptionOut {
    pub id: i64,
    /// work, series, creator, tag or search.
    pub kind: String,
    /// The work, series, account or tag followed; 0 for a search.
    pub target_id: i64,
    /// A search's query string.
    pub query: String,
    pub name: String,
    /// The page on this archive.
    pub url: String,
    pub created_at: String,
}

impl SubscriptionOut {
    fn new(state: &AppState, s: &Subscription) -> SubscriptionOut {
        SubscriptionOut {
            id: s.id,
            kind: s.kind.as_str().to_owned(),
            target_id: s.target_id,
            query: s.query.clone(),
            name: s.name.clone(),
            url: state.config.url(&s.url),
            created_at: super::dto::stamp(s.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SubscriptionList {
    /// Newest first.
    pub subscriptions: Vec<SubscriptionOut>,
}

/// The token owner's subscriptions.
#[utoipa::path(
    get,
    path = "/api/v1/me/subscriptions",
    responses((status = 200, body = SubscriptionList), (status = 401, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn list(State(state): State<AppState>, viewer: ApiViewer) -> AppResult<Json<SubscriptionList>> {
    let user = viewer.member("Your subscriptions")?;
    let subscriptions =
        state.store.subscriptions(user).await?.iter().map(|s| SubscriptionOut::new(&state, s)).collect();
    Ok(Json(SubscriptionList { subscriptions }))
}

fn invalid(field: &str, message: &str) -> AppError {
    let mut errors = flourish_core::ValidationErrors::default();
    errors.add(field, message);
    AppError::Invalid(errors)
}

/// Follows a work (new chapters), a series (new works and chapters), a creator (new works
/// and chapters), a tag or a search (new and updated works, checked every few minutes).
#[utoipa::path(
    post,
    path = "/api/v1/me/subscriptions",
    request_body = SubscriptionInput,
    responses(
        (status = 201, body = SubscriptionOut),
        (status = 401, body = ErrorOut),
        (status = 404, body = ErrorOut, description = "No such work (or not one you may see), series, account or tag"),
        (status = 409, body = ErrorOut, description = "Already subscribed"),
        (status = 422, body = ErrorOut, description = "Not exactly one thing to follow, a search the listing refuses, or too many"),
    ),
    security(("token" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    ApiJson(input): ApiJson<SubscriptionInput>,
) -> AppResult<(StatusCode, Json<SubscriptionOut>)> {
    let given = [
        input.work_id.is_some(),
        input.series_id.is_some(),
        input.creator.is_some(),
        input.tag.is_some(),
        input.search.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(invalid("work_id", "Give exactly one of work_id, series_id, creator, tag and search."));
    }
    let new = if let Some(id) = input.work_id {
        NewSubscription::Work(id)
    } else if let Some(id) = input.series_id {
        NewSubscription::Series(id)
    } else if let Some(name) = &input.creator {
        let user = state.store.user_by_name(name.trim()).await?.ok_or(AppError::NotFound)?;
        NewSubscription::Creator(user.id.0)
    } else if let Some(name) = &input.tag {
        let tag = state.store.tag_by_name(name.trim()).await?.ok_or(AppError::NotFound)?;
        NewSubscription::Tag(tag.id.0)
    } else {
        let query = crate::html::library::subscriptions::clean_query(input.search.as_deref().unwrap_or("")).map_err(
            |e| match e {
                AppError::BadRequest(message) => invalid("search", &message),
                other => other,
            },
        )?;
        NewSubscription::Search { query, name: input.name.clone().unwrap_or_default() }
    };
    let made = state.store.subscribe(account.id, &new).await?;
    Ok((StatusCode::CREATED, Json(SubscriptionOut::new(&state, &made))))
}

/// Stops following.
#[utoipa::path(
    delete,
    path = "/api/v1/me/subscriptions/{id}",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Unsubscribed"), (status = 401, body = ErrorOut), (status = 404, body = ErrorOut)),
    security(("token" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiWriter(account, _): ApiWriter,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id: i64 = path_id(&id)?;
    state.store.unsubscribe(account.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

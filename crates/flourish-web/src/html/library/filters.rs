//! Filter profiles on the account pages: each profile an editable form, and one more for a
//! new profile. A profile refused for its input comes back with what was typed.

use crate::auth::Writer;
use crate::error::{AppResult, path_id};
use crate::html::form::{FieldErrors, FormData, invalid};
use crate::html::render;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use flourish_core::FilterProfile;
use flourish_core::filter_profile::MAX_MUTED;
use flourish_store::{FilterStore, StoreError};
use serde::Serialize;

#[derive(Serialize)]
struct ProfileForm {
    action: String,
    delete_action: Option<String>,
    profile: FilterProfile,
    tags: String,
    creators: String,
    errors: FieldErrors,
}

impl ProfileForm {
    fn new(profile: FilterProfile, errors: FieldErrors) -> ProfileForm {
        let id = (profile.id > 0).then_some(profile.id);
        ProfileForm {
            action: id.map_or("/account/filters".to_owned(), |id| format!("/account/filters/{id}")),
            delete_action: id.map(|id| format!("/account/filters/{id}/delete")),
            tags: profile.exclude_tags.join(", "),
            creators: profile.exclude_creators.join(", "),
            profile,
            errors,
        }
    }
}

#[derive(Serialize)]
struct Ctx {
    forms: Vec<ProfileForm>,
    max_muted: usize,
    notice: Option<&'static str>,
}

fn from_form(form: &FormData) -> FilterProfile {
    let list =
        |name: &str| form.get(name).split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
    FilterProfile {
        id: 0,
        name: form.get("name").trim().to_owned(),
        is_default: form.get("is_default") == "1",
        exclude_tags: list("exclude_tags"),
        exclude_creators: list("exclude_creators"),
        hide_read: form.get("hide_read") == "1",
        hide_kudosed: form.get("hide_kudosed") == "1",
        hide_anonymous: form.get("hide_anonymous") == "1",
        max_fandoms: form.get("max_fandoms").trim().parse().ok(),
    }
}

async fn page(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    account: &flourish_core::Account,
    failed: Option<(FilterProfile, FieldErrors)>,
    notice: Option<&'static str>,
) -> AppResult<axum::response::Html<String>> {
    let mut forms: Vec<ProfileForm> = state
        .store
        .filter_profiles(account.id)
        .await?
        .into_iter()
        .map(|p| ProfileForm::new(p, FieldErrors::default()))
        .collect();
    let mut new = ProfileForm::new(FilterProfile { name: String::new(), ..Default::default() }, FieldErrors::default());
    if let Some((typed, errors)) = failed {
        match forms.iter_mut().find(|f| f.profile.id == typed.id && typed.id > 0) {
            Some(form) => *form = ProfileForm::new(typed, errors),
            None => new = ProfileForm::new(typed, errors),
        }
    }
    forms.push(new);
    let ctx = Ctx { forms, max_muted: MAX_MUTED, notice };
    render(state, visitor, "account/filters.html", "Filter profiles", ctx).await
}

/// `GET /account/filters`.
pub async fn show(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    uri: axum::http::Uri,
) -> AppResult<Response> {
    let notice = match crate::query_string::query_param(&uri, "notice").as_deref() {
        Some("saved") => Some("Your filter profile was saved."),
        Some("deleted") => Some("The filter profile was deleted."),
        _ => None,
    };
    Ok(page(&state, &visitor, &account, None, notice).await?.into_response())
}

async fn save(state: AppState, writer: Writer, id: Option<i64>, form: FormData) -> AppResult<Response> {
    let Writer(visitor, account) = writer;
    let mut typed = from_form(&form);
    match state.store.save_filter_profile(account.id, id, &typed).await {
        Ok(_) => Ok(Redirect::to("/account/filters?notice=saved").into_response()),
        Err(StoreError::Invalid(v)) => {
            typed.id = id.unwrap_or(0);
            let mut errors = FieldErrors::default();
            errors.extend(&v);
            Ok(invalid(page(&state, &visitor, &account, Some((typed, errors)), None).await?))
        }
        Err(StoreError::Conflict(message)) => {
            typed.id = id.unwrap_or(0);
            let mut errors = FieldErrors::default();
            errors.add("name", message);
            Ok(invalid(page(&state, &visitor, &account, Some((typed, errors)), None).await?))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /account/filters`: a new profile.
pub async fn create(State(state): State<AppState>, writer: Writer, form: FormData) -> AppResult<Response> {
    save(state, writer, None, form).await
}

/// `POST /account/filters/{id}`: one of the account's profiles rewritten.
pub async fn update(
    State(state): State<AppState>,
    writer: Writer,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let id: i64 = path_id(&id)?;
    save(state, writer, Some(id), form).await
}

/// `POST /account/filters/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    Writer(_, account): Writer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: i64 = path_id(&id)?;
    state.store.delete_filter_profile(account.id, id).await?;
    Ok(Redirect::to("/account/filters?notice=deleted").into_response())
}

/// `POST /account/filters/mute` with `tag` or `creator` (a name) and `return_to`: adds it
/// to the default profile, made ("My filters") if there is none, and goes back.
pub async fn mute(State(state): State<AppState>, Writer(_, account): Writer, form: FormData) -> AppResult<Response> {
    const NEW: &str = "My filters";
    let (tag, creator) = (form.get("tag").trim().to_owned(), form.get("creator").trim().to_owned());
    if tag.is_empty() && creator.is_empty() {
        let mut errors = flourish_core::ValidationErrors::default();
        errors.add("tag", "Say which tag or creator to mute.");
        return Err(crate::error::AppError::Invalid(errors));
    }
    let mut profiles = state.store.filter_profiles(account.id).await?;
    let chosen = profiles
        .iter()
        .position(|p| p.is_default)
        .or_else(|| profiles.iter().position(|p| p.name.eq_ignore_ascii_case(NEW)));
    let (id, mut profile) = match chosen {
        Some(i) => {
            let p = profiles.swap_remove(i);
            (Some(p.id), p)
        }
        None => (None, FilterProfile { name: NEW.into(), ..Default::default() }),
    };
    profile.is_default = true;
    let has = |list: &[String], name: &str| list.iter().any(|n| n.eq_ignore_ascii_case(name));
    if !tag.is_empty() && !has(&profile.exclude_tags, &tag) {
        profile.exclude_tags.push(tag);
    }
    if !creator.is_empty() && !has(&profile.exclude_creators, &creator) {
        profile.exclude_creators.push(creator);
    }
    state.store.save_filter_profile(account.id, id, &profile).await?;
    let back = crate::html::local_path(form.get("return_to")).unwrap_or_else(|| "/account/filters".to_owned());
    Ok(Redirect::to(&back).into_response())
}

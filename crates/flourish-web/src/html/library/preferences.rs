//! Reading preferences on the account pages: the work whole or by chapter, warnings and
//! additional tags folded, the text's size, spacing, face and colours, and the time zone.

use crate::auth::Writer;
use crate::error::AppResult;
use crate::html::form::{FieldErrors, FormData, invalid};
use crate::html::render;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use flourish_core::ReadingPreferences;
use flourish_store::{ReadingStore, StoreError};
use serde::Serialize;

#[derive(Serialize)]
struct Ctx {
    chosen: ReadingPreferences,
    font_sizes: [&'static str; 4],
    line_spacings: [&'static str; 3],
    fonts: [&'static str; 2],
    themes: [&'static str; 3],
    time_zones: Vec<String>,
    errors: FieldErrors,
    saved: bool,
}

fn ctx(chosen: ReadingPreferences, errors: FieldErrors, saved: bool) -> Ctx {
    Ctx {
        chosen,
        font_sizes: ReadingPreferences::FONT_SIZES,
        line_spacings: ReadingPreferences::LINE_SPACINGS,
        fonts: ReadingPreferences::FONTS,
        themes: ReadingPreferences::THEMES,
        time_zones: crate::views::time_zones(),
        errors,
        saved,
    }
}

/// `GET /account/preferences`.
pub async fn show(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    uri: axum::http::Uri,
) -> AppResult<Response> {
    let chosen = state.store.reading_preferences(account.id).await?;
    let saved = crate::query_string::query_param(&uri, "notice").as_deref() == Some("saved");
    Ok(render(
        &state,
        &visitor,
        "account/preferences.html",
        "Reading preferences",
        ctx(chosen, FieldErrors::default(), saved),
    )
    .await?
    .into_response())
}

/// `POST /account/preferences`.
pub async fn save(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    form: FormData,
) -> AppResult<Response> {
    let chosen = ReadingPreferences {
        whole_work: form.get("whole_work") == "1",
        hide_warnings: form.get("hide_warnings") == "1",
        hide_freeforms: form.get("hide_freeforms") == "1",
        font_size: form.get("font_size").to_owned(),
        line_spacing: form.get("line_spacing").to_owned(),
        font: form.get("font").to_owned(),
        theme: form.get("theme").to_owned(),
        // A form from before time zones (or a script) that leaves it out means UTC.
        time_zone: match form.get("time_zone").trim() {
            "" => "UTC".to_owned(),
            zone => zone.to_owned(),
        },
    };
    let result = if crate::views::known_time_zone(&chosen.time_zone) {
        state.store.set_reading_preferences(account.id, &chosen).await
    } else {
        let mut errors = flourish_core::ValidationErrors::default();
        errors.add("time_zone", "Choose a time zone from the list.");
        Err(StoreError::Invalid(errors))
    };
    match result {
        Ok(()) => Ok(Redirect::to("/account/preferences?notice=saved").into_response()),
        Err(StoreError::Invalid(v)) => {
            let mut errors = FieldErrors::default();
            errors.extend(&v);
            let page =
                render(&state, &visitor, "account/preferences.html", "Reading preferences", ctx(chosen, errors, false))
                    .await?;
            Ok(invalid(page))
        }
        Err(e) => Err(e.into()),
    }
}

//! Joining and signing in: sign-up in each of the archive's modes, email confirmation,
//! login and logout, password reset, the invitation request queue, the first admin's setup
//! link, and the account's own dashboard (pseuds, password, co-creator invitations,
//! deletion).
//!
//! This file holds the routes and what the pages share (messages, cookies, one-time
//! links); each page lives in its own file: `login.rs`, `signup.rs`, `password_reset.rs`,
//! `requests.rs`, `setup.rs` (the first admin) and `dashboard.rs`.

use super::form::{FieldErrors, FormData, invalid};
use super::{query_param, render};
use crate::auth::{self, Visitor, Writer, password, throttle, tokens};
use crate::error::{AppError, AppResult, path_id};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use flourish_core::{Account, SignupMode};
use flourish_store::{AccountStore, NewAccount, StoreError, TokenPurpose, WorkEditing};
use serde::Serialize;

mod dashboard;
mod login;
mod password_reset;
mod requests;
mod setup;
mod signup;
use dashboard::*;
use login::*;
pub use password_reset::send_reset;
use password_reset::*;
use requests::*;
pub use setup::setup_link;
use setup::*;
use signup::*;

/// Links in confirmation mail work for three days; reset links for an hour; setup links
/// for a day.
const CONFIRM_SECS: i64 = 3 * 24 * 3600;
const RESET_SECS: i64 = 3600;
pub const SETUP_SECS: i64 = 24 * 3600;

pub fn routes() -> Router<AppState> {
    // Pages reached by a one-time link carry its token in their address: they send no
    // Referer at all, not even to this archive's own stylesheet, so the token reaches no
    // log and no other site.
    let one_time_links = Router::new()
        .route("/confirm/{token}", get(confirm))
        .route("/password/reset/{token}", get(reset_form).post(reset))
        .route("/setup/{token}", get(setup_form).post(setup))
        .route_layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ));
    Router::new()
        .merge(one_time_links)
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/signup", get(signup_form).post(signup))
        .route("/password/forgot", get(forgot_form).post(forgot))
        .route("/invitations/request", get(request_form).post(request_invitation))
        .route("/account", get(dashboard))
        .route("/account/pseuds", post(add_pseud))
        .route("/account/pseuds/{id}/default", post(default_pseud))
        .route("/account/password", post(change_password))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route("/account/delete", post(delete_account))
        .route("/account/creator-invitations/{work}", post(answer_invitation))
}

/// A path on this archive to return to after logging in; anything else goes home.
fn local_path(path: &str) -> String {
    crate::html::local_path(path).unwrap_or_else(|| "/".to_owned())
}

fn with_cookies(mut response: Response, cookies: Vec<HeaderValue>) -> Response {
    for c in cookies {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

use super::message;

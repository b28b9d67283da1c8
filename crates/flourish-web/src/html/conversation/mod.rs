//! Readers answering writers, as pages: kudos ([`kudos`]), comment threads and their
//! moderation ([`comments`], with what the work page shows in [`views`]), the inbox and
//! notification preferences ([`inbox`]), blocking ([`blocks`]), reports and the
//! moderators' queue ([`reports`]) and one-click unsubscribe.
//! Every rule is the store's (`flourish_store::conversation`); these handlers only read
//! forms, call it and show the answer, so the pages and the API cannot disagree.

pub mod blocks;
pub mod comments;
pub mod inbox;
pub mod kudos;
pub mod reports;
pub mod views;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/works/{id}/kudos", post(kudos::give).get(kudos::list))
        .route("/works/{id}/comments", post(comments::create))
        .route("/works/{id}/comments/held", get(comments::held))
        .route("/works/{id}/comments/approve", post(comments::approve))
        .route("/comments/{id}", get(comments::thread))
        .route("/comments/{id}/edit", get(comments::edit_form).post(comments::edit))
        .route("/comments/{id}/delete", get(comments::delete_form).post(comments::delete))
        .route("/comments/{id}/freeze", post(comments::freeze))
        .route("/comments/{id}/unfreeze", post(comments::unfreeze))
        .route("/comments/{id}/hide", post(comments::hide))
        .route("/comments/{id}/unhide", post(comments::unhide))
        .route("/inbox", get(inbox::show).post(inbox::mark))
        .route("/account/notifications", get(inbox::prefs_form).post(inbox::save_prefs))
        .route("/unsubscribe/{token}", get(inbox::unsubscribe_form).post(inbox::unsubscribe))
        .route("/account/blocks", post(blocks::block))
        .route("/account/blocks/{user}/unblock", post(blocks::unblock))
        .route("/reports/new", get(reports::new_form))
        .route("/reports", post(reports::create))
        .route("/admin/reports", get(reports::queue))
        .route("/admin/reports/{id}", get(reports::show).post(reports::resolve))
}

pub(crate) use crate::html::local_path;

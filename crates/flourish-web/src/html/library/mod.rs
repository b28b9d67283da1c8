//! The reader's own archive in the pages (issue 16): bookmarks first.

pub mod bookmarks;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/works/{id}/bookmark", post(bookmarks::save_work))
        .route("/series/{id}/bookmark", post(bookmarks::save_series))
        .route("/bookmarks/new", get(bookmarks::new_external))
        .route("/bookmarks", post(bookmarks::create_external))
        .route("/works/{id}/bookmarks", get(bookmarks::of_work))
        .route("/bookmarks/{id}/delete", post(bookmarks::delete))
        .route("/users/{username}/bookmarks", get(bookmarks::of_user))
}

//! The reader's own archive in the pages (issue 16): bookmarks, reading history with Marked
//! for Later, filter profiles, preferences, subscriptions and the reader's data.

pub mod bookmarks;
pub mod filters;
pub mod my_data;
pub mod preferences;
pub mod readings;
pub mod statistics;
pub mod subscriptions;

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
        .route("/users/{username}/readings", get(readings::history))
        .route("/works/{id}/later", post(readings::mark_later))
        .route("/works/{id}/chapters/{chapter}/position", post(readings::position))
        .route("/readings/{work}/delete", post(readings::forget))
        .route("/readings/clear", post(readings::clear))
        .route("/readings/settings", post(readings::settings))
        .route("/account/filters", get(filters::show).post(filters::create))
        .route("/account/preferences", get(preferences::show).post(preferences::save))
        .route("/account/data", get(my_data::page))
        .route("/account/data.json", get(my_data::json))
        .route("/account/bookmarks.csv", get(my_data::bookmarks_csv))
        .route("/account/data/import", post(my_data::import))
        .route("/account/filters/mute", post(filters::mute))
        .route("/account/filters/{id}", post(filters::update))
        .route("/account/filters/{id}/delete", post(filters::delete))
        .route("/subscriptions", post(subscriptions::create))
        .route("/subscriptions/{id}/delete", post(subscriptions::delete))
        .route("/users/{username}/subscriptions", get(subscriptions::page))
        .route("/account/subscriptions/feed", post(subscriptions::renew_feed))
        .route("/account/subscriptions/digest", post(subscriptions::set_digest))
        .route("/subscriptions/feed/{secret}", get(subscriptions::feed))
        .route("/users/{username}/stats", get(statistics::page))
        .route("/users/{username}/stats.csv", get(statistics::csv))
}

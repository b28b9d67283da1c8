//! Flourish's web front: pages readers see, served by axum.
//!
//! Open [`router`] first: it lists the reading routes (works, listings, tags, feeds, OPDS,
//! downloads) and the layers around every route, and merges the route groups that each
//! module lists in its own `routes()`: accounts (`html::account`), posting
//! (`html::posting`), administration (`html::admin`) and the JSON API (`api`).
//!
//! Where things live: `html/` has one file (or folder) per kind of page; `api/` the JSON
//! API; [`feeds`] the Atom feeds and the OPDS catalog; [`downloads`] the EPUB, HTML, TXT
//! and Markdown files; [`listing`] the filtered listings pages and the API share;
//! [`state`] what every request shares; [`audit`] the audit log and the one step after a
//! work changes; [`error::AppError`] decides every status code; [`templates`] loads the
//! embedded templates (or an archive's own, from an override folder).

pub mod admission;
pub mod api;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod db_health;
pub mod downloads;
pub mod error;
pub mod feeds;
pub mod following;
pub mod hit_log;
pub mod html;
pub mod jobs;
pub mod listing;
pub mod mail;
pub mod middleware;
pub mod page_cache;
pub mod query_string;
pub mod rate_limit;
pub mod server;
pub mod settings;
pub mod state;
pub mod templates;
pub mod views;
pub mod visit_log;
pub mod visitors;

pub use state::{AppState, Inner, StateError, WebConfig};

use axum::Router;
use axum::http::HeaderValue;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Every route Flourish serves.
pub fn router(state: AppState) -> Router {
    let work_pages = Router::new()
        .route("/works/{id}", get(html::work::show))
        .route("/works/{id}/navigate", get(html::work::navigate))
        .route("/works/{id}/chapters/{chapter}", get(html::work::chapter));
    let work_pages = if state.config.page_cache_bytes > 0 {
        work_pages.route_layer(axum::middleware::from_fn_with_state(state.clone(), page_cache::serve_cached))
    } else {
        work_pages
    };
    // Outside the cache, so a page served from it is a hit too.
    let work_pages = if state.config.count_hits {
        work_pages.route_layer(axum::middleware::from_fn_with_state(state.clone(), hit_log::count))
    } else {
        work_pages
    };
    let pages = Router::new()
        .route("/", get(html::home::show))
        .route("/works", get(html::works::index))
        .route("/works/search", get(html::works::search))
        .route("/api/v1/tags/autocomplete", get(api::autocomplete::tags))
        .merge(work_pages)
        .route("/tags/{name}/works", get(html::tags::works))
        .route("/tags/{name}", get(html::tags::redirect_to_works))
        .route("/users/{username}", get(html::pseuds::user))
        .route("/users/{username}/pseuds/{pseud}", get(html::pseuds::show))
        .route("/series/{id}", get(html::series::show))
        .route("/downloads/{id}/{file}", get(downloads::download))
        .route("/tags/{name}/feed.atom", get(feeds::tag))
        .route("/users/{username}/pseuds/{pseud}/feed.atom", get(feeds::pseud))
        .route("/series/{id}/feed.atom", get(feeds::series))
        .route("/works/{id}/feed.atom", get(feeds::work))
        .route("/opds", get(feeds::opds::start))
        .route("/opds/recent", get(feeds::opds::recent))
        .route("/opds/fandoms", get(feeds::opds::fandoms))
        .route("/opds/tags/{name}", get(feeds::opds::tag))
        .route("/opds/search", get(feeds::opds::search))
        .route("/opds/search.xml", get(feeds::opds::opensearch))
        .fallback(html::not_found);
    let security = middleware::SECURITY_HEADERS
        .map(|(name, value)| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    let [csp, nosniff, referrer] = security;
    Router::new()
        .merge(pages)
        .merge(html::account::routes())
        .merge(html::posting::routes())
        .merge(html::admin::routes())
        .merge(html::conversation::routes())
        .merge(html::library::routes())
        .merge(api::routes())
        .layer(axum::middleware::from_fn_with_state(state.clone(), views::with_time_zone))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::visit))
        .route("/healthz", get(html::healthz))
        .route("/static/{*path}", get(assets::serve))
        .layer(axum::extract::DefaultBodyLimit::max(html::posting::MAX_UPLOAD_BYTES))
        .layer(axum::middleware::from_fn_with_state(state.clone(), rate_limit::limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), db_health::gate))
        .layer(axum::middleware::from_fn_with_state(state.clone(), admission::admit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::render_error_pages))
        .layer(
            // Outermost first: the request id exists before the span that logs it.
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(middleware::REQUEST_ID, middleware::NextRequestId::new()))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(middleware::request_span)
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(middleware::REQUEST_ID))
                .layer(csp)
                .layer(nosniff)
                .layer(referrer),
        )
        .with_state(state)
}

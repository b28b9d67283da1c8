//! Reading one value from a URL's query string.

use axum::http::Uri;

/// The first value of query parameter `name`, if any. Reading the query by hand (rather
/// than with `Query<T>`) means odd query strings — repeated keys, unknown keys — never turn
/// into errors on pages that only need one value.
pub fn query_param(uri: &Uri, name: &str) -> Option<String> {
    let query = uri.query()?;
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

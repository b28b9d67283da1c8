//! Static files (the stylesheet, the favicon), embedded in the binary.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

#[derive(rust_embed::Embed)]
#[folder = "static/"]
struct Static;

pub async fn serve(Path(path): Path<String>) -> Result<Response, AppError> {
    let file = Static::get(&path).ok_or(AppError::NotFound)?;
    let mime = match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("js") => "text/javascript; charset=utf-8",
        _ => "application/octet-stream",
    };
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()[..8]));
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
            (header::ETAG, HeaderValue::from_str(&etag).expect("hex is a valid header")),
        ],
        file.data,
    )
        .into_response())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

//! The site's static assets (`/pkg/…`: the wasm bundle, its JavaScript and the
//! stylesheet). The release build writes Brotli and gzip copies beside each file
//! (`cargo leptos build --release --precompress`), sent by the request's
//! `Accept-Encoding`. The files keep their names from one build to the next, so browsers
//! must ask again each time (`no-cache`) and are answered `304 Not Modified` from
//! `Last-Modified` when they already have them: a long-lived `immutable` would keep an old
//! bundle hydrating a new server's pages after an upgrade.

use std::path::Path;

use axum::http::{header, HeaderValue};
use tower::Layer;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// Serves the files under `dir`, compressed where the build compressed them.
pub fn service(dir: &Path) -> tower_http::set_header::SetResponseHeader<ServeDir, HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    )
    .layer(ServeDir::new(dir).precompressed_br().precompressed_gzip())
}

//! The site's static assets (`/pkg/…`: the wasm bundle, its JavaScript and the
//! stylesheet). The release build writes Brotli and gzip copies beside each file
//! (`cargo leptos build --release --precompress`), sent by the request's
//! `Accept-Encoding`. The files keep their names from one build to the next, so browsers
//! must ask again each time (`no-cache`) and are answered `304 Not Modified` from
//! `Last-Modified` when they already have them: a long-lived `immutable` would keep an old
//! bundle hydrating a new server's pages after an upgrade.

use std::path::Path;

use axum::{
    http::{header, HeaderValue},
    Router,
};
use tower::ServiceBuilder;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// Serves the files under `dir` at `/<prefix>/…`, compressed where the build compressed
/// them. Outside the pages' session and CSRF layers: an asset needs no session, and
/// answering one must not touch the session store or set a cookie that a shared cache
/// could keep with the file.
pub fn router(prefix: &str, dir: &Path) -> Router {
    let files = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        // The bytes differ by Accept-Encoding: a cache must keep one copy per encoding.
        .layer(SetResponseHeaderLayer::appending(
            header::VARY,
            HeaderValue::from_static("accept-encoding"),
        ))
        .service(ServeDir::new(dir).precompressed_br().precompressed_gzip());
    Router::new().nest_service(&format!("/{prefix}"), files)
}

//! Response headers that harden every page: no MIME sniffing, no framing (clickjacking),
//! no plugins or `<base>` rewriting, and no full URLs leaked to other sites.
//!
//! The CSP leaves scripts alone: Leptos hydrates with an inline module script, and a nonce
//! for it is future work; what it does restrict needs no cooperation from the pages.

use axum::{
    extract::Request,
    http::{header, HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};

const HEADERS: [(HeaderName, &str); 4] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "same-origin"),
    (
        header::CONTENT_SECURITY_POLICY,
        "frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
    ),
];

/// axum middleware: sets each of [`HEADERS`] unless the response already has it.
pub async fn set(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    for (name, value) in HEADERS {
        response
            .headers_mut()
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}

//! Refuses cross-site state-changing requests to the browser-facing routes.
//!
//! Leptos server functions do no CSRF checking of their own, and a session cookie rides
//! along on cross-site form posts. Every request that is not GET/HEAD/OPTIONS must prove it
//! comes from our own pages: by Fetch Metadata (`Sec-Fetch-Site: same-origin`, or `none` for
//! a user-typed navigation) or, from browsers without it, an `Origin` equal to ours.
//! A request with neither header is refused too: every current browser sends one of them on
//! a POST, so only non-browser clients lack both, and those have no business posting forms.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{header::ORIGIN, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The origin (`scheme://host:port`) our pages are served from.
#[derive(Clone)]
pub struct TrustedOrigin(pub Arc<str>);

/// axum middleware: see the module docs.
pub async fn refuse_cross_site(
    State(origin): State<TrustedOrigin>,
    request: Request,
    next: Next,
) -> Response {
    if is_safe_method(request.method()) || is_same_site(&request, &origin.0) {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
    (StatusCode::FORBIDDEN, "Cross-site request refused").into_response()
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_same_site(request: &Request, origin: &str) -> bool {
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    match (header("sec-fetch-site"), header(ORIGIN.as_str())) {
        (Some(site), _) => site == "same-origin" || site == "none",
        (None, Some(sent)) => sent == origin,
        (None, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().method(Method::POST).uri("/api/x");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    const ORIGIN_: &str = "http://127.0.0.1:3000";

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(is_same_site(
            &post(&[("sec-fetch-site", "same-origin")]),
            ORIGIN_
        ));
        assert!(is_same_site(&post(&[("sec-fetch-site", "none")]), ORIGIN_));
        assert!(!is_same_site(
            &post(&[("sec-fetch-site", "cross-site"), ("origin", ORIGIN_)]),
            ORIGIN_
        ));
        assert!(!is_same_site(
            &post(&[("sec-fetch-site", "same-site")]),
            ORIGIN_
        ));
    }

    #[test]
    fn origin_must_match_exactly_without_fetch_metadata() {
        assert!(is_same_site(&post(&[("origin", ORIGIN_)]), ORIGIN_));
        assert!(!is_same_site(
            &post(&[("origin", "http://127.0.0.1:3001")]),
            ORIGIN_
        ));
        assert!(!is_same_site(&post(&[("origin", "null")]), ORIGIN_));
        assert!(!is_same_site(&post(&[]), ORIGIN_));
    }
}

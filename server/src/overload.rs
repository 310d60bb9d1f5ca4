//! A cap on the requests one process handles at once: past it, a request is answered 503
//! with `Retry-After` at once instead of queueing without end (a flood then costs the
//! flooder, not the memory of the server) — as SES's `ServiceUnavailable` for the API, so
//! SDKs back off and retry. Health probes are let through, so a busy node is not mistaken
//! for a dead one.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tokio::sync::Semaphore;

/// The places for requests in progress.
#[derive(Clone)]
pub struct Slots(Arc<Semaphore>);

impl Slots {
    pub fn new(max: usize) -> Self {
        Self(Arc::new(Semaphore::new(
            max.clamp(1, Semaphore::MAX_PERMITS),
        )))
    }
}

/// The middleware: holds a slot for the whole request, or answers 503.
pub async fn admit(State(slots): State<Slots>, request: Request, next: Next) -> Response {
    if matches!(request.uri().path(), "/health/live" | "/health/ready") {
        return next.run(request).await;
    }
    match Arc::clone(&slots.0).try_acquire_owned() {
        Ok(_slot) => next.run(request).await,
        Err(_) => {
            let mut response = crate::ses::unavailable(&request, BUSY)
                .unwrap_or_else(|| (StatusCode::SERVICE_UNAVAILABLE, BUSY).into_response());
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
    }
}

const BUSY: &str =
    "Sesame is handling as many requests as it takes at once; try again in a moment.";

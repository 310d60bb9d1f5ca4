//! Reading a request's body within bounds, before anything is done with it: a body larger
//! than its limit is refused by its `Content-Length` before a byte is read (and again while
//! streaming, for chunked bodies), every body in flight — the API's, the pages' and the
//! server functions' — is counted against one budget for the whole process (503 when it is
//! spent, rather than buffering without end), and a body that trickles in slower than the
//! read timeout is dropped. The API answers refusals in SES's words (`ses::error`); pages
//! and server functions get them from `buffer_page_body`.

use std::{sync::Arc, time::Duration};

use axum::{
    body::{to_bytes, Body, Bytes, HttpBody},
    extract::{Request, State},
    http::{header, request::Parts, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The most a page's form or a server function's arguments may be: a template's three
/// parts at SES's 500 KB each, form-encoded, fit with room to spare.
pub const MAX_PAGE_BODY: usize = 4 * 1024 * 1024;

/// Why a body was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Larger than `max` bytes, by its declared length or as it streamed.
    TooLarge { max: usize },
    /// The budget for bodies in flight is spent.
    Busy,
    /// It did not arrive within the read timeout.
    Timeout,
}

impl Refusal {
    pub fn status(self) -> StatusCode {
        match self {
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Timeout => StatusCode::REQUEST_TIMEOUT,
        }
    }
}

/// The budget is kept in KiB, so that a permit count (u32) spans any sensible budget.
const UNIT: usize = 1024;

/// The bytes all API request bodies in flight may hold together, and how long one may take.
#[derive(Clone)]
pub struct BodyBudget {
    in_flight: Arc<Semaphore>,
    in_flight_units: usize,
    read_timeout: Duration,
}

impl BodyBudget {
    pub fn new(max_in_flight_bytes: usize, read_timeout: Duration) -> Self {
        let units = (max_in_flight_bytes / UNIT).clamp(1, Semaphore::MAX_PERMITS);
        Self {
            in_flight: Arc::new(Semaphore::new(units)),
            in_flight_units: units,
            read_timeout,
        }
    }

    /// Reads the body of a request whose head is `parts`, at most `max` bytes. The permit
    /// holds the body's share of the budget; keep it while the body is in use.
    pub async fn read(
        &self,
        parts: &Parts,
        body: Body,
        max: usize,
    ) -> Result<(Bytes, OwnedSemaphorePermit), Refusal> {
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|length| length > max) {
            return Err(Refusal::TooLarge { max });
        }
        // Without a length: what the body says of itself (nothing for a GET), else — a
        // chunked upload — the largest it may be; never more than the whole budget.
        let length = declared
            .or_else(|| usize::try_from(body.size_hint().exact()?).ok())
            .unwrap_or(max);
        let share = length.div_ceil(UNIT).clamp(1, self.in_flight_units);
        let permit = u32::try_from(share)
            .ok()
            .and_then(|units| {
                Arc::clone(&self.in_flight)
                    .try_acquire_many_owned(units)
                    .ok()
            })
            .ok_or(Refusal::Busy)?;
        let bytes = tokio::time::timeout(self.read_timeout, to_bytes(body, max))
            .await
            .map_err(|_| Refusal::Timeout)?
            .map_err(|_| Refusal::TooLarge { max })?;
        Ok((bytes, permit))
    }
}

/// Middleware for pages and server functions: reads a request's body within the budget
/// and `MAX_PAGE_BODY` before the handler sees it, so no handler reads without bounds.
pub async fn buffer_page_body(
    State(budget): State<BodyBudget>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match budget.read(&parts, body, MAX_PAGE_BODY).await {
        Ok((bytes, _in_flight)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(refusal) => (refusal.status(), refusal.to_string()).into_response(),
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooLarge { max } => write!(
                f,
                "The request body is larger than {max} bytes, the most this action accepts."
            ),
            Self::Busy => {
                f.write_str("The service is busy receiving other requests. Try again shortly.")
            }
            Self::Timeout => f.write_str("The request body did not arrive in time."),
        }
    }
}

//! Reading an API request's body within bounds, before anything is done with it: a body
//! larger than the action's limit is refused by its `Content-Length` before a byte is read
//! (and again while streaming, for chunked bodies), every body in flight is counted against
//! one budget for the whole process (503 when it is spent, rather than buffering without
//! end), and a body that trickles in slower than the read timeout is dropped.

use std::{sync::Arc, time::Duration};

use axum::{
    body::{to_bytes, Body, Bytes, HttpBody},
    http::{header, request::Parts, StatusCode},
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::SesError;

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
    ) -> Result<(Bytes, OwnedSemaphorePermit), SesError> {
        let too_large = || {
            SesError::new(
                "RequestEntityTooLarge",
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "The request body is larger than {max} bytes, the most this action accepts."
                ),
            )
        };
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|length| length > max) {
            return Err(too_large());
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
            .ok_or_else(|| {
                SesError::new(
                    "ServiceUnavailable",
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The service is busy receiving other requests. Try again shortly.",
                )
            })?;
        let bytes = tokio::time::timeout(self.read_timeout, to_bytes(body, max))
            .await
            .map_err(|_| {
                SesError::new(
                    "RequestTimeout",
                    StatusCode::REQUEST_TIMEOUT,
                    "The request body did not arrive in time.",
                )
            })?
            .map_err(|_| too_large())?;
        Ok((bytes, permit))
    }
}

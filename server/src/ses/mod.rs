//! The SES-compatible HTTP API: AWS Signature Version 4 authentication, the v1 Query API
//! (`POST /`) and the v2 JSON API (`/v2/email/…`), answering as SES does so existing SDKs
//! and the AWS CLI work unchanged apart from the endpoint URL.

mod auth;
mod error;
mod identity_ref;
mod outgoing;
mod v1;
mod v2;
mod xml;

use app::server::AppContext;
use axum::{
    extract::Request,
    http::{Method, StatusCode},
    response::Response,
    routing::{any, post},
    Router,
};

use crate::bodies::BodyBudget;

/// What the API handlers share.
#[derive(Clone)]
pub struct SesApi {
    pub context: AppContext,
    /// How far a request's signing time may be from the server's clock.
    pub clock_skew_secs: i64,
    /// The bodies in flight, and how long one may take to arrive.
    pub bodies: BodyBudget,
}

/// SES v1 takes raw messages up to 10 MB, base64-encoded in a form body: about 13.4 MB.
const MAX_V1_BODY: usize = 14 * 1024 * 1024;

const V1_PATH: &str = "/";
const V2_PREFIX: &str = "/v2/email/";

/// The API's routes. They carry no session and no CSRF guard: every request is signed.
pub fn router(api: SesApi) -> Router {
    Router::new()
        .route(V1_PATH, post(v1::handle))
        .route(&format!("{V2_PREFIX}{{*operation}}"), any(v2::handle))
        .with_state(api)
}

/// A 503 `ServiceUnavailable` for a request turned away before it is read, in the shape
/// its API answers errors — so SDKs see an error they retry rather than one they cannot
/// parse; None when the request is not the API's.
pub fn unavailable(request: &Request, message: &str) -> Option<Response> {
    let error = error::SesError::new(
        "ServiceUnavailable",
        StatusCode::SERVICE_UNAVAILABLE,
        message,
    );
    let request_id = uuid::Uuid::new_v4().to_string();
    let path = request.uri().path();
    if path.starts_with(V2_PREFIX) {
        Some(v2::error_response(&error, request_id))
    } else if path == V1_PATH && request.method() == Method::POST {
        Some(v1::error_response(&error, &request_id))
    } else {
        None
    }
}

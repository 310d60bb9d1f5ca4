//! What both API versions do to send: the request's facts for policies, the shared send
//! path, and SES's error codes for its refusals.

use std::net::SocketAddr;

use app::sending::{
    accept::{accept, Accepted, Idempotency, Outgoing, RequestFacts, Sender},
    SendError,
};
use axum::{extract::ConnectInfo, http::request::Parts};

use super::{auth::ApiCaller, error::SesError, SesApi};

/// What the request itself tells policies: region, API version, source IP, TLS, user agent
/// (and its idempotency key, checked by `idempotency`).
pub fn request_facts(
    api: &SesApi,
    caller: &ApiCaller,
    parts: &Parts,
    idempotency: Option<Idempotency>,
    api_version: &'static str,
) -> RequestFacts {
    RequestFacts {
        region: caller.region().to_owned(),
        api_version,
        source_ip: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip()),
        secure_transport: api.context.settings.public_origin.starts_with("https://"),
        user_agent: header(parts, "user-agent"),
        idempotency,
    }
}

fn header(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The request's `Idempotency-Key` header, checked before anything else happens, bound to
/// the hash of the request's body (a retry sends the same body; another request does not).
pub fn idempotency(parts: &Parts, body: &[u8]) -> Result<Option<Idempotency>, SesError> {
    match header(parts, "idempotency-key") {
        Some(key) if key.is_empty() || key.len() > 255 => Err(SesError::invalid_parameter(
            "The Idempotency-Key header must have 1 to 255 characters.",
        )),
        Some(key) => Ok(Some(Idempotency {
            key,
            request_hash: sesame_wire::sigv4::payload_hash(body),
        })),
        None => Ok(None),
    }
}

/// Headers telling a sender where it stands (beyond SES): the daily quota, what is left of
/// it, and the per-second rate.
fn quota_headers(accepted: &Accepted) -> Vec<(&'static str, String)> {
    let mut headers = vec![("x-sendrate-limit", format!("{}", accepted.max_send_rate))];
    // An unlimited daily quota has nothing to count down.
    if let Some(remaining) = accepted.remaining_24_hour_send {
        headers.extend([
            (
                "x-ratelimit-limit",
                format!("{}", accepted.max_24_hour_send),
            ),
            ("x-ratelimit-remaining", format!("{remaining}")),
            ("x-ratelimit-window", "86400".to_owned()),
        ]);
    }
    headers
}

/// Accepts the message for `caller`: its MessageId, and the quota headers to answer with.
pub async fn send(
    api: &SesApi,
    caller: &ApiCaller,
    outgoing: Outgoing,
) -> Result<(String, Vec<(&'static str, String)>), SesError> {
    let accepted = accept(&api.context, &Sender::from(&**caller), outgoing)
        .await
        .map_err(send_error)?;
    let headers = quota_headers(&accepted);
    Ok((accepted.message_id, headers))
}

/// SES's codes for refused sends.
fn send_error(error: SendError) -> SesError {
    let message = error.message();
    match error {
        SendError::AccessDenied { .. } => SesError::access_denied(message),
        SendError::NotVerified { .. } | SendError::Rejected(_) => {
            SesError::sender("MessageRejected", message)
        }
        SendError::InvalidParameter(_) => SesError::invalid_parameter(message),
        SendError::ConfigurationSetDoesNotExist(_) => {
            SesError::sender("ConfigurationSetDoesNotExist", message)
        }
        SendError::Throttled(_) => SesError::sender("Throttling", message),
        SendError::Busy => SesError::new(
            "ServiceUnavailable",
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            message,
        ),
        SendError::Internal(e) => e.into(),
    }
}

/// An optional ARN parameter (empty counts as absent).
pub fn arn(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(str::to_owned)
}

/// Adds `headers` to a response (names are static and valid; values are numbers).
pub fn add_headers(response: &mut axum::response::Response, headers: Vec<(&'static str, String)>) {
    for (name, value) in headers {
        if let Ok(value) = axum::http::HeaderValue::from_str(&value) {
            response
                .headers_mut()
                .insert(axum::http::HeaderName::from_static(name), value);
        }
    }
}

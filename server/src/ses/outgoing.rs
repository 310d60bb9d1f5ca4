//! What both API versions do to send: the request's facts for policies, the shared send
//! path, and SES's error codes for its refusals.

use std::net::SocketAddr;

use app::sending::{
    accept::{accept, Outgoing, RequestFacts, Sender},
    SendError,
};
use axum::{extract::ConnectInfo, http::request::Parts};

use super::{auth::ApiCaller, error::SesError, SesApi};

/// What the request itself tells policies: region, API version, source IP, TLS, user agent.
pub fn request_facts(
    api: &SesApi,
    caller: &ApiCaller,
    parts: &Parts,
    api_version: &'static str,
) -> RequestFacts {
    RequestFacts {
        region: caller.region.clone(),
        api_version,
        source_ip: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip()),
        secure_transport: api.context.public_origin.starts_with("https://"),
        user_agent: parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

/// Accepts the message for `caller`; its MessageId.
pub async fn send(
    api: &SesApi,
    caller: &ApiCaller,
    outgoing: Outgoing,
) -> Result<String, SesError> {
    let sender = Sender {
        account: caller.account.clone(),
        user_arn: caller.user_arn(),
    };
    accept(&api.context, &sender, outgoing)
        .await
        .map_err(send_error)
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
        SendError::Throttled(_) => SesError::sender("Throttling", message),
        SendError::Internal(e) => e.into(),
    }
}

/// An optional ARN parameter (empty counts as absent).
pub fn arn(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(str::to_owned)
}

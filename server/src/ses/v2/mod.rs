//! The v2 JSON API (`/v2/email/…`): sending, the account, the suppression list, and
//! identities with their policies — v2's error names in `x-amzn-ErrorType`, JSON bodies both ways.

mod account;
mod configuration_sets;
mod identities;
mod send;
mod suppression;

use app::sending::accept::Idempotency;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, request::Parts, Method, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{json, Value};

use super::{
    auth::{identify, ApiCaller},
    error::SesError,
    outgoing, SesApi,
};

/// SES v2 takes messages up to 40 MB, base64-encoded in JSON: about 54 MB.
const MAX_BODY: usize = 54 * 1024 * 1024;

/// What every operation gets.
pub struct Call<'a> {
    pub api: &'a SesApi,
    pub caller: ApiCaller,
    pub parts: Parts,
    /// The JSON body (`{}` when the request had none).
    pub body: Value,
    /// Its `Idempotency-Key`, bound to its body.
    pub idempotency: Option<Idempotency>,
}

pub async fn handle(State(api): State<SesApi>, request: Request<Body>) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let request_id_header = header::HeaderName::from_static("x-amzn-requestid");
    match answer(&api, request).await {
        Ok((body, headers)) => {
            let mut response = (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, "application/json".to_owned()),
                    (request_id_header, request_id),
                ],
                body.to_string(),
            )
                .into_response();
            outgoing::add_headers(&mut response, headers);
            response
        }
        Err(error) => {
            if error.status.is_server_error() {
                tracing::error!(code = %error.code, message = %error.message, "SES API error");
            }
            error_response(&error, request_id)
        }
    }
}

/// `error` as the v2 API's JSON, its type in `x-amzn-ErrorType`.
pub fn error_response(error: &SesError, request_id: String) -> Response {
    let (code, status) = v2_code(error);
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::HeaderName::from_static("x-amzn-requestid"),
                request_id,
            ),
            (
                header::HeaderName::from_static("x-amzn-errortype"),
                code.to_owned(),
            ),
        ],
        json!({ "message": error.message }).to_string(),
    )
        .into_response()
}

/// v2 names the common errors differently from v1.
fn v2_code(error: &SesError) -> (&str, StatusCode) {
    match error.code.as_str() {
        "InvalidParameterValue" | "ValidationError" | "InvalidPolicy" => {
            ("BadRequestException", StatusCode::BAD_REQUEST)
        }
        "Throttling" => ("TooManyRequestsException", StatusCode::TOO_MANY_REQUESTS),
        "AccessDenied" => ("AccessDeniedException", StatusCode::FORBIDDEN),
        "ConfigurationSetDoesNotExist" => ("NotFoundException", StatusCode::NOT_FOUND),
        code => (code, error.status),
    }
}

/// A v2 error with its own name and status.
pub fn error(code: &str, status: StatusCode, message: impl Into<String>) -> SesError {
    SesError::new(code, status, message)
}

async fn answer(
    api: &SesApi,
    request: Request<Body>,
) -> Result<(Value, Vec<(&'static str, String)>), SesError> {
    let (parts, body) = request.into_parts();
    let credential = identify(&api.context, &parts).await?;
    let (body, _in_flight) = api.bodies.read(&parts, body, MAX_BODY).await?;
    let caller = credential
        .verify(&api.context, &parts, &body, api.clock_skew_secs)
        .await?;
    let idempotency = outgoing::idempotency(&parts, &body)?;
    let body = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            SesError::invalid_parameter(format!("The request body is not valid JSON: {e}"))
        })?
    };
    // Path segments arrive percent-encoded (`a%40example.com`).
    let segments: Vec<String> = parts
        .uri
        .path()
        .trim_start_matches("/v2/email/")
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let method = parts.method.clone();
    let call = Call {
        api,
        caller,
        parts,
        body,
        idempotency,
    };
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    if segments == ["outbound-emails"] && method == Method::POST {
        let sent = send::send_email(&call).await;
        call.caller.record_use(&api.context).await;
        return sent;
    }
    let answer = match (&method, segments.as_slice()) {
        (&Method::GET, ["account"]) => account::get_account(&call).await,
        (&Method::POST, ["configuration-sets"]) => configuration_sets::create(&call).await,
        // Current SDKs list with POST list-configuration-sets; older ones with GET.
        (&Method::POST, ["list-configuration-sets"]) | (&Method::GET, ["configuration-sets"]) => {
            configuration_sets::list(&call).await
        }
        (&Method::GET, ["configuration-sets", name]) => configuration_sets::get(&call, name).await,
        (&Method::DELETE, ["configuration-sets", name]) => {
            configuration_sets::delete(&call, name).await
        }
        (&Method::PUT, ["suppression", "addresses"]) => suppression::put(&call).await,
        (&Method::GET, ["suppression", "addresses"]) => suppression::list(&call).await,
        (&Method::GET, ["suppression", "addresses", address]) => {
            suppression::get(&call, address).await
        }
        (&Method::DELETE, ["suppression", "addresses", address]) => {
            suppression::delete(&call, address).await
        }
        (&Method::POST, ["identities"]) => identities::create(&call).await,
        // Current SDKs list with POST list-identities; older ones with GET identities.
        (&Method::POST, ["list-identities"]) | (&Method::GET, ["identities"]) => {
            identities::list(&call).await
        }
        (&Method::GET, ["identities", identity]) => identities::get(&call, identity).await,
        (&Method::DELETE, ["identities", identity]) => identities::delete(&call, identity).await,
        (&Method::PUT, ["identities", identity, "feedback"]) => {
            identities::put_feedback(&call, identity).await
        }
        (&Method::GET, ["identities", identity, "policies"]) => {
            identities::policies(&call, identity).await
        }
        (
            &Method::POST | &Method::PUT | &Method::DELETE,
            ["identities", identity, "policies", name],
        ) => identities::change_policy(&call, identity, name).await,
        _ => Err(error(
            "NotFoundException",
            StatusCode::NOT_FOUND,
            format!(
                "{method} {} is not an operation Sesame offers.",
                call.parts.uri.path()
            ),
        )),
    };
    call.caller.record_use(&api.context).await;
    answer.map(|body| (body, Vec::new()))
}

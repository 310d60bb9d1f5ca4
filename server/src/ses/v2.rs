//! The v2 JSON API (`/v2/email/…`): sending (`POST outbound-emails`, Simple and Raw
//! content) and the account (`GET account`), with v2's error names in `x-amzn-ErrorType`.

use app::{
    accounts::db as accounts,
    auth::Permission,
    sending::{
        accept::Outgoing,
        compose::{compose, parse_mailbox, SimpleMessage},
        raw::{parse_raw, Mailbox},
    },
};
use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    http::{header, request::Parts, Method, StatusCode},
    response::{IntoResponse, Response},
};
use base64::{engine::general_purpose::STANDARD, Engine};
use serde_json::{json, Value};

use super::{
    auth::{identify, ApiCaller},
    error::SesError,
    outgoing::{self, arn, request_facts},
    SesApi,
};

/// SES v2 takes messages up to 40 MB, base64-encoded in JSON: about 54 MB.
const MAX_BODY: usize = 54 * 1024 * 1024;
const MAX_MESSAGE_BYTES: usize = 40 * 1024 * 1024;

pub async fn handle(State(api): State<SesApi>, request: Request<Body>) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let request_id_header = header::HeaderName::from_static("x-amzn-requestid");
    match answer(&api, request).await {
        Ok(body) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json".to_owned()),
                (request_id_header, request_id),
            ],
            body.to_string(),
        )
            .into_response(),
        Err(error) => {
            let (code, status) = v2_code(&error);
            (
                status,
                [
                    (header::CONTENT_TYPE, "application/json".to_owned()),
                    (request_id_header, request_id),
                    (
                        header::HeaderName::from_static("x-amzn-errortype"),
                        code.to_owned(),
                    ),
                ],
                json!({ "message": error.message }).to_string(),
            )
                .into_response()
        }
    }
}

/// v2 names the common errors differently from v1.
fn v2_code(error: &SesError) -> (&str, StatusCode) {
    match error.code.as_str() {
        "InvalidParameterValue" | "ValidationError" | "InvalidPolicy" => {
            ("BadRequestException", StatusCode::BAD_REQUEST)
        }
        "Throttling" => ("TooManyRequestsException", StatusCode::TOO_MANY_REQUESTS),
        "AccessDenied" => ("AccessDeniedException", StatusCode::FORBIDDEN),
        code => (code, error.status),
    }
}

async fn answer(api: &SesApi, request: Request<Body>) -> Result<Value, SesError> {
    let (parts, body) = request.into_parts();
    let credential = identify(&api.context, &parts).await?;
    let body = to_bytes(body, MAX_BODY).await.map_err(|_| {
        SesError::invalid_parameter("The request body is larger than SES accepts (40 MB messages).")
    })?;
    let caller = credential
        .verify(&api.context, &parts, &body, api.clock_skew_secs)
        .await?;
    let path = parts.uri.path().trim_start_matches("/v2/email/");
    match (&parts.method, path) {
        (&Method::POST, "outbound-emails") => send_email(api, &caller, &parts, &body).await,
        (&Method::GET, "account") => get_account(api, &caller).await,
        (method, path) => Err(SesError::new(
            "NotFoundException",
            StatusCode::NOT_FOUND,
            format!("{method} /v2/email/{path} is not an operation Sesame offers."),
        )),
    }
}

/// `GetAccount`: the region's quota and sandbox state.
async fn get_account(api: &SesApi, caller: &ApiCaller) -> Result<Value, SesError> {
    caller.require(Permission::ViewAccount, "GetAccount")?;
    let limits = accounts::list_region_limits(&api.context.pool, &caller.account)
        .await?
        .into_iter()
        .find(|l| l.region == caller.region)
        .ok_or_else(|| {
            SesError::invalid_parameter(format!(
                "Your account does not send in region {}.",
                caller.region
            ))
        })?;
    Ok(json!({
        "DedicatedIpAutoWarmupEnabled": false,
        "EnforcementStatus": "HEALTHY",
        "ProductionAccessEnabled": !limits.sandbox,
        "SendingEnabled": true,
        "SendQuota": {
            "Max24HourSend": limits.max_24_hour_send,
            "MaxSendRate": limits.max_send_rate,
            "SentLast24Hours": limits.sent_last_24_hours as f64,
        },
    }))
}

/// `SendEmail`: Simple content is composed here; Raw content is used as sent (its
/// `X-SES-*` headers read and removed). `FromEmailAddressIdentityArn` authorizes From (and
/// the feedback address, unless it has its own ARN).
async fn send_email(
    api: &SesApi,
    caller: &ApiCaller,
    parts: &Parts,
    body: &[u8],
) -> Result<Value, SesError> {
    let request: Value = serde_json::from_slice(body).map_err(|e| {
        SesError::invalid_parameter(format!("The request body is not valid JSON: {e}"))
    })?;
    let text = |pointer: &str| request.pointer(pointer).and_then(Value::as_str);
    let addresses = |pointer: &str| -> Result<Vec<Mailbox>, SesError> {
        request
            .pointer(pointer)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(mailbox)
                    .collect()
            })
            .unwrap_or_else(|| Ok(Vec::new()))
    };
    let to = addresses("/Destination/ToAddresses")?;
    let cc = addresses("/Destination/CcAddresses")?;
    let bcc = addresses("/Destination/BccAddresses")?;
    let listed: Vec<String> = to
        .iter()
        .chain(&cc)
        .chain(&bcc)
        .map(|m| m.address.clone())
        .collect();
    let return_path = text("/FeedbackForwardingEmailAddress")
        .filter(|r| !r.is_empty())
        .map(|r| mailbox(r).map(|m| m.address))
        .transpose()?;
    let from_arn = arn(text("/FromEmailAddressIdentityArn"));
    let return_path_arn = arn(text("/FeedbackForwardingEmailAddressIdentityArn"));
    let outgoing = if let Some(raw) = text("/Content/Raw/Data") {
        caller.require(Permission::Send, "SendRawEmail")?;
        let data = STANDARD
            .decode(raw)
            .map_err(|_| SesError::invalid_parameter("Content.Raw.Data is not valid base64."))?;
        if data.len() > MAX_MESSAGE_BYTES {
            return Err(SesError::sender(
                "MessageRejected",
                format!("Message length is more than {MAX_MESSAGE_BYTES} bytes long."),
            ));
        }
        let raw = parse_raw(&data).map_err(SesError::invalid_parameter)?;
        let from = match text("/FromEmailAddress") {
            Some(from) => mailbox(from)?,
            None => raw.from.clone(),
        };
        Outgoing {
            request: request_facts(api, caller, parts, "2"),
            action: "ses:SendRawEmail",
            source: from.clone(),
            from,
            sender: raw.sender,
            return_path: return_path.or(raw.return_path),
            source_arn: from_arn.or(raw.source_arn),
            from_arn: raw.from_arn,
            return_path_arn: return_path_arn.or(raw.return_path_arn),
            recipients: if listed.is_empty() {
                raw.recipients
            } else {
                listed
            },
            message: raw.message,
        }
    } else if request.pointer("/Content/Simple").is_some() {
        caller.require(Permission::Send, "SendEmail")?;
        let from = mailbox(
            text("/FromEmailAddress").ok_or_else(|| SesError::missing("FromEmailAddress"))?,
        )?;
        let reply_to = addresses("/ReplyToAddresses")?;
        let message = compose(&SimpleMessage {
            from: &from,
            to: &to,
            cc: &cc,
            reply_to: &reply_to,
            subject: text("/Content/Simple/Subject/Data")
                .ok_or_else(|| SesError::missing("Subject"))?,
            text: text("/Content/Simple/Body/Text/Data"),
            html: text("/Content/Simple/Body/Html/Data"),
        })
        .map_err(SesError::invalid_parameter)?;
        Outgoing {
            request: request_facts(api, caller, parts, "2"),
            action: "ses:SendEmail",
            source: from.clone(),
            from,
            sender: None,
            return_path,
            source_arn: from_arn,
            from_arn: None,
            return_path_arn,
            recipients: listed,
            message,
        }
    } else if request.pointer("/Content/Template").is_some() {
        return Err(SesError::invalid_parameter(
            "Templates are not supported yet.",
        ));
    } else {
        return Err(SesError::missing("Content"));
    };
    let message_id = outgoing::send(api, caller, outgoing).await?;
    Ok(json!({ "MessageId": message_id }))
}

fn mailbox(value: &str) -> Result<Mailbox, SesError> {
    parse_mailbox(value).map_err(SesError::invalid_parameter)
}

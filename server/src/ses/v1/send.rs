//! `SendEmail` and `SendRawEmail`: the parameters as botocore sends them, turned into an
//! outgoing message for the shared send path.

use std::net::SocketAddr;

use app::{
    auth::Permission,
    sending::{
        accept::{accept, Outgoing, RequestFacts, Sender},
        compose::{compose, parse_mailbox, SimpleMessage},
        raw::{parse_raw, Mailbox},
        SendError,
    },
};
use axum::extract::ConnectInfo;
use base64::{engine::general_purpose::STANDARD, Engine};

use super::{Call, SesError, XmlWriter};

/// SES v1's limit on a message, after base64 decoding.
const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;

/// `SendEmail`: a structured message, composed here.
pub async fn send_email(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller.require(Permission::Send, "SendEmail")?;
    let params = &call.params;
    let source = mailbox(params.required("Source")?)?;
    let mailboxes = |name: &str| -> Result<Vec<Mailbox>, SesError> {
        params.list(name)?.into_iter().map(mailbox).collect()
    };
    let to = mailboxes("Destination.ToAddresses")?;
    let cc = mailboxes("Destination.CcAddresses")?;
    let bcc = mailboxes("Destination.BccAddresses")?;
    let reply_to = mailboxes("ReplyToAddresses")?;
    let message = compose(&SimpleMessage {
        from: &source,
        to: &to,
        cc: &cc,
        reply_to: &reply_to,
        subject: params.required("Message.Subject.Data")?,
        text: params.get("Message.Body.Text.Data"),
        html: params.get("Message.Body.Html.Data"),
    })
    .map_err(SesError::invalid_parameter)?;
    let recipients = to
        .iter()
        .chain(&cc)
        .chain(&bcc)
        .map(|m| m.address.clone())
        .collect();
    let outgoing = Outgoing {
        action: "ses:SendEmail",
        from: source.clone(),
        source,
        return_path: params
            .get("ReturnPath")
            .filter(|r| !r.is_empty())
            .map(str::to_owned),
        source_arn: arn(params.get("SourceArn")),
        from_arn: None,
        return_path_arn: arn(params.get("ReturnPathArn")),
        recipients,
        message,
        request: request_facts(call),
    };
    message_id(call, outgoing).await
}

/// `SendRawEmail`: a complete message; ARN parameters win over `X-SES-*` headers.
pub async fn send_raw_email(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller.require(Permission::Send, "SendRawEmail")?;
    let params = &call.params;
    let data = STANDARD
        .decode(params.required("RawMessage.Data")?)
        .map_err(|_| SesError::invalid_parameter("RawMessage.Data is not valid base64."))?;
    if data.len() > MAX_MESSAGE_BYTES {
        return Err(SesError::sender(
            "MessageRejected",
            format!("Message length is more than {MAX_MESSAGE_BYTES} bytes long."),
        ));
    }
    let raw = parse_raw(&data).map_err(SesError::invalid_parameter)?;
    let from = raw
        .from
        .clone()
        .ok_or_else(|| SesError::invalid_parameter("Missing required header 'From'."))?;
    let source = match params.get("Source").filter(|s| !s.is_empty()) {
        Some(source) => mailbox(source)?,
        None => from.clone(),
    };
    let destinations = params.list("Destinations")?;
    let recipients = if destinations.is_empty() {
        raw.recipients.clone()
    } else {
        destinations.into_iter().map(str::to_owned).collect()
    };
    let outgoing = Outgoing {
        action: "ses:SendRawEmail",
        source,
        from,
        return_path: None,
        source_arn: arn(params.get("SourceArn")).or(raw.source_arn),
        from_arn: arn(params.get("FromArn")).or(raw.from_arn),
        return_path_arn: arn(params.get("ReturnPathArn")).or(raw.return_path_arn),
        recipients,
        message: raw.message,
        request: request_facts(call),
    };
    message_id(call, outgoing).await
}

async fn message_id(call: &Call<'_>, outgoing: Outgoing) -> Result<XmlWriter, SesError> {
    let sender = Sender {
        account: call.caller.account.clone(),
        user_arn: call.caller.user_arn(),
    };
    let id = accept(&call.api.context, &sender, outgoing)
        .await
        .map_err(send_error)?;
    let mut xml = XmlWriter::default();
    xml.leaf("MessageId", &id);
    Ok(xml)
}

/// What the request itself tells policies: region, source IP, TLS, user agent.
fn request_facts(call: &Call<'_>) -> RequestFacts {
    let parts = &call.parts;
    RequestFacts {
        region: call.caller.region.clone(),
        api_version: "1",
        source_ip: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip()),
        secure_transport: call.api.context.public_origin.starts_with("https://"),
        user_agent: parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

fn mailbox(value: &str) -> Result<Mailbox, SesError> {
    parse_mailbox(value).map_err(SesError::invalid_parameter)
}

fn arn(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(str::to_owned)
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

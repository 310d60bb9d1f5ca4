//! `SendEmail` and `SendRawEmail`: the parameters as botocore sends them, turned into an
//! outgoing message for the shared send path.

use app::{
    auth::Permission,
    sending::{
        accept::{Composed, Outgoing, RawParameters, RequestFacts, SendAction},
        compose::{compose, parse_mailbox, SimpleMessage},
    },
    templates::{self, Refusal, RenderFailure, Rendered},
};
use base64::{engine::general_purpose::STANDARD, Engine};
use sesame_wire::raw_message::{parse_raw, Mailbox};

use super::{Call, SesError, XmlWriter};
use crate::ses::outgoing::{self, arn, request_facts};

/// SES v1's limit on a message, after base64 decoding.
const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;

/// `SendEmail`: a structured message, composed here.
pub async fn send_email(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller.require(Permission::Send, "SendEmail")?;
    let params = &call.params;
    let content = Rendered {
        subject: params.required("Message.Subject.Data")?.to_owned(),
        text: params.get("Message.Body.Text.Data").map(str::to_owned),
        html: params.get("Message.Body.Html.Data").map(str::to_owned),
    };
    structured(call, SendAction::SendEmail, &content).await
}

/// `SendTemplatedEmail`: one of the caller's templates, rendered with `TemplateData`.
pub async fn send_templated_email(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::Send, "SendTemplatedEmail")?;
    let params = &call.params;
    let name = params.required("Template")?;
    let template = super::templates::find(call, name).await?;
    let data = params.required("TemplateData")?.to_owned();
    let content =
        templates::render_blocking(template, data)
            .await
            .map_err(|failure| match failure {
                RenderFailure::Refused(Refusal::Invalid(m)) => SesError::invalid_parameter(m),
                RenderFailure::Refused(Refusal::OverBudget(m)) => {
                    SesError::sender("MessageRejected", m)
                }
                RenderFailure::Internal(e) => app::server::errors::internal(e).into(),
            })?;
    structured(call, SendAction::SendTemplatedEmail, &content).await
}

/// Sends `content` to the request's `Destination` from its `Source`.
async fn structured(
    call: &Call<'_>,
    action: SendAction,
    content: &Rendered,
) -> Result<XmlWriter, SesError> {
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
        subject: &content.subject,
        text: content.text.as_deref(),
        html: content.html.as_deref(),
    })
    .map_err(SesError::invalid_parameter)?;
    // Measured like a raw message: a template or long fields must not make a larger one.
    check_size(&message)?;
    let recipients = to
        .iter()
        .chain(&cc)
        .chain(&bcc)
        .map(|m| m.address.clone())
        .collect();
    let composed = Composed {
        source,
        return_path: match params.get("ReturnPath").filter(|r| !r.is_empty()) {
            Some(return_path) => Some(mailbox(return_path)?.address),
            None => None,
        },
        source_arn: arn(params.get("SourceArn")),
        return_path_arn: arn(params.get("ReturnPathArn")),
        recipients,
        configuration_set: arn(params.get("ConfigurationSetName")),
        tags: params.tags()?,
        message,
    };
    let request = facts(call);
    message_id(call, Outgoing::composed(request, action, composed)).await
}

/// What a v1 request tells policies.
fn facts(call: &Call<'_>) -> RequestFacts {
    request_facts(
        call.api,
        &call.caller,
        &call.parts,
        call.idempotency.clone(),
        "1",
    )
}

/// `SendRawEmail`: a complete message; ARN parameters win over `X-SES-*` headers.
pub async fn send_raw_email(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller.require(Permission::Send, "SendRawEmail")?;
    let params = &call.params;
    let data = STANDARD
        .decode(params.required("RawMessage.Data")?)
        .map_err(|_| SesError::invalid_parameter("RawMessage.Data is not valid base64."))?;
    check_size(&data)?;
    let raw = parse_raw(&data).map_err(SesError::invalid_parameter)?;
    let given = RawParameters {
        source: match params.get("Source").filter(|s| !s.is_empty()) {
            Some(source) => Some(mailbox(source)?),
            None => None,
        },
        return_path: None,
        source_arn: arn(params.get("SourceArn")),
        from_arn: arn(params.get("FromArn")),
        return_path_arn: arn(params.get("ReturnPathArn")),
        destinations: params
            .list("Destinations")?
            .into_iter()
            .map(str::to_owned)
            .collect(),
        configuration_set: arn(params.get("ConfigurationSetName")),
        tags: params.tags()?,
    };
    let request = facts(call);
    let outgoing = Outgoing::from_raw(request, raw, given).map_err(SesError::invalid_parameter)?;
    message_id(call, outgoing).await
}

async fn message_id(call: &Call<'_>, outgoing: Outgoing) -> Result<XmlWriter, SesError> {
    let (id, headers) = outgoing::send(call.api, &call.caller, outgoing).await?;
    call.response_headers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .extend(headers);
    let mut xml = XmlWriter::default();
    xml.leaf("MessageId", &id);
    Ok(xml)
}

/// SES's refusal of a message over the size limit.
fn check_size(message: &[u8]) -> Result<(), SesError> {
    match message.len() > MAX_MESSAGE_BYTES {
        true => Err(SesError::sender(
            "MessageRejected",
            format!("Message length is more than {MAX_MESSAGE_BYTES} bytes long."),
        )),
        false => Ok(()),
    }
}

fn mailbox(value: &str) -> Result<Mailbox, SesError> {
    parse_mailbox(value).map_err(SesError::invalid_parameter)
}

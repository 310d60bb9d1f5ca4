//! `SendEmail` (`POST /v2/email/outbound-emails`).

use app::{
    auth::Permission,
    sending::{
        accept::{Composed, Outgoing, RawParameters, SendAction},
        compose::{compose, parse_mailbox, SimpleMessage},
    },
};
use base64::{engine::general_purpose::STANDARD, Engine};
use serde_json::{json, Value};
use sesame_wire::raw_message::{parse_raw, Mailbox};

use super::Call;
use crate::ses::{
    error::SesError,
    outgoing::{self, arn, request_facts},
};

const MAX_MESSAGE_BYTES: usize = 40 * 1024 * 1024;

/// `SendEmail`: Simple content is composed here; Raw content is used as sent (its
/// `X-SES-*` headers read and removed; `FromEmailAddress` is then only the envelope
/// sender, the From header is authorized). `FromEmailAddressIdentityArn` authorizes From
/// (and the feedback address, unless it has its own ARN).
/// Answers the MessageId, and the quota headers.
pub async fn send_email(call: &Call<'_>) -> Result<(Value, Vec<(&'static str, String)>), SesError> {
    let (api, caller, parts) = (call.api, &call.caller, &call.parts);
    let request = &call.body;
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
    let configuration_set = arn(text("/ConfigurationSetName"));
    // EmailTags: [{"Name": …, "Value": …}].
    let email_tags: Vec<(String, String)> = request
        .pointer("/EmailTags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .map(|t| match (t["Name"].as_str(), t["Value"].as_str()) {
                    (Some(name), Some(value)) => Ok((name.to_owned(), value.to_owned())),
                    _ => Err(SesError::invalid_parameter(
                        "Every EmailTag needs a Name and a Value.",
                    )),
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
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
        // FromEmailAddress is the envelope sender here, as v1's Source: the From header
        // is what readers see, and it is authorized as it is.
        let given = RawParameters {
            source: text("/FromEmailAddress")
                .filter(|f| !f.is_empty())
                .map(mailbox)
                .transpose()?,
            return_path,
            source_arn: from_arn,
            from_arn: None,
            return_path_arn,
            destinations: listed,
            configuration_set,
            tags: email_tags,
        };
        let request = request_facts(api, caller, parts, call.idempotency.clone(), "2");
        Outgoing::from_raw(request, raw, given).map_err(SesError::invalid_parameter)?
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
        let request = request_facts(api, caller, parts, call.idempotency.clone(), "2");
        let composed = Composed {
            source: from,
            return_path,
            source_arn: from_arn,
            return_path_arn,
            recipients: listed,
            configuration_set,
            tags: email_tags,
            message,
        };
        Outgoing::composed(request, SendAction::SendEmail, composed)
    } else if request.pointer("/Content/Template").is_some() {
        return Err(SesError::invalid_parameter(
            "Templates are not supported yet.",
        ));
    } else {
        return Err(SesError::missing("Content"));
    };
    let (message_id, headers) = outgoing::send(api, caller, outgoing).await?;
    Ok((json!({ "MessageId": message_id }), headers))
}

fn mailbox(value: &str) -> Result<Mailbox, SesError> {
    parse_mailbox(value).map_err(SesError::invalid_parameter)
}

//! Server functions: the account's accepted messages, and sending a test message from the
//! console through the same send path as the API.

use leptos::prelude::*;

use super::{MessageList, SendAs};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{
        accept::{accept, Composed, Outgoing, RequestFacts, SendAction, Sender},
        compose::{compose, parse_mailbox, SimpleMessage},
        db,
    },
    crate::{
        auth::{
            session::{client_ip, require_account},
            Permission,
        },
        server::app_context,
    },
};

/// A page of the messages this account sent (as itself or as a delegate), newest first:
/// with `status` (empty: any), older than the cursor `before_at`/`before_id` (empty: from
/// the newest).
#[server(prefix = "/api", endpoint = "sending/messages")]
pub async fn list_messages(
    status: String,
    before_at: String,
    before_id: String,
) -> Result<MessageList, AppError> {
    use time::{format_description::well_known::Rfc3339, OffsetDateTime};
    let caller = require_account(Permission::ViewAccount).await?;
    let status = match status.as_str() {
        "" => None,
        known if super::MESSAGE_STATUSES.contains(&known) => Some(known),
        _ => {
            return Err(AppError::field(
                "status",
                "Choose one of the listed statuses.",
            ))
        }
    };
    let before = match before_at.as_str() {
        "" => None,
        at => Some((
            OffsetDateTime::parse(at, &Rfc3339)
                .map_err(|_| AppError::field("before_at", "Not a page of this list."))?,
            before_id.as_str(),
        )),
    };
    Ok(db::list_messages(&app_context()?.pool, caller.account_id(), status, before).await?)
}

/// The verified identities the caller may send as: its own, then those shared with it.
#[server(prefix = "/api", endpoint = "sending/send-as")]
pub async fn list_send_as() -> Result<Vec<SendAs>, AppError> {
    use crate::identities::{list_identities, VerificationStatus};
    let verified = VerificationStatus::Success;
    let own = list_identities(String::new(), verified.as_str().to_owned(), String::new()).await?;
    let shared = crate::policies::list_shared_identities().await?;
    let own = own.into_iter().map(|i| SendAs {
        name: i.name,
        kind: i.kind,
        region: i.region,
        arn: i.arn,
        shared_by: None,
        granted_from: None,
    });
    // Listed if verified and some statement naming the caller allows (a Deny alone does
    // not make an identity usable).
    let allow = |g: &&crate::policies::Grant| g.effect == crate::policies::Effect::Allow;
    let shared = shared
        .into_iter()
        .filter(|s| s.status == verified && s.grants.iter().any(|g| allow(&g)))
        .map(|s| SendAs {
            granted_from: s
                .grants
                .iter()
                .filter(allow)
                // The owner wrote these: only a plain address makes an example.
                .find_map(|g| {
                    g.from_addresses
                        .iter()
                        .find(|a| {
                            !a.contains(['*', '?']) && crate::email::EmailAddress::parse(a).is_ok()
                        })
                        .cloned()
                }),
            name: s.name,
            kind: s.kind,
            region: s.region,
            arn: s.arn,
            shared_by: Some(s.owner_name),
        });
    Ok(own.chain(shared).collect())
}

/// Sends a text message from the console; `source_arn` names another account's identity
/// shared with this one (empty: the caller's own identities). Returns the MessageId.
#[server(prefix = "/api", endpoint = "sending/send-test")]
pub async fn send_test_email(
    region: String,
    from: String,
    to: String,
    subject: String,
    text: String,
    source_arn: String,
) -> Result<String, AppError> {
    let caller = require_account(Permission::Send).await?;
    let ctx = app_context()?;
    let from = parse_mailbox(&from).map_err(|m| AppError::field("from", m))?;
    let to = parse_mailbox(&to).map_err(|m| AppError::field("to", m))?;
    let message = compose(&SimpleMessage {
        from: &from,
        to: std::slice::from_ref(&to),
        cc: &[],
        reply_to: &[],
        subject: &subject,
        text: Some(&text),
        html: None,
    })
    .map_err(|m| AppError::field("subject", m))?;
    let sender = Sender::signed_in(&ctx.pool, &caller).await?;
    let request = RequestFacts {
        region,
        api_version: "2",
        source_ip: Some(client_ip().await?),
        secure_transport: ctx.settings.public_origin.starts_with("https://"),
        user_agent: Some("Sesame console".to_owned()),
        idempotency: None,
    };
    let composed = Composed {
        source: from,
        return_path: None,
        source_arn: Some(source_arn).filter(|a| !a.trim().is_empty()),
        return_path_arn: None,
        recipients: vec![to.address],
        configuration_set: None,
        tags: Vec::new(),
        message,
    };
    let outgoing = Outgoing::composed(request, SendAction::SendEmail, composed);
    Ok(accept(&ctx, &sender, outgoing).await?.message_id)
}

//! Server functions: the account's accepted messages, and sending a test message from the
//! console through the same send path as the API.

use leptos::prelude::*;

use super::{DelegateSummary, MessageSummary};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{
        accept::{accept, Outgoing, RequestFacts, Sender},
        compose::{compose, parse_mailbox, SimpleMessage},
        db,
    },
    crate::{
        auth::{
            session::{client_ip, require_account},
            user_arn, Permission,
        },
        identities::{db as identities, identity_arn},
        server::app_context,
        users::db as users,
    },
};

/// The latest messages this account sent (as itself or as a delegate).
#[server(prefix = "/api", endpoint = "sending/messages")]
pub async fn list_messages() -> Result<Vec<MessageSummary>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    Ok(db::list_messages(&app_context()?.pool, caller.account_id()).await?)
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
    let name = users::find_user_name(&ctx.pool, caller.account_id(), caller.user_id())
        .await?
        .ok_or(AppError::Unauthorized)?;
    let sender = Sender {
        account: caller.account_id().clone(),
        user_arn: user_arn(caller.account_id(), &name),
    };
    let outgoing = Outgoing {
        request: RequestFacts {
            region,
            api_version: "2",
            source_ip: client_ip().await?.parse().ok(),
            secure_transport: ctx.public_origin.starts_with("https://"),
            user_agent: Some("Sesame console".to_owned()),
            idempotency_key: None,
        },
        action: "ses:SendEmail",
        source: from.clone(),
        from,
        sender: None,
        return_path: None,
        source_arn: Some(source_arn).filter(|a| !a.trim().is_empty()),
        from_arn: None,
        return_path_arn: None,
        recipients: vec![to.address],
        configuration_set: None,
        tags: Vec::new(),
        message,
    };
    Ok(accept(&ctx, &sender, outgoing).await?.message_id)
}

/// Who sends as one of the caller's identities, and how much (beyond SES).
#[server(prefix = "/api", endpoint = "sending/delegate-activity")]
pub async fn delegate_activity(identity_id: uuid::Uuid) -> Result<Vec<DelegateSummary>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let pool = &app_context()?.pool;
    let identity = identities::find_identity(pool, caller.account_id(), identity_id)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
    let arn = identity_arn(&identity.region, caller.account_id(), &identity.name);
    let when = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    let rows = db::delegate_activity(pool, caller.account_id(), &arn).await?;
    Ok(rows
        .into_iter()
        .map(|r| DelegateSummary {
            delegate_account: r.delegate,
            messages: r.messages,
            recipients: r.recipients,
            bounced: r.bounced,
            last_sent: r.last_sent.format(when).unwrap_or_default(),
        })
        .collect())
}

//! A finished SMTP transaction handed to the shared send path, as SES treats it:
//! `ses:SendRawEmail` with `ses:ApiVersion` "2", MAIL FROM as the Source, the RCPT TO
//! addresses as the destinations and authorization from the `X-SES-*` headers — and the
//! outcome as SES's SMTP replies.

use std::net::IpAddr;

use app::sending::{
    accept::{accept, Outgoing, RawParameters, RequestFacts, Sender},
    SendError,
};
use sesame_wire::raw_message::{parse_raw, Mailbox};

use app::{
    access_keys::principal::{still_allowed, KeyPrincipal},
    auth::Permission,
    server::AppContext,
};

use crate::smtp::reply::Reply;

/// What the client gave before DATA.
pub struct Envelope {
    pub mail_from: String,
    pub recipients: Vec<String>,
}

/// Accepts the message: `250 Ok <MessageId>` only once it is committed.
pub async fn submit(
    context: &AppContext,
    user: &KeyPrincipal,
    client: IpAddr,
    envelope: Envelope,
    data: Vec<u8>,
) -> Reply {
    match still_allowed(context, user).await {
        Ok(true) => {}
        Ok(false) => return Reply::new(535, "Authentication Credentials Invalid"),
        Err(e) => {
            tracing::error!(error = %e, "SMTP could not re-check credentials");
            return Reply::new(454, "Temporary authentication failure");
        }
    }
    let refused = match user.may(Permission::Send) {
        false => Some(String::new()),
        true => user
            .scope_refusal("SendRawEmail", Some(client))
            .map(|because| format!(" because {because}")),
    };
    if let Some(reason) = refused {
        return Reply::new(
            554,
            format!(
                "Access denied: User: {} is not authorized to perform: ses:SendRawEmail{reason}",
                user.user_arn()
            ),
        );
    }
    let raw = match parse_raw(&data) {
        Ok(raw) => raw,
        Err(message) => return Reply::new(554, format!("Transaction failed: {message}")),
    };
    let request = RequestFacts {
        region: user.region().to_owned(),
        api_version: "2",
        source_ip: Some(client),
        // AUTH is only offered under TLS.
        secure_transport: true,
        user_agent: None,
        idempotency: None,
    };
    let given = RawParameters {
        source: Some(Mailbox {
            address: envelope.mail_from,
            display_name: None,
        }),
        destinations: envelope.recipients,
        ..RawParameters::default()
    };
    let outgoing = match Outgoing::from_raw(request, raw, given) {
        Ok(outgoing) => outgoing,
        Err(message) => return Reply::new(554, format!("Transaction failed: {message}")),
    };
    match accept(context, &Sender::from(user), outgoing).await {
        Ok(accepted) => Reply::new(250, format!("Ok {}", accepted.message_id)),
        Err(error) => refusal(error),
    }
}

/// SES's SMTP answers to a refused send.
fn refusal(error: SendError) -> Reply {
    let message = error.message();
    match error {
        SendError::AccessDenied { .. } => Reply::new(554, format!("Access denied: {message}")),
        SendError::NotVerified { .. } | SendError::Rejected(_) => {
            Reply::new(554, format!("Message rejected: {message}"))
        }
        SendError::InvalidParameter(_) | SendError::ConfigurationSetDoesNotExist(_) => {
            Reply::new(554, format!("Transaction failed: {message}"))
        }
        SendError::Throttled(_) => Reply::new(
            454,
            format!("Throttling failure: {}", message.trim_end_matches('.')),
        ),
        SendError::Busy => Reply::new(451, format!("4.3.2 {message}")),
        SendError::Internal(e) => {
            tracing::error!(error = %e, "SMTP submission failed");
            Reply::new(451, "Temporary service failure")
        }
    }
}

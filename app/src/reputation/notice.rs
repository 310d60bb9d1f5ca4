//! The mail an account's admins get when its status changes, put in Sesame's mailbox for
//! the account (like every mail Sesame writes itself).

use mail_builder::MessageBuilder;
use sqlx::PgConnection;

use super::{db::Change, EnforcementStatus};
use crate::{
    error::AppError,
    identities::email::sender_address,
    mailbox::db::{deliver, Arrival},
    server::errors::internal,
};

/// Mails every admin of the account about `change`.
pub async fn mail_admins(
    conn: &mut PgConnection,
    origin: &str,
    change: &Change<'_>,
) -> Result<(), AppError> {
    let from = sender_address(origin);
    let subject = format!(
        "Sesame account {}: {} in {}",
        change.account,
        change.to.label(),
        change.region
    );
    let consequence = match change.to {
        EnforcementStatus::Paused => {
            "Sends from this account in this region are refused until an operator reinstates it."
        }
        EnforcementStatus::UnderReview => {
            "Sending continues; if the rates reach the pause thresholds, sending is paused."
        }
        EnforcementStatus::Healthy => "Sending continues as normal.",
    };
    let body = format!(
        "The status of account {} in region {} changed from {} to {}.\r\n\r\n\
         Why: {}\r\nDecided by: {}\r\n\r\n{consequence}\r\n\r\n\
         The Reputation page shows the rates and the history: {origin}/reputation\r\n",
        change.account,
        change.region,
        change.from.label(),
        change.to.label(),
        change.reason,
        change.decided_by,
    );
    for admin in super::db::admin_emails(&mut *conn, change.account).await? {
        let raw = MessageBuilder::new()
            .from(("Sesame", from.as_str()))
            .to(admin.as_str())
            .subject(subject.as_str())
            .text_body(body.as_str())
            .write_to_vec()
            .map_err(internal)?;
        let arrival = Arrival {
            recipient: &admin,
            sender: &from,
            subject: &subject,
            raw: &raw,
            message_id: None,
            account: Some(change.account),
        };
        deliver(&mut *conn, &arrival).await?;
    }
    Ok(())
}

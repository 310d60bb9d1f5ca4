//! The mail an account's admins get when its status changes: Sesame's own mail, delivered
//! through the delivery route (`system_mail`).

use sqlx::PgConnection;

use super::{db::Change, EnforcementStatus};
use crate::{
    error::AppError,
    system_mail::{self, Letter, Letterhead},
};

/// Mails every admin of the account about `change`.
pub async fn mail_admins(
    conn: &mut PgConnection,
    letterhead: &Letterhead,
    change: &Change<'_>,
) -> Result<(), AppError> {
    let origin = &letterhead.origin;
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
        let letter = Letter {
            account: Some(change.account),
            requested_by: None,
            identity: None,
            to: &admin,
            subject: &subject,
            body: &body,
        };
        system_mail::post(&mut *conn, letterhead, &letter).await?;
    }
    Ok(())
}

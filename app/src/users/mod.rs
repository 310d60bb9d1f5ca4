//! Users inside an account: the admin invites them with a role (they join by the link
//! mailed to them, `invitations`), disables and deletes them, signs them out, and may
//! require two-factor sign-in of them all.

mod api;
#[cfg(feature = "ssr")]
pub mod db;
mod invitation_page;
#[cfg(feature = "ssr")]
pub mod invitations;
mod page;

pub use api::*;
pub use invitation_page::InvitationPage;
pub use page::UsersPage;

use serde::{Deserialize, Serialize};

use crate::{auth::Role, error::AppError, ids::UserId};

/// A user as the users page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub user_id: UserId,
    pub name: String,
    pub arn: String,
    pub email: String,
    pub role: Role,
    pub disabled: bool,
    /// Signs in with a second factor.
    pub two_factor: bool,
    pub created: String,
}

/// An invitation not yet accepted, as the users page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    pub invitation_id: uuid::Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub sent: String,
    /// Its link no longer works (invite again to send a new one).
    pub expired: bool,
}

/// What an invitation's link offers, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationOffer {
    pub account_name: String,
    pub name: String,
    pub email: String,
    pub role: Role,
}

/// Checks an IAM-style user name: 1–64 of letters, digits and `+=,.@_-`.
pub fn check_user_name(name: &str) -> Result<(), AppError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if name.is_empty() || name.len() > 64 || !name.chars().all(allowed) {
        return Err(AppError::field(
            "name",
            "Use 1 to 64 letters, digits or + = , . @ _ -",
        ));
    }
    Ok(())
}

/// The error for an email some user (of any account) already signs in with.
pub fn email_taken() -> AppError {
    AppError::field("email", "A user with this email already exists.")
}

/// The error for a user name already used in the account.
pub fn name_taken() -> AppError {
    AppError::field(
        "name",
        "A user with this name already exists in this account.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_follow_iam_rules() {
        for good in ["ann", "ann.smith", "ci+deploy", "a@b", "x_y-z=1,2"] {
            assert!(check_user_name(good).is_ok(), "{good}");
        }
        for bad in ["", "ann smith", "ann/x", &"a".repeat(65), "émile"] {
            assert!(check_user_name(bad).is_err(), "{bad}");
        }
    }
}

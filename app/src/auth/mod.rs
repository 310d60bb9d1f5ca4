//! Who is signed in and what they may do: roles, permissions, sign-up, sign-in, sign-out,
//! passwords, sessions, two-factor sign-in and sign-in throttling.

mod api;
#[cfg(feature = "ssr")]
pub mod db;
mod pages;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod password_reset;
pub mod password_rules;
#[cfg(feature = "ssr")]
pub mod registration;
#[cfg(feature = "ssr")]
pub mod registry;
pub mod return_to;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod two_factor;

#[cfg(feature = "ssr")]
pub(crate) use api::authenticate;
pub use api::*;
pub use pages::{
    AuthState, ConfirmSignUpPage, Enrol, ForgotPasswordPage, OperatorSignInPage, RecoveryCodes,
    ResetPasswordPage, SignInPage, SignOutButton, SignUpPage, TwoFactorSignInPage,
};

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::ids::AccountId;

/// An authenticator being set up for two-factor sign-in: what the app scans, or the key
/// typed into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The `otpauth://` URL as a QR code (an SVG document Sesame drew).
    pub qr_svg: String,
    /// The secret in base32, in groups of four.
    pub secret: String,
}

/// What the second step of a sign-in asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondStep {
    /// The user has no authenticator (yet): the account requires one, so it is set up first.
    pub set_up: bool,
}

/// A required authenticator set up at sign-in: its recovery codes, and where to go on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetUpDone {
    pub recovery_codes: Vec<String>,
    pub next: String,
}

/// A sign-up waiting for its link, as the link's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignUp {
    pub account_name: String,
    pub email: String,
}

/// A user's role inside its account, enforced on the server for every server function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including users.
    Admin,
    /// Sends mail and manages its own access keys.
    Sender,
    /// Reads only.
    Viewer,
}

/// Something a server function needs the caller to be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ViewAccount,
    ManageUsers,
    ManageOwnAccessKeys,
    ManageIdentities,
    /// Sending mail through the API or SMTP.
    Send,
    /// Reading the audit log (who changed what, from where).
    ViewAuditLog,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Sender, Role::Viewer];

    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            Permission::ViewAccount => true,
            Permission::ManageUsers | Permission::ManageIdentities | Permission::ViewAuditLog => {
                self == Role::Admin
            }
            Permission::ManageOwnAccessKeys | Permission::Send => {
                matches!(self, Role::Admin | Role::Sender)
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Sender => "sender",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("Unknown role `{s}`: choose admin, sender or viewer."))
    }
}

/// The signed-in principal, as the UI sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Principal {
    User(CurrentUser),
    Operator { email: String },
}

/// A signed-in user of an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub account_id: AccountId,
    pub account_name: String,
    pub user_name: String,
    pub email: String,
    pub role: Role,
}

impl CurrentUser {
    pub fn arn(&self) -> String {
        user_arn(&self.account_id, &self.user_name)
    }
}

/// `arn:aws:iam::<account>:user/<name>`
pub fn user_arn(account: &AccountId, name: &str) -> String {
    format!("arn:aws:iam::{account}:user/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_grant_what_they_say() {
        assert!(Role::Admin.allows(Permission::ManageUsers));
        assert!(!Role::Sender.allows(Permission::ManageUsers));
        assert!(Role::Sender.allows(Permission::ManageOwnAccessKeys));
        assert!(!Role::Viewer.allows(Permission::ManageOwnAccessKeys));
        assert!(Role::Admin.allows(Permission::ManageIdentities));
        assert!(!Role::Sender.allows(Permission::ManageIdentities));
        assert!(Role::ALL.iter().all(|r| r.allows(Permission::ViewAccount)));
    }

    #[test]
    fn roles_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn user_arns_follow_iam() {
        let account = AccountId::parse("123456789012").unwrap();
        assert_eq!(
            user_arn(&account, "ann"),
            "arn:aws:iam::123456789012:user/ann"
        );
    }
}

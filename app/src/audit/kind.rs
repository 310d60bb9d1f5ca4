//! What an audit entry says happened: one table of kinds, each with the name stored (and
//! exported, and filtered on) and the words the pages show.

use serde::{Deserialize, Serialize};

macro_rules! audit_kinds {
    ($($variant:ident = $name:literal, $label:literal;)+) => {
        /// What happened. The name is `<family>.<change>`; the Activity page filters on
        /// either.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum AuditKind {
            $(#[serde(rename = $name)] $variant,)+
        }

        impl AuditKind {
            pub const ALL: &'static [AuditKind] = &[$(AuditKind::$variant,)+];

            /// The name stored and exported (`policy.updated`).
            pub fn name(self) -> &'static str {
                match self {
                    $(AuditKind::$variant => $name,)+
                }
            }

            /// What the pages say (`Policy updated`).
            pub fn label(self) -> &'static str {
                match self {
                    $(AuditKind::$variant => $label,)+
                }
            }
        }
    };
}

audit_kinds! {
    IdentityCreated = "identity.created", "Identity created";
    IdentityDeleted = "identity.deleted", "Identity deleted";
    IdentityVerified = "identity.verified", "Identity verified";
    IdentityVerificationFailed = "identity.verification_failed", "Identity verification failed";
    VerificationRestarted = "identity.verification_restarted", "Verification restarted";
    FeedbackForwardingChanged = "identity.feedback_forwarding", "Feedback forwarding changed";
    DevZonePublished = "identity.dev_zone_published", "Published in the development zone";
    DevZoneWithdrawn = "identity.dev_zone_withdrawn", "Withdrawn from the development zone";
    PolicyCreated = "policy.created", "Policy created";
    PolicyUpdated = "policy.updated", "Policy updated";
    PolicyDeleted = "policy.deleted", "Policy deleted";
    DelegateRevoked = "delegate.revoked", "Delegate revoked";
    GrantCapChanged = "delegate.cap_changed", "Grant cap changed";
    AccessKeyCreated = "access_key.created", "Access key created";
    AccessKeyActivated = "access_key.activated", "Access key activated";
    AccessKeyDeactivated = "access_key.deactivated", "Access key deactivated";
    AccessKeyDeleted = "access_key.deleted", "Access key deleted";
    ConfigurationSetCreated = "configuration_set.created", "Configuration set created";
    ConfigurationSetDeleted = "configuration_set.deleted", "Configuration set deleted";
    DestinationAdded = "event_destination.added", "Event destination added";
    DestinationEnabled = "event_destination.enabled", "Event destination enabled";
    DestinationDisabled = "event_destination.disabled", "Event destination disabled";
    DestinationDeleted = "event_destination.deleted", "Event destination deleted";
    SuppressionAdded = "suppression.added", "Address suppressed";
    SuppressionRemoved = "suppression.removed", "Address unsuppressed";
    UserInvited = "user.invited", "User invited";
    UserCreated = "user.created", "User created";
    InvitationCancelled = "user.invitation_cancelled", "Invitation cancelled";
    UserJoined = "user.joined", "User joined";
    UserDisabled = "user.disabled", "User disabled";
    UserEnabled = "user.enabled", "User enabled";
    UserDeleted = "user.deleted", "User deleted";
    UserSessionsEnded = "user.sessions_ended", "User's sessions ended";
    UserTwoFactorReset = "user.two_factor_reset", "User's two-factor reset";
    TwoFactorRequirementChanged = "account.two_factor_requirement", "Two-factor requirement changed";
    ProductionAccessRequested = "account.production_access_requested", "Production access requested";
    ProductionAccessGranted = "account.production_access_granted", "Production access granted";
    ProductionAccessDeclined = "account.production_access_declined", "Production access declined";
    ProductionAccessRevoked = "account.production_access_revoked", "Production access taken back";
    QuotaChanged = "account.quota_changed", "Sending quota changed";
    AccountDisabled = "account.disabled", "Account disabled";
    AccountEnabled = "account.enabled", "Account enabled";
    EnforcementChanged = "account.enforcement_changed", "Sending status changed";
    PasswordChanged = "security.password_changed", "Password changed";
    PasswordReset = "security.password_reset", "Password reset";
    EmailChanged = "security.email_changed", "Sign-in address changed";
    TwoFactorEnabled = "security.two_factor_enabled", "Two-factor turned on";
    TwoFactorDisabled = "security.two_factor_disabled", "Two-factor turned off";
    RecoveryCodesRenewed = "security.recovery_codes_renewed", "Recovery codes renewed";
    SignedIn = "sign_in.succeeded", "Signed in";
    SignInFailed = "sign_in.failed", "Sign-in failed";
    OperatorCreated = "operator.created", "Operator created";
    OperatorTwoFactorReset = "operator.two_factor_reset", "Operator's two-factor reset";
}

impl AuditKind {
    /// Its family: `policy` for `policy.updated`.
    pub fn family(self) -> &'static str {
        self.name().split_once('.').map_or(self.name(), |(f, _)| f)
    }

    /// The families, in the table's order, for the filter's choices.
    pub fn families() -> Vec<&'static str> {
        let mut families: Vec<&'static str> = Vec::new();
        for kind in Self::ALL {
            if !families.contains(&kind.family()) {
                families.push(kind.family());
            }
        }
        families
    }

    pub fn from_name(name: &str) -> Option<AuditKind> {
        Self::ALL.iter().copied().find(|k| k.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::from_name(kind.name()), Some(*kind));
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
        }
    }

    #[test]
    fn families_group_names_by_their_prefix() {
        assert_eq!(AuditKind::PolicyUpdated.family(), "policy");
        let families = AuditKind::families();
        assert!(families.contains(&"sign_in") && families.contains(&"access_key"));
        assert_eq!(families.iter().filter(|f| **f == "policy").count(), 1);
    }
}

//! The Overview, an account's home after sign-in: what it owns (identities, their status,
//! the partners its policies name), what it sends from (shared identities, today's quota,
//! this month's spend, reputation), and the next step for an account that is new.

mod api;
mod page;

pub use api::*;
pub use page::OverviewPage;

use serde::{Deserialize, Serialize};

use crate::{
    accounts::RegionLimits, identities::IdentitySummary, ids::AccountId, policies::SharedIdentity,
};

/// Everything the Overview shows, loaded at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub account_id: AccountId,
    pub account_name: String,
    pub identities: Vec<OwnedIdentity>,
    pub shared: Vec<SharedIdentity>,
    pub regions: Vec<RegionLimits>,
    /// This month's statement total, as the Billing page shows it, and its currency.
    pub spend_this_month: String,
    pub currency: String,
    /// Whether the account has ever sent a message.
    pub has_sent: bool,
}

/// One of the account's own identities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnedIdentity {
    pub identity: IdentitySummary,
    /// Other accounts its policies name.
    pub partners: i64,
}

/// A step of getting started, in the order a new account takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Own a domain or address and prove it (owners).
    Verify,
    /// Write a policy that lets a partner account send as it (owners).
    AuthorizePartner,
    /// Have an identity of another account shared with this one (delegates).
    GetShared,
    /// Send a first message.
    Send,
}

impl Overview {
    /// The getting-started steps that fit the account, each with whether it is done: an
    /// owner's path (verify → authorize a partner → send), or, for an account that owns
    /// nothing but has identities shared with it, a delegate's (shared → send).
    pub fn steps(&self) -> Vec<(Step, bool)> {
        let verified = self
            .identities
            .iter()
            .any(|o| o.identity.status == crate::identities::VerificationStatus::Success);
        if self.identities.is_empty() && !self.shared.is_empty() {
            return vec![(Step::GetShared, true), (Step::Send, self.has_sent)];
        }
        vec![
            (Step::Verify, verified),
            (
                Step::AuthorizePartner,
                self.identities.iter().any(|o| o.partners > 0),
            ),
            (Step::Send, self.has_sent),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identities::{IdentityKind, VerificationStatus};

    fn overview(identities: Vec<OwnedIdentity>, shared: usize, has_sent: bool) -> Overview {
        let owner = AccountId::parse("111122223333").unwrap();
        Overview {
            account_id: owner,
            account_name: "Acme".into(),
            identities,
            shared: (0..shared)
                .map(|_| SharedIdentity {
                    arn: "arn".into(),
                    name: "partner.example".into(),
                    kind: IdentityKind::Domain,
                    region: "us-east-1".into(),
                    owner_account: "444455556666".into(),
                    owner_name: "Partner".into(),
                    status: VerificationStatus::Success,
                    grants: vec![],
                    grants_changed: String::new(),
                })
                .collect(),
            regions: vec![],
            spend_this_month: "0.00".into(),
            currency: "USD".into(),
            has_sent,
        }
    }

    fn owned(status: VerificationStatus, partners: i64) -> OwnedIdentity {
        OwnedIdentity {
            identity: IdentitySummary {
                identity_id: uuid::Uuid::nil(),
                kind: IdentityKind::Domain,
                name: "acme.example".into(),
                region: "us-east-1".into(),
                status,
                arn: "arn".into(),
            },
            partners,
        }
    }

    #[test]
    fn a_new_account_starts_at_verifying() {
        let steps = overview(vec![], 0, false).steps();
        assert_eq!(
            steps,
            [
                (Step::Verify, false),
                (Step::AuthorizePartner, false),
                (Step::Send, false)
            ]
        );
    }

    #[test]
    fn a_pending_identity_is_not_yet_verified() {
        let steps = overview(vec![owned(VerificationStatus::Pending, 1)], 0, false).steps();
        assert_eq!(steps[0], (Step::Verify, false));
        assert_eq!(steps[1], (Step::AuthorizePartner, true));
    }

    #[test]
    fn an_owner_that_verified_shared_and_sent_is_done() {
        let steps = overview(vec![owned(VerificationStatus::Success, 2)], 0, true).steps();
        assert!(steps.iter().all(|(_, done)| *done));
    }

    #[test]
    fn a_delegate_that_owns_nothing_follows_the_delegates_path() {
        let steps = overview(vec![], 1, false).steps();
        assert_eq!(steps, [(Step::GetShared, true), (Step::Send, false)]);
    }
}

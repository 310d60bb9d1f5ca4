//! Authorizing a request that names an identity: loads the policies of the identity and of
//! its address or domain counterpart, then lets `authorize` decide. The send path and the
//! simulator both come through here, so they cannot disagree.

use sqlx::PgExecutor;

use super::{authorize, db, governing, parse_policy, Decision, NamedPolicy, RequestContext};
use crate::{
    error::AppError,
    identities::{
        domain::{address_identity_name, domain_covers_address, DomainName},
        identity_arn,
    },
    ids::AccountId,
    server::errors::internal,
};

/// The decision, and the identity whose policies made it (None when the owner asked).
#[derive(Debug)]
pub struct Authorization {
    pub decision: Decision,
    pub evaluated_identity: Option<String>,
}

/// Authorizes `ctx` against the identity `identity_name` of `owner` in `region`, used for
/// `address` (the From address for SourceArn/FromArn, the Return-Path for ReturnPathArn).
///
/// An address identity's policies take precedence over its domain's: for an address
/// identity the domain is the part after `@`; for a domain identity the address identity
/// is `address` when the domain covers it.
pub async fn authorize_request(
    db: impl PgExecutor<'_>,
    owner: &AccountId,
    region: &str,
    identity_name: &str,
    address: Option<&str>,
    ctx: &RequestContext,
) -> Result<Authorization, AppError> {
    // The owner needs no policy: skip loading them (`authorize` says the same).
    if ctx.principal_account == owner.as_str() {
        return Ok(Authorization {
            decision: Decision::AllowedAsOwner,
            evaluated_identity: None,
        });
    }
    let (address, domain) = match identity_name.split_once('@') {
        Some((_, domain)) => (Some(identity_name.to_owned()), domain.to_owned()),
        None => {
            let covered = DomainName::parse(identity_name).ok().and_then(|domain| {
                address
                    .and_then(|a| address_identity_name(a).ok())
                    .filter(|a| domain_covers_address(&domain, a))
            });
            (covered, identity_name.to_owned())
        }
    };
    let names: Vec<String> = address.iter().cloned().chain([domain.clone()]).collect();
    let rows = db::policies_of(db, owner, region, &names).await?;
    let (mut address_policies, mut domain_policies) = (Vec::new(), Vec::new());
    for row in rows {
        let arn = identity_arn(region, owner, &row.identity_name);
        // Stored documents were validated when stored; failing now is a bug, not user error.
        let policy = parse_policy(&row.document, &arn).map_err(internal)?;
        let named = NamedPolicy {
            name: row.policy_name,
            policy,
        };
        if address.as_deref() == Some(row.identity_name.as_str()) {
            address_policies.push(named);
        } else {
            domain_policies.push(named);
        }
    }
    let address_policies = address.is_some().then_some(address_policies.as_slice());
    let decision = authorize(owner.as_str(), address_policies, &domain_policies, ctx);
    let (_, by_address) = governing(address_policies, &domain_policies);
    let evaluated = match address {
        Some(address) if by_address => address,
        _ => domain,
    };
    Ok(Authorization {
        decision,
        evaluated_identity: Some(evaluated),
    })
}

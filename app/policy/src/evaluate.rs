//! Deciding a request: the owner is always allowed; otherwise default deny, any matching
//! Allow allows, and any matching Deny wins over every Allow. An email-address identity's
//! policies, when it has any, take precedence over its domain's.

use serde::{Deserialize, Serialize};

use super::{
    context::RequestContext,
    glob,
    parse::{Policy, Principals, Statement},
    Effect,
};

/// A policy and the name it is stored under.
#[derive(Debug, Clone)]
pub struct NamedPolicy {
    pub name: String,
    pub policy: Policy,
}

/// The decision, with the statement that made it (shown to owners and delegates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// The identity's owner needs no policy.
    AllowedAsOwner,
    Allowed {
        policy: String,
        sid: Option<String>,
    },
    DeniedExplicitly {
        policy: String,
        sid: Option<String>,
    },
    /// Default deny: no statement allows this request.
    NoStatementAllows,
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::AllowedAsOwner | Self::Allowed { .. })
    }

    /// A sentence for people: which grant decided, or what is missing.
    pub fn explain(&self) -> String {
        let statement = |policy: &str, sid: &Option<String>| match sid {
            Some(sid) => format!("statement `{sid}` of policy `{policy}`"),
            None => format!("an unnamed statement of policy `{policy}`"),
        };
        match self {
            Self::AllowedAsOwner => "Allowed: the caller owns the identity.".to_owned(),
            Self::Allowed { policy, sid } => format!("Allowed by {}.", statement(policy, sid)),
            Self::DeniedExplicitly { policy, sid } => {
                format!("Denied by {}.", statement(policy, sid))
            }
            Self::NoStatementAllows => {
                "Denied: no statement of the identity's policies allows this request.".to_owned()
            }
        }
    }
}

/// Authorises a request that names an identity owned by `owner_account`.
/// `address_policies` are the policies of the email-address identity, if the request's
/// address has one; `domain_policies` those of the domain identity.
pub fn authorize(
    owner_account: &str,
    address_policies: Option<&[NamedPolicy]>,
    domain_policies: &[NamedPolicy],
    ctx: &RequestContext,
) -> Decision {
    if ctx.principal_account == owner_account {
        return Decision::AllowedAsOwner;
    }
    evaluate(governing(address_policies, domain_policies).0, ctx)
}

/// Which policies govern a request: the address identity's when it has any (true), else the
/// domain's (false).
pub fn governing<'a>(
    address_policies: Option<&'a [NamedPolicy]>,
    domain_policies: &'a [NamedPolicy],
) -> (&'a [NamedPolicy], bool) {
    match address_policies {
        Some(policies) if !policies.is_empty() => (policies, true),
        _ => (domain_policies, false),
    }
}

/// Evaluates one identity's policies for a request (no owner shortcut).
pub fn evaluate(policies: &[NamedPolicy], ctx: &RequestContext) -> Decision {
    let mut allowed = None;
    for named in policies {
        for statement in named.policy.statements.iter().filter(|s| applies(s, ctx)) {
            let found = (named.name.clone(), statement.sid.clone());
            match statement.effect {
                Effect::Deny => {
                    return Decision::DeniedExplicitly {
                        policy: found.0,
                        sid: found.1,
                    }
                }
                Effect::Allow => {
                    allowed.get_or_insert(found);
                }
            }
        }
    }
    match allowed {
        Some((policy, sid)) => Decision::Allowed { policy, sid },
        None => Decision::NoStatementAllows,
    }
}

fn applies(statement: &Statement, ctx: &RequestContext) -> bool {
    let principal = match &statement.principals {
        Principals::Anyone => true,
        Principals::Listed { accounts, users } => {
            accounts.contains(&ctx.principal_account)
                || ctx
                    .principal_user_arn
                    .as_ref()
                    .is_some_and(|user| users.contains(user))
        }
    };
    principal
        && statement
            .actions
            .iter()
            .any(|pattern| glob::matches(pattern, &ctx.action, true))
        && statement.conditions.iter().all(|c| c.holds(ctx))
}

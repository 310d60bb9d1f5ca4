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
    /// Default deny: no statement allows this request. `unmet`: the first Allow statement
    /// that names the caller and the action but whose condition does not hold — what the
    /// owner most likely has to change.
    NoStatementAllows {
        unmet: Option<Unmet>,
    },
}

/// An Allow statement that would have applied but for one of its conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmet {
    pub policy: String,
    pub sid: Option<String>,
    /// The condition that does not hold, as people read it (`Condition::describe`).
    pub condition: String,
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
            Self::NoStatementAllows { unmet: None } => {
                "Denied: no statement of the identity's policies allows this request.".to_owned()
            }
            Self::NoStatementAllows { unmet: Some(unmet) } => {
                let named = statement(&unmet.policy, &unmet.sid);
                let named = named[..1].to_uppercase() + &named[1..];
                format!(
                    "Denied: no statement of the identity's policies allows this request. {named} names the caller, but its condition {} does not hold.",
                    unmet.condition
                )
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
    let mut unmet = None;
    for named in policies {
        for statement in named.policy.statements.iter().filter(|s| names(s, ctx)) {
            if let Some(failed) = statement.conditions.iter().find(|c| !c.holds(ctx)) {
                if statement.effect == Effect::Allow && unmet.is_none() {
                    unmet = Some(Unmet {
                        policy: named.name.clone(),
                        sid: statement.sid.clone(),
                        condition: failed.describe(),
                    });
                }
                continue;
            }
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
        None => Decision::NoStatementAllows { unmet },
    }
}

/// Whether the statement names the caller (its account, or its user) and the action;
/// it applies when its conditions hold too.
fn names(statement: &Statement, ctx: &RequestContext) -> bool {
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
}

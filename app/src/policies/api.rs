//! Server functions for policies: an owner's policies on its identities (reading needs any
//! role, changing needs `ManageIdentities`), the simulator, and a delegate's view of what
//! other accounts have shared with it.

// Server functions take one argument per form field; the simulator's form has ten, and an
// allow on the function does not reach the code `#[server]` generates.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use uuid::Uuid;

use super::{SharedIdentity, Simulation, StoredPolicy, WithdrawnGrant};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{
        authorization::authorize_request,
        db, form_time, parse_policy,
        service::{self, PutMode},
        RequestContext, WITHDRAWALS_SHOWN_DAYS,
    },
    crate::{
        auth::{session::require_account, Permission},
        identities::identity_arn,
        ids::AccountId,
        server::{app_context, errors::internal, shown},
    },
};

/// The policies attached to one of the caller's identities.
#[server(prefix = "/api", endpoint = "policies/list")]
pub async fn list_policies(identity_id: Uuid) -> Result<Vec<StoredPolicy>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let pool = &app_context()?.pool;
    if db::find_target(pool, caller.account_id(), identity_id)
        .await?
        .is_none()
    {
        return Err(AppError::not_found("Identity"));
    }
    let rows = db::list_policies(pool, caller.account_id(), identity_id).await?;
    rows.into_iter()
        .map(|row| {
            Ok(StoredPolicy {
                name: row.name,
                document: row.document,
                updated_at: row.updated_at.format(WHEN).map_err(internal)?,
            })
        })
        .collect()
}

/// Validates and stores a policy. `replace` says whether the owner is editing an existing
/// policy (which must exist) or adding one (whose name must be free).
#[server(prefix = "/api", endpoint = "policies/put")]
pub async fn put_policy(
    identity_id: Uuid,
    name: String,
    document: String,
    replace: bool,
) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let mode = if replace {
        PutMode::Replace
    } else {
        PutMode::Create
    };
    service::put_policy(
        &app_context()?.pool,
        caller.account_id(),
        identity_id,
        &name,
        &document,
        mode,
        &caller.actor(),
    )
    .await
}

#[server(prefix = "/api", endpoint = "policies/delete")]
pub async fn delete_policy(identity_id: Uuid, name: String) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let pool = &app_context()?.pool;
    let name = name.trim();
    let actor = caller.actor();
    let deleted = service::delete_policy(pool, caller.account_id(), identity_id, name, &actor);
    deleted
        .await?
        .then_some(())
        .ok_or_else(|| AppError::not_found(&format!("Policy {name}")))
}

/// The simulator: would this request, naming the caller's identity, be allowed — and by
/// which statement? Runs exactly the authorization a send runs.
#[server(prefix = "/api", endpoint = "policies/simulate")]
pub async fn simulate_policy(
    identity_id: Uuid,
    principal: String,
    action: String,
    from_address: String,
    from_display_name: String,
    recipients: String,
    feedback_address: String,
    source_ip: String,
    at: String,
    secure_transport: bool,
) -> Result<Simulation, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let pool = &app_context()?.pool;
    let target = db::find_target(pool, caller.account_id(), identity_id)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
    let (principal_account, principal_user_arn) = parse_principal(&principal)?;
    if !super::ACTIONS.contains(&action.as_str()) {
        return Err(AppError::field("action", "Choose a sending action."));
    }
    let source_ip =
        match source_ip.trim() {
            "" => None,
            ip => Some(ip.parse().map_err(|_| {
                AppError::field("source_ip", format!("`{ip}` is not an IP address."))
            })?),
        };
    let current_time = match at.trim() {
        "" => time::OffsetDateTime::now_utc().unix_timestamp(),
        t => form_time(t).ok_or_else(|| {
            AppError::field(
                "at",
                format!("`{t}` is not a time (YYYY-MM-DDTHH:MM, UTC)."),
            )
        })?,
    };
    let optional = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let from_address = optional(from_address);
    if let Some(from) = &from_address {
        check_sends_from(&target.name, from)?;
    }
    let ctx = RequestContext {
        principal_account: principal_account.to_string(),
        principal_user_arn,
        action,
        identity_arn: identity_arn(&target.region, caller.account_id(), &target.name),
        from_address: from_address.clone(),
        from_display_name: optional(from_display_name),
        feedback_address: optional(feedback_address),
        recipients: super::split_list(&recipients),
        source_ip,
        secure_transport,
        current_time,
        api_version: "2".to_owned(),
        user_agent: None,
    };
    let authorization = authorize_request(
        pool,
        caller.account_id(),
        &target.region,
        &target.name,
        from_address.as_deref(),
        &ctx,
    )
    .await?;
    Ok(Simulation {
        allowed: authorization.decision.is_allowed(),
        explanation: authorization.decision.explain(),
        evaluated_identity: authorization.evaluated_identity,
    })
}

/// Identities of other accounts whose policies name the caller's account or its users.
#[server(prefix = "/api", endpoint = "policies/shared-with-me")]
pub async fn list_shared_identities() -> Result<Vec<SharedIdentity>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let me = caller.account_id();
    let rows = db::shared_with(&app_context()?.pool, me).await?;
    let mut shared: Vec<SharedIdentity> = Vec::new();
    for row in rows {
        let owner = AccountId::parse(&row.owner_account).map_err(internal)?;
        let arn = identity_arn(&row.region, &owner, &row.identity_name);
        // A stored document that no longer parses is logged and skipped, so one bad row
        // does not hide every other grant.
        let policy = match parse_policy(&row.document, &arn) {
            Ok(policy) => policy,
            Err(e) => {
                tracing::error!(policy = %row.policy_name, %arn, error = %e, "a stored policy no longer parses; skipped");
                continue;
            }
        };
        let grants = policy.grants_to(&row.policy_name, me.as_str());
        let changed = shown(row.updated_at);
        // Rows come ordered by identity, so one identity's policies are adjacent.
        match shared.last_mut() {
            Some(last) if last.arn == arn => {
                last.grants.extend(grants);
                // The moments read alike (`shown`), so the later is the greater string.
                last.grants_changed = last.grants_changed.clone().max(changed);
            }
            _ => shared.push(SharedIdentity {
                arn,
                name: row.identity_name,
                kind: row.kind.parse().map_err(internal)?,
                region: row.region,
                owner_account: row.owner_account,
                owner_name: row.owner_name,
                status: row.verification_status.parse().map_err(internal)?,
                grants,
                grants_changed: changed,
            }),
        }
    }
    Ok(shared)
}

/// Grants to the caller's account that their owners withdrew lately (`WITHDRAWALS_SHOWN_DAYS`).
#[server(prefix = "/api", endpoint = "policies/withdrawn-from-me")]
pub async fn list_withdrawn_grants() -> Result<Vec<WithdrawnGrant>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let pool = app_context()?.pool;
    let rows = db::withdrawn_from(&pool, caller.account_id(), WITHDRAWALS_SHOWN_DAYS).await?;
    rows.into_iter()
        .map(|row| {
            let owner = AccountId::parse(&row.owner_account_id).map_err(internal)?;
            let what = match row.reason.as_str() {
                "policy_deleted" => "The policy was deleted.",
                "policy_changed" => "The policy no longer names your account.",
                _ => "The identity was deleted.",
            };
            Ok(WithdrawnGrant {
                arn: identity_arn(&row.region, &owner, &row.identity_name),
                name: row.identity_name,
                region: row.region,
                owner_account: row.owner_account_id,
                owner_name: row.owner_name,
                policy: row.policy_name,
                what: what.to_owned(),
                when: shown(row.withdrawn_at),
            })
        })
        .collect()
}

#[cfg(feature = "ssr")]
const WHEN: &[time::format_description::BorrowedFormatItem<'_>] =
    time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");

/// A send names an identity that covers its From address; refuse to simulate one that
/// could not happen.
#[cfg(feature = "ssr")]
fn check_sends_from(identity: &str, from: &str) -> Result<(), AppError> {
    use crate::identities::domain::{address_identity_name, domain_covers_address, DomainName};
    let address = address_identity_name(from).map_err(|m| AppError::field("from_address", m))?;
    let covered = match DomainName::parse(identity) {
        _ if identity.contains('@') => address == identity,
        Ok(domain) => domain_covers_address(&domain, &address),
        Err(_) => false,
    };
    covered.then_some(()).ok_or_else(|| {
        AppError::field(
            "from_address",
            format!(
                "{from} is not an address of {identity}; a send from it names another identity."
            ),
        )
    })
}

/// "123456789012", "arn:aws:iam::123456789012:root" or a user ARN → (account, user ARN).
#[cfg(feature = "ssr")]
fn parse_principal(principal: &str) -> Result<(AccountId, Option<String>), AppError> {
    let principal = principal.trim();
    let invalid = || {
        AppError::field(
            "principal",
            "Enter an account id (12 digits), arn:aws:iam::<account>:root or a user ARN.",
        )
    };
    if let Ok(account) = AccountId::parse(principal) {
        return Ok((account, None));
    }
    let rest = principal
        .strip_prefix("arn:aws:iam::")
        .ok_or_else(invalid)?;
    let (account, resource) = rest.split_once(':').ok_or_else(invalid)?;
    let account = AccountId::parse(account).map_err(|_| invalid())?;
    match resource {
        "root" => Ok((account, None)),
        user if user.strip_prefix("user/").is_some_and(|n| !n.is_empty()) => {
            Ok((account, Some(principal.to_owned())))
        }
        _ => Err(invalid()),
    }
}

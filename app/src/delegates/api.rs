//! Server functions for the Delegate activity tab: reading needs `ViewAccount`; revoking
//! and capping change who may send as the owner's identity, so they need
//! `ManageIdentities`.

use leptos::prelude::*;
use uuid::Uuid;

use super::DelegateSummary;
use crate::{error::AppError, ids::AccountId};

#[cfg(feature = "ssr")]
use {
    super::db,
    crate::{
        audit::{self, AuditKind, Change},
        auth::{session::require_account, Permission},
        identities::{db as identities, identity_arn},
        policies::{self, parse_policy, service, Policy},
        reputation::Rates,
        server::{app_context, shown},
    },
};

/// Who sends as one of the caller's identities, how much, and with what outcomes.
#[server(prefix = "/api", endpoint = "delegates/activity")]
pub async fn delegate_activity(identity_id: Uuid) -> Result<Vec<DelegateSummary>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let pool = &app_context()?.pool;
    let identity = identities::find_identity(pool, caller.account_id(), identity_id)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
    let arn = identity_arn(&identity.region, caller.account_id(), &identity.name);
    let rows = db::activity(pool, caller.account_id(), identity_id).await?;
    // Stored policies were validated when put; one that no longer parses grants nothing here.
    let policies: Vec<Policy> = policies::db::list_policies(pool, caller.account_id(), identity_id)
        .await?
        .iter()
        .filter_map(|p| parse_policy(&p.document, &arn).ok())
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| DelegateSummary {
            granted: policies.iter().any(|p| p.allows_account(&r.delegate)),
            delegate_account: r.delegate,
            delegate_name: r.delegate_name,
            messages: r.messages,
            recipients: r.recipients,
            deliveries: r.deliveries,
            rates: Rates {
                rated: r.rated,
                hard_bounces: r.hard_bounces,
                complaints: r.complaints,
            },
            last_sent: r.last_sent.map(shown),
            cap: r.cap,
        })
        .collect())
}

/// Takes `delegate_account` out of every policy of the identity; its next send as the
/// identity is denied.
#[server(prefix = "/api", endpoint = "delegates/revoke")]
pub async fn revoke_delegate(
    identity_id: Uuid,
    delegate_account: AccountId,
) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let pool = &app_context()?.pool;
    let (account, actor) = (caller.account_id(), caller.actor());
    let changed =
        service::revoke_delegate(pool, account, identity_id, &delegate_account, &actor).await?;
    if changed == 0 {
        return Err(AppError::Conflict {
            message: format!("No policy of this identity allows account {delegate_account}."),
        });
    }
    tracing::info!(owner = %caller.account_id(), %identity_id, delegate = %delegate_account, policies = changed, "delegate revoked");
    Ok(())
}

/// Caps what `delegate_account` may send from the identity per 24 hours (recipients);
/// an empty cap removes it.
#[server(prefix = "/api", endpoint = "delegates/set-cap")]
pub async fn set_grant_cap(
    identity_id: Uuid,
    delegate_account: AccountId,
    max_24_hour_send: String,
) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    if &delegate_account == caller.account_id() {
        return Err(AppError::field(
            "delegate_account",
            "Caps apply to other accounts.",
        ));
    }
    let cap = match max_24_hour_send.trim() {
        "" => None,
        given => Some(
            given
                .parse::<i64>()
                .ok()
                .filter(|c| *c > 0)
                .ok_or_else(|| {
                    AppError::field(
                        "max_24_hour_send",
                        "Give a whole number of recipients above 0, or leave it empty for no cap.",
                    )
                })?,
        ),
    };
    let account = caller.account_id();
    let mut tx = app_context()?.pool.begin().await?;
    let identity = db::set_cap(&mut *tx, account, identity_id, &delegate_account, cap)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
    let subject = match cap {
        Some(cap) => format!("{delegate_account}: {cap} recipients per 24 hours"),
        None => format!("{delegate_account}: no cap"),
    };
    let change = Change::new(AuditKind::GrantCapChanged, &subject).on(identity_id, &identity);
    audit::record(&mut *tx, account, &caller.actor(), change).await?;
    tx.commit().await?;
    Ok(())
}

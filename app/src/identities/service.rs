//! Creating identities, shared by the identities pages and the SES API: a domain gets a
//! verification token and a fresh DKIM key; an address gets a mailed link. Both are counted
//! against the account's per-region limit under a lock, so concurrent creations cannot pass
//! it.

use rand::{distributions::Alphanumeric, Rng};
use uuid::Uuid;

use super::{
    db, dkim,
    domain::{address_identity_name, DomainName},
    email, identity_arn, DkimAlgorithm, IdentityKind, IdentitySummary, VerificationStatus,
    MAX_IDENTITIES,
};
use crate::{
    audit::{self, Actor, AuditKind, Change},
    error::AppError,
    ids::AccountId,
    server::{errors::internal, errors::ConstraintExt, AppContext},
};

/// Adds a domain identity, status Pending.
pub async fn create_domain(
    ctx: &AppContext,
    account: &AccountId,
    region: &str,
    domain: &str,
    algorithm: DkimAlgorithm,
    actor: &Actor,
) -> Result<IdentitySummary, AppError> {
    let domain = DomainName::parse(domain).map_err(|m| AppError::field("domain", m))?;
    refuse_system_sender(ctx, domain.as_str(), "domain")?;
    if is_public_suffix(&domain) {
        return Err(AppError::field(
            "domain",
            format!(
                "Invalid domain name {domain}. It is a public suffix (like com, co.uk or github.io), under which anyone can register names; verify a domain registered under it instead."
            ),
        ));
    }
    if !ctx.settings.regions.iter().any(|r| r == region) {
        return Err(AppError::field(
            "region",
            format!("Sesame does not serve region `{region}`."),
        ));
    }
    let key = tokio::task::spawn_blocking(move || dkim::generate(algorithm))
        .await
        .map_err(internal)?
        .map_err(internal)?;
    let identity_id = Uuid::new_v4();
    let sealed = ctx.vault.seal(&key.private_key, &identity_id.to_string());
    let token: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(44)
        .map(char::from)
        .collect();

    let mut tx = ctx.pool.begin().await?;
    reserve_slot(&mut tx, account, region).await?;
    let new = db::NewDomainIdentity {
        identity_id,
        region,
        name: domain.as_str(),
        token: &token,
        dkim_selector: &key.selector,
        dkim_algorithm: key.algorithm.as_str(),
        dkim_public_key: &key.public_key,
        dkim_private_key: &sealed,
    };
    db::insert_domain_identity(&mut *tx, account, &new)
        .await
        .on_constraint("identity_name_key", || {
            AppError::field("domain", "You already have this identity in this region.")
        })?;
    let created = Change::new(AuditKind::IdentityCreated, region).on(identity_id, domain.as_str());
    audit::record(&mut *tx, account, actor, created).await?;
    tx.commit().await?;
    Ok(IdentitySummary {
        arn: identity_arn(region, account, domain.as_str()),
        identity_id,
        kind: IdentityKind::Domain,
        name: domain.to_string(),
        region: region.to_owned(),
        status: VerificationStatus::Pending,
    })
}

/// The domain Sesame's own mail comes from is the operator's: no account may make it (or
/// an address at it) an identity — where the development zone vouches for
/// `sesame.localhost`, anyone could otherwise send as Sesame itself.
fn refuse_system_sender(ctx: &AppContext, domain: &str, field: &str) -> Result<(), AppError> {
    let reserved = ctx
        .settings
        .system_sender
        .rsplit_once('@')
        .map_or("", |(_, d)| d);
    match domain.eq_ignore_ascii_case(reserved) {
        true => Err(AppError::field(
            field,
            format!("{reserved} is reserved for the mail Sesame itself sends."),
        )),
        false => Ok(()),
    }
}

/// True if no one can own `domain`: it is a public suffix (ICANN's or a private one such
/// as `github.io`), by the Public Suffix List.
pub fn is_public_suffix(domain: &DomainName) -> bool {
    psl::suffix_str(domain.as_str()).is_none_or(|suffix| suffix == domain.as_str())
}

/// Adds an email-address identity and mails it a verification link (valid 24 hours).
pub async fn create_email(
    ctx: &AppContext,
    account: &AccountId,
    region: &str,
    email: &str,
    actor: &Actor,
) -> Result<IdentitySummary, AppError> {
    let address = address_identity_name(email).map_err(|m| AppError::field("email", m))?;
    let domain = address.rsplit_once('@').map_or("", |(_, d)| d);
    refuse_system_sender(ctx, domain, "email")?;
    let identity_id = Uuid::new_v4();
    let token = email::new_token();
    let mut tx = ctx.pool.begin().await?;
    reserve_slot(&mut tx, account, region).await?;
    db::insert_email_identity(&mut *tx, account, identity_id, region, &address, &token)
        .await
        .on_constraint("identity_name_key", || {
            AppError::field("email", "You already have this identity in this region.")
        })?;
    let verification = email::Verification {
        account,
        identity: identity_id,
        address: &address,
        region,
        token: &token,
    };
    email::send_verification(&mut tx, &ctx.letterhead(), &verification).await?;
    let created = Change::new(AuditKind::IdentityCreated, region).on(identity_id, &address);
    audit::record(&mut *tx, account, actor, created).await?;
    tx.commit().await?;
    Ok(IdentitySummary {
        arn: identity_arn(region, account, &address),
        identity_id,
        kind: IdentityKind::EmailAddress,
        name: address,
        region: region.to_owned(),
        status: VerificationStatus::Pending,
    })
}

/// Sends a new verification link to an address identity (the old one stops working).
/// None: the account has no such address identity.
pub async fn resend_verification(
    ctx: &AppContext,
    account: &AccountId,
    identity_id: Uuid,
) -> Result<Option<()>, AppError> {
    let token = email::new_token();
    let mut tx = ctx.pool.begin().await?;
    let Some((address, region)) =
        db::renew_email_verification(&mut *tx, account, identity_id, &token).await?
    else {
        return Ok(None);
    };
    let verification = email::Verification {
        account,
        identity: identity_id,
        address: &address,
        region: &region,
        token: &token,
    };
    email::send_verification(&mut tx, &ctx.letterhead(), &verification).await?;
    tx.commit().await?;
    Ok(Some(()))
}

/// What turning feedback forwarding on or off came to.
#[derive(Debug, PartialEq, Eq)]
pub enum ForwardingChange {
    Done,
    /// The account has no such identity.
    NotFound,
    /// Off needs the identity's own destinations for both bounces and complaints (SES).
    NeedsDestinations,
}

/// Turns forwarding of bounce and complaint notifications by email on or off — the one
/// rule the page, v1's `SetIdentityFeedbackForwardingEnabled` and v2's
/// `PutEmailIdentityFeedbackAttributes` share.
pub async fn set_feedback_forwarding(
    pool: &sqlx::PgPool,
    account: &AccountId,
    identity_id: Uuid,
    enabled: bool,
    actor: &Actor,
) -> Result<ForwardingChange, AppError> {
    if !enabled
        && !crate::notifications::db::identity_covers_feedback(pool, account, identity_id).await?
    {
        return Ok(
            if db::find_identity(pool, account, identity_id)
                .await?
                .is_some()
            {
                ForwardingChange::NeedsDestinations
            } else {
                ForwardingChange::NotFound
            },
        );
    }
    let mut tx = pool.begin().await?;
    let Some(set) = db::set_feedback_forwarding(&mut *tx, account, identity_id, enabled).await?
    else {
        return Ok(ForwardingChange::NotFound);
    };
    if set.changed {
        let subject = if enabled { "on" } else { "off" };
        let change =
            Change::new(AuditKind::FeedbackForwardingChanged, subject).on(identity_id, &set.name);
        audit::record(&mut *tx, account, actor, change).await?;
    }
    tx.commit().await?;
    Ok(ForwardingChange::Done)
}

/// Deletes an identity, recording it for `actor`; false if the account has no such one.
pub async fn delete_identity(
    pool: &sqlx::PgPool,
    account: &AccountId,
    identity_id: Uuid,
    actor: &Actor,
) -> Result<bool, AppError> {
    let by = (account, actor);
    change_identity(pool, by, identity_id, AuditKind::IdentityDeleted).await
}

/// Starts verification again after it failed, recording it for `actor`; false if the
/// account has no such identity.
pub async fn restart_verification(
    pool: &sqlx::PgPool,
    account: &AccountId,
    identity_id: Uuid,
    actor: &Actor,
) -> Result<bool, AppError> {
    let by = (account, actor);
    change_identity(pool, by, identity_id, AuditKind::VerificationRestarted).await
}

/// The change `kind` names (deleting, restarting verification) and its entry, in one
/// transaction; false if the account has no such identity.
async fn change_identity(
    pool: &sqlx::PgPool,
    (account, actor): (&AccountId, &Actor),
    identity_id: Uuid,
    kind: AuditKind,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let changed = match kind {
        AuditKind::IdentityDeleted => db::delete_identity(&mut *tx, account, identity_id).await?,
        _ => db::restart_verification(&mut *tx, account, identity_id).await?,
    };
    let Some(name) = changed else {
        return Ok(false);
    };
    audit::record(
        &mut *tx,
        account,
        actor,
        Change::new(kind, "").on(identity_id, &name),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Checks the region and the per-region limit, holding the account's region row locked
/// until the caller's transaction ends.
async fn reserve_slot(
    tx: &mut sqlx::PgTransaction<'_>,
    account: &AccountId,
    region: &str,
) -> Result<(), AppError> {
    let count = db::lock_region_and_count(tx, account, region)
        .await?
        .ok_or_else(|| {
            AppError::field(
                "region",
                format!("Sesame does not serve region `{region}` for your account."),
            )
        })?;
    if count >= MAX_IDENTITIES {
        return Err(AppError::Conflict {
            message: format!("An account can have at most {MAX_IDENTITIES} identities per region."),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_suffixes_are_not_identities() {
        for suffix in ["com", "co.uk", "github.io", "s3.amazonaws.com", "example"] {
            let name = DomainName::parse(&format!("x.{suffix}")).unwrap();
            assert!(!is_public_suffix(&name), "x.{suffix} is registrable");
        }
        for suffix in ["co.uk", "github.io", "com.au", "blogspot.com"] {
            let name = DomainName::parse(suffix).unwrap();
            assert!(is_public_suffix(&name), "{suffix} is a public suffix");
        }
    }
}

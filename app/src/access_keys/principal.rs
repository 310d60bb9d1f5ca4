//! Who an access key proves a caller to be: a user of an account, acting in one region —
//! proven by a SigV4 signature made with the key's secret (the API) or by the SES SMTP
//! password derived from it (SMTP). Only this module builds a `KeyPrincipal` (its fields
//! are private, as `AccountCtx`'s are), so holding one is the proof: no other code can
//! make a caller up.

use std::net::IpAddr;

use sesame_wire::sigv4::{self, Authorization, SignatureError, SignedRequest};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use super::{cache::CachedKey, credentials::smtp_password, db as keys, scope::KeyLimits};
use crate::{
    auth::{user_arn, Permission, Role},
    error::AppError,
    ids::AccountId,
    server::{errors::internal, AppContext},
};

#[derive(Debug, Clone)]
pub struct KeyPrincipal {
    access_key_id: String,
    account: AccountId,
    user_name: String,
    role: Role,
    /// Every request (and SMTP session) acts in exactly one region.
    region: String,
    /// The key's own scope.
    limits: KeyLimits,
}

impl KeyPrincipal {
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn account(&self) -> &AccountId {
        &self.account
    }

    pub fn user_name(&self) -> &str {
        &self.user_name
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn user_arn(&self) -> String {
        user_arn(&self.account, &self.user_name)
    }

    pub fn may(&self, permission: Permission) -> bool {
        self.role.allows(permission)
    }

    /// Why the key's scope refuses `action` from `client` (words to follow "because");
    /// None when it allows it.
    pub fn scope_refusal(&self, action: &str, client: Option<IpAddr>) -> Option<String> {
        self.limits.refusal(action, client)
    }

    /// The key's own scope (the send path checks its identities).
    pub fn limits(&self) -> &KeyLimits {
        &self.limits
    }

    fn of(access_key_id: &str, key: &keys::SigningKey, region: String) -> Result<Self, AppError> {
        Ok(Self {
            access_key_id: access_key_id.to_owned(),
            account: key.account_id.clone(),
            user_name: key.user_name.clone(),
            role: key.role.parse().map_err(internal)?,
            region,
            limits: key.limits.clone(),
        })
    }
}

/// Why a signed request proves no one.
#[derive(Debug)]
pub enum SignatureRefusal {
    Signature(SignatureError),
    /// The signature is good, but the operator disabled the account.
    AccountDisabled,
    /// The credential scope names a region this Sesame does not serve.
    UnknownRegion(String),
    Internal(AppError),
}

/// The caller a request signed with `key` proves, once its signature over the request as
/// received verifies. `clock_skew_secs` is how far the signing time may be from ours.
pub fn signed_by(
    context: &AppContext,
    key: &CachedKey,
    auth: &Authorization,
    request: &SignedRequest<'_>,
    clock_skew_secs: i64,
) -> Result<KeyPrincipal, SignatureRefusal> {
    sigv4::verify(
        request,
        auth,
        &key.secret,
        OffsetDateTime::now_utc(),
        clock_skew_secs,
    )
    .map_err(SignatureRefusal::Signature)?;
    if key.key.account_disabled {
        return Err(SignatureRefusal::AccountDisabled);
    }
    if !context.settings.regions.contains(&auth.region) {
        return Err(SignatureRefusal::UnknownRegion(auth.region.clone()));
    }
    KeyPrincipal::of(&auth.access_key_id, &key.key, auth.region.clone())
        .map_err(SignatureRefusal::Internal)
}

/// What an SMTP AUTH proves.
pub enum SmtpVerdict {
    Authenticated(KeyPrincipal),
    /// Unknown or inactive key, disabled user, or a wrong password: one answer for all.
    Invalid,
    /// Valid credentials of an account the operator disabled.
    AccountDisabled,
}

/// SMTP AUTH: the user name is an access key id and the password the SES version-4 SMTP
/// password derived from its secret for a region this Sesame serves. SES has one endpoint
/// per region; here one listener serves them all, so the region whose password matched is
/// the region the session sends in.
pub async fn smtp_login(
    context: &AppContext,
    access_key_id: &str,
    password: &str,
) -> Result<SmtpVerdict, AppError> {
    let Some(key) = keys::find_signing_key(&context.pool, access_key_id)
        .await?
        .filter(keys::SigningKey::usable)
    else {
        return Ok(SmtpVerdict::Invalid);
    };
    let secret = context
        .vault
        .open(&key.secret, access_key_id)
        .map_err(internal)?;
    let secret = String::from_utf8(secret).map_err(internal)?;
    // Every region is derived and compared, so the time taken says nothing about which.
    let mut matched = None;
    for region in context.settings.regions.iter() {
        let expected = smtp_password(&secret, region);
        if bool::from(expected.as_bytes().ct_eq(password.as_bytes())) {
            matched = Some(region.clone());
        }
    }
    let Some(region) = matched else {
        return Ok(SmtpVerdict::Invalid);
    };
    if key.account_disabled {
        return Ok(SmtpVerdict::AccountDisabled);
    }
    // Recording the use is bookkeeping: a failure to is logged, not the login's.
    if !key.used_recently {
        if let Err(e) = keys::touch_last_used(&context.pool, access_key_id, &region, "SMTP").await {
            tracing::warn!(error = %e, access_key_id, "could not record an access key's use");
        }
    }
    Ok(SmtpVerdict::Authenticated(KeyPrincipal::of(
        access_key_id,
        &key,
        region,
    )?))
}

/// Whether the principal's key, user and account still may send (an SMTP session outlives
/// the AUTH that opened it; a key deactivated since must stop it). The API's memory of keys
/// answers when it can.
pub async fn still_allowed(
    context: &AppContext,
    principal: &KeyPrincipal,
) -> Result<bool, AppError> {
    if let Some(cached) = context.keys.get(&principal.access_key_id) {
        return Ok(!cached.key.account_disabled);
    }
    let key = keys::find_signing_key(&context.pool, &principal.access_key_id).await?;
    Ok(key.is_some_and(|k| k.usable() && !k.account_disabled))
}

//! AUTH: the user name is an access key id and the password the SES version-4 SMTP
//! password derived from its secret for a region this Sesame serves. SES has one endpoint
//! per region; here one listener serves them all, so the region whose password matched is
//! the region the session sends in.

use app::{
    access_keys::{credentials::smtp_password, db as keys},
    auth::{user_arn, Permission, Role},
    error::AppError,
    ids::AccountId,
    server::{errors::internal, AppContext},
};
use subtle::ConstantTimeEq;

/// Who a session authenticated as.
#[derive(Debug, Clone)]
pub struct SmtpUser {
    pub access_key_id: String,
    pub account: AccountId,
    pub user_name: String,
    pub role: Role,
    pub region: String,
}

impl SmtpUser {
    pub fn user_arn(&self) -> String {
        user_arn(&self.account, &self.user_name)
    }

    pub fn may_send(&self) -> bool {
        self.role.allows(Permission::Send)
    }
}

pub enum Verdict {
    Authenticated(SmtpUser),
    /// Unknown or inactive key, disabled user, or a wrong password: one answer for all.
    Invalid,
    /// Valid credentials of an account the operator disabled.
    AccountDisabled,
}

/// Whether the session's key, user and account still may send (a session outlives the
/// AUTH that opened it; a key deactivated since must stop it). The API's memory of keys
/// answers when it can.
pub async fn still_allowed(context: &AppContext, user: &SmtpUser) -> Result<bool, AppError> {
    if let Some(cached) = context.keys.get(&user.access_key_id) {
        return Ok(!cached.key.account_disabled);
    }
    let key = keys::find_signing_key(&context.pool, &user.access_key_id).await?;
    Ok(key.is_some_and(|k| k.active && !k.user_disabled && !k.account_disabled))
}

pub async fn authenticate(
    context: &AppContext,
    access_key_id: &str,
    password: &str,
) -> Result<Verdict, AppError> {
    let Some(key) = keys::find_signing_key(&context.pool, access_key_id)
        .await?
        .filter(|k| k.active && !k.user_disabled)
    else {
        return Ok(Verdict::Invalid);
    };
    let secret = context
        .vault
        .open(&key.secret, access_key_id)
        .map_err(internal)?;
    let secret = String::from_utf8(secret).map_err(internal)?;
    // Every region is derived and compared, so the time taken says nothing about which.
    let mut matched = None;
    for region in context.regions.iter() {
        let expected = smtp_password(&secret, region);
        if bool::from(expected.as_bytes().ct_eq(password.as_bytes())) {
            matched = Some(region.clone());
        }
    }
    let Some(region) = matched else {
        return Ok(Verdict::Invalid);
    };
    if key.account_disabled {
        return Ok(Verdict::AccountDisabled);
    }
    if !key.used_recently {
        keys::touch_last_used(&context.pool, access_key_id).await?;
    }
    Ok(Verdict::Authenticated(SmtpUser {
        access_key_id: access_key_id.to_owned(),
        account: key.account_id,
        user_name: key.user_name,
        role: key.role.parse().map_err(internal)?,
        region,
    }))
}

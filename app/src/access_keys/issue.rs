//! Issuing a key (shared by the access keys page and `sesame admin create-access-key`).

use sqlx::PgPool;

use super::{credentials, db, scope::KeyScope, NewAccessKey, LIMIT_MESSAGE, MAX_ACTIVE_KEYS};
use crate::{
    audit::{self, Actor, AuditKind, Change},
    error::AppError,
    ids::{AccountId, UserId},
    server::vault::SecretVault,
};

/// What a new key is: the region its SMTP password is for, and its scope.
pub struct KeyRequest<'a> {
    pub region: &'a str,
    pub scope: KeyScope,
    /// None: it does not expire.
    pub expires_in_days: Option<i64>,
}

impl<'a> KeyRequest<'a> {
    /// A key limited by nothing but its user's role.
    pub fn unlimited(region: &'a str) -> Self {
        Self {
            region,
            scope: KeyScope::default(),
            expires_in_days: None,
        }
    }
}

/// Creates an active key for the user, its secret sealed under the master key, and returns
/// the secret and the SMTP password for the request's region — the only time they leave
/// the server. The audit entry names the key and its limits.
pub async fn issue_access_key(
    pool: &PgPool,
    vault: &SecretVault,
    account: &AccountId,
    user: UserId,
    request: &KeyRequest<'_>,
    actor: &Actor,
) -> Result<NewAccessKey, AppError> {
    let mut tx = pool.begin().await?;
    let active = db::lock_user_and_count_active(&mut tx, account, user)
        .await?
        .ok_or_else(|| AppError::not_found("User"))?;
    if active >= MAX_ACTIVE_KEYS {
        return Err(AppError::Conflict {
            message: LIMIT_MESSAGE.to_owned(),
        });
    }
    let access_key_id = credentials::generate_access_key_id();
    let secret = credentials::generate_secret();
    let sealed = vault.seal(secret.as_bytes(), &access_key_id);
    let limits = (&request.scope, request.expires_in_days);
    db::insert_access_key(&mut *tx, account, user, &access_key_id, &sealed, limits).await?;
    let subject = match described(request) {
        limits if limits.is_empty() => access_key_id.clone(),
        limits => format!("{access_key_id} ({limits})"),
    };
    let change = Change::new(AuditKind::AccessKeyCreated, &subject);
    audit::record(&mut *tx, account, actor, change).await?;
    tx.commit().await?;
    Ok(NewAccessKey {
        smtp_password: credentials::smtp_password(&secret, request.region),
        smtp_region: request.region.to_owned(),
        access_key_id,
        secret_access_key: secret,
    })
}

/// A key's limits in a few words, for its audit entry ("" for none).
fn described(request: &KeyRequest<'_>) -> String {
    let scope = &request.scope;
    let mut parts = Vec::new();
    for (what, list) in [
        ("from", &scope.sources),
        ("actions", &scope.actions),
        ("identities", &scope.identities),
    ] {
        if !list.is_empty() {
            parts.push(format!("{what} {}", list.join(" ")));
        }
    }
    if let Some(days) = request.expires_in_days {
        parts.push(format!("expires in {days} days"));
    }
    parts.join("; ")
}

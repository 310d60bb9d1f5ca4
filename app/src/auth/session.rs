//! The typed session and the two ways in: [`require_account`] for account users and
//! [`require_operator`] for operators. The contexts they return can be built nowhere else,
//! so a server function that holds an [`AccountCtx`] has, by construction, a signed-in,
//! enabled user of an enabled account with the permission it asked for — and every query it
//! makes is scoped by that context's account id.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::Session;
use uuid::Uuid;

use super::{db, Permission, Role};
use crate::{
    error::AppError,
    ids::{AccountId, UserId},
    server::{app_context, errors::internal},
};

const CLAIMS_KEY: &str = "sesame.claims";

/// Who signed in, as stored in the session.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Claimant {
    User(UserId),
    Operator(Uuid),
}

/// What a session holds: who signed in, and when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub claimant: Claimant,
    /// Unix milliseconds of the sign-in; the absolute session lifetime counts from here,
    /// and a user's sessions from before a password reset are over.
    pub signed_in_at_ms: i64,
}

/// A signed-in, enabled account user with a checked permission.
#[derive(Debug, Clone)]
pub struct AccountCtx {
    account_id: AccountId,
    user_id: UserId,
    role: Role,
}

impl AccountCtx {
    pub fn account_id(&self) -> &AccountId {
        &self.account_id
    }
    pub fn user_id(&self) -> UserId {
        self.user_id
    }
    pub fn role(&self) -> Role {
        self.role
    }
}

/// A signed-in operator of the platform.
#[derive(Debug, Clone)]
pub struct OperatorCtx {
    operator_id: Uuid,
}

impl OperatorCtx {
    pub fn operator_id(&self) -> Uuid {
        self.operator_id
    }
}

/// The app's clock in Unix milliseconds, as sessions are stamped.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// The client's IP address (the TCP peer).
pub async fn client_ip() -> Result<IpAddr, AppError> {
    let ConnectInfo(peer) = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .map_err(internal)?;
    Ok(peer.ip())
}

/// Starts a signed-in session under a new id (the pre-sign-in id dies: no fixation).
pub async fn establish(claimant: Claimant) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(internal)?;
    let claims = Claims {
        claimant,
        signed_in_at_ms: now_ms(),
    };
    session.insert(CLAIMS_KEY, claims).await.map_err(internal)
}

/// Ends the session and deletes it from the store.
pub async fn end() -> Result<(), AppError> {
    session().await?.flush().await.map_err(internal)
}

/// The claims of a live session, ending sessions past their absolute lifetime.
pub async fn claims() -> Result<Option<Claims>, AppError> {
    let ctx = app_context()?;
    let session = session().await?;
    let claims = match session.get::<Claims>(CLAIMS_KEY).await {
        Ok(Some(claims)) => claims,
        Ok(None) => return Ok(None),
        // Claims this version cannot read (written by an older one): sign the session out
        // rather than fail every request it makes.
        Err(e) => {
            tracing::warn!(error = %e, "ending a session whose claims cannot be read");
            session.flush().await.map_err(internal)?;
            return Ok(None);
        }
    };
    let age_ms = now_ms() - claims.signed_in_at_ms;
    if age_ms < 0 || age_ms as u128 >= ctx.settings.session_lifetime.as_millis() {
        session.flush().await.map_err(internal)?;
        return Ok(None);
    }
    Ok(Some(claims))
}

/// The calling account user, if signed in, enabled, in an enabled account and allowed
/// `permission`. A user disabled or deleted since signing in is signed out here.
pub async fn require_account(permission: Permission) -> Result<AccountCtx, AppError> {
    let Some(Claims {
        claimant: Claimant::User(user_id),
        signed_in_at_ms,
    }) = claims().await?
    else {
        return Err(AppError::Unauthorized);
    };
    let pool = app_context()?.pool;
    let Some(user) = db::find_active_user(&pool, user_id, signed_in_at_ms).await? else {
        end().await?;
        return Err(AppError::Unauthorized);
    };
    let role: Role = user.role.parse().map_err(internal)?;
    if !role.allows(permission) {
        return Err(AppError::Forbidden);
    }
    Ok(AccountCtx {
        account_id: user.account_id,
        user_id,
        role,
    })
}

/// The calling operator, if signed in as one.
pub async fn require_operator() -> Result<OperatorCtx, AppError> {
    let Some(Claims {
        claimant: Claimant::Operator(operator_id),
        ..
    }) = claims().await?
    else {
        return Err(AppError::Unauthorized);
    };
    let pool = app_context()?.pool;
    if db::find_operator_email(&pool, operator_id).await?.is_none() {
        end().await?;
        return Err(AppError::Unauthorized);
    }
    Ok(OperatorCtx { operator_id })
}

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

use super::{db, registry, Permission, Role};
use crate::{
    audit::{self, Actor, AuditKind, Change, Log},
    error::AppError,
    ids::{AccountId, UserId},
    server::{app_context, errors::internal},
};

const CLAIMS_KEY: &str = "sesame.claims";
const PENDING_KEY: &str = "sesame.pending_sign_in";
/// How long a sign-in whose password was right waits for its second factor.
const PENDING_FOR_MS: i64 = 5 * 60 * 1000;

/// Who signed in, as stored in the session.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Claimant {
    User(UserId),
    Operator(Uuid),
}

impl Claimant {
    /// The user's or operator's id.
    pub fn id(self) -> Uuid {
        match self {
            Claimant::User(UserId(id)) | Claimant::Operator(id) => id,
        }
    }
}

/// What a session holds: who signed in, when, and (for a user) its registered session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub claimant: Claimant,
    /// Unix milliseconds of the sign-in; the absolute session lifetime counts from here.
    pub signed_in_at_ms: i64,
    /// A user's session in the `registry`: live only while its row is.
    pub handle: Option<Uuid>,
    /// Signed in with a second factor (or proved one since): an operator's session without
    /// it ends once they have an authenticator or the platform requires one.
    #[serde(default)]
    pub second_factor: bool,
}

/// A signed-in, enabled account user with a checked permission.
#[derive(Debug, Clone)]
pub struct AccountCtx {
    account_id: AccountId,
    user_id: UserId,
    user_name: String,
    role: Role,
    handle: Uuid,
    client: IpAddr,
    user_agent: String,
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
    /// The calling session's handle in the `registry`.
    pub fn session_handle(&self) -> Uuid {
        self.handle
    }
    /// Who the audit log says made a change through this request.
    pub fn actor(&self) -> Actor {
        Actor::console(
            super::user_arn(&self.account_id, &self.user_name),
            self.client,
            &self.user_agent,
        )
    }
}

/// A signed-in operator of the platform.
#[derive(Debug, Clone)]
pub struct OperatorCtx {
    operator_id: Uuid,
    email: String,
    client: IpAddr,
    user_agent: String,
}

impl OperatorCtx {
    pub fn operator_id(&self) -> Uuid {
        self.operator_id
    }
    pub fn email(&self) -> &str {
        &self.email
    }
    /// Who the audit log says made a change through this request.
    pub fn actor(&self) -> Actor {
        Actor::operator(&self.email, self.client, &self.user_agent)
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

/// The client's user agent, as the registry (and the audit log) keeps it.
pub async fn user_agent() -> Result<String, AppError> {
    let headers = leptos_axum::extract::<axum::http::HeaderMap>()
        .await
        .map_err(internal)?;
    let raw = headers
        .get(axum::http::header::USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    Ok(registry::clean_user_agent(&raw))
}

/// How a sign-in was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    Password,
    /// The password, then a code of the authenticator (or a recovery code).
    SecondFactor,
}

/// Starts a signed-in session under a new id (the pre-sign-in id dies: no fixation),
/// recorded in the audit log (a user's account's; an operator's in the platform's); a
/// user's is registered, with the client's address and user agent — unless the password
/// checked as of `password_checked_at` has changed since (a reset landed meanwhile): then
/// nobody is signed in (`registry::register`).
pub async fn establish(
    claimant: Claimant,
    password_checked_at: Option<OffsetDateTime>,
    proof: Proof,
) -> Result<(), AppError> {
    let handle = match claimant {
        Claimant::User(user) => {
            let pool = app_context()?.pool;
            let (client, agent) = (client_ip().await?, user_agent().await?);
            let registered =
                registry::register(&pool, user, client, &agent, password_checked_at).await?;
            Some(registered.ok_or(AppError::Unauthorized)?)
        }
        Claimant::Operator(_) => None,
    };
    record_sign_in(claimant).await?;
    let session = session().await?;
    forget_registered(&session).await?;
    session.remove_value(PENDING_KEY).await.map_err(internal)?;
    session.cycle_id().await.map_err(internal)?;
    let claims = Claims {
        claimant,
        signed_in_at_ms: now_ms(),
        handle,
        second_factor: proof == Proof::SecondFactor,
    };
    session.insert(CLAIMS_KEY, claims).await.map_err(internal)
}

/// Notes that the signed-in session has just proved a second factor (by turning it on).
pub async fn proved_second_factor() -> Result<(), AppError> {
    let session = session().await?;
    if let Some(mut claims) = claims().await? {
        claims.second_factor = true;
        session.insert(CLAIMS_KEY, claims).await.map_err(internal)?;
    }
    Ok(())
}

/// How this request's client stands to the user an audit entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acting {
    /// Proven to be the user (signing in, setting up, joining).
    AsUser,
    /// Only claiming to be, or holding a link mailed to them: a failed sign-in, a
    /// password reset, a confirmation link followed.
    Claiming,
}

/// The audit log's actor for this request's client acting as (or claiming) `arn`.
pub async fn request_actor(arn: String, acting: Acting) -> Result<Actor, AppError> {
    let (client, agent) = (client_ip().await?, user_agent().await?);
    Ok(match acting {
        Acting::AsUser => Actor::console(arn, client, &agent),
        Acting::Claiming => Actor::claiming(arn, client, &agent),
    })
}

/// `request_actor` for `user`, with their account. None for a user deleted meanwhile.
pub async fn user_actor(
    user: UserId,
    acting: Acting,
) -> Result<Option<(AccountId, Actor)>, AppError> {
    let pool = app_context()?.pool;
    let Some(found) = db::find_user_of_account(&pool, user).await? else {
        return Ok(None);
    };
    let arn = super::user_arn(&found.account_id, &found.name);
    Ok(Some((found.account_id, request_actor(arn, acting).await?)))
}

/// The log and actor of this request's client acting as (or claiming) `claimant`: a user's
/// account's log, or for an operator the platform's. None for one deleted meanwhile.
pub async fn claimant_actor(
    claimant: Claimant,
    acting: Acting,
) -> Result<Option<(Log, Actor)>, AppError> {
    match claimant {
        Claimant::User(user) => Ok(user_actor(user, acting)
            .await?
            .map(|(account, actor)| (Log::Account(account), actor))),
        Claimant::Operator(operator) => {
            let pool = app_context()?.pool;
            let Some(email) = db::find_operator_email(&pool, operator).await? else {
                return Ok(None);
            };
            let (client, agent) = (client_ip().await?, user_agent().await?);
            let actor = Actor::operator(&email, client, &agent);
            Ok(Some(match acting {
                Acting::AsUser => (Log::Platform, actor),
                Acting::Claiming => (Log::Platform, actor.claimed()),
            }))
        }
    }
}

/// Records a sign-in of `claimant`.
pub async fn record_sign_in(claimant: Claimant) -> Result<(), AppError> {
    if let Some((log, actor)) = claimant_actor(claimant, Acting::AsUser).await? {
        let change = Change::new(AuditKind::SignedIn, "");
        audit::record_in(&app_context()?.pool, &log, &actor, change).await?;
    }
    Ok(())
}

/// Records a failed sign-in as `claimant` (`why`: what was wrong), within the log's cap.
pub async fn record_failed_sign_in(claimant: Claimant, why: &str) -> Result<(), AppError> {
    if let Some((log, actor)) = claimant_actor(claimant, Acting::Claiming).await? {
        audit::record_failed_sign_in(&app_context()?.pool, &log, &actor, why).await?;
    }
    Ok(())
}

/// A sign-in whose password was right, waiting for the second factor. It grants nothing:
/// only [`establish`] signs a session in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub claimant: Claimant,
    /// Where to go once signed in (checked by `return_to` already).
    pub next: String,
    /// When the password was checked (the database's clock).
    pub password_checked_at: Option<OffsetDateTime>,
    at_ms: i64,
}

/// Holds a sign-in for its second factor, under a new session id; a session signed in
/// before (as anyone) is not any more.
pub async fn hold_for_second_factor(
    claimant: Claimant,
    next: &str,
    password_checked_at: Option<OffsetDateTime>,
) -> Result<(), AppError> {
    let session = session().await?;
    forget_registered(&session).await?;
    session.remove_value(CLAIMS_KEY).await.map_err(internal)?;
    session.cycle_id().await.map_err(internal)?;
    let pending = PendingSignIn {
        claimant,
        next: next.to_owned(),
        password_checked_at,
        at_ms: now_ms(),
    };
    session.insert(PENDING_KEY, pending).await.map_err(internal)
}

/// The sign-in this session holds for its second factor, if it is recent enough.
pub async fn pending_sign_in() -> Result<Option<PendingSignIn>, AppError> {
    let session = session().await?;
    // Unreadable (another version's) counts as none: the user signs in again.
    let pending = session
        .get::<PendingSignIn>(PENDING_KEY)
        .await
        .ok()
        .flatten();
    match pending {
        Some(p) if (0..PENDING_FOR_MS).contains(&(now_ms() - p.at_ms)) => Ok(Some(p)),
        Some(_) => {
            session.remove_value(PENDING_KEY).await.map_err(internal)?;
            Ok(None)
        }
        None => Ok(None),
    }
}

/// Ends the session and deletes it from the store (and from the registry).
pub async fn end() -> Result<(), AppError> {
    let session = session().await?;
    forget_registered(&session).await?;
    session.flush().await.map_err(internal)
}

/// Deletes the registry row of the user signed in to `session`, if any: signing out, or
/// in again as someone, ends it rather than leaving it listed until it expires.
async fn forget_registered(session: &Session) -> Result<(), AppError> {
    if let Ok(Some(Claims {
        claimant: Claimant::User(user),
        handle: Some(handle),
        ..
    })) = session.get::<Claims>(CLAIMS_KEY).await
    {
        registry::end(&app_context()?.pool, user, handle).await?;
    }
    Ok(())
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
    if age_ms < 0 || age_ms as u128 >= ctx.settings.sessions.lifetime.as_millis() {
        session.flush().await.map_err(internal)?;
        return Ok(None);
    }
    Ok(Some(claims))
}

/// The calling account user, if signed in, enabled, in an enabled account and allowed
/// `permission`. A user disabled or deleted since signing in, or whose session has been
/// ended (its registry row deleted), is signed out here.
pub async fn require_account(permission: Permission) -> Result<AccountCtx, AppError> {
    let Some(Claims {
        claimant: Claimant::User(user_id),
        handle: Some(handle),
        ..
    }) = claims().await?
    else {
        return Err(AppError::Unauthorized);
    };
    let pool = app_context()?.pool;
    let Some(user) = db::find_active_user(&pool, user_id, handle).await? else {
        end().await?;
        return Err(AppError::Unauthorized);
    };
    let client = client_ip().await?;
    registry::touch(&pool, user_id, handle, client).await?;
    let role: Role = user.role.parse().map_err(internal)?;
    if !role.allows(permission) {
        return Err(AppError::Forbidden);
    }
    Ok(AccountCtx {
        account_id: user.account_id,
        user_id,
        user_name: user.name,
        role,
        handle,
        client,
        user_agent: user_agent().await?,
    })
}

/// The calling operator, if signed in as one.
pub async fn require_operator() -> Result<OperatorCtx, AppError> {
    let Some(Claims {
        claimant: Claimant::Operator(operator_id),
        second_factor,
        ..
    }) = claims().await?
    else {
        return Err(AppError::Unauthorized);
    };
    let pool = app_context()?.pool;
    let found = db::find_active_operator(&pool, operator_id).await?;
    // Deleted, or signed in without the second factor they have (or the platform has
    // required) since: a session opened with a stolen password ends once its operator
    // turns two-factor on.
    let Some(found) = found.filter(|o| second_factor || !o.second_factor_needed) else {
        end().await?;
        return Err(AppError::Unauthorized);
    };
    Ok(OperatorCtx {
        operator_id,
        email: found.email,
        client: client_ip().await?,
        user_agent: user_agent().await?,
    })
}

/// Whoever is signed in, user or operator: what both can do for themselves (two-factor
/// sign-in) takes either.
pub enum SignedIn {
    User(AccountCtx),
    Operator(OperatorCtx),
}

impl SignedIn {
    pub fn claimant(&self) -> Claimant {
        match self {
            SignedIn::User(user) => Claimant::User(user.user_id),
            SignedIn::Operator(operator) => Claimant::Operator(operator.operator_id),
        }
    }

    /// The log their own changes go in.
    pub fn log(&self) -> Log {
        match self {
            SignedIn::User(user) => Log::Account(user.account_id.clone()),
            SignedIn::Operator(_) => Log::Platform,
        }
    }

    pub fn actor(&self) -> Actor {
        match self {
            SignedIn::User(user) => user.actor(),
            SignedIn::Operator(operator) => operator.actor(),
        }
    }
}

/// The signed-in user (as `require_account` with `Permission::ViewAccount` checks them) or
/// operator (as `require_operator` does).
pub async fn require_signed_in() -> Result<SignedIn, AppError> {
    match claims().await?.map(|c| c.claimant) {
        Some(Claimant::User(_)) => Ok(SignedIn::User(
            require_account(Permission::ViewAccount).await?,
        )),
        Some(Claimant::Operator(_)) => Ok(SignedIn::Operator(require_operator().await?)),
        None => Err(AppError::Unauthorized),
    }
}

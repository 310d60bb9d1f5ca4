//! Browser sessions: tower-sessions with its Postgres store.
//!
//! The cookie is `HttpOnly` and `SameSite=Strict`; over HTTPS it is also `Secure` and named
//! with the `__Host-` prefix (no Domain, Path=/), which browsers refuse over plain HTTP. Plain
//! HTTP is the development mode for http://127.0.0.1 and is chosen by the public URL's scheme.
//! Idle expiry is tower-sessions' `OnInactivity`, refreshed by saving on every request; the
//! absolute lifetime is checked against the sign-in time kept in the session (app::auth).

use std::time::Duration;

use app::auth::registry::SessionLimits;
use sqlx::PgPool;
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use crate::config::{SessionSettings, Settings};

/// The configured lifetimes, as the app checks them.
pub fn limits(settings: &SessionSettings) -> SessionLimits {
    SessionLimits {
        lifetime: Duration::from_secs(settings.absolute_timeout_secs),
        idle: Duration::from_secs(settings.idle_timeout_secs),
    }
}

/// The session layer for the browser-facing routes.
pub fn layer(
    pool: &PgPool,
    settings: &Settings,
    origin: &str,
) -> SessionManagerLayer<PostgresStore> {
    let secure = origin.starts_with("https://");
    let idle = time::Duration::seconds(settings.session.idle_timeout_secs as i64);
    SessionManagerLayer::new(PostgresStore::new(pool.clone()))
        .with_name(if secure { "__Host-sesame" } else { "sesame" })
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
        .with_always_save(true)
}

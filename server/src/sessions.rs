//! Browser sessions: tower-sessions with its Postgres store.
//!
//! The cookie is `HttpOnly` and `SameSite=Strict`; over HTTPS it is also `Secure` and named
//! with the `__Host-` prefix (no Domain, Path=/), which browsers refuse over plain HTTP. Plain
//! HTTP is the development mode for http://127.0.0.1 and is chosen by the public URL's scheme.
//! Idle expiry is tower-sessions' `OnInactivity`, refreshed by saving on every request; the
//! absolute lifetime is checked against the sign-in time kept in the session (app::auth).

use std::time::Duration;

use sqlx::PgPool;
use tower_sessions::{
    cookie::SameSite, session_store::ExpiredDeletion, Expiry, SessionManagerLayer,
};
use tower_sessions_sqlx_store::PostgresStore;

use crate::config::Settings;

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

/// Deletes expired sessions every ten minutes, for as long as the server runs (the store
/// already ignores them; this keeps the table small).
pub fn spawn_expired_sweeper(pool: &PgPool) {
    let store = PostgresStore::new(pool.clone());
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
        }
    });
}

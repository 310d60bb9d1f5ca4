//! Liveness and readiness probes for load balancers and orchestrators.

use axum::{extract::State, http::StatusCode, routing::get, Router};
use sqlx::PgPool;

use crate::database;

/// `GET /health/live` (the process answers) and `GET /health/ready` (the database is
/// reachable and every migration is applied).
pub fn router(pool: PgPool) -> Router {
    Router::new()
        .route("/health/live", get(|| async { "live" }))
        .route("/health/ready", get(ready))
        .with_state(pool)
}

async fn ready(State(pool): State<PgPool>) -> (StatusCode, &'static str) {
    match database::migrations_applied(&pool).await {
        Ok(true) => (StatusCode::OK, "ready"),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check could not reach the database");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

use sqlx::PgExecutor;

/// Whether the database answers (one round trip). Nothing more is public: not its version
/// (an attacker's shopping list), not how many accounts there are.
#[tracing::instrument(skip_all)]
pub async fn database_answers(db: impl PgExecutor<'_>) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"select true as "answers!""#)
        .fetch_one(db)
        .await
}

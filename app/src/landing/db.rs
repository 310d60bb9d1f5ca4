use sqlx::PgExecutor;

/// The server version and the number of accounts, in one round trip.
#[tracing::instrument(skip_all)]
pub async fn platform_counts(db: impl PgExecutor<'_>) -> Result<(String, i64), sqlx::Error> {
    let row = sqlx::query!(
        // language=PostgreSQL
        r#"select current_setting('server_version') as "version!",
                  (select count(*) from account) as "accounts!""#
    )
    .fetch_one(db)
    .await?;
    Ok((row.version, row.accounts))
}

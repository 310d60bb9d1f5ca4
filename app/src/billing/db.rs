//! Usage from the accepted messages.

use sqlx::PgExecutor;
use time::OffsetDateTime;

use super::Usage;
use crate::ids::AccountId;

/// Usage per identity (From identity ARN, its owner) of messages accepted in [from, until).
pub async fn usage_by_identity(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    from: OffsetDateTime,
    until: OffsetDateTime,
) -> Result<Vec<(String, String, Usage)>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select from_arn, identity_owner, count(*) as "messages!",
                  sum(recipient_count)::bigint as "recipients!", sum(size_bytes)::bigint as "bytes!"
           from message
           where account_id = $1 and created_at >= $2 and created_at < $3
           group by from_arn, identity_owner order by from_arn"#,
        account.as_str(),
        from,
        until
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let usage = Usage {
                messages: r.messages,
                recipients: r.recipients,
                bytes: r.bytes,
            };
            (r.from_arn, r.identity_owner, usage)
        })
        .collect())
}

/// Months (`YYYY-MM`, UTC) in which the account sent, newest first (two years at most).
pub async fn months_with_usage(
    db: impl PgExecutor<'_>,
    account: &AccountId,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select distinct to_char(created_at at time zone 'UTC', 'YYYY-MM') as "month!"
           from message where account_id = $1 and created_at > now() - interval '2 years'
           order by 1 desc"#,
        account.as_str()
    )
    .fetch_all(db)
    .await
}

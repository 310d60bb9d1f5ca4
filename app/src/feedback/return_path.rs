//! Sesame's own bounce addresses (VERP): `bounce+<token>@<feedback domain>`, one token per
//! message, so a DSN or complaint report arriving there names the message it is about.

use sqlx::PgExecutor;

/// The local part before the token.
pub const PREFIX: &str = "bounce+";

/// The message's bounce address, made on first use and the same on every retry.
pub async fn bounce_address(
    db: impl PgExecutor<'_>,
    message_id: &str,
    domain: &str,
) -> Result<String, sqlx::Error> {
    let fresh = uuid::Uuid::new_v4().simple().to_string();
    let token = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with made as (
               insert into feedback_address (token, message_id) values ($1, $2)
               on conflict (message_id) do nothing
               returning token)
           select token as "token!" from made
           union all
           select token from feedback_address where message_id = $2
           limit 1"#,
        fresh,
        message_id
    )
    .fetch_one(db)
    .await?;
    Ok(format!("{PREFIX}{token}@{domain}"))
}

/// The token of a bounce address at `domain`, if `address` is one.
pub fn token_of<'a>(address: &'a str, domain: &str) -> Option<&'a str> {
    let (local, at) = address.rsplit_once('@')?;
    let token = local.strip_prefix(PREFIX)?;
    (at.eq_ignore_ascii_case(domain)
        && !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_alphanumeric()))
    .then_some(token)
}

/// The message a token names (tokens are lower-case hex; an MTA may change the case).
pub async fn message_of(
    db: impl PgExecutor<'_>,
    token: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select message_id from feedback_address where token = lower($1)"#,
        token
    )
    .fetch_optional(db)
    .await
}

/// The message's recipients by position, lower-cased.
pub async fn recipients(
    db: impl PgExecutor<'_>,
    message_id: &str,
) -> Result<Vec<(i16, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select position, lower(address) as "address!" from message_recipient
           where message_id = $1 order by position"#,
        message_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.position, r.address)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bounce_addresses_at_the_feedback_domain_have_tokens() {
        assert_eq!(
            token_of("bounce+abc123@Feedback.Example", "feedback.example"),
            Some("abc123")
        );
        assert_eq!(
            token_of("bounce+abc123@other.example", "feedback.example"),
            None
        );
        assert_eq!(
            token_of("postmaster@feedback.example", "feedback.example"),
            None
        );
        assert_eq!(
            token_of("bounce+@feedback.example", "feedback.example"),
            None
        );
        assert_eq!(
            token_of("bounce+a%b@feedback.example", "feedback.example"),
            None
        );
    }
}

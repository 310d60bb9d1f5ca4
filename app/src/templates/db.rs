//! Queries on templates; every function takes the account and region first.

use sqlx::{PgExecutor, PgTransaction};
use time::OffsetDateTime;

use super::Template;
use crate::ids::AccountId;

/// Counts the account's templates in the region, holding its region row locked until the
/// caller's transaction ends (so concurrent creations cannot pass the limit). None: the
/// account does not use the region.
pub async fn lock_region_and_count(
    tx: &mut PgTransaction<'_>,
    account: &AccountId,
    region: &str,
) -> Result<Option<i64>, sqlx::Error> {
    if !crate::accounts::db::lock_region(tx, account, region).await? {
        return Ok(None);
    }
    let count = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select count(*) as "count!" from template where account_id = $1 and region = $2"#,
        account.as_str(),
        region
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(Some(count))
}

/// Stores a new template; fails on the primary key when the name is taken.
pub async fn insert_template(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    template: &Template,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into template (account_id, region, name, subject, text_part, html_part)
           values ($1, $2, $3, $4, $5, $6)"#,
        account.as_str(),
        region,
        template.name,
        template.subject,
        template.text_part,
        template.html_part
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Replaces a template's parts; false if there is no such template.
pub async fn update_template(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    template: &Template,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        // language=PostgreSQL
        r#"update template set subject = $4, text_part = $5, html_part = $6
           where account_id = $1 and region = $2 and name = $3"#,
        account.as_str(),
        region,
        template.name,
        template.subject,
        template.text_part,
        template.html_part
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn find_template(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    name: &str,
) -> Result<Option<Template>, sqlx::Error> {
    sqlx::query_as!(
        Template,
        // language=PostgreSQL
        r#"select name, subject, text_part, html_part from template
           where account_id = $1 and region = $2 and name = $3"#,
        account.as_str(),
        region,
        name
    )
    .fetch_optional(db)
    .await
}

pub async fn delete_template(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"delete from template where account_id = $1 and region = $2 and name = $3"#,
        account.as_str(),
        region,
        name
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Names and creation times, by name.
pub async fn list_templates(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
) -> Result<Vec<(String, OffsetDateTime)>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select name, created_at from template where account_id = $1 and region = $2 order by name"#,
        account.as_str(),
        region
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.name, r.created_at)).collect())
}

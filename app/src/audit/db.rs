//! Reading the log, and the retention sweep.

use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{diff::diff, ActivityEntry, AuditKind, Log};
use crate::server::shown::shown;

/// A stored entry.
pub struct EntryRow {
    pub id: i64,
    pub at: OffsetDateTime,
    pub kind: String,
    pub actor_kind: String,
    pub actor: String,
    pub access_key_id: Option<String>,
    pub source: String,
    pub client_address: Option<String>,
    pub user_agent: Option<String>,
    pub identity: Option<String>,
    pub subject: String,
    pub before_text: Option<String>,
    pub after_text: Option<String>,
}

impl EntryRow {
    /// As the pages show it; `None` for a kind this version does not know (written by a
    /// newer one during a rolling upgrade).
    pub fn shown(self) -> Option<ActivityEntry> {
        let diff = match (&self.before_text, &self.after_text) {
            (None, None) => Vec::new(),
            (before, after) => diff(before.as_deref(), after.as_deref()),
        };
        Some(ActivityEntry {
            id: self.id,
            at: shown(self.at),
            kind: AuditKind::from_name(&self.kind)?,
            claimed: self.actor_kind == "anonymous",
            actor: self.actor,
            access_key_id: self.access_key_id,
            source: self.source,
            client_address: self.client_address.unwrap_or_default(),
            user_agent: self.user_agent.unwrap_or_default(),
            identity: self.identity,
            subject: self.subject,
            diff,
        })
    }
}

/// What to list: `kind` is a kind's name or a family (checked by the caller to be one of
/// `AuditKind`'s), `actor` an actor or access key id; "" for any. Without `documents`,
/// policies' texts are left out (the CSV has no use for them).
pub struct Query<'a> {
    pub kind: &'a str,
    pub actor: &'a str,
    pub identity: &'a str,
    /// With `identity`: only that identity's entries (and those written before entries
    /// named identities by id, which match by name alone).
    pub identity_id: Option<Uuid>,
    pub before: Option<i64>,
    pub limit: i64,
    pub documents: bool,
}

/// A log's entries, newest first.
pub async fn list(
    db: impl PgExecutor<'_>,
    log: &Log,
    q: &Query<'_>,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query_as!(
        EntryRow,
        // language=PostgreSQL
        r#"select id, at, kind, actor_kind, actor, access_key_id, source, client_address,
                  user_agent, identity, subject,
                  case when $7 then before_text end as before_text,
                  case when $7 then after_text end as after_text
           from audit_entry
           where (account_id = $1 or ($1 is null and account_id is null))
             and ($2 = '' or kind = $2 or split_part(kind, '.', 1) = $2)
             and ($3 = '' or actor = $3 or access_key_id = $3)
             and ($4 = '' or identity = $4)
             and ($8::uuid is null or identity_id = $8 or identity_id is null)
             and ($5::bigint is null or id < $5)
           order by id desc
           limit $6"#,
        log.account(),
        q.kind,
        q.actor,
        q.identity,
        q.before,
        q.limit,
        q.documents,
        q.identity_id,
    )
    .fetch_all(db)
    .await
}

/// Deletes entries older than `retention_days` (the sweeper's job); returns how many.
pub async fn forget_older_than(pool: &PgPool, retention_days: u32) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query!(
        // language=PostgreSQL
        r#"delete from audit_entry where at < now() - make_interval(days => $1)"#,
        retention_days as i32,
    )
    .execute(pool)
    .await?;
    Ok(deleted.rows_affected())
}

//! Writing an entry, always inside the transaction of the change it describes.

use sqlx::PgExecutor;

use super::{Actor, AuditKind};
use crate::ids::AccountId;

/// What changed.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    kind: AuditKind,
    subject: &'a str,
    identity: Option<&'a str>,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

impl<'a> Change<'a> {
    /// `kind` happened to `subject` (a policy's name, a user's, a key's id; "" for the
    /// account or the identity itself).
    pub fn new(kind: AuditKind, subject: &'a str) -> Self {
        Change {
            kind,
            subject,
            identity: None,
            before: None,
            after: None,
        }
    }

    /// Of identity `name` (a domain or an address).
    pub fn on(mut self, identity: &'a str) -> Self {
        self.identity = Some(identity);
        self
    }

    /// A document went from `before` to `after` (either absent when created or deleted).
    pub fn document(mut self, before: Option<&'a str>, after: Option<&'a str>) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}

/// Appends `change`, made by `actor`, to the log of `account` (none: instance-wide).
pub async fn record(
    db: impl PgExecutor<'_>,
    account: Option<&AccountId>,
    actor: &Actor,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into audit_entry
             (account_id, actor_kind, actor, access_key_id, source, client_address, user_agent,
              kind, identity, subject, before_text, after_text)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"#,
        account.map(AccountId::as_str),
        actor.kind,
        actor.name,
        actor.access_key_id,
        actor.source,
        actor.client_address.map(|a| a.to_string()),
        actor.user_agent,
        change.kind.name(),
        change.identity,
        change.subject,
        change.before,
        change.after,
    )
    .execute(db)
    .await?;
    Ok(())
}

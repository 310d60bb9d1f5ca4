//! Writing an entry, always inside the transaction of the change it describes.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::{Actor, AuditKind, Log};
use crate::ids::AccountId;

/// What changed.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    kind: AuditKind,
    subject: &'a str,
    identity: Option<(Uuid, &'a str)>,
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

    /// Of identity `id`, named `name` (a domain or an address).
    pub fn on(mut self, id: Uuid, name: &'a str) -> Self {
        self.identity = Some((id, name));
        self
    }

    /// A document went from `before` to `after` (either absent when created or deleted).
    pub fn document(mut self, before: Option<&'a str>, after: Option<&'a str>) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}

/// Appends `change`, made by `actor`, to the log of `account`.
pub async fn record(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    actor: &Actor,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    insert(db, &Log::Account(account.clone()), actor, &change, None).await
}

/// `record`, in whichever log `log` is (an operator's own changes go in the platform's).
pub async fn record_in(
    db: impl PgExecutor<'_>,
    log: &Log,
    actor: &Actor,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    insert(db, log, actor, &change, None).await
}

/// Failed sign-ins recorded per user an hour at most: anyone who knows an address can
/// fail to sign in as it, and the log must not be theirs to fill (the throttle counts
/// every attempt; `SignInFailed` entries past this many are not written).
pub const FAILED_SIGN_INS_PER_HOUR: i64 = 20;

/// Appends a failed sign-in as `record` does, unless `FAILED_SIGN_INS_PER_HOUR` of the
/// same claimed user were recorded in the past hour.
pub async fn record_failed_sign_in(
    db: impl PgExecutor<'_>,
    log: &Log,
    actor: &Actor,
    why: &str,
) -> Result<(), sqlx::Error> {
    let change = Change::new(AuditKind::SignInFailed, why);
    insert(db, log, actor, &change, Some(FAILED_SIGN_INS_PER_HOUR)).await
}

/// The one insert: with `cap`, only while fewer than that many entries of the same kind
/// and actor were written in the past hour.
async fn insert(
    db: impl PgExecutor<'_>,
    log: &Log,
    actor: &Actor,
    change: &Change<'_>,
    cap: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into audit_entry
             (account_id, actor_kind, actor, access_key_id, source, client_address, user_agent,
              kind, identity, subject, before_text, after_text, identity_id)
           select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $14
           where $13::bigint is null
              or (select count(*) from audit_entry
                  where (account_id = $1 or ($1 is null and account_id is null))
                    and kind = $8 and actor = $3
                    and at > now() - interval '1 hour') < $13"#,
        log.account(),
        actor.kind,
        actor.name,
        actor.access_key_id,
        actor.source,
        actor.client_address.map(|a| a.to_string()),
        actor.user_agent,
        change.kind.name(),
        change.identity.map(|(_, name)| name),
        change.subject,
        change.before,
        change.after,
        cap,
        change.identity.map(|(id, _)| id),
    )
    .execute(db)
    .await?;
    Ok(())
}

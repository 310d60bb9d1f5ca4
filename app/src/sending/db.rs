//! Queries of the send path: the identities that may authorize an address, the sandbox,
//! and accepting a message under the sending account's quota (decided under a lock on its
//! region row, so concurrent sends — from any number of Sesame processes — cannot pass it).

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use super::outgoing::Idempotency;
use crate::ids::AccountId;

/// How `accept_message` decided a send.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    /// The idempotency key was used in the last 24 hours; the MessageId is the first send's.
    Repeated,
    DailyQuotaExceeded,
    MaxSendRateExceeded,
    /// The sending account does not use the region.
    NoRegion,
    /// The account's sending is paused in the region (reputation).
    SendingPaused,
    /// The idempotency key was used in the last 24 hours for another request.
    IdempotencyKeyReused,
    /// The owner of the identity `arn` caps the sender at `cap` recipients a day, and this
    /// send would pass it.
    GrantCapExceeded {
        arn: String,
        cap: i64,
    },
}

/// The decision, and where the sender stands against its quota afterwards.
pub struct Decision {
    pub outcome: Outcome,
    pub message_id: Option<String>,
    pub max_24_hour_send: f64,
    pub max_send_rate: f64,
    /// Recipients counted against the daily quota, this send included if accepted.
    pub sent_24_hours: i64,
}

/// Decides each send as `accept_message` does and commits them all in one transaction
/// (`accept_messages`; migrations/README.md says where each is defined); one decision per
/// send, in order.
pub async fn accept_messages(
    db: impl PgExecutor<'_>,
    sends: &[(&NewMessage, Option<&Idempotency>)],
) -> Result<Vec<Decision>, sqlx::Error> {
    let column = |field: fn(&NewMessage) -> &str| -> Vec<&str> {
        sends.iter().map(|(m, _)| field(m)).collect()
    };
    let identities = |field: fn(&NewMessage) -> Uuid| -> Vec<Uuid> {
        sends.iter().map(|(m, _)| field(m)).collect()
    };
    let raws: Vec<&[u8]> = sends.iter().map(|(m, _)| m.raw.as_slice()).collect();
    let counts: Vec<i32> = sends
        .iter()
        .map(|(m, _)| m.recipients.len() as i32)
        .collect();
    let recipients: Vec<&str> = sends
        .iter()
        .flat_map(|(m, _)| m.recipients.iter().map(String::as_str))
        .collect();
    let keys: Vec<Option<&str>> = sends
        .iter()
        .map(|(_, i)| i.map(|i| i.key.as_str()))
        .collect();
    let hashes: Vec<Option<&str>> = sends
        .iter()
        .map(|(_, i)| i.map(|i| i.request_hash.as_str()))
        .collect();
    let sets: Vec<Option<&str>> = sends
        .iter()
        .map(|(m, _)| m.configuration_set.as_deref())
        .collect();
    let subjects: Vec<Option<&str>> = sends.iter().map(|(m, _)| m.subject.as_deref()).collect();
    let tags: Vec<serde_json::Value> = sends
        .iter()
        .map(|(m, _)| super::tags::to_json(&m.tags))
        .collect();
    // A message sent with a configuration set records the set, and its Send event (which
    // the set's destinations may want), in the same statement as the message itself.
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"with decided as (
               select * from accept_messages($1, $2, $3, $4, $5, $6, $7, $8, $9, $17, $18, $19,
                                              $10, $11, $12, $13, $16)),
           named as (
               select d.message_id, s.account_id, s.region, s.name, s.tags
               from decided d
               join unnest($1::text[], $2::text[], $14::text[], $15::jsonb[]) with ordinality
                   as s(account_id, region, name, tags, item) on s.item = d.item
               where d.outcome = 'Accepted' and s.name is not null),
           recorded as (
               insert into message_configuration_set (message_id, account_id, region, name, tags)
               select message_id, account_id, region, name, tags from named),
           sent as (
               insert into message_event (event_id, message_id, event_type, detail)
               select gen_random_uuid(), message_id, 'Send', 'Accepted and queued for delivery.'
               from named),
           titled as (
               insert into message_subject (message_id, subject)
               select d.message_id, s.subject
               from decided d
               join unnest($20::text[]) with ordinality as s(subject, item) on s.item = d.item
               where d.outcome = 'Accepted' and s.subject is not null)
           select item as "item!", outcome as "outcome!", message_id, max_24_hour_send,
                  max_send_rate, sent_24_hours, capped_arn, grant_cap
           from decided"#,
        &column(|m| m.account.as_str()) as &[&str],
        &column(|m| &m.region) as &[&str],
        &column(|m| &m.message_id) as &[&str],
        &column(|m| &m.envelope_from) as &[&str],
        &column(|m| &m.from_address) as &[&str],
        &column(|m| &m.source_arn) as &[&str],
        &column(|m| &m.from_arn) as &[&str],
        &column(|m| &m.return_path_arn) as &[&str],
        &column(|m| m.identity_owner.as_str()) as &[&str],
        &raws as &[&[u8]],
        &counts,
        &recipients as &[&str],
        &keys as &[Option<&str>],
        &sets as &[Option<&str>],
        &tags as &[serde_json::Value],
        &hashes as &[Option<&str>],
        &identities(|m| m.source_identity),
        &identities(|m| m.from_identity),
        &identities(|m| m.return_path_identity),
        &subjects as &[Option<&str>]
    )
    .fetch_all(db)
    .await?;
    let mut decisions: Vec<Option<Decision>> = (0..sends.len()).map(|_| None).collect();
    for row in rows {
        let outcome = match row.outcome.as_str() {
            "Accepted" => Outcome::Accepted,
            "Repeated" => Outcome::Repeated,
            "DailyQuotaExceeded" => Outcome::DailyQuotaExceeded,
            "MaxSendRateExceeded" => Outcome::MaxSendRateExceeded,
            "NoRegion" => Outcome::NoRegion,
            "SendingPaused" => Outcome::SendingPaused,
            "IdempotencyKeyReused" => Outcome::IdempotencyKeyReused,
            "GrantCapExceeded" => Outcome::GrantCapExceeded {
                arn: row.capped_arn.unwrap_or_default(),
                cap: row.grant_cap.unwrap_or_default(),
            },
            other => {
                return Err(sqlx::Error::Decode(
                    format!("unknown send outcome {other}").into(),
                ))
            }
        };
        let slot = decisions
            .get_mut(row.item as usize - 1)
            .ok_or_else(|| sqlx::Error::Decode("a decision for no send".into()))?;
        *slot = Some(Decision {
            outcome,
            message_id: row.message_id,
            max_24_hour_send: row.max_24_hour_send.unwrap_or_default(),
            max_send_rate: row.max_send_rate.unwrap_or_default(),
            sent_24_hours: row.sent_24_hours.unwrap_or_default(),
        });
    }
    decisions
        .into_iter()
        .map(|d| d.ok_or_else(|| sqlx::Error::Decode("a send without a decision".into())))
        .collect()
}

/// The sender's side of a send: whether it is in the region's sandbox (None: it does not
/// use the region), and which of `names` are its verified identities there.
pub struct SenderStanding {
    pub sandbox: Option<bool>,
    pub verified: Vec<String>,
    /// The keys of `verified`, in the same order.
    verified_ids: Vec<Uuid>,
}

impl SenderStanding {
    /// The key of the verified identity `name`.
    pub fn identity_id(&self, name: &str) -> Option<Uuid> {
        let position = self.verified.iter().position(|n| n == name)?;
        self.verified_ids.get(position).copied()
    }
}

/// One round trip for everything the send path needs to know about the sender itself.
/// Verified means what `counts_as_verified` says (`identities::coverage::is_verified`).
pub async fn sender_standing(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    names: &[String],
) -> Result<SenderStanding, sqlx::Error> {
    sqlx::query_as!(
        SenderStanding,
        // language=PostgreSQL
        r#"select (select sandbox from account_region where account_id = $1 and region = $2) as "sandbox",
                  coalesce(v.names, '{}') as "verified!", coalesce(v.ids, '{}') as "verified_ids!"
           from (select array_agg(name order by name) as names,
                        array_agg(identity_id order by name) as ids
                 from identity
                 where account_id = $1 and region = $2 and name = any($3)
                   and counts_as_verified(verification_status)) v"#,
        account.as_str(),
        region,
        names
    )
    .fetch_one(db)
    .await
}

/// Whether the sender has the configuration set in the region.
pub async fn configuration_set_exists(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    name: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select exists (select 1 from configuration_set
                          where account_id = $1 and region = $2 and name = $3) as "exists!""#,
        account.as_str(),
        region,
        name
    )
    .fetch_one(db)
    .await
}

/// Whether the owner's region is in the sandbox (None: the owner does not use the region).
pub async fn in_sandbox(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
) -> Result<Option<bool>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select sandbox from account_region where account_id = $1 and region = $2"#,
        account.as_str(),
        region
    )
    .fetch_optional(db)
    .await
}

/// The identity a send names by ARN.
pub struct NamedIdentity {
    pub identity_id: Uuid,
    pub verification_status: String,
}

/// The identity a send names by ARN (None: there is none). Its owner's cap on the sender,
/// if any, is decided with the quota (`accept_message`).
pub async fn named_identity(
    db: impl PgExecutor<'_>,
    owner: &AccountId,
    region: &str,
    name: &str,
) -> Result<Option<NamedIdentity>, sqlx::Error> {
    sqlx::query_as!(
        NamedIdentity,
        // language=PostgreSQL
        r#"select identity_id, verification_status from identity
           where account_id = $1 and region = $2 and name = $3"#,
        owner.as_str(),
        region,
        name
    )
    .fetch_optional(db)
    .await
}

/// A message to accept.
pub struct NewMessage {
    pub message_id: String,
    pub account: AccountId,
    pub region: String,
    pub envelope_from: String,
    pub from_address: String,
    pub source_arn: String,
    pub from_arn: String,
    pub return_path_arn: String,
    pub identity_owner: AccountId,
    /// The keys of the identities that authorized the Source, From and Return-Path.
    pub source_identity: Uuid,
    pub from_identity: Uuid,
    pub return_path_identity: Uuid,
    pub raw: Vec<u8>,
    /// The Subject header, decoded and shortened for the Messages list.
    pub subject: Option<String>,
    pub recipients: Vec<String>,
    /// The sender's configuration set named on the send, checked to exist.
    pub configuration_set: Option<String>,
    /// Its message tags (kept with the configuration set: only events carry them).
    pub tags: Vec<(String, String)>,
}

/// A page of the account's messages, newest first, optionally of one status and older
/// than a cursor (created_at, message_id); one more row than a page is read to know
/// whether there is a next one.
pub async fn list_messages(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    status: Option<&str>,
    before: Option<(OffsetDateTime, &str)>,
) -> Result<super::MessageList, sqlx::Error> {
    let (before_at, before_id) = before.unzip();
    let mut rows = sqlx::query!(
        // language=PostgreSQL
        r#"select m.message_id, m.created_at, m.region, m.from_address, m.status, m.from_arn,
                  (select s.subject from message_subject s where s.message_id = m.message_id)
                      as subject,
                  m.identity_owner <> m.account_id as "delegated!",
                  array(select r.address || ': ' || r.status from message_recipient r
                        where r.message_id = m.message_id order by r.position) as "recipients!"
           from message m
           where m.account_id = $1 and ($2::text is null or m.status = $2)
             and ($3::timestamptz is null or (m.created_at, m.message_id) < ($3, $4::text))
           order by m.created_at desc, m.message_id desc limit $5"#,
        account.as_str(),
        status,
        before_at,
        before_id,
        super::MESSAGES_PER_PAGE + 1
    )
    .fetch_all(db)
    .await?;
    let more = rows.len() as i64 > super::MESSAGES_PER_PAGE;
    rows.truncate(super::MESSAGES_PER_PAGE as usize);
    let older = more
        .then(|| rows.last())
        .flatten()
        .map(|r| super::MessageCursor {
            at: r
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            message_id: r.message_id.clone(),
        });
    let messages = rows
        .into_iter()
        .map(|r| super::MessageSummary {
            message_id: r.message_id,
            created: crate::server::shown(r.created_at),
            region: r.region,
            from_address: r.from_address,
            subject: r.subject,
            recipients: r.recipients,
            status: r.status,
            from_arn: r.from_arn,
            delegated: r.delegated,
        })
        .collect();
    Ok(super::MessageList { messages, older })
}

//! Accepting a message, in SES's order: every address a send uses (Source, From,
//! Return-Path) must be covered by an identity — the sender's own, or another account's
//! named by an ARN whose sending authorization policies allow the sender — and that
//! identity must be verified (which identities cover an address: `identities::coverage`); then the
//! sandbox; then the quota and the identity owners' caps on the sender, counted under a
//! lock; then the message and its recipients are committed (with other sends waiting:
//! `committer`) and only then is a MessageId returned.

use sesame_wire::raw_message::Mailbox;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{
    committer::CommitError,
    db,
    recipients::{bare_recipients, unverified_recipients},
    SendError, Unverified,
};
use crate::{
    identities::{
        coverage::{covering_names, is_verified, most_specific_verified, parse_arn},
        domain::address_identity_name,
        identity_arn,
    },
    ids::AccountId,
    policies::{authorization::authorize_request, RequestContext},
    server::{errors::internal, AppContext},
};

pub use super::outgoing::{
    Composed, Idempotency, Outgoing, RawParameters, RequestFacts, SendAction, Sender,
};
pub use super::recipients::MAX_RECIPIENTS;

/// SES's answer to a send while the account's sending is paused.
pub const SENDING_PAUSED: &str = "Sending paused for this account. For more information, please check the inbox of the email address associated with your AWS account.";

/// The identity that authorized one address of the send.
#[derive(Clone)]
struct Grant {
    identity_id: Uuid,
    arn: String,
    owner: AccountId,
}

/// An accepted message, and where its sender now stands against the quota.
pub struct Accepted {
    pub message_id: String,
    pub max_24_hour_send: f64,
    /// Recipients left today (None: unlimited).
    pub remaining_24_hour_send: Option<f64>,
    pub max_send_rate: f64,
}

/// Accepts `out` for delivery, in three steps: every address authorized (and the sandbox
/// judged), the message assembled, the quota and caps decided with the commit.
pub async fn accept(
    ctx: &AppContext,
    sender: &Sender,
    mut out: Outgoing,
) -> Result<Accepted, SendError> {
    out.recipients = bare_recipients(&out.recipients)?;
    let grants = authorize(ctx, sender, &out).await?;
    let region = out.request.region.clone();
    let idempotency = out.request.idempotency.clone();
    let new = assemble(sender, grants, out)?;
    decide(ctx, new, idempotency, &region).await
}

/// The identities that authorize the send's Source, From and Return-Path.
struct Grants {
    source: Grant,
    from: Grant,
    return_path: Grant,
}

/// Authorizes every address the send uses (Source, From, Sender, Return-Path) by the
/// sender's own verified identities or the policies of another account's, finds the
/// configuration set and tags good, and keeps a sandboxed send to verified recipients. Its
/// one connection is back in the pool before the commit is waited for.
async fn authorize(ctx: &AppContext, sender: &Sender, out: &Outgoing) -> Result<Grants, SendError> {
    let feedback = out
        .return_path
        .clone()
        .unwrap_or_else(|| out.source.address.clone());
    let source_arn = out.source_arn.as_deref();
    // With only a SourceArn, it authorizes From (and Sender) and Return-Path too.
    let from_arn = out.from_arn.as_deref().or(source_arn);
    let return_path_arn = out.return_path_arn.as_deref().or(source_arn);
    // One connection for every query of the send: sqlx checks a connection with a round
    // trip each time it goes back to the pool.
    let mut conn = ctx.pool.acquire().await?;
    // The sender's own side, read at once: its sandbox flag, and which of its identities
    // are verified among every name that could cover an address of this send.
    let own = db::sender_standing(
        &mut *conn,
        sender.account(),
        &out.request.region,
        &names_to_look_up(out)?,
    )
    .await?;
    super::tags::check_all(&out.tags).map_err(SendError::InvalidParameter)?;
    if let Some(name) = &out.configuration_set {
        if !db::configuration_set_exists(&mut *conn, sender.account(), &out.request.region, name)
            .await?
        {
            return Err(SendError::ConfigurationSetDoesNotExist(name.clone()));
        }
    }
    let mut unverified: Vec<String> = Vec::new();
    // The rule that left the first of them unverified (the console explains it).
    let mut why = Unverified::NotOwned;
    // `shown` is the mailbox policies see as ses:FromAddress for this grant: the From
    // header's, or the Sender header's when that is what is being authorized (a reader's
    // client shows it too, "on behalf of").
    let mut grant = async |address: &str,
                           arn: Option<&str>,
                           shown: &Mailbox|
           -> Result<Option<Grant>, SendError> {
        let found = resolve(
            &mut conn,
            sender,
            &own,
            out,
            (address, arn),
            shown,
            &feedback,
        )
        .await?;
        match found {
            Ok(grant) => Ok(Some(grant)),
            Err(reason) => {
                if unverified.is_empty() {
                    why = reason;
                }
                if !unverified.iter().any(|u| u == address) {
                    unverified.push(address.to_owned());
                }
                Ok(None)
            }
        }
    };
    let source = grant(&out.source.address, source_arn, &out.from).await?;
    // Usually From is the Source under the same ARN: one check covers both.
    let from = if (&out.from.address, from_arn) == (&out.source.address, source_arn) {
        source.clone()
    } else {
        grant(&out.from.address, from_arn, &out.from).await?
    };
    let sender_header = match &out.sender {
        Some(mailbox) => grant(&mailbox.address, from_arn, mailbox).await?,
        None => None,
    };
    let return_path = match &out.return_path {
        Some(address) => grant(address, return_path_arn, &out.from).await?,
        None => None,
    };
    let (Some(source), Some(from)) = (source, from) else {
        return Err(not_verified(out, unverified, why));
    };
    if !unverified.is_empty() {
        return Err(not_verified(out, unverified, why));
    }
    let return_path = return_path.unwrap_or_else(|| source.clone());
    let used = [
        Some(&source),
        Some(&from),
        sender_header.as_ref(),
        Some(&return_path),
    ];
    judge_sandbox(&mut conn, sender, &own, out, used.into_iter().flatten()).await?;
    Ok(Grants {
        source,
        from,
        return_path,
    })
}

/// Both the sender and every owner whose identity the send uses must be out of the
/// sandbox to reach recipients that are not verified (decided before the quota lock).
async fn judge_sandbox(
    conn: &mut PgConnection,
    sender: &Sender,
    own: &db::SenderStanding,
    out: &Outgoing,
    used: impl Iterator<Item = &Grant>,
) -> Result<(), SendError> {
    let mut sandboxed = own
        .sandbox
        .unwrap_or(true)
        .then_some(Unverified::SenderInSandbox);
    for grant in used {
        if sandboxed.is_none() && &grant.owner != sender.account() {
            let owner_sandboxed = db::in_sandbox(&mut *conn, &grant.owner, &out.request.region)
                .await?
                .unwrap_or(true);
            sandboxed = owner_sandboxed.then(|| Unverified::OwnerInSandbox {
                owner: grant.owner.clone(),
            });
        }
    }
    if let Some(why) = sandboxed {
        let outside = unverified_recipients(own, &out.recipients)?;
        if !outside.is_empty() {
            return Err(not_verified(out, outside, why));
        }
    }
    Ok(())
}

/// The message as it is committed, named by its grants.
fn assemble(sender: &Sender, grants: Grants, out: Outgoing) -> Result<db::NewMessage, SendError> {
    let Grants {
        source,
        from,
        return_path,
    } = grants;
    let envelope_from = out
        .return_path
        .clone()
        .unwrap_or(out.source.address.clone());
    Ok(db::NewMessage {
        message_id: new_message_id(),
        account: sender.account().clone(),
        region: out.request.region.clone(),
        envelope_from,
        // As identities are named (lower case, IDNA), so the DKIM key is found for it.
        from_address: address_identity_name(&out.from.address)
            .map_err(SendError::InvalidParameter)?,
        source_arn: source.arn,
        from_arn: from.arn,
        return_path_arn: return_path.arn,
        identity_owner: from.owner,
        source_identity: source.identity_id,
        from_identity: from.identity_id,
        return_path_identity: return_path.identity_id,
        raw: out.message,
        recipients: out.recipients,
        configuration_set: out.configuration_set,
        tags: out.tags,
    })
}

/// Decides the send with the quota and caps, committing it if it is accepted.
async fn decide(
    ctx: &AppContext,
    new: db::NewMessage,
    idempotency: Option<Idempotency>,
    region: &str,
) -> Result<Accepted, SendError> {
    let message_id = new.message_id.clone();
    let decision = ctx
        .committer
        .accept(new, idempotency)
        .await
        .map_err(|e| match e {
            CommitError::Busy => SendError::Busy,
            CommitError::Database(e) => SendError::Internal(internal(e)),
        })?;
    let throttled = |text: &str| Err(SendError::Throttled(text.to_owned()));
    let message_id = match decision.outcome {
        db::Outcome::Accepted | db::Outcome::Repeated => decision.message_id.unwrap_or(message_id),
        db::Outcome::DailyQuotaExceeded => return throttled("Daily message quota exceeded."),
        db::Outcome::MaxSendRateExceeded => return throttled("Maximum sending rate exceeded."),
        db::Outcome::SendingPaused => return Err(SendError::Rejected(SENDING_PAUSED.to_owned())),
        db::Outcome::GrantCapExceeded { arn, cap } => {
            return throttled(&format!(
                "Daily message quota exceeded for identity {arn}: its owner allows your account {cap} recipients in 24 hours."
            ))
        }
        db::Outcome::IdempotencyKeyReused => {
            return Err(SendError::InvalidParameter(
                "The Idempotency-Key was used in the last 24 hours for a different request; give a new request a new key.".to_owned(),
            ))
        }
        db::Outcome::NoRegion => {
            return Err(SendError::InvalidParameter(format!(
                "Your account does not send in region {region}."
            )))
        }
    };
    Ok(Accepted {
        message_id,
        max_24_hour_send: decision.max_24_hour_send,
        // A negative daily quota means unlimited (SES's -1).
        remaining_24_hour_send: (decision.max_24_hour_send >= 0.0)
            .then(|| (decision.max_24_hour_send - decision.sent_24_hours as f64).max(0.0)),
        max_send_rate: decision.max_send_rate,
    })
}

fn not_verified(out: &Outgoing, identities: Vec<String>, why: Unverified) -> SendError {
    SendError::NotVerified {
        region: out.request.region.clone(),
        identities,
        why,
    }
}

/// The identity covering `address` for this send. With an ARN: that identity, which must
/// be in the request's region, cover the address, and (when another account owns it) have
/// a policy allowing the sender. Without: the sender's own verified identity covering the
/// address. Otherwise: which rule left it unverified.
async fn resolve(
    conn: &mut PgConnection,
    sender: &Sender,
    own: &db::SenderStanding,
    out: &Outgoing,
    (address, arn): (&str, Option<&str>),
    shown: &Mailbox,
    feedback: &str,
) -> Result<Result<Grant, Unverified>, SendError> {
    let normalised = address_identity_name(address).map_err(SendError::InvalidParameter)?;
    let covering = covering_names(&normalised);
    let Some(arn) = arn else {
        let own_grant = |name| {
            Some(Grant {
                identity_id: own.identity_id(name)?,
                arn: identity_arn(&out.request.region, sender.account(), name),
                owner: sender.account().clone(),
            })
        };
        return Ok(most_specific_verified(&covering, &own.verified)
            .and_then(own_grant)
            .ok_or(Unverified::NotOwned));
    };
    let named = Named::parse(arn, out, address, &covering)?;
    let denied = || SendError::AccessDenied {
        principal: sender.user_arn().to_owned(),
        action: out.action.as_str().to_owned(),
        resource: arn.to_owned(),
    };
    let found = db::named_identity(&mut *conn, &named.owner, &named.region, &named.name).await?;
    // A missing identity of another account answers like a denied one (no probing).
    let Some(found) = found else {
        return if &named.owner == sender.account() {
            Ok(Err(Unverified::NotOwned))
        } else {
            Err(denied())
        };
    };
    let request = policy_request(sender, out, arn, shown, feedback);
    if !named.allows(conn, &normalised, &request).await? {
        return Err(denied());
    }
    // Stored messages name identities by their canonical ARN, whatever spelling was sent
    // (the owner's cap on this grant is found by it, with the quota).
    let arn = identity_arn(&named.region, &named.owner, &named.name);
    if !is_verified(&found.verification_status) {
        return Ok(Err(Unverified::IdentityPending { arn }));
    }
    Ok(Ok(Grant {
        identity_id: found.identity_id,
        arn,
        owner: named.owner,
    }))
}

/// An identity a send names by ARN, once the ARN is known to fit the send.
struct Named {
    region: String,
    owner: AccountId,
    name: String,
}

impl Named {
    /// The ARN's identity, which must be in the request's region and cover the address.
    fn parse(
        arn: &str,
        out: &Outgoing,
        address: &str,
        covering: &[String],
    ) -> Result<Self, SendError> {
        let (region, owner, name) = parse_arn(arn).map_err(SendError::InvalidParameter)?;
        if region != out.request.region {
            return Err(SendError::InvalidParameter(format!(
                "The identity {arn} is in region {region}, but this request was made in {}.",
                out.request.region
            )));
        }
        if !covering.contains(&name) {
            return Err(SendError::Rejected(format!(
                "The identity {arn} does not cover the address {address}."
            )));
        }
        Ok(Self {
            region,
            owner,
            name,
        })
    }

    /// The identity's sending authorization policies allow the request (an account's own
    /// identity always does).
    async fn allows(
        &self,
        conn: &mut PgConnection,
        address: &str,
        request: &RequestContext,
    ) -> Result<bool, SendError> {
        let authorization = authorize_request(
            &mut *conn,
            &self.owner,
            &self.region,
            &self.name,
            Some(address),
            request,
        )
        .await?;
        Ok(authorization.decision.is_allowed())
    }
}

/// What the policies of the identity at `arn` are evaluated against for this send; `shown`
/// is the mailbox they see as `ses:FromAddress`.
fn policy_request(
    sender: &Sender,
    out: &Outgoing,
    arn: &str,
    shown: &Mailbox,
    feedback: &str,
) -> RequestContext {
    RequestContext {
        principal_account: sender.account().to_string(),
        principal_user_arn: Some(sender.user_arn().to_owned()),
        action: out.action.as_str().to_owned(),
        identity_arn: arn.to_owned(),
        from_address: Some(shown.address.clone()),
        from_display_name: shown.display_name.clone(),
        feedback_address: Some(feedback.to_owned()),
        recipients: out.recipients.clone(),
        source_ip: out.request.source_ip,
        secure_transport: out.request.secure_transport,
        current_time: time::OffsetDateTime::now_utc().unix_timestamp(),
        api_version: out.request.api_version.to_owned(),
        user_agent: out.request.user_agent.clone(),
    }
}

/// Every name that could cover an address of the send as the sender's own identity: each
/// address (Source, From, Sender, Return-Path, recipients) and its enclosing domains.
fn names_to_look_up(out: &Outgoing) -> Result<Vec<String>, SendError> {
    let senders = [
        Some(&out.source.address),
        Some(&out.from.address),
        out.sender.as_ref().map(|m| &m.address),
        out.return_path.as_ref(),
    ];
    let mut names = Vec::new();
    for address in senders.into_iter().flatten().chain(&out.recipients) {
        let normalised = address_identity_name(address).map_err(SendError::InvalidParameter)?;
        names.extend(covering_names(&normalised));
    }
    names.sort_unstable();
    names.dedup();
    Ok(names)
}

/// A SES-style MessageId: time-ordered hex, a random part, and `-000000`.
fn new_message_id() -> String {
    let millis = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    format!("{millis:016x}-{}-000000", uuid::Uuid::new_v4())
}

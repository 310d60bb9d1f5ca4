//! Authorizing a send, in SES's order: every address it uses (Source, From, Sender,
//! Return-Path) must be covered by an identity — the sender's own, or another account's
//! named by an ARN whose sending authorization policies allow the sender — and that
//! identity must be verified (which identities cover an address: `identities::coverage`);
//! then the sandbox, the sender's and every owner's whose identity the send uses.

use sesame_wire::raw_message::Mailbox;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{
    db,
    outgoing::{Outgoing, Sender},
    recipients::unverified_recipients,
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
    server::AppContext,
};

/// The identity that authorized one address of the send.
#[derive(Clone)]
pub(super) struct Grant {
    pub identity_id: Uuid,
    pub arn: String,
    pub owner: AccountId,
}

/// The identities that authorize the send's Source, From and Return-Path.
pub(super) struct Grants {
    pub source: Grant,
    pub from: Grant,
    pub return_path: Grant,
}

/// Authorizes every address the send uses (Source, From, Sender, Return-Path) by the
/// sender's own verified identities or the policies of another account's, finds the
/// configuration set and tags good, and keeps a sandboxed send to verified recipients. Its
/// one connection is back in the pool before the commit is waited for.
pub(super) async fn authorize(
    ctx: &AppContext,
    sender: &Sender,
    out: &Outgoing,
) -> Result<Grants, SendError> {
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
    // The access key's scope may name the identities it sends as: each one used must be.
    if let Some(outside) = used
        .into_iter()
        .flatten()
        .find(|g| !sender.may_send_as(&g.arn))
    {
        return Err(SendError::AccessDenied {
            principal: sender.user_arn().to_owned(),
            action: out.action.as_str().to_owned(),
            resource: outside.arn.clone(),
        });
    }
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

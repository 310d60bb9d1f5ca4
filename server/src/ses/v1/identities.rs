//! Identity actions: verifying domains and addresses, listing them and their attributes,
//! feedback forwarding, deletion — over the same data and rules as the identities pages.

use app::{
    auth::Permission,
    identities::{db, dev_zone, service, DkimAlgorithm, IdentityKind, VerificationStatus},
};
use uuid::Uuid;

use super::{Call, SesError, XmlWriter};
use crate::ses::identity_ref::{self, identity_name};

/// At most this many identities per attributes request (SES's limit).
const MAX_IDENTITIES_PER_REQUEST: usize = 100;

async fn find(call: &Call<'_>, name: &str) -> Result<Option<Uuid>, SesError> {
    identity_ref::find(call.api, &call.caller, name).await
}

pub(super) async fn find_existing(call: &Call<'_>, name: &str) -> Result<Uuid, SesError> {
    find(call, name)
        .await?
        .ok_or_else(|| SesError::invalid_parameter(format!("Identity {name} does not exist.")))
}

async fn row(call: &Call<'_>, id: Uuid) -> Result<db::IdentityRow, SesError> {
    identity_ref::row(call.api, &call.caller, id).await
}

/// `VerifyDomainIdentity`: adds the domain (or finds it) and returns its TXT token.
pub async fn verify_domain(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    let row = ensure_domain(call, "VerifyDomainIdentity").await?;
    let mut xml = XmlWriter::default();
    xml.leaf("VerificationToken", &row.verification_token);
    Ok(xml)
}

/// `VerifyDomainDkim`: adds the domain (or finds it) and returns its DKIM selector.
pub async fn verify_domain_dkim(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    let row = ensure_domain(call, "VerifyDomainDkim").await?;
    let mut xml = XmlWriter::default();
    xml.members("DkimTokens", row.dkim_selector.as_deref());
    Ok(xml)
}

async fn ensure_domain(call: &Call<'_>, action: &str) -> Result<db::IdentityRow, SesError> {
    call.caller.require(Permission::ManageIdentities, action)?;
    let name = identity_name(&call.caller, call.params.required("Domain")?)?;
    if name.contains('@') {
        return Err(SesError::invalid_parameter(format!(
            "{name} is not a domain."
        )));
    }
    let id = match find(call, &name).await? {
        Some(id) => id,
        None => {
            let caller = &call.caller;
            service::create_domain(
                &call.api.context,
                caller.account(),
                caller.region(),
                &name,
                DkimAlgorithm::Rsa2048,
                &caller.actor(&call.parts, action),
            )
            .await?
            .identity_id
        }
    };
    row(call, id).await
}

/// `VerifyEmailIdentity` (and the legacy `VerifyEmailAddress`): adds the address and mails
/// it a link; for an address not yet verified, mails a fresh link.
pub async fn verify_email(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    // The legacy name is an IAM action of its own: a key allowed one is not allowed the other.
    let action = match call.params.get("Action") {
        Some("VerifyEmailAddress") => "VerifyEmailAddress",
        _ => "VerifyEmailIdentity",
    };
    call.caller.require(Permission::ManageIdentities, action)?;
    let value = call
        .params
        .get("EmailAddress")
        .ok_or_else(|| SesError::missing("EmailAddress"))?;
    let name = identity_name(&call.caller, value)?;
    if !name.contains('@') {
        return Err(SesError::invalid_parameter(format!(
            "{name} is not an email address."
        )));
    }
    let (ctx, caller) = (&call.api.context, &call.caller);
    match find(call, &name).await? {
        Some(id) => {
            if row(call, id).await?.verification_status != VerificationStatus::Success.as_str() {
                service::resend_verification(ctx, caller.account(), id).await?;
            }
        }
        None => {
            let actor = caller.actor(&call.parts, action);
            service::create_email(ctx, caller.account(), caller.region(), &name, &actor).await?;
        }
    }
    Ok(XmlWriter::default())
}

/// `ListIdentities`: names in the region, optionally of one type, paged by `NextToken`.
pub async fn list(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::ViewAccount, "ListIdentities")?;
    let kind = match call.params.get("IdentityType") {
        None | Some("") => None,
        Some("Domain") => Some(IdentityKind::Domain),
        Some("EmailAddress") => Some(IdentityKind::EmailAddress),
        Some(other) => {
            return Err(SesError::sender(
                "ValidationError",
                format!("1 validation error detected: Value '{other}' at 'identityType' failed to satisfy constraint: Member must satisfy enum value set: [EmailAddress, Domain]"),
            ))
        }
    };
    let max_items = match call.params.get("MaxItems") {
        None => 1000,
        Some(n) => n
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| SesError::invalid_parameter("MaxItems must be between 1 and 1000."))?,
    };
    let start = match call.params.get("NextToken") {
        None | Some("") => 0,
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| SesError::invalid_parameter("Invalid NextToken."))?,
    };
    let filter = db::IdentityFilter {
        region: Some(call.caller.region()),
        status: None,
        kind: kind.map(IdentityKind::as_str),
    };
    let all = db::list_identities(&call.api.context.pool, call.caller.account(), &filter).await?;
    let page: Vec<&str> = all
        .iter()
        .skip(start)
        .take(max_items)
        .map(|i| i.name.as_str())
        .collect();
    let mut xml = XmlWriter::default();
    xml.members("Identities", page.iter().copied());
    if start + page.len() < all.len() {
        xml.leaf("NextToken", &(start + page.len()).to_string());
    }
    Ok(xml)
}

/// `ListVerifiedEmailAddresses` (legacy): the verified address identities of the region,
/// all at once (the operation has no paging).
pub async fn list_verified_addresses(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::ViewAccount, "ListVerifiedEmailAddresses")?;
    let filter = db::IdentityFilter {
        region: Some(call.caller.region()),
        status: Some(VerificationStatus::Success.as_str()),
        kind: Some(IdentityKind::EmailAddress.as_str()),
    };
    let all = db::list_identities(&call.api.context.pool, call.caller.account(), &filter).await?;
    let mut xml = XmlWriter::default();
    xml.members(
        "VerifiedEmailAddresses",
        all.iter().map(|i| i.name.as_str()),
    );
    Ok(xml)
}

/// The rows of the requested identities that exist (unknown ones are left out, as SES does).
async fn requested(call: &Call<'_>, action: &str) -> Result<Vec<db::IdentityRow>, SesError> {
    call.caller.require(Permission::ViewAccount, action)?;
    let names = call.params.list("Identities")?;
    if names.len() > MAX_IDENTITIES_PER_REQUEST {
        return Err(SesError::invalid_parameter(format!(
            "At most {MAX_IDENTITIES_PER_REQUEST} identities per request."
        )));
    }
    let mut rows = Vec::new();
    for value in names {
        let name = identity_name(&call.caller, value)?;
        if let Some(id) = find(call, &name).await? {
            rows.push(row(call, id).await?);
        }
    }
    Ok(rows)
}

/// `GetIdentityVerificationAttributes`: status, and the TXT token of domains.
pub async fn verification_attributes(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    let rows = requested(call, "GetIdentityVerificationAttributes").await?;
    let mut xml = XmlWriter::default();
    xml.entries(
        "VerificationAttributes",
        rows.into_iter().map(|r| (r.name.clone(), r)),
        |w, row| {
            w.leaf("VerificationStatus", &row.verification_status);
            if row.kind == IdentityKind::Domain.as_str() {
                w.leaf("VerificationToken", &row.verification_token);
            }
        },
    );
    Ok(xml)
}

/// `GetIdentityDkimAttributes`: domains sign with their own key (Easy DKIM is always on);
/// the token is the selector of the published key record.
pub async fn dkim_attributes(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    let rows = requested(call, "GetIdentityDkimAttributes").await?;
    let mut entries = Vec::new();
    for row in rows {
        let dkim_found = dev_zone::records_of(&row)?
            .iter()
            .any(|r| r.purpose == "DKIM" && r.found);
        entries.push((row.name.clone(), (row, dkim_found)));
    }
    let mut xml = XmlWriter::default();
    xml.entries("DkimAttributes", entries, |w, (row, found)| {
        let domain = row.kind == IdentityKind::Domain.as_str();
        let status = match (domain, found) {
            (false, _) => VerificationStatus::NotStarted.as_str(),
            (true, true) => VerificationStatus::Success.as_str(),
            (true, false) => row.verification_status.as_str(),
        };
        w.leaf("DkimEnabled", &domain.to_string())
            .leaf("DkimVerificationStatus", status);
        if domain {
            w.members("DkimTokens", row.dkim_selector.as_deref());
        }
    });
    Ok(xml)
}

/// `GetIdentityNotificationAttributes`: feedback forwarding (no SNS topics in Sesame).
pub async fn notification_attributes(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    let rows = requested(call, "GetIdentityNotificationAttributes").await?;
    let mut xml = XmlWriter::default();
    xml.entries(
        "NotificationAttributes",
        rows.into_iter().map(|r| (r.name.clone(), r)),
        |w, row| {
            w.leaf("ForwardingEnabled", &row.feedback_forwarding.to_string())
                .leaf("HeadersInBounceNotificationsEnabled", "false")
                .leaf("HeadersInComplaintNotificationsEnabled", "false")
                .leaf("HeadersInDeliveryNotificationsEnabled", "false");
        },
    );
    Ok(xml)
}

/// `SetIdentityFeedbackForwardingEnabled`.
pub async fn set_feedback_forwarding(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller.require(
        Permission::ManageIdentities,
        "SetIdentityFeedbackForwardingEnabled",
    )?;
    let name = identity_name(&call.caller, call.params.required("Identity")?)?;
    let enabled = call.params.boolean("ForwardingEnabled")?;
    let id = find_existing(call, &name).await?;
    let pool = &call.api.context.pool;
    let actor = call
        .caller
        .actor(&call.parts, "SetIdentityFeedbackForwardingEnabled");
    let change =
        service::set_feedback_forwarding(pool, call.caller.account(), id, enabled, &actor).await?;
    SesError::unless_forwarding_changed(change)?;
    Ok(XmlWriter::default())
}

/// `DeleteIdentity`: succeeds whether or not the identity exists, as SES does.
pub async fn delete(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    let identity = call.params.required("Identity")?;
    delete_named(call, "DeleteIdentity", identity).await
}

/// `DeleteVerifiedEmailAddress` (legacy): `DeleteIdentity` for an address; a domain is not
/// an address, and is refused.
pub async fn delete_verified_address(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    let address = call.params.required("EmailAddress")?;
    if !address.contains('@') {
        return Err(SesError::invalid_parameter(format!(
            "{address} is not an email address."
        )));
    }
    delete_named(call, "DeleteVerifiedEmailAddress", address).await
}

/// Deletes the identity `name`, if there is one (deleting a missing one succeeds, as in
/// SES), as IAM action `action`.
async fn delete_named(call: &Call<'_>, action: &str, name: &str) -> Result<XmlWriter, SesError> {
    call.caller.require(Permission::ManageIdentities, action)?;
    let name = identity_name(&call.caller, name)?;
    if let Some(id) = find(call, &name).await? {
        let actor = call.caller.actor(&call.parts, action);
        service::delete_identity(&call.api.context.pool, call.caller.account(), id, &actor).await?;
    }
    Ok(XmlWriter::default())
}

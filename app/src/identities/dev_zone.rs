//! The development DNS zone: what it may vouch for, and publishing an identity's records
//! there (from its page, or with `sesame admin publish-dev-zone`). The zone's server
//! answers from these rows.
//!
//! The zone proves nothing about the real world: anyone with an account could publish
//! records for any name. So it is off unless the operator turns it on, and even then it
//! serves — and verification trusts it for — only names that no one can own in the real
//! DNS (RFC 2606 and RFC 6761: `.test`, `.example`, `.invalid`, `.localhost`, `example.com`,
//! `example.net`, `example.org`) and the zones the operator lists.

use sqlx::PgPool;
use uuid::Uuid;

use super::{
    db::{self, IdentityRow},
    domain::DomainName,
    records, DnsRecord, IdentityKind,
};
use crate::{
    audit::{self, Actor, AuditKind, Change},
    error::AppError,
    ids::AccountId,
    server::errors::internal,
};

/// The names reserved for testing and documentation, which no one owns in the real DNS.
const RESERVED: [&str; 7] = [
    "test",
    "example",
    "invalid",
    "localhost",
    "example.com",
    "example.net",
    "example.org",
];

/// The names the development zone may vouch for: the reserved ones and the operator's.
#[derive(Debug, Clone, Default)]
pub struct DevZoneScope {
    listed: Vec<DomainName>,
}

impl DevZoneScope {
    /// With the zones the operator lists (`[dns] dev_zone_names`; each a domain of two
    /// labels or more).
    pub fn new(listed: &[String]) -> Result<Self, String> {
        let listed = listed
            .iter()
            .map(|name| {
                let zone =
                    DomainName::parse(name).map_err(|e| format!("dns.dev_zone_names: {e}"))?;
                // A public suffix would let the zone vouch for everyone's domains under it.
                match super::service::is_public_suffix(&zone) {
                    true => Err(format!("dns.dev_zone_names: {zone} is a public suffix")),
                    false => Ok(zone),
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { listed })
    }

    /// True if `name` (a domain or a record name under one, any case) is one the zone may
    /// vouch for.
    pub fn covers(&self, name: &str) -> bool {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let within = |zone: &str| name == zone || name.ends_with(&format!(".{zone}"));
        RESERVED.iter().any(|zone| within(zone)) || self.listed.iter().any(|z| within(z.as_str()))
    }

    /// Why a name is refused, in words for the console and the admin command.
    pub fn refusal(&self, name: &str) -> String {
        // Top-level names with their dot (`.test`), domains as they are (`example.com`).
        let shown = |zone: &str| match zone.contains('.') {
            true => zone.to_owned(),
            false => format!(".{zone}"),
        };
        let zones: Vec<String> = RESERVED
            .iter()
            .copied()
            .chain(self.listed.iter().map(DomainName::as_str))
            .map(shown)
            .collect();
        format!(
            "The development DNS zone vouches only for test names: {} and the names under them. Verify {name} by publishing its records in its real DNS.",
            zones.join(", ")
        )
    }
}

/// The records an identity asks its owner to publish (none for an email address).
pub fn records_of(row: &IdentityRow) -> Result<Vec<DnsRecord>, AppError> {
    if row.kind.parse::<IdentityKind>().map_err(internal)? != IdentityKind::Domain {
        return Ok(Vec::new());
    }
    let domain = DomainName::parse(&row.name).map_err(internal)?;
    let algorithm = row.dkim_algorithm().map_err(internal)?;
    let dkim = match (&row.dkim_selector, algorithm, &row.dkim_public_key) {
        (Some(selector), Some(algorithm), Some(key)) => {
            Some((selector.as_str(), algorithm, key.as_str()))
        }
        _ => None,
    };
    Ok(records::expected_records(
        &domain,
        &row.verification_token,
        dkim,
        &row.last_answers,
    ))
}

/// Publishes the identity's records in the zone (or, with `publish = false`, removes
/// them), and marks the identity to be checked there, soon. Names outside `scope` are
/// refused (withdrawing is always allowed).
pub async fn set_publication(
    pool: &PgPool,
    scope: &DevZoneScope,
    account: &AccountId,
    identity: Uuid,
    publish: bool,
    actor: &Actor,
) -> Result<(), AppError> {
    let row = db::find_identity(pool, account, identity)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
    if publish && !scope.covers(&row.name) {
        return Err(AppError::Conflict {
            message: scope.refusal(&row.name),
        });
    }
    let records = records_of(&row)?;
    if records.is_empty() {
        return Err(AppError::Conflict {
            message: "Only domain identities have DNS records.".to_owned(),
        });
    }
    let published: Vec<(String, String)> = if publish {
        records.into_iter().map(|r| (r.name, r.value)).collect()
    } else {
        Vec::new()
    };
    let mut tx = pool.begin().await?;
    db::replace_dev_zone_records(&mut tx, identity, &published).await?;
    db::set_dev_zone(&mut *tx, account, identity, publish).await?;
    let kind = match publish {
        true => AuditKind::DevZonePublished,
        false => AuditKind::DevZoneWithdrawn,
    };
    audit::record(
        &mut *tx,
        account,
        actor,
        Change::new(kind, "").on(identity, &row.name),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zone_vouches_only_for_reserved_and_listed_names() {
        let scope = DevZoneScope::new(&["corp.internal".to_owned()]).unwrap();
        for name in [
            "owner.example",
            "_amazonses.owner.example",
            "mail.acme.test",
            "x.invalid",
            "example.com",
            "a.b.Example.ORG.",
            "dev.localhost",
            "mail.corp.internal",
        ] {
            assert!(scope.covers(name), "{name} should be covered");
        }
        for name in [
            "gmail.com",
            "_amazonses.gmail.com",
            "co.uk",
            "notexample.com",
            "example.com.evil.io",
            "testing",
            "internal",
        ] {
            assert!(!scope.covers(name), "{name} must not be covered");
        }
        assert!(!DevZoneScope::default().covers("mail.corp.internal"));
        assert!(DevZoneScope::new(&["corp".to_owned()]).is_err());
        assert!(DevZoneScope::new(&["co.uk".to_owned()]).is_err());
    }
}

//! Publishing an identity's records to the development DNS zone (from its page, or with
//! `sesame admin publish-dev-zone`). The zone's server answers from these rows.

use sqlx::PgPool;
use uuid::Uuid;

use super::{
    db::{self, IdentityRow},
    domain::DomainName,
    records, DnsRecord, IdentityKind,
};
use crate::{error::AppError, ids::AccountId, server::errors::internal};

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
/// them), and marks the identity to be checked there, soon.
pub async fn set_publication(
    pool: &PgPool,
    account: &AccountId,
    identity: Uuid,
    publish: bool,
) -> Result<(), AppError> {
    let row = db::find_identity(pool, account, identity)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
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
    tx.commit().await?;
    Ok(())
}

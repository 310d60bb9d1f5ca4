//! Which identities cover an address: the address itself, then its domain and each
//! enclosing domain, most specific first; and identity ARNs, parsed and normalised.

use super::{domain::address_identity_name, VerificationStatus};
use crate::ids::AccountId;

/// `arn:aws:ses:<region>:<account>:identity/<name>` → (region, account, normalised name);
/// the error says what is wrong, in SES's words.
pub fn parse_arn(arn: &str) -> Result<(String, AccountId, String), String> {
    let invalid = || format!("{arn} is not an identity ARN.");
    let rest = arn.strip_prefix("arn:aws:ses:").ok_or_else(invalid)?;
    let mut parts = rest.splitn(3, ':');
    let (Some(region), Some(account), Some(resource)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    let name = resource.strip_prefix("identity/").ok_or_else(invalid)?;
    let account = AccountId::parse(account).map_err(|_| invalid())?;
    let name = if name.contains('@') {
        address_identity_name(name)
    } else {
        super::domain::DomainName::parse(name).map(|d| d.to_string())
    }
    .map_err(|_| invalid())?;
    Ok((region.to_owned(), account, name))
}

/// The address itself, then its domain and each enclosing domain (`a@mail.example.com` →
/// `mail.example.com`, `example.com`), most specific first.
pub fn covering_names(address: &str) -> Vec<String> {
    let mut names = vec![address.to_owned()];
    if let Some((_, domain)) = address.rsplit_once('@') {
        let labels: Vec<&str> = domain.split('.').collect();
        for start in 0..labels.len().saturating_sub(1) {
            names.push(labels[start..].join("."));
        }
    }
    names
}

pub fn is_verified(status: &str) -> bool {
    // A verified domain whose records went missing keeps sending during its grace period.
    status == VerificationStatus::Success.as_str()
        || status == VerificationStatus::TemporaryFailure.as_str()
}

/// The most specific of `covering` among the `verified` identity names.
pub fn most_specific_verified<'a>(covering: &'a [String], verified: &[String]) -> Option<&'a str> {
    covering
        .iter()
        .find(|name| verified.contains(name))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_covered_by_themselves_and_their_enclosing_domains() {
        assert_eq!(
            covering_names("a@mail.example.com"),
            ["a@mail.example.com", "mail.example.com", "example.com"]
        );
    }

    #[test]
    fn identity_arns_are_parsed_and_normalised() {
        let (region, account, name) =
            parse_arn("arn:aws:ses:eu-west-1:123456789012:identity/Example.COM").unwrap();
        assert_eq!(
            (region.as_str(), account.as_str(), name.as_str()),
            ("eu-west-1", "123456789012", "example.com")
        );
        assert!(parse_arn("arn:aws:ses:eu-west-1:123:identity/x.com").is_err());
        assert!(parse_arn("arn:aws:iam::123456789012:user/x").is_err());
    }
}

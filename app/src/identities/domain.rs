//! Domain names as identities: IDNA-normalised and lower-cased, and which identity covers
//! which address (a verified domain covers its subdomains and every address under them).

use serde::{Deserialize, Serialize};

/// A syntactically valid domain name in IDNA ASCII form, lower case, without a final dot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DomainName(String);

impl DomainName {
    pub fn parse(value: &str) -> Result<Self, String> {
        let trimmed = value.trim().trim_end_matches('.');
        if trimmed.is_empty() {
            return Err("Enter a domain such as example.com.".to_owned());
        }
        let ascii = idna::domain_to_ascii(trimmed)
            .map_err(|_| format!("`{trimmed}` is not a valid domain name."))?;
        let labels: Vec<&str> = ascii.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if labels.len() < 2 || ascii.len() > 253 || !labels.iter().all(label_ok) {
            return Err(format!("`{trimmed}` is not a valid domain name."));
        }
        Ok(Self(ascii))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True if this domain is `other` or one of its subdomains.
    pub fn is_within(&self, other: &DomainName) -> bool {
        self.0 == other.0 || self.0.ends_with(&format!(".{}", other.0))
    }

    /// `name` relative to this domain: `_amazonses.example.com` → `_amazonses`.
    pub fn relative(&self, name: &str) -> String {
        name.strip_suffix(&format!(".{}", self.0))
            .unwrap_or(name)
            .to_owned()
    }
}

impl TryFrom<String> for DomainName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<DomainName> for String {
    fn from(d: DomainName) -> Self {
        d.0
    }
}

impl std::fmt::Display for DomainName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// True if a verified domain identity `domain` covers the address `address`
/// (`sender@mail.example.com` is covered by `mail.example.com` and by `example.com`).
pub fn domain_covers_address(domain: &DomainName, address: &str) -> bool {
    let Some((_, address_domain)) = address.rsplit_once('@') else {
        return false;
    };
    DomainName::parse(address_domain).is_ok_and(|d| d.is_within(domain))
}

/// An address as an identity name: lower case, its domain in IDNA ASCII form.
pub fn address_identity_name(email: &str) -> Result<String, String> {
    let address = crate::email::EmailAddress::parse(email)?;
    let (local, domain) = address
        .as_str()
        .split_once('@')
        .ok_or_else(|| "Enter an email address.".to_owned())?;
    Ok(format!("{local}@{}", DomainName::parse(domain)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_case_insensitive_and_trailing_dots_ignored() {
        assert_eq!(
            DomainName::parse("Example.COM.").unwrap().as_str(),
            "example.com"
        );
    }

    #[test]
    fn international_domains_become_punycode() {
        assert_eq!(
            DomainName::parse("Bücher.example").unwrap().as_str(),
            "xn--bcher-kva.example"
        );
        assert_eq!(
            DomainName::parse("xn--bcher-kva.example").unwrap().as_str(),
            "xn--bcher-kva.example"
        );
    }

    #[test]
    fn invalid_names_get_a_clear_error() {
        for bad in [
            "",
            "localhost",
            "exa mple.com",
            "-bad.com",
            "bad-.com",
            "a..com",
            "x@y.com",
            &format!("{}.com", "a".repeat(64)),
        ] {
            let err = DomainName::parse(bad).unwrap_err();
            assert!(err.contains("domain"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_domain_covers_its_subdomains_and_their_addresses() {
        let example = DomainName::parse("example.com").unwrap();
        let mail = DomainName::parse("mail.example.com").unwrap();
        assert!(domain_covers_address(&example, "sender@mail.example.com"));
        assert!(domain_covers_address(&mail, "sender@mail.example.com"));
        assert!(domain_covers_address(&example, "Sender@EXAMPLE.com"));
        assert!(!domain_covers_address(&mail, "sender@example.com"));
        assert!(!domain_covers_address(&example, "sender@badexample.com"));
        assert!(!domain_covers_address(
            &example,
            "sender@example.com.evil.org"
        ));
        assert!(!domain_covers_address(&example, "no-at-sign"));
    }

    #[test]
    fn record_names_are_shown_relative_to_the_domain() {
        let d = DomainName::parse("example.com").unwrap();
        assert_eq!(d.relative("_amazonses.example.com"), "_amazonses");
        assert_eq!(d.relative("s1._domainkey.example.com"), "s1._domainkey");
    }
}

//! Addresses as conditions compare them: lower case, the domain in IDNA ASCII form without
//! a trailing dot, on both sides — the values a policy names and the addresses a request
//! carries — so `x@RIVAL.example`, `x@ＲＩＶＡＬ.example.` or `CEO@a.example` meets a Deny on
//! `*@rival.example` or `ceo@a.example` exactly as the plain spelling does. Sesame treats
//! addresses as case-insensitive everywhere else too (identities, suppression), so a
//! condition must not be the one place where case tells two spellings of a mailbox apart.

use std::borrow::Cow;

/// The condition keys whose values are email addresses.
pub fn is_address_key(key: &str) -> bool {
    matches!(
        key,
        "ses:Recipients" | "ses:FromAddress" | "ses:FeedbackAddress"
    )
}

/// `value` normalised; borrowed when it already is. In a policy's pattern, labels with
/// wildcards (`*`, `?`) are only lower-cased (see `check_pattern`); a label IDNA refuses is
/// lower-cased too, so the comparison never depends on case.
pub fn normalise(value: &str) -> Cow<'_, str> {
    let plain = value
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        && !value.ends_with('.');
    if plain {
        return Cow::Borrowed(value);
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return Cow::Owned(value.to_lowercase());
    };
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let labels: Vec<String> = domain.split('.').map(label).collect();
    Cow::Owned(format!("{}@{}", local.to_lowercase(), labels.join(".")))
}

/// Refuses a pattern whose domain has a wildcard next to non-ASCII letters (`*@bü*.de`):
/// requests carry the IDNA form (`xn--…`), which such a pattern can never match.
pub fn check_pattern(value: &str) -> Result<(), String> {
    let domain = value.rsplit_once('@').map_or(value, |(_, d)| d);
    match domain
        .split('.')
        .any(|l| l.contains(['*', '?']) && !l.is_ascii())
    {
        true => Err(format!(
            "`{value}`: write a domain with wildcards in its ASCII (xn--) form"
        )),
        false => Ok(()),
    }
}

fn label(label: &str) -> String {
    if label.contains(['*', '?']) || label.is_empty() {
        return label.to_lowercase();
    }
    idna::domain_to_ascii(label).unwrap_or_else(|_| label.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_compare_in_lower_case_with_idna_domains() {
        assert_eq!(normalise("X@RIVAL.example"), "x@rival.example");
        assert_eq!(normalise("x@rival.example."), "x@rival.example");
        assert_eq!(normalise("x@Bücher.Example"), "x@xn--bcher-kva.example");
        // Full-width letters map to ASCII, as IDNA's mapping does for a receiver.
        assert_eq!(normalise("x@ＲＩＶＡＬ.example"), "x@rival.example");
        assert_eq!(normalise("*@*.RIVAL.example"), "*@*.rival.example");
        assert_eq!(normalise("*RIVAL.example"), "*rival.example");
        assert!(check_pattern("*@bü*.example").is_err());
        assert!(check_pattern("*@*.xn--bcher-kva.example").is_ok());
        assert!(check_pattern("*@bücher.example").is_ok());
    }

    #[test]
    fn normal_values_are_borrowed() {
        assert!(matches!(normalise("ann@rival.example"), Cow::Borrowed(_)));
    }
}

//! The DNS records a domain identity asks its owner to publish, and how an answer is judged.

use super::{domain::DomainName, DkimAlgorithm, DnsRecord};

/// The name of the SES verification record.
pub fn verification_name(domain: &str) -> String {
    format!("_amazonses.{domain}")
}

/// The name of the DKIM key record.
pub fn dkim_name(selector: &str, domain: &str) -> String {
    format!("{selector}._domainkey.{domain}")
}

/// The TXT value of the DKIM key record.
pub fn dkim_value(algorithm: DkimAlgorithm, public_key: &str) -> String {
    let k = match algorithm {
        DkimAlgorithm::Rsa2048 => "rsa",
        DkimAlgorithm::Ed25519 => "ed25519",
    };
    format!("v=DKIM1; k={k}; p={public_key}")
}

/// True if a TXT answer is a DKIM record carrying `public_key` (tags may be spaced or
/// ordered differently, and long keys arrive split into strings that were joined).
pub fn dkim_answer_matches(answer: &str, public_key: &str) -> bool {
    answer.split(';').any(|tag| {
        let tag: String = tag.chars().filter(|c| !c.is_whitespace()).collect();
        tag.strip_prefix("p=") == Some(public_key)
    })
}

/// The records to publish for a domain, marked found if `answers` ("name\tvalue" lines from
/// the last check) contain them.
pub fn expected_records(
    domain: &DomainName,
    token: &str,
    dkim: Option<(&str, DkimAlgorithm, &str)>,
    answers: &[String],
) -> Vec<DnsRecord> {
    let answered = |name: &str, matches: &dyn Fn(&str) -> bool| {
        answers
            .iter()
            .filter_map(|a| a.split_once('\t'))
            .any(|(n, v)| n == name && matches(v))
    };
    let mut records = Vec::new();
    let name = verification_name(domain.as_str());
    records.push(DnsRecord {
        purpose: "Verification".to_owned(),
        found: answered(&name, &|v| v == token),
        relative_name: domain.relative(&name),
        name,
        record_type: "TXT".to_owned(),
        value: token.to_owned(),
    });
    if let Some((selector, algorithm, public_key)) = dkim {
        let name = dkim_name(selector, domain.as_str());
        records.push(DnsRecord {
            purpose: "DKIM".to_owned(),
            found: answered(&name, &|v| dkim_answer_matches(v, public_key)),
            relative_name: domain.relative(&name),
            name,
            record_type: "TXT".to_owned(),
            value: dkim_value(algorithm, public_key),
        });
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dkim_answers_match_on_the_key_whatever_the_spacing() {
        assert!(dkim_answer_matches("v=DKIM1; k=rsa; p=ABC", "ABC"));
        assert!(dkim_answer_matches("p=AB C ;v=DKIM1", "ABC"));
        assert!(!dkim_answer_matches("v=DKIM1; k=rsa; p=ABCD", "ABC"));
        assert!(!dkim_answer_matches("v=DKIM1; k=rsa; p=", "ABC"));
    }

    #[test]
    fn expected_records_are_marked_found_from_the_answers() {
        let domain = DomainName::parse("example.com").unwrap();
        let answers = vec![
            "_amazonses.example.com\ttoken123".to_owned(),
            "s1._domainkey.example.com\tv=DKIM1; p=WRONG".to_owned(),
        ];
        let records = expected_records(
            &domain,
            "token123",
            Some(("s1", DkimAlgorithm::Rsa2048, "KEY")),
            &answers,
        );
        assert_eq!(records.len(), 2);
        assert!(records[0].found);
        assert_eq!(records[0].relative_name, "_amazonses");
        assert!(!records[1].found);
        assert_eq!(records[1].name, "s1._domainkey.example.com");
        assert_eq!(records[1].value, "v=DKIM1; k=rsa; p=KEY");
    }
}

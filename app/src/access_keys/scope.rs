//! A key's scope: limits it carries beyond its user's role, chosen when it is created —
//! where it may be used from, which SES actions it may call, which identities it may send
//! as, and until when. A key for one mail server can then send only as one identity, from
//! that server's address, and stops by itself. Empty limits limit nothing.
//!
//! The API checks sources and actions in `ApiCaller::require` (every action passes there),
//! SMTP in its submission (as `SendRawEmail`), and the send path checks identities for
//! both; an expired key is refused as an unknown one.

use serde::{Deserialize, Serialize};

/// A key's limits as the Access keys page shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyScope {
    /// Addresses and CIDR blocks (`203.0.113.0/24`).
    pub sources: Vec<String>,
    /// SES action names, `*` matching any run of characters (`Send*`).
    pub actions: Vec<String>,
    /// Identity names (`example.com`, `news@example.com`) or ARNs.
    pub identities: Vec<String>,
}

impl KeyScope {
    pub fn is_unlimited(&self) -> bool {
        self.sources.is_empty() && self.actions.is_empty() && self.identities.is_empty()
    }
}

/// Longest list of any one limit.
pub const MAX_ENTRIES: usize = 20;
/// Longest time a key may be given, in days.
pub const MAX_EXPIRY_DAYS: i64 = 3650;

#[cfg(feature = "ssr")]
pub use limits::*;

#[cfg(feature = "ssr")]
mod limits {
    use std::net::IpAddr;

    use ipnet::IpNet;

    use super::{KeyScope, MAX_ENTRIES, MAX_EXPIRY_DAYS};
    use crate::error::AppError;

    /// A scope checked: what requests are held to.
    #[derive(Debug, Clone, Default)]
    pub struct KeyLimits {
        /// Limited to sources at all (even when none of them parses any more).
        source_limited: bool,
        sources: Vec<IpNet>,
        actions: Vec<String>,
        identities: Vec<String>,
    }

    impl KeyLimits {
        /// From the stored lists (checked when the key was created; an entry that no
        /// longer parses allows nothing, and never widens the key).
        pub fn stored(sources: &[String], actions: Vec<String>, identities: Vec<String>) -> Self {
            Self {
                source_limited: !sources.is_empty(),
                sources: sources
                    .iter()
                    .filter_map(|s| parse_source(s).ok())
                    .collect(),
                actions,
                identities,
            }
        }

        /// Why the key may not call `action` from `client`, in words to follow "because";
        /// None when it may. Like IAM, the answer does not tell the key's limits (a stolen
        /// key tried elsewhere learns nothing from it).
        pub fn refusal(&self, action: &str, client: Option<IpAddr>) -> Option<String> {
            if !self.actions.is_empty() && !self.actions.iter().any(|a| glob(a, action)) {
                return Some(format!("the access key does not allow ses:{action}"));
            }
            // An IPv4 client on an IPv6 socket arrives as ::ffff:a.b.c.d.
            let client = client.map(|c| c.to_canonical());
            let inside = |c: IpAddr| self.sources.iter().any(|net| net.contains(&c));
            if self.source_limited && !client.is_some_and(inside) {
                let from = client.map_or("an unknown address".to_owned(), |c| c.to_string());
                return Some(format!("the access key may not be used from {from}"));
            }
            None
        }

        /// Whether the key of a user of `account` may send as the identity `arn` names: a
        /// listed ARN matches it exactly (case aside), a listed name only the account's
        /// own identity of that name.
        pub fn allows_identity(&self, account: &str, arn: &str) -> bool {
            let own_name = arn
                .split_once(":identity/")
                .filter(|(head, _)| head.rsplit(':').next() == Some(account))
                .map(|(_, name)| name);
            self.identities.is_empty()
                || self.identities.iter().any(|i| {
                    i.eq_ignore_ascii_case(arn)
                        || own_name.is_some_and(|n| i.eq_ignore_ascii_case(n))
                })
        }
    }

    /// Longest text accepted for one of a scope's lists.
    const MAX_TYPED: usize = 8 * 1024;

    /// A scope as typed on the Access keys page (lists separated by commas, spaces or
    /// lines), checked; errors name the field.
    pub fn parse_scope(
        sources: &str,
        actions: &str,
        identities: &str,
    ) -> Result<KeyScope, AppError> {
        let sources = entries("sources", sources)?
            .into_iter()
            .map(|s| {
                parse_source(&s).map(|net| net.to_string()).map_err(|_| {
                    AppError::field(
                        "sources",
                        format!("`{s}` is not an IP address or CIDR block."),
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        let actions = entries("actions", actions)?;
        if let Some(bad) = actions
            .iter()
            .find(|a| a.len() > 64 || !a.chars().all(|c| c.is_ascii_alphabetic() || c == '*'))
        {
            return Err(AppError::field(
                "actions",
                format!("`{bad}` is not an SES action name (such as SendEmail, or Send*)."),
            ));
        }
        let identities = entries("identities", identities)?;
        if let Some(bad) = identities.iter().find(|i| i.len() > 400) {
            return Err(AppError::field(
                "identities",
                format!("`{bad}` is too long for an identity."),
            ));
        }
        Ok(KeyScope {
            sources,
            actions,
            identities,
        })
    }

    /// Days until a new key expires, as typed (empty: never).
    pub fn parse_expiry_days(days: &str) -> Result<Option<i64>, AppError> {
        match days.trim() {
            "" => Ok(None),
            given => given
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=MAX_EXPIRY_DAYS).contains(d))
                .map(Some)
                .ok_or_else(|| {
                    AppError::field(
                        "expires_in_days",
                        format!("Give a whole number of days from 1 to {MAX_EXPIRY_DAYS}, or leave it empty."),
                    )
                }),
        }
    }

    fn entries(field: &str, typed: &str) -> Result<Vec<String>, AppError> {
        let too_many = || AppError::field(field, format!("Give at most {MAX_ENTRIES}."));
        if typed.len() > MAX_TYPED {
            return Err(too_many());
        }
        let mut list: Vec<String> = Vec::new();
        for entry in typed
            .split([',', ' ', '\n', '\r', '\t'])
            .filter(|e| !e.is_empty())
        {
            if !list.iter().any(|e| e == entry) {
                if list.len() == MAX_ENTRIES {
                    return Err(too_many());
                }
                list.push(entry.to_owned());
            }
        }
        Ok(list)
    }

    /// An address is its own block (/32, /128).
    fn parse_source(s: &str) -> Result<IpNet, ()> {
        s.parse::<IpNet>()
            .map(|n| n.trunc())
            .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
            .map_err(|_| ())
    }

    /// IAM's action match: case-insensitive, `*` any run of characters.
    fn glob(pattern: &str, action: &str) -> bool {
        let (pattern, action) = (pattern.to_ascii_lowercase(), action.to_ascii_lowercase());
        let mut parts = pattern.split('*');
        let first = parts.next().unwrap_or("");
        let Some(mut rest) = action.strip_prefix(first) else {
            return false;
        };
        let parts: Vec<&str> = parts.collect();
        let Some((last, middle)) = parts.split_last() else {
            return rest.is_empty();
        };
        for part in middle {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
        rest.ends_with(last)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn actions_match_as_iam_matches_them() {
            assert!(glob("SendEmail", "SendEmail"));
            assert!(glob("sendemail", "SendEmail"));
            assert!(glob("Send*", "SendRawEmail"));
            assert!(glob("*", "DeleteIdentity"));
            assert!(glob("Send*Email", "SendTemplatedEmail"));
            assert!(!glob("SendEmail", "SendRawEmail"));
            assert!(!glob("Send*", "DeleteIdentity"));
            assert!(!glob("Send*Email", "SendBulkTemplatedEmails"));
        }

        #[test]
        fn sources_are_addresses_or_blocks_and_hold_a_request_to_them() {
            let typed = "203.0.113.7, 198.51.100.0/24\n2001:db8::/32";
            let scope = parse_scope(typed, "", "").unwrap();
            assert_eq!(
                scope.sources,
                ["203.0.113.7/32", "198.51.100.0/24", "2001:db8::/32"]
            );
            let limits = KeyLimits::stored(&scope.sources, vec![], vec![]);
            let at = |a: &str| a.parse().ok();
            assert!(limits.refusal("SendEmail", at("198.51.100.9")).is_none());
            assert!(limits.refusal("SendEmail", at("2001:db8::1")).is_none());
            let refused = limits.refusal("SendEmail", at("192.0.2.1")).unwrap();
            assert_eq!(refused, "the access key may not be used from 192.0.2.1");
            assert!(limits.refusal("SendEmail", None).is_some());
            // An IPv4 client seen on an IPv6 socket is that IPv4 client.
            assert!(limits
                .refusal("SendEmail", at("::ffff:198.51.100.9"))
                .is_none());
            // A stored entry that no longer parses narrows the key, never widens it.
            let broken = KeyLimits::stored(&["garbage".into()], vec![], vec![]);
            assert!(broken.refusal("SendEmail", at("198.51.100.9")).is_some());
            assert!(parse_scope("not-an-address", "", "").is_err());
            assert!(parse_scope("10.0.0.0/33", "", "").is_err());
        }

        #[test]
        fn identities_match_by_name_or_arn() {
            let me = "111122223333";
            let arn = |account: &str, name: &str| {
                format!("arn:aws:ses:us-east-1:{account}:identity/{name}")
            };
            let limits = KeyLimits::stored(&[], vec![], vec!["News@acme.example".into()]);
            assert!(limits.allows_identity(me, &arn(me, "news@acme.example")));
            assert!(!limits.allows_identity(me, &arn(me, "acme.example")));
            // A name is the account's own identity, not another's of the same name.
            let theirs = arn("444455556666", "news@acme.example");
            assert!(!limits.allows_identity(me, &theirs));
            let shared = arn("444455556666", "partner.example");
            let limits = KeyLimits::stored(&[], vec![], vec![shared.clone()]);
            assert!(limits.allows_identity(me, &shared));
            assert!(!limits.allows_identity(me, &arn(me, "partner.example")));
            assert!(KeyLimits::default().allows_identity(me, &shared));
        }

        #[test]
        fn typed_lists_are_checked_and_bounded() {
            assert!(parse_scope("", "Send Email", "").is_ok());
            assert!(parse_scope("", "ses:SendEmail", "").is_err());
            let many = (0..21)
                .map(|i| format!("10.0.0.{i}"))
                .collect::<Vec<_>>()
                .join(",");
            assert!(parse_scope(&many, "", "").is_err());
            assert!(parse_scope(&"x,".repeat(5000), "", "").is_err());
            assert_eq!(parse_expiry_days("").unwrap(), None);
            assert_eq!(parse_expiry_days("30").unwrap(), Some(30));
            assert!(parse_expiry_days("0").is_err());
            assert!(parse_expiry_days("3651").is_err());
        }
    }
}

//! Revoking a delegate: the policy document without the delegate account (and its users)
//! in any Allow statement. Statements left naming nobody are dropped; when an Allow
//! statement names anyone (`*`), an explicit Deny for the account is added, since removing
//! a name cannot stop "anyone". The rest of the document is kept as the owner wrote it.

use serde_json::{json, Value};

/// What revoking did to one policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revoked {
    /// The policy did not allow the account.
    Unchanged,
    /// The new document (to validate and store).
    Rewritten(String),
    /// No statement is left: the policy goes.
    Emptied,
}

/// `document` without `account` among its allowed principals, for the identity `identity_arn`.
/// A document that is not a JSON object with statements is left Unchanged (stored policies
/// were validated when they were put).
pub fn revoke_account(document: &str, account: &str, identity_arn: &str) -> Revoked {
    let Ok(Value::Object(mut policy)) = serde_json::from_str::<Value>(document) else {
        return Revoked::Unchanged;
    };
    let statements = match policy.get("Statement") {
        Some(Value::Array(items)) => items.clone(),
        Some(single @ Value::Object(_)) => vec![single.clone()],
        _ => return Revoked::Unchanged,
    };
    let mut changed = false;
    let mut open_to_anyone = false;
    let mut kept = Vec::with_capacity(statements.len());
    for mut statement in statements {
        if statement.get("Effect").and_then(Value::as_str) != Some("Allow") {
            kept.push(statement);
            continue;
        }
        match without_account(statement.get("Principal"), account) {
            Principal::Anyone => {
                open_to_anyone = true;
                kept.push(statement);
            }
            Principal::Unnamed => kept.push(statement),
            Principal::Remaining(rest) if rest.is_empty() => changed = true,
            Principal::Remaining(rest) => {
                statement["Principal"] = json!({ "AWS": rest });
                changed = true;
                kept.push(statement);
            }
        }
    }
    let sid = format!("RevokedAccount{account}");
    let already_denied = kept
        .iter()
        .any(|s| s.get("Sid").and_then(Value::as_str) == Some(sid.as_str()));
    if open_to_anyone && !already_denied {
        kept.push(json!({
            "Sid": sid,
            "Effect": "Deny",
            "Principal": { "AWS": [account] },
            "Action": ["ses:*"],
            "Resource": identity_arn,
        }));
        changed = true;
    }
    if !changed {
        return Revoked::Unchanged;
    }
    if kept.is_empty() {
        return Revoked::Emptied;
    }
    policy.insert("Statement".to_owned(), Value::Array(kept));
    Revoked::Rewritten(Value::Object(policy).to_string())
}

enum Principal {
    /// `*` or `{"AWS": "*"}` (or a list with `*`).
    Anyone,
    /// The account is not named.
    Unnamed,
    /// The principals left once the account and its users are removed.
    Remaining(Vec<Value>),
}

fn without_account(principal: Option<&Value>, account: &str) -> Principal {
    let listed = match principal {
        Some(Value::String(s)) if s == "*" => return Principal::Anyone,
        Some(Value::Object(map)) => match map.get("AWS") {
            Some(Value::String(s)) => vec![Value::String(s.clone())],
            Some(Value::Array(items)) => items.clone(),
            _ => return Principal::Unnamed,
        },
        _ => return Principal::Unnamed,
    };
    if listed.iter().any(|p| p.as_str() == Some("*")) {
        return Principal::Anyone;
    }
    let names = |p: &Value| {
        p.as_str()
            .is_some_and(|p| p == account || p.starts_with(&format!("arn:aws:iam::{account}:")))
    };
    if !listed.iter().any(names) {
        return Principal::Unnamed;
    }
    Principal::Remaining(listed.into_iter().filter(|p| !names(p)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_policy, Effect, Principals};

    const ARN: &str = "arn:aws:ses:us-east-1:888888888888:identity/example.com";

    fn policy(statements: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
    }

    fn allow(principal: &str) -> String {
        format!(
            r#"{{"Effect": "Allow", "Principal": {principal}, "Action": ["ses:SendEmail"], "Resource": "{ARN}"}}"#
        )
    }

    #[test]
    fn the_account_and_its_users_leave_allow_statements() {
        let doc = policy(&allow(
            r#"{"AWS": ["111111111111", "arn:aws:iam::111111111111:user/app", "222222222222"]}"#,
        ));
        let Revoked::Rewritten(new) = revoke_account(&doc, "111111111111", ARN) else {
            panic!("expected a rewrite");
        };
        let parsed = parse_policy(&new, ARN).unwrap();
        assert_eq!(parsed.grantee_accounts(), ["222222222222"]);
    }

    #[test]
    fn a_statement_naming_only_the_account_goes_and_an_empty_policy_is_emptied() {
        let doc = policy(&allow(r#"{"AWS": "111111111111"}"#));
        assert_eq!(revoke_account(&doc, "111111111111", ARN), Revoked::Emptied);
        let two = policy(&format!(
            "{}, {}",
            allow(r#"{"AWS": "111111111111"}"#),
            allow(r#"{"AWS": "222222222222"}"#)
        ));
        let Revoked::Rewritten(new) = revoke_account(&two, "111111111111", ARN) else {
            panic!("expected a rewrite");
        };
        assert_eq!(parse_policy(&new, ARN).unwrap().statements.len(), 1);
    }

    #[test]
    fn others_and_deny_statements_are_left_alone() {
        let doc = policy(&format!(
            r#"{}, {{"Effect": "Deny", "Principal": {{"AWS": "111111111111"}}, "Action": "ses:SendRawEmail", "Resource": "{ARN}"}}"#,
            allow(r#"{"AWS": "222222222222"}"#)
        ));
        assert_eq!(
            revoke_account(&doc, "111111111111", ARN),
            Revoked::Unchanged
        );
        // A user of another account whose id merely starts the same way.
        let similar = policy(&allow(r#"{"AWS": "arn:aws:iam::1111111111112:user/x"}"#));
        assert_eq!(
            revoke_account(&similar, "111111111111", ARN),
            Revoked::Unchanged
        );
    }

    #[test]
    fn anyone_gets_an_explicit_deny_for_the_account() {
        let doc = policy(&allow(r#""*""#));
        let Revoked::Rewritten(new) = revoke_account(&doc, "111111111111", ARN) else {
            panic!("expected a rewrite");
        };
        let parsed = parse_policy(&new, ARN).unwrap();
        let deny = parsed.statements.last().unwrap();
        assert_eq!(deny.effect, Effect::Deny);
        assert_eq!(
            deny.principals,
            Principals::Listed {
                accounts: vec!["111111111111".to_owned()],
                users: vec![]
            }
        );
        assert!(!parsed.allows_account("111111111111"));
        // Revoking again adds no second Deny.
        assert_eq!(
            revoke_account(&new, "111111111111", ARN),
            Revoked::Unchanged
        );
    }
}

//! What a policy grants to whom: the accounts it names (stored with the policy so a
//! delegate's "Shared with me" page is one indexed lookup) and, per delegate account, the
//! statements that name it, in words.

use serde::{Deserialize, Serialize};

use super::{
    parse::{Policy, Principals, Statement},
    Effect,
};

/// One statement as a delegate sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub policy: String,
    pub sid: Option<String>,
    pub effect: Effect,
    /// How the statement names the delegate: its account id or one of its users' ARNs.
    pub principal: String,
    pub actions: Vec<String>,
    /// Each condition in words; empty means "no conditions".
    pub conditions: Vec<String>,
    /// The exact From addresses its conditions name (`Condition::exact_from_addresses`).
    pub from_addresses: Vec<String>,
}

impl Policy {
    /// The accounts the policy names, directly or through a user ARN, sorted and unique.
    /// `Principal: "*"` names nobody in particular and adds none.
    pub fn grantee_accounts(&self) -> Vec<String> {
        let mut accounts: Vec<String> = self
            .statements
            .iter()
            .flat_map(|s| named_principals(s).map(|(account, _)| account.to_owned()))
            .collect();
        accounts.sort();
        accounts.dedup();
        accounts
    }

    /// Whether an Allow statement names `account` (or one of its users), or allows anyone
    /// while no Deny names the account: what Revoke can take away (conditions aside).
    pub fn allows_account(&self, account: &str) -> bool {
        let names = |s: &Statement| named_principals(s).any(|(named, _)| named == account);
        let allowed = |s: &&Statement| s.effect == Effect::Allow;
        let denied = self
            .statements
            .iter()
            .any(|s| s.effect == Effect::Deny && names(s));
        self.statements
            .iter()
            .filter(allowed)
            .any(|s| names(s) || (s.principals == Principals::Anyone && !denied))
    }

    /// The statements that name `account` or one of its users.
    pub fn grants_to(&self, policy_name: &str, account: &str) -> Vec<Grant> {
        self.statements
            .iter()
            .flat_map(|statement| {
                named_principals(statement)
                    .filter(move |(named, _)| *named == account)
                    .map(move |(_, principal)| Grant {
                        policy: policy_name.to_owned(),
                        sid: statement.sid.clone(),
                        effect: statement.effect,
                        principal: principal.to_owned(),
                        actions: statement.actions.clone(),
                        conditions: statement.conditions.iter().map(|c| c.describe()).collect(),
                        from_addresses: statement
                            .conditions
                            .iter()
                            .flat_map(|c| c.exact_from_addresses())
                            .map(str::to_owned)
                            .collect(),
                    })
            })
            .collect()
    }
}

/// (account, principal as written) for every account and user a statement lists.
fn named_principals(statement: &Statement) -> impl Iterator<Item = (&str, &str)> {
    let (accounts, users): (&[String], &[String]) = match &statement.principals {
        Principals::Anyone => (&[], &[]),
        Principals::Listed { accounts, users } => (accounts, users),
    };
    let accounts = accounts.iter().map(|a| (a.as_str(), a.as_str()));
    let users = users.iter().filter_map(|arn| {
        let account = arn.strip_prefix("arn:aws:iam::")?.split(':').next()?;
        Some((account, arn.as_str()))
    });
    accounts.chain(users)
}

#[cfg(test)]
mod tests {
    use crate::{parse_policy, Effect};

    const ARN: &str = "arn:aws:ses:us-east-1:888888888888:identity/example.com";

    #[test]
    fn grantees_are_accounts_named_directly_or_through_users_but_not_anyone() {
        let policy = parse_policy(
            &format!(
                r#"{{"Statement": [
                {{"Sid": "A", "Effect": "Allow", "Principal": {{"AWS": ["123456789012", "arn:aws:iam::222222222222:user/app"]}},
                  "Action": "ses:SendEmail", "Resource": "{ARN}",
                  "Condition": {{"StringLike": {{"ses:FromAddress": "news@example.com"}}}}}},
                {{"Effect": "Deny", "Principal": {{"AWS": "arn:aws:iam::123456789012:root"}}, "Action": "ses:*", "Resource": "{ARN}"}},
                {{"Effect": "Allow", "Principal": "*", "Action": "ses:SendEmail", "Resource": "{ARN}"}}
            ]}}"#
            ),
            ARN,
        )
        .unwrap();
        assert_eq!(
            policy.grantee_accounts(),
            ["123456789012".to_owned(), "222222222222".to_owned()]
        );
        let mine = policy.grants_to("p", "123456789012");
        assert_eq!(mine.len(), 2);
        assert_eq!(mine[0].sid.as_deref(), Some("A"));
        assert_eq!(
            mine[0].conditions,
            ["StringLike ses:FromAddress: news@example.com".to_owned()]
        );
        assert_eq!(mine[1].effect, Effect::Deny);
        // Named in an Allow (and denied by another statement, which Revoke does not lift).
        assert!(policy.allows_account("123456789012"));
        // Allowed as anyone, with no Deny naming it.
        assert!(policy.allows_account("333333333333"));
        let user = policy.grants_to("p", "222222222222");
        assert_eq!(user[0].principal, "arn:aws:iam::222222222222:user/app");
        assert!(policy.grants_to("p", "333333333333").is_empty());
    }
}

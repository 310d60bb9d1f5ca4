//! Parsing and validating a policy document against the identity it is attached to.
//! Every error names the offending field, as SES's `InvalidPolicy` does.

use serde_json::{Map, Value};

use super::{
    condition::{parse_conditions, Condition},
    glob, Effect, PolicyError, ACTIONS, MAX_POLICY_BYTES,
};

/// A validated policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principals: Principals,
    /// Action patterns such as `ses:Send*` (matched case-insensitively, as IAM does).
    pub actions: Vec<String>,
    pub conditions: Vec<Condition>,
}

/// Who a statement is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Principals {
    Anyone,
    /// Whole accounts (12-digit ids) and single users (user ARNs).
    Listed {
        accounts: Vec<String>,
        users: Vec<String>,
    },
}

/// The identity a policy is attached to, from its ARN.
struct IdentityArn<'a> {
    region: &'a str,
    account: &'a str,
    name: &'a str,
}

fn parse_identity_arn(arn: &str) -> Option<IdentityArn<'_>> {
    let rest = arn.strip_prefix("arn:aws:ses:")?;
    let (region, rest) = rest.split_once(':')?;
    let (account, rest) = rest.split_once(':')?;
    let name = rest.strip_prefix("identity/")?;
    Some(IdentityArn {
        region,
        account,
        name,
    })
}

/// Parses `text` as a policy for the identity `identity_arn`.
pub fn parse_policy(text: &str, identity_arn: &str) -> Result<Policy, PolicyError> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(PolicyError::new(
            "Policy",
            format!("is {} bytes; policies can't exceed 4 kilobytes", text.len()),
        ));
    }
    let document: Value = serde_json::from_str(text)
        .map_err(|e| PolicyError::new("Policy", format!("is not valid JSON: {e}")))?;
    let Value::Object(document) = document else {
        return Err(PolicyError::new("Policy", "must be a JSON object"));
    };
    only_keys(&document, &["Version", "Id", "Statement"], "Policy")?;
    let id = optional_string(&document, "Id", "Id")?;
    optional_string(&document, "Version", "Version")?;
    let statements = match document.get("Statement") {
        Some(Value::Array(items)) if !items.is_empty() => items.iter().collect::<Vec<_>>(),
        Some(Value::Object(_)) => vec![&document["Statement"]],
        Some(_) => {
            return Err(PolicyError::new(
                "Statement",
                "must contain at least one statement",
            ))
        }
        None => return Err(PolicyError::new("Statement", "is required")),
    };
    let identity = parse_identity_arn(identity_arn)
        .ok_or_else(|| PolicyError::new("Resource", "the identity's ARN is malformed"))?;
    let statements = statements
        .into_iter()
        .enumerate()
        .map(|(i, s)| parse_statement(s, &format!("Statement[{i}]"), &identity))
        .collect::<Result<_, _>>()?;
    Ok(Policy { id, statements })
}

fn parse_statement(
    value: &Value,
    at: &str,
    identity: &IdentityArn<'_>,
) -> Result<Statement, PolicyError> {
    let Value::Object(statement) = value else {
        return Err(PolicyError::new(at, "must be an object"));
    };
    only_keys(
        statement,
        &[
            "Sid",
            "Effect",
            "Principal",
            "Action",
            "Resource",
            "Condition",
        ],
        at,
    )?;
    let sid = optional_string(statement, "Sid", &format!("{at}.Sid"))?;
    let effect = match statement.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        _ => {
            return Err(PolicyError::new(
                &format!("{at}.Effect"),
                "must be \"Allow\" or \"Deny\"",
            ))
        }
    };
    let principals = parse_principals(statement.get("Principal"), &format!("{at}.Principal"))?;
    let actions = strings(statement.get("Action"), &format!("{at}.Action"))?;
    for action in &actions {
        if !ACTIONS
            .iter()
            .any(|known| glob::matches(action, known, true))
        {
            return Err(PolicyError::new(&format!("{at}.Action"), format!("`{action}` is not a sending action (ses:SendEmail, ses:SendRawEmail, ses:SendTemplatedEmail, ses:SendBulkTemplatedEmail, or a wildcard such as ses:Send*)")));
        }
    }
    for resource in strings(statement.get("Resource"), &format!("{at}.Resource"))? {
        check_resource(&resource, identity)
            .map_err(|m| PolicyError::new(&format!("{at}.Resource"), m))?;
    }
    let conditions = match statement.get("Condition") {
        Some(value) => parse_conditions(value, &format!("{at}.Condition"))?,
        None => Vec::new(),
    };
    Ok(Statement {
        sid,
        effect,
        principals,
        actions,
        conditions,
    })
}

fn parse_principals(value: Option<&Value>, at: &str) -> Result<Principals, PolicyError> {
    match value {
        Some(Value::String(star)) if star == "*" => Ok(Principals::Anyone),
        Some(Value::Object(map)) => {
            only_keys(map, &["AWS"], at).map_err(|_| {
                PolicyError::new(at, "only AWS principals (accounts and users) are supported")
            })?;
            let (mut accounts, mut users) = (Vec::new(), Vec::new());
            for principal in strings(map.get("AWS"), &format!("{at}.AWS"))? {
                if principal == "*" {
                    return Ok(Principals::Anyone);
                } else if is_account_id(&principal) {
                    accounts.push(principal);
                } else if let Some(account) = principal
                    .strip_prefix("arn:aws:iam::")
                    .and_then(|r| r.strip_suffix(":root"))
                    .filter(|a| is_account_id(a))
                {
                    accounts.push(account.to_owned());
                } else if is_user_arn(&principal) {
                    users.push(principal);
                } else {
                    return Err(PolicyError::new(&format!("{at}.AWS"), format!("`{principal}` is not an account id, an arn:aws:iam::<account>:root ARN or a user ARN")));
                }
            }
            Ok(Principals::Listed { accounts, users })
        }
        Some(_) => Err(PolicyError::new(at, "must be \"*\" or {\"AWS\": …}")),
        None => Err(PolicyError::new(at, "is required")),
    }
}

fn check_resource(resource: &str, identity: &IdentityArn<'_>) -> Result<(), String> {
    let wrong =
        || format!("`{resource}` is not the ARN of the identity this policy is attached to");
    let named = parse_identity_arn(resource).ok_or_else(wrong)?;
    let region_ok = named.region == identity.region || named.region == "*";
    if region_ok
        && named.account == identity.account
        && named.name.eq_ignore_ascii_case(identity.name)
    {
        Ok(())
    } else {
        Err(wrong())
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_user_arn(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("arn:aws:iam::") else {
        return false;
    };
    let Some((account, name)) = rest.split_once(":user/") else {
        return false;
    };
    is_account_id(account) && !name.is_empty()
}

/// A string or a non-empty array of strings.
fn strings(value: Option<&Value>, at: &str) -> Result<Vec<String>, PolicyError> {
    let error = || PolicyError::new(at, "is required, as a string or a list of strings");
    match value {
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(error))
            .collect(),
        _ => Err(error()),
    }
}

fn optional_string(
    map: &Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<Option<String>, PolicyError> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(PolicyError::new(at, "must be a string")),
    }
}

fn only_keys(map: &Map<String, Value>, allowed: &[&str], at: &str) -> Result<(), PolicyError> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(unknown) => Err(PolicyError::new(
            &format!("{at}.{unknown}"),
            "is not a supported policy element",
        )),
        None => Ok(()),
    }
}

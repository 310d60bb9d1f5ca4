//! The send path through the v1 API: who may send what (`authorization`) and how much
//! (`quotas`), with the set-up both share.

mod authorization;
mod list;
mod quotas;
mod refusals;

use base64::{engine::general_purpose::STANDARD, Engine};
use reqwest::StatusCode;
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::helpers::{ses_call, ses_form, Browser, TestApp};

pub const SIMULATOR: &str = "success@simulator.amazonses.com";

/// A domain identity verified through the development DNS zone; returns its id.
pub async fn verified_domain(admin: &Browser, domain: &str) -> String {
    let created = admin
        .json(
            "identities/create-domain",
            &[
                ("region", "us-east-1"),
                ("domain", domain),
                ("dkim_algorithm", "ed25519-sha256"),
            ],
        )
        .await;
    let id = created["identity_id"].as_str().unwrap().to_owned();
    admin
        .json(
            "identities/dev-zone",
            &[("identity_id", &id), ("publish", "true")],
        )
        .await;
    let detail = admin
        .json("identities/check-now", &[("identity_id", &id)])
        .await;
    assert_eq!(detail["summary"]["status"], "Success", "{detail}");
    id
}

/// Sends a v1 request now; returns the status and the XML.
pub async fn send(
    app: &TestApp,
    key: &(String, String),
    pairs: &[(&str, &str)],
) -> (StatusCode, String) {
    ses_call(app, key, &ses_form(pairs), OffsetDateTime::now_utc()).await
}

pub fn send_email<'a>(source: &'a str, to: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("Action", "SendEmail"),
        ("Source", source),
        ("Destination.ToAddresses.member.1", to),
        ("Message.Subject.Data", "Hello"),
        ("Message.Body.Text.Data", "Hi there"),
    ]
}

pub fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))?;
    Some(&xml[start..start + end])
}

/// Every `<name>` element's number, in order (the members of a list).
pub fn numbers(xml: &str, name: &str) -> Vec<i64> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    xml.match_indices(&open)
        .filter_map(|(at, _)| {
            let rest = &xml[at + open.len()..];
            rest[..rest.find(&close)?].parse().ok()
        })
        .collect()
}

/// Lifts the default 1 recipient/second rate, so a test can send in quick succession.
pub async fn raise_send_rate(pool: &PgPool, account: &str) {
    sqlx::query("update account_region set max_send_rate = 1000 where account_id = $1")
        .bind(account)
        .execute(pool)
        .await
        .unwrap();
}

/// Puts (creates) a sending authorization policy on the owner's identity.
pub async fn put_policy(owner: &Browser, identity_id: &str, name: &str, document: &str) {
    owner
        .json(
            "policies/put",
            &[
                ("identity_id", identity_id),
                ("name", name),
                ("document", document),
                ("replace", "false"),
            ],
        )
        .await;
}

/// Sends `raw` (a whole message) with SendRawEmail; returns the status and the XML.
pub async fn send_raw(app: &TestApp, key: &(String, String), raw: &str) -> (StatusCode, String) {
    let data = STANDARD.encode(raw);
    send(
        app,
        key,
        &[("Action", "SendRawEmail"), ("RawMessage.Data", &data)],
    )
    .await
}

/// Sets the account's daily quota (-1: unlimited) and per-second rate.
pub async fn set_quota(pool: &PgPool, account: &str, max_24_hour_send: f64, max_send_rate: f64) {
    sqlx::query(
        "update account_region set max_24_hour_send = $2, max_send_rate = $3 where account_id = $1",
    )
    .bind(account)
    .bind(max_24_hour_send)
    .bind(max_send_rate)
    .execute(pool)
    .await
    .unwrap();
}

pub async fn leave_sandbox(pool: &PgPool, account: &str) {
    sqlx::query("update account_region set sandbox = false where account_id = $1")
        .bind(account)
        .execute(pool)
        .await
        .unwrap();
}

/// An owner with `owner.example` verified and a delegate it grants `action` on it, both
/// out of the sandbox, the delegate unthrottled.
pub struct Granted {
    pub owner_account: String,
    pub delegate: Browser,
    pub delegate_account: String,
    pub arn: String,
    pub key: (String, String),
}

pub async fn granted_delegate(app: &TestApp, action: &str) -> Granted {
    let allow = format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "{{delegate}}"}}, "Action": "{action}", "Resource": "{{arn}}"}}"#
    );
    governed_delegate(app, &allow).await
}

/// As `granted_delegate`, under a policy of the owner's `statements` (with `{delegate}` and
/// `{arn}` filled in).
pub async fn governed_delegate(app: &TestApp, statements: &str) -> Granted {
    let (owner, owner_account) = app.new_account("Owner").await;
    let (delegate, delegate_account) = app.new_account("Delegate").await;
    let identity = verified_domain(&owner, "owner.example").await;
    for account in [&owner_account, &delegate_account] {
        leave_sandbox(&app.pool, account).await;
    }
    raise_send_rate(&app.pool, &delegate_account).await;
    let arn = format!("arn:aws:ses:us-east-1:{owner_account}:identity/owner.example");
    let policy = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
        .replace("{delegate}", &delegate_account)
        .replace("{arn}", &arn);
    put_policy(&owner, &identity, "delegate", &policy).await;
    let key = crate::helpers::ses_key(&delegate).await;
    Granted {
        owner_account,
        delegate,
        delegate_account,
        arn,
        key,
    }
}

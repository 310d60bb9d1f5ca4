//! Access keys limited beyond their user's role, through the public surface: a key held to
//! source addresses, actions and identities is refused outside them — over the API and
//! SMTP, with IAM's words and the reason — an expired key answers as an unknown one, and
//! the Access keys page shows each key's limits and its last use.

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::{
    helpers::{ses_v2, Browser, TestApp},
    sending::{raise_send_rate, send, send_email, verified_domain, SIMULATOR},
    smtp::{delegation, Client},
};

/// A key of `browser`'s user with the given limits (empty: none).
async fn scoped_key(browser: &Browser, limits: &[(&str, &str)]) -> (String, String) {
    let mut form = vec![("region", "us-east-1")];
    form.extend_from_slice(limits);
    let key = browser.json("access-keys/create", &form).await;
    (
        key["access_key_id"].as_str().unwrap().to_owned(),
        key["secret_access_key"].as_str().unwrap().to_owned(),
    )
}

async fn listed_key(browser: &Browser, id: &str) -> Value {
    let keys = browser.json("access-keys/list", &[]).await;
    keys.as_array()
        .unwrap()
        .iter()
        .find(|k| k["access_key_id"] == id)
        .unwrap()
        .clone()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_key_sends_only_as_its_identities_and_calls_only_its_actions(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (admin, account) = app.new_account("Acme").await;
    verified_domain(&admin, "allowed.example").await;
    verified_domain(&admin, "other.example").await;
    raise_send_rate(&app.pool, &account).await;
    let key = scoped_key(
        &admin,
        &[
            ("identities", "allowed.example"),
            ("actions", "Send*, GetSendQuota"),
            ("sources", "127.0.0.1"),
        ],
    )
    .await;

    let (status, xml) = send(&app, &key, &send_email("news@allowed.example", SIMULATOR)).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    let (status, xml) = send(&app, &key, &send_email("news@other.example", SIMULATOR)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{xml}");
    assert!(xml.contains("<Code>AccessDenied</Code>"), "{xml}");
    assert!(
        xml.contains(&format!(
            "on resource `arn:aws:ses:us-east-1:{account}:identity/other.example&apos;"
        )),
        "{xml}"
    );
    let (status, _) = send(&app, &key, &[("Action", "GetSendQuota")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, xml) = send(&app, &key, &[("Action", "ListIdentities")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{xml}");
    assert!(
        xml.contains(&format!(
            "User: arn:aws:iam::{account}:user/admin is not authorized to perform: ses:ListIdentities because the access key does not allow ses:ListIdentities"
        )),
        "{xml}"
    );
    // The legacy VerifyEmailAddress is checked as itself, not as VerifyEmailIdentity.
    let verify = [
        ("Action", "VerifyEmailAddress"),
        ("EmailAddress", "someone@allowed.example"),
    ];
    let (status, xml) = send(&app, &key, &verify).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{xml}");
    assert!(
        xml.contains("because the access key does not allow ses:VerifyEmailAddress"),
        "{xml}"
    );
    // Only one message was accepted.
    let messages: i64 = sqlx::query_scalar("select count(*) from message")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(messages, 1);

    // The page shows the limits, and the first use of the minute: when, what, where.
    let listed = listed_key(&admin, &key.0).await;
    assert_eq!(listed["scope"]["identities"][0], "allowed.example");
    assert_eq!(
        listed["scope"]["actions"],
        serde_json::json!(["Send*", "GetSendQuota"])
    );
    assert_eq!(listed["scope"]["sources"][0], "127.0.0.1/32");
    assert_eq!(listed["last_used_action"], "SendEmail");
    assert_eq!(listed["last_used_region"], "us-east-1");
    assert_eq!(listed["expired"], false);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_key_is_refused_from_elsewhere_and_after_it_expires(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    // Limits are checked when the key is made, by name.
    for (field, value) in [
        ("sources", "10.0.0.0/33"),
        ("actions", "ses:SendEmail"),
        ("expires_in_days", "0"),
    ] {
        let form = [("region", "us-east-1"), (field, value)];
        let refused = admin
            .error(
                "access-keys/create",
                &form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        assert_eq!(refused["field"], field, "{refused}");
    }
    assert_eq!(
        admin.json("access-keys/list", &[]).await,
        Value::Array(vec![])
    );

    let office = scoped_key(&admin, &[("sources", "203.0.113.0/24")]).await;
    let (status, xml) = send(&app, &office, &[("Action", "GetSendQuota")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{xml}");
    assert!(
        xml.contains("because the access key may not be used from 127.0.0.1"),
        "{xml}"
    );

    let brief = scoped_key(&admin, &[("expires_in_days", "1")]).await;
    let listed = listed_key(&admin, &brief.0).await;
    assert!(listed["expires"].as_str().unwrap().ends_with(" UTC"));
    assert_eq!(listed["expired"], false);
    sqlx::query(
        "update access_key set expires_at = now() - interval '1 second' where access_key_id = $1",
    )
    .bind(&brief.0)
    .execute(&app.pool)
    .await
    .unwrap();
    let (status, xml) = send(&app, &brief, &[("Action", "GetSendQuota")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{xml}");
    assert!(xml.contains("<Code>InvalidClientTokenId</Code>"), "{xml}");
    assert_eq!(listed_key(&admin, &brief.0).await["expired"], true);
}

#[sqlx::test(migrations = "../migrations")]
async fn smtp_holds_a_key_to_its_sources_and_identities(pool: PgPool) {
    let d = delegation(pool, Some(""), |_| {}).await;
    // A second key of the delegate: only from the office network.
    let (user, secret) = scoped_key(&d.delegate_browser, &[("sources", "203.0.113.0/24")]).await;
    let password = app::access_keys::credentials::smtp_password(&secret, "us-east-1");
    // Refused at AUTH, before any message is sent.
    let mut client = Client::starttls(d.app.smtp.starttls[0], d.app.data_dir()).await;
    let (code, text) = client.auth_plain(&user, &password).await;
    assert_eq!(code, 535, "{text}");
    assert!(
        text.contains("is not authorized to perform: ses:SendRawEmail because the access key may not be used from 127.0.0.1"),
        "{text}"
    );
    let message = d.message(SIMULATOR, "From elsewhere");
    // The delegate's unlimited key still sends as the owner's identity.
    let (code, text) = d
        .session()
        .await
        .send("news@owner.example", &[SIMULATOR], &message)
        .await;
    assert_eq!(code, 250, "{text}");
    let listed = listed_key(&d.delegate_browser, &d.user).await;
    assert_eq!(listed["last_used_action"], "SMTP");
}

/// Over the API v2, creating, updating and deleting a policy are three IAM actions: a key
/// allowed to create policies can neither rewrite nor delete one.
#[sqlx::test(migrations = "../migrations")]
async fn a_key_that_may_create_policies_cannot_update_or_delete_them(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, account) = app.new_account("Acme").await;
    let created = admin
        .json(
            "identities/create-domain",
            &[
                ("region", "us-east-1"),
                ("domain", "acme.example"),
                ("dkim_algorithm", "ed25519-sha256"),
            ],
        )
        .await;
    let key = scoped_key(&admin, &[("actions", "CreateEmailIdentityPolicy")]).await;
    let policy = |sid: &str| {
        serde_json::json!({
            "Policy": format!(
                r#"{{"Statement": [{{"Sid": "{sid}", "Effect": "Allow", "Principal": {{"AWS": "111122223333"}}, "Action": "ses:SendEmail", "Resource": "arn:aws:ses:us-east-1:{account}:identity/acme.example"}}]}}"#
            )
        })
        .to_string()
    };
    let path = "/v2/email/identities/acme.example/policies/grant";
    let (status, text) = ses_v2(&app, &key, "POST", path, &policy("First")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    for (method, action) in [
        ("PUT", "UpdateEmailIdentityPolicy"),
        ("DELETE", "DeleteEmailIdentityPolicy"),
    ] {
        let body = if method == "PUT" {
            policy("Second")
        } else {
            String::new()
        };
        let (status, text) = ses_v2(&app, &key, method, path, &body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method}: {text}");
        assert!(
            text.contains(&format!(
                "because the access key does not allow ses:{action}"
            )),
            "{method}: {text}"
        );
    }
    // The policy is as created.
    let identity = created["identity_id"].as_str().unwrap();
    let policies = admin
        .json("policies/list", &[("identity_id", identity)])
        .await;
    let document = policies[0]["document"].as_str().unwrap();
    assert!(document.contains("First"), "{policies}");
}

//! Accounts are isolated by construction: every server function of accounts, users and
//! access keys, called by one account with another account's ids, answers 404 (or only the
//! caller's own data) and changes nothing.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{user_id, Browser, TestApp, PASSWORD};

/// Everything account B owns, as rows of text, to compare before and after.
async fn snapshot(pool: &PgPool, account: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select format('user %s %s %s %s %s', user_id, name, email, role, disabled_at) from account_user where account_id = $1
         union all
         select format('key %s %s %s', access_key_id, status, encode(secret_ciphertext, 'hex')) from access_key where account_id = $1
         union all
         select format('account %s %s %s', account_id, name, disabled_at) from account where account_id = $1
         union all
         select format('region %s %s %s %s', region, sandbox, max_24_hour_send, max_send_rate) from account_region where account_id = $1
         union all
         select format('identity %s %s %s %s %s %s', identity_id, name, verification_status, dev_zone, feedback_forwarding, next_check_at) from identity where account_id = $1
         union all
         select format('policy %s %s %s', identity_id, name, document) from identity_policy where account_id = $1
         order by 1",
    )
    .bind(account)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn add_user(app: &TestApp, admin: &Browser, name: &str, domain: &str) -> String {
    let email = format!("{name}@{domain}");
    app.add_user(admin, name, &email, "sender").await;
    user_id(admin, name).await
}

#[sqlx::test(migrations = "../migrations")]
async fn one_account_cannot_see_or_touch_anothers_objects(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |s| s.verification.poll_secs = 3600).await;
    let (alice, alice_account) = app.new_account("Alice").await;
    let (bob, bob_account) = app.new_account("Bob").await;
    let bob_user = add_user(&app, &bob, "bobby", "bob.example.com").await;
    let bob_key = bob
        .json("access-keys/create", &[("region", "us-east-1")])
        .await;
    let bob_key = bob_key["access_key_id"].as_str().unwrap().to_owned();
    let bob_identity = bob
        .json(
            "identities/create-domain",
            &[
                ("region", "us-east-1"),
                ("domain", "bob.example.com"),
                ("dkim_algorithm", "ed25519-sha256"),
            ],
        )
        .await;
    let bob_identity = bob_identity["identity_id"].as_str().unwrap().to_owned();
    let bob_policy = format!(
        r#"{{"Statement": {{"Effect": "Allow", "Principal": {{"AWS": "{alice_account}"}}, "Action": "ses:SendEmail", "Resource": "arn:aws:ses:us-east-1:{bob_account}:identity/bob.example.com"}}}}"#
    );
    bob.json(
        "policies/put",
        &[
            ("identity_id", &bob_identity),
            ("name", "alice"),
            ("document", &bob_policy),
            ("replace", "false"),
        ],
    )
    .await;
    let before = snapshot(&app.pool, &bob_account).await;

    // Alice calls every function that takes an id, with Bob's ids.
    let not_found = [
        (
            "users/set-disabled",
            vec![("user_id", bob_user.as_str()), ("disabled", "true")],
        ),
        ("users/delete", vec![("user_id", bob_user.as_str())]),
        ("users/end-sessions", vec![("user_id", bob_user.as_str())]),
        (
            "users/reset-two-factor",
            vec![("user_id", bob_user.as_str())],
        ),
        (
            "access-keys/set-active",
            vec![("access_key_id", bob_key.as_str()), ("active", "false")],
        ),
        (
            "access-keys/delete",
            vec![("access_key_id", bob_key.as_str())],
        ),
        (
            "identities/get",
            vec![("identity_id", bob_identity.as_str())],
        ),
        (
            "identities/check-now",
            vec![("identity_id", bob_identity.as_str())],
        ),
        (
            "identities/restart-verification",
            vec![("identity_id", bob_identity.as_str())],
        ),
        (
            "identities/set-feedback-forwarding",
            vec![("identity_id", bob_identity.as_str()), ("enabled", "false")],
        ),
        (
            "identities/dev-zone",
            vec![("identity_id", bob_identity.as_str()), ("publish", "true")],
        ),
        (
            "policies/list",
            vec![("identity_id", bob_identity.as_str())],
        ),
        (
            "policies/put",
            vec![
                ("identity_id", bob_identity.as_str()),
                ("name", "alice"),
                ("document", bob_policy.as_str()),
                ("replace", "true"),
            ],
        ),
        (
            "policies/delete",
            vec![("identity_id", bob_identity.as_str()), ("name", "alice")],
        ),
        (
            "policies/simulate",
            vec![
                ("identity_id", bob_identity.as_str()),
                ("principal", alice_account.as_str()),
                ("action", "ses:SendEmail"),
                ("from_address", "x@bob.example.com"),
                ("from_display_name", ""),
                ("recipients", ""),
                ("feedback_address", ""),
                ("source_ip", ""),
                ("at", ""),
                ("secure_transport", "true"),
            ],
        ),
        (
            "delegates/activity",
            vec![("identity_id", bob_identity.as_str())],
        ),
        (
            "delegates/revoke",
            vec![
                ("identity_id", bob_identity.as_str()),
                ("delegate_account", "222222222222"),
            ],
        ),
        (
            "delegates/set-cap",
            vec![
                ("identity_id", bob_identity.as_str()),
                ("delegate_account", "222222222222"),
                ("max_24_hour_send", "5"),
            ],
        ),
        (
            "identities/delete",
            vec![("identity_id", bob_identity.as_str())],
        ),
    ];
    for (endpoint, form) in &not_found {
        let error = alice.error(endpoint, form, StatusCode::NOT_FOUND).await;
        assert_eq!(error["type"], "NotFound", "{endpoint}: {error}");
    }
    // Listing and reading functions return only Alice's own data.
    let users = alice.call("users/list", &[]).await.text().await.unwrap();
    assert!(
        !users.contains(&bob_user) && !users.contains("bob.example.com"),
        "{users}"
    );
    let keys = alice
        .call("access-keys/list", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(!keys.contains(&bob_key), "{keys}");
    let identities = alice
        .call(
            "identities/list",
            &[("region", ""), ("status", ""), ("kind", "")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(!identities.contains("bob.example.com"), "{identities}");
    let overview = alice.json("account/overview", &[]).await;
    assert_eq!(overview["account_id"], alice_account.as_str());
    // Operator functions are not for account users at all.
    alice
        .error("operator/accounts", &[], StatusCode::UNAUTHORIZED)
        .await;
    alice
        .error(
            "operator/set-account-disabled",
            &[("account_id", &bob_account), ("disabled", "true")],
            StatusCode::UNAUTHORIZED,
        )
        .await;
    // An account id smuggled into an invitation lands in the caller's account, not Bob's.
    let form = [
        ("name", "mole"),
        ("email", "mole@alice.example.com"),
        ("role", "admin"),
        ("account_id", bob_account.as_str()),
    ];
    let _ = alice.call("users/invite", &form).await;
    let token = app
        .mailed_token("mole@alice.example.com", "/invitation/")
        .await;
    let mole = app.browser();
    let joined = mole
        .call(
            "users/accept-invitation",
            &[("token", token.as_str()), ("password", PASSWORD)],
        )
        .await;
    mole.expect_ok(joined).await;
    assert_eq!(
        mole.json("account/overview", &[]).await["account_id"],
        alice_account.as_str()
    );

    assert_eq!(
        snapshot(&app.pool, &bob_account).await,
        before,
        "Bob's data changed"
    );
    // And Bob still sees all of it.
    let bob_keys = bob.json("access-keys/list", &[]).await;
    assert_eq!(bob_keys[0]["access_key_id"], bob_key.as_str());
}

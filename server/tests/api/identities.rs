//! Domain identities verified over real DNS: Sesame's development zone is an authoritative
//! server on a loopback port, and the verifier asks it over the DNS protocol.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{Browser, TestApp};

/// Adds a domain and returns its id.
pub async fn add_domain(admin: &Browser, domain: &str) -> String {
    let created = admin
        .json(
            "identities/create-domain",
            &[
                ("region", "us-east-1"),
                ("domain", domain),
                ("dkim_algorithm", "rsa-sha256"),
            ],
        )
        .await;
    created["identity_id"].as_str().unwrap().to_owned()
}

async fn status(admin: &Browser, id: &str) -> String {
    admin.json("identities/get", &[("identity_id", id)]).await["summary"]["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Polls until the identity reaches `wanted` (the worker runs every second in these tests).
async fn wait_for_status(admin: &Browser, id: &str, wanted: &str) {
    for _ in 0..40 {
        if status(admin, id).await == wanted {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!(
        "identity never became {wanted}; it is {}",
        status(admin, id).await
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_domain_identity_gets_records_to_publish_and_a_sealed_dkim_key(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (admin, account) = app.new_account("Acme").await;
    let id = add_domain(&admin, "Mail.Example.COM.").await;

    let detail = admin.json("identities/get", &[("identity_id", &id)]).await;
    assert_eq!(detail["summary"]["name"], "mail.example.com");
    assert_eq!(detail["summary"]["status"], "Pending");
    assert_eq!(
        detail["summary"]["arn"],
        format!("arn:aws:ses:us-east-1:{account}:identity/mail.example.com")
    );
    let records = detail["records"].as_array().unwrap();
    assert_eq!(records[0]["name"], "_amazonses.mail.example.com");
    assert_eq!(records[0]["relative_name"], "_amazonses");
    let selector = detail["dkim_selector"].as_str().unwrap();
    assert_eq!(
        records[1]["name"],
        format!("{selector}._domainkey.mail.example.com")
    );
    assert_eq!(
        records[1]["relative_name"],
        format!("{selector}._domainkey")
    );
    let dkim_value = records[1]["value"].as_str().unwrap();
    assert!(
        dkim_value.starts_with("v=DKIM1; k=rsa; p=MII"),
        "{dkim_value}"
    );
    assert!(records.iter().all(|r| r["found"] == false));
    assert_eq!(detail["feedback_forwarding"], true);

    // The private key is stored sealed, never in the clear, and never returned.
    let (nonce, sealed): (Vec<u8>, Vec<u8>) =
        sqlx::query_as("select dkim_private_nonce, dkim_private_ciphertext from identity")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(nonce.len(), 24);
    assert!(sealed.len() > 1000, "an RSA 2048 PKCS#8 key, sealed");
    assert!(!detail.to_string().contains("PRIVATE"));

    // International names are stored in their ASCII form.
    let idn = admin
        .json(
            "identities/create-domain",
            &[
                ("region", "us-east-1"),
                ("domain", "bücher.example"),
                ("dkim_algorithm", "ed25519-sha256"),
            ],
        )
        .await;
    assert_eq!(idn["name"], "xn--bcher-kva.example");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_domains_and_duplicates_are_refused_naming_the_field(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (admin, _) = app.new_account("Acme").await;
    add_domain(&admin, "example.com").await;
    for domain in ["not a domain", "localhost", "EXAMPLE.com"] {
        let form = [
            ("region", "us-east-1"),
            ("domain", domain),
            ("dkim_algorithm", "rsa-sha256"),
        ];
        let error = admin
            .error(
                "identities/create-domain",
                &form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        assert_eq!(error["field"], "domain", "{domain}: {error}");
    }
    let form = [
        ("region", "mars-1"),
        ("domain", "other.com"),
        ("dkim_algorithm", "rsa-sha256"),
    ];
    assert_eq!(
        admin
            .error(
                "identities/create-domain",
                &form,
                StatusCode::UNPROCESSABLE_ENTITY
            )
            .await["field"],
        "region"
    );
    let count: i64 = sqlx::query_scalar("select count(*) from identity")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_domain_verifies_once_its_records_are_published(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (admin, _) = app.new_account("Acme").await;
    let id = add_domain(&admin, "example.com").await;

    // Nothing published: the resolver finds nothing, and the identity stays Pending.
    let detail = admin
        .json("identities/check-now", &[("identity_id", &id)])
        .await;
    assert_eq!(detail["summary"]["status"], "Pending");
    assert!(detail["last_checked"].is_string());

    admin
        .json(
            "identities/dev-zone",
            &[("identity_id", &id), ("publish", "true")],
        )
        .await;
    wait_for_status(&admin, &id, "Success").await;
    let detail = admin.json("identities/get", &[("identity_id", &id)]).await;
    assert!(
        detail["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["found"] == true),
        "{detail}"
    );
    let answers = detail["last_answers"].as_array().unwrap();
    assert!(
        answers
            .iter()
            .any(|a| a.as_str().unwrap().starts_with("_amazonses.example.com → ")),
        "{answers:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_dkim_record_alone_verifies_a_domain(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (admin, _) = app.new_account("Acme").await;
    let id = add_domain(&admin, "example.org").await;
    let detail = admin.json("identities/get", &[("identity_id", &id)]).await;
    let dkim = &detail["records"][1];
    // Publish only the DKIM key record (as an owner would in their own zone).
    sqlx::query("insert into dev_zone_record (name, record_type, value, identity_id) values ($1, 'TXT', $2, $3::uuid)")
        .bind(dkim["name"].as_str().unwrap())
        .bind(dkim["value"].as_str().unwrap())
        .bind(&id)
        .execute(&app.pool)
        .await
        .unwrap();
    let detail = admin
        .json("identities/check-now", &[("identity_id", &id)])
        .await;
    assert_eq!(detail["summary"]["status"], "Success");
    assert_eq!(detail["records"][0]["found"], false);
    assert_eq!(detail["records"][1]["found"], true);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_domain_never_published_fails_after_the_window_and_can_restart(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |s| s.verification.window_secs = 2).await;
    let (admin, _) = app.new_account("Acme").await;
    let id = add_domain(&admin, "example.net").await;
    wait_for_status(&admin, &id, "Failed").await;

    admin
        .json("identities/restart-verification", &[("identity_id", &id)])
        .await;
    assert_eq!(status(&admin, &id).await, "Pending");
    admin
        .json(
            "identities/dev-zone",
            &[("identity_id", &id), ("publish", "true")],
        )
        .await;
    wait_for_status(&admin, &id, "Success").await;
}

#[sqlx::test(migrations = "../migrations")]
async fn removed_records_give_a_temporary_failure_that_recovers_or_fails_after_the_grace(
    pool: PgPool,
) {
    let app = TestApp::spawn_with_dns(pool, |s| s.verification.grace_secs = 3).await;
    let (admin, _) = app.new_account("Acme").await;
    let id = add_domain(&admin, "grace.example").await;
    admin
        .json(
            "identities/dev-zone",
            &[("identity_id", &id), ("publish", "true")],
        )
        .await;
    wait_for_status(&admin, &id, "Success").await;

    // Records removed: TemporaryFailure (sending continues during the grace period)…
    admin
        .json(
            "identities/dev-zone",
            &[("identity_id", &id), ("publish", "false")],
        )
        .await;
    let detail = admin
        .json("identities/check-now", &[("identity_id", &id)])
        .await;
    assert_eq!(detail["summary"]["status"], "TemporaryFailure");
    // …back again: Success.
    admin
        .json(
            "identities/dev-zone",
            &[("identity_id", &id), ("publish", "true")],
        )
        .await;
    assert_eq!(
        admin
            .json("identities/check-now", &[("identity_id", &id)])
            .await["summary"]["status"],
        "Success"
    );
    // Removed for longer than the grace period: Failed.
    admin
        .json(
            "identities/dev-zone",
            &[("identity_id", &id), ("publish", "false")],
        )
        .await;
    wait_for_status(&admin, &id, "TemporaryFailure").await;
    wait_for_status(&admin, &id, "Failed").await;
}

#[sqlx::test(migrations = "../migrations")]
async fn identities_filter_toggle_forwarding_and_delete(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (admin, _) = app.new_account("Acme").await;
    let a = add_domain(&admin, "a.example").await;
    let b = add_domain(&admin, "b.example").await;
    admin
        .json(
            "identities/dev-zone",
            &[("identity_id", &a), ("publish", "true")],
        )
        .await;
    admin
        .json("identities/check-now", &[("identity_id", &a)])
        .await;

    let browser = &admin;
    let list = |status: &'static str| async move {
        let form = [("region", ""), ("status", status), ("kind", "domain")];
        browser.json("identities/list", &form).await
    };
    let names = |v: Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(list("").await), ["a.example", "b.example"]);
    assert_eq!(names(list("Success").await), ["a.example"]);
    assert_eq!(names(list("Pending").await), ["b.example"]);

    // Forwarding goes off only when the identity's destinations take bounces and complaints.
    let refused = admin
        .error(
            "identities/set-feedback-forwarding",
            &[("identity_id", &b), ("enabled", "false")],
            StatusCode::CONFLICT,
        )
        .await;
    assert!(
        refused.to_string().contains("both bounces and complaints"),
        "{refused}"
    );
    // Email destinations only at the account's own verified identities.
    let stranger = admin
        .error(
            "identities/add-destination",
            &[
                ("identity_id", &b),
                ("name", "ops"),
                ("email", "victim@elsewhere.example"),
                ("bounce", "on"),
                ("complaint", "on"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(stranger.to_string().contains("email"), "{stranger}");
    admin
        .json(
            "identities/add-destination",
            &[
                ("identity_id", &b),
                ("name", "ops"),
                ("email", "ops@a.example"),
                ("bounce", "on"),
                ("complaint", "on"),
            ],
        )
        .await;
    admin
        .json(
            "identities/set-feedback-forwarding",
            &[("identity_id", &b), ("enabled", "false")],
        )
        .await;
    assert_eq!(
        admin.json("identities/get", &[("identity_id", &b)]).await["feedback_forwarding"],
        false
    );

    admin
        .json("identities/delete", &[("identity_id", &a)])
        .await;
    admin
        .error(
            "identities/get",
            &[("identity_id", &a)],
            StatusCode::NOT_FOUND,
        )
        .await;
    let records: i64 = sqlx::query_scalar("select count(*) from dev_zone_record")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        records, 0,
        "deleting an identity removes its dev-zone records"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn only_admins_change_identities(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (admin, _) = app.new_account("Acme").await;
    let id = add_domain(&admin, "example.com").await;
    let viewer = app
        .add_user(&admin, "vic", "vic@acme.example.com", "viewer")
        .await;
    viewer.json("identities/get", &[("identity_id", &id)]).await;
    viewer
        .error(
            "identities/create-domain",
            &[
                ("region", "us-east-1"),
                ("domain", "x.example"),
                ("dkim_algorithm", "rsa-sha256"),
            ],
            StatusCode::FORBIDDEN,
        )
        .await;
    viewer
        .error(
            "identities/delete",
            &[("identity_id", &id)],
            StatusCode::FORBIDDEN,
        )
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_account_has_at_most_ten_thousand_identities_per_region(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |s| s.verification.poll_secs = 3600).await;
    let (admin, account) = app.new_account("Acme").await;
    sqlx::query(
        "insert into identity (identity_id, account_id, region, kind, name, verification_token, next_check_at)
         select gen_random_uuid(), $1, 'us-east-1', 'email_address', 'u' || n || '@example.com', 'token' || n, 'infinity'
         from generate_series(1, 10000) as n",
    )
    .bind(&account)
    .execute(&app.pool)
    .await
    .unwrap();
    let form = [
        ("region", "us-east-1"),
        ("domain", "one-too-many.example"),
        ("dkim_algorithm", "ed25519-sha256"),
    ];
    let error = admin
        .error("identities/create-domain", &form, StatusCode::CONFLICT)
        .await;
    assert!(
        error["message"].as_str().unwrap().contains("at most 10000"),
        "{error}"
    );
}

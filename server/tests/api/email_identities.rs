//! Email-address identities: a verification mail (in sink mode, in the Mailbox of the
//! account that asked), with a link that verifies the address when opened within 24 hours.

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{Browser, TestApp};

async fn add_address(admin: &Browser, email: &str) -> String {
    let created = admin
        .json(
            "identities/create-email",
            &[("region", "us-east-1"), ("email", email)],
        )
        .await;
    created["identity_id"].as_str().unwrap().to_owned()
}

/// The verification link in the newest mail of the mailbox (once `count` have arrived).
pub async fn newest_link_of(admin: &Browser, count: usize) -> String {
    let list = admin.mailbox_when(|m| m.len() >= count).await;
    let id = list[0]["mailbox_message_id"].as_str().unwrap().to_owned();
    let message = admin
        .json("mailbox/get", &[("mailbox_message_id", &id)])
        .await;
    let text = message["text"].as_str().unwrap();
    text.split_whitespace()
        .find(|w| w.contains("/verify-email/"))
        .unwrap()
        .to_owned()
}

async fn newest_link(admin: &Browser) -> String {
    newest_link_of(admin, 1).await
}

async fn status(admin: &Browser, id: &str) -> Value {
    admin.json("identities/get", &[("identity_id", id)]).await["summary"]["status"].clone()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_address_is_verified_by_opening_the_link_in_its_mail(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (admin, account) = app.new_account("Acme").await;
    let id = add_address(&admin, "Ann@Bücher.Example").await;
    let detail = admin.json("identities/get", &[("identity_id", &id)]).await;
    assert_eq!(detail["summary"]["name"], "ann@xn--bcher-kva.example");
    assert_eq!(
        detail["summary"]["arn"],
        format!("arn:aws:ses:us-east-1:{account}:identity/ann@xn--bcher-kva.example")
    );
    assert_eq!(detail["summary"]["status"], "Pending");

    let list = admin.mailbox_when(|m| !m.is_empty()).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["recipient"], "ann@xn--bcher-kva.example");
    assert_eq!(
        list[0]["subject"],
        "Sesame email address verification request in region us-east-1"
    );
    let link = newest_link(&admin).await;
    assert!(
        link.starts_with(&format!("{}/verify-email/", app.base)),
        "{link}"
    );

    // Opening the link only shows what confirming would do (a mail scanner fetching it
    // verifies nothing).
    let page = reqwest::get(&link).await.unwrap().text().await.unwrap();
    assert!(page.contains("Confirm ann@xn--bcher-kva.example"), "{page}");
    assert_eq!(status(&admin, &id).await, "Pending");
    // Whoever holds the link confirms it: no session needed.
    let (_, confirmed) = app.confirm_link(&link).await;
    assert_eq!(confirmed["status"], "Success", "{confirmed}");
    assert_eq!(status(&admin, &id).await, "Success");
    // Opening it again shows the address verified and changes nothing.
    let page = reqwest::get(&link).await.unwrap().text().await.unwrap();
    assert!(page.contains("Verified"), "{page}");
    assert_eq!(status(&admin, &id).await, "Success");

    // Another account sees neither the mail nor the identity.
    let (other, _) = app.new_account("Other").await;
    assert_eq!(
        other
            .json("mailbox/list", &[])
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let mail_id = list[0]["mailbox_message_id"].as_str().unwrap();
    other
        .error(
            "mailbox/get",
            &[("mailbox_message_id", mail_id)],
            StatusCode::NOT_FOUND,
        )
        .await;
    other
        .error(
            "identities/resend-verification-email",
            &[("identity_id", &id)],
            StatusCode::NOT_FOUND,
        )
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_expired_link_fails_and_a_resent_one_works(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (admin, _) = app.new_account("Acme").await;
    let id = add_address(&admin, "bob@example.com").await;
    let old_link = newest_link(&admin).await;
    sqlx::query("update identity set verification_started_at = now() - interval '25 hours'")
        .execute(&app.pool)
        .await
        .unwrap();

    let (page, confirmed) = app.confirm_link(&old_link).await;
    assert!(page.contains("expired"), "{page}");
    assert_eq!(confirmed["status"], "Failed", "{confirmed}");
    assert_eq!(status(&admin, &id).await, "Failed");

    admin
        .json(
            "identities/resend-verification-email",
            &[("identity_id", &id)],
        )
        .await;
    assert_eq!(status(&admin, &id).await, "Pending");
    // The old link no longer works at all; the new one verifies.
    let page = reqwest::get(&old_link).await.unwrap().text().await.unwrap();
    assert!(page.contains("Verification link not found"), "{page}");
    let new_link = newest_link_of(&admin, 2).await;
    assert_ne!(new_link, old_link);
    app.confirm_link(&new_link).await;
    assert_eq!(status(&admin, &id).await, "Success");
}

#[sqlx::test(migrations = "../migrations")]
async fn unopened_links_expire_into_failed(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (admin, _) = app.new_account("Acme").await;
    let id = add_address(&admin, "carol@example.com").await;
    sqlx::query("update identity set verification_started_at = now() - interval '25 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    for _ in 0..40 {
        if status(&admin, &id).await == "Failed" {
            // Recorded once, as Sesame's verification worker's doing, in its History.
            let history = admin
                .json("activity/identity", &[("identity_id", &id)])
                .await;
            let failed: Vec<_> = history
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["kind"] == "identity.verification_failed")
                .collect();
            assert_eq!(failed.len(), 1, "{history}");
            assert_eq!(failed[0]["actor"], "Sesame");
            assert_eq!(failed[0]["source"], "verification");
            assert_eq!(failed[0]["subject"], "link expired unopened");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("the worker never failed the expired verification");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_addresses_and_duplicates_are_refused_and_send_nothing(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (admin, _) = app.new_account("Acme").await;
    add_address(&admin, "dan@example.com").await;
    for email in ["not-an-address", "x@localhost", "DAN@example.com"] {
        let error = admin
            .error(
                "identities/create-email",
                &[("region", "us-east-1"), ("email", email)],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        assert_eq!(error["field"], "email", "{email}: {error}");
    }
    let mails: i64 = sqlx::query_scalar("select count(*) from system_mail")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(mails, 1, "a refused identity sends no mail");
}

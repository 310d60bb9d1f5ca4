//! `sink` mode (the embedded default): delivered mail lands in the sender's mailbox, and the
//! message's page tells its story — to the account that sent it and nobody else.

use reqwest::StatusCode;
use sqlx::PgPool;

use super::{finished, quick_retries, send_to, sender};
use crate::helpers::TestApp;

#[sqlx::test(migrations = "../migrations")]
async fn sink_mode_delivers_signed_mail_into_the_senders_mailbox(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, quick_retries).await;
    let (owner, _, key) = sender(&app).await;
    let message_id = send_to(&app, &key, &["customer@elsewhere.example"]).await;
    assert_eq!(finished(&app.pool, &message_id).await, "Delivered");

    let mailbox = owner.json("mailbox/list", &[]).await;
    let entries = mailbox.as_array().unwrap();
    let delivered = entries
        .iter()
        .find(|m| m["recipient"] == "customer@elsewhere.example")
        .unwrap_or_else(|| panic!("{mailbox}"));
    assert_eq!(delivered["subject"], "Your order");
    assert_eq!(delivered["sender"], "shop@owner.example");
    let id = delivered["mailbox_message_id"].as_str().unwrap();
    let opened = owner
        .json("mailbox/get", &[("mailbox_message_id", id)])
        .await;
    let raw = opened["raw"].as_str().unwrap();
    assert!(
        raw.starts_with("DKIM-Signature: v=1; a=ed25519-sha256;"),
        "{raw}"
    );
    assert!(raw.contains("d=owner.example"), "{raw}");
    let signature = opened["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "DKIM-Signature")
        .unwrap_or_else(|| panic!("{opened}"));
    assert!(
        signature[1].as_str().unwrap().contains("s=sesame"),
        "{signature}"
    );

    let detail = owner
        .json("delivery/message", &[("message_id", &message_id)])
        .await;
    assert_eq!(detail["status"], "Delivered");
    assert_eq!(detail["recipients"][0]["status"], "Delivered");
    assert_eq!(detail["attempts"][0]["remote_host"], "sink");
    assert_eq!(
        detail["attempts"][0]["reply"],
        "250 2.0.0 Ok: stored in the Sesame mailbox"
    );
    let events: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["Send", "Delivery"]);

    // Another account can read neither the message nor its mailbox copy.
    let (stranger, _) = app.new_account("Stranger").await;
    stranger
        .error(
            "delivery/message",
            &[("message_id", &message_id)],
            StatusCode::NOT_FOUND,
        )
        .await;
    stranger
        .error(
            "mailbox/get",
            &[("mailbox_message_id", id)],
            StatusCode::NOT_FOUND,
        )
        .await;
    let theirs = stranger.json("mailbox/list", &[]).await;
    assert_eq!(theirs.as_array().unwrap().len(), 0, "{theirs}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_operator_sees_the_delivery_mode_and_the_queue(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.delivery.workers = 0).await;
    let operator = app.operator().await;
    let status = operator.json("operator/delivery", &[]).await;
    assert_eq!(
        status["mode"],
        "sink: delivered mail stays in Sesame's mailbox"
    );
    assert_eq!(status["queued_recipients"], 0);
    // Not for accounts.
    let (user, _) = app.new_account("Acme").await;
    user.error("operator/delivery", &[], StatusCode::UNAUTHORIZED)
        .await;
}

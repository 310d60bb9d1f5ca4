//! The Messages list: a page at a time (keyset paging), filtered by status, the caller's
//! own messages only.

use std::collections::HashSet;

use reqwest::StatusCode;
use sqlx::PgPool;

use super::{raise_send_rate, send, send_email, verified_domain, SIMULATOR};
use crate::helpers::{ses_key, Browser, TestApp};

async fn page(
    browser: &Browser,
    status: &str,
    before: Option<&serde_json::Value>,
) -> serde_json::Value {
    let at = before.map_or(String::new(), |c| c["at"].as_str().unwrap().to_owned());
    let id = before.map_or(String::new(), |c| {
        c["message_id"].as_str().unwrap().to_owned()
    });
    browser
        .json(
            "sending/messages",
            &[("status", status), ("before_at", &at), ("before_id", &id)],
        )
        .await
}

#[sqlx::test(migrations = "../migrations")]
async fn messages_are_listed_a_page_at_a_time_by_status_and_only_to_their_sender(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (sender, account) = app.new_account("Sender").await;
    let (stranger, _) = app.new_account("Stranger").await;
    verified_domain(&sender, "sender.example").await;
    raise_send_rate(&app.pool, &account).await;
    let key = ses_key(&sender).await;
    for _ in 0..52 {
        let (status, xml) = send(&app, &key, &send_email("news@sender.example", SIMULATOR)).await;
        assert_eq!(status, StatusCode::OK, "{xml}");
    }

    let first = page(&sender, "", None).await;
    assert_eq!(first["messages"].as_array().unwrap().len(), 50);
    assert_eq!(first["messages"][0]["subject"], "Hello", "{first}");
    let second = page(&sender, "", Some(&first["older"])).await;
    assert_eq!(second["messages"].as_array().unwrap().len(), 2, "{second}");
    assert!(second["older"].is_null(), "{second}");
    let ids: HashSet<&str> = [&first, &second]
        .iter()
        .flat_map(|p| p["messages"].as_array().unwrap())
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 52, "two pages, no message twice, none missed");

    // A status no message has lists nothing; an unknown one names the field.
    assert_eq!(
        page(&sender, "Failed", None).await["messages"],
        serde_json::json!([])
    );
    let bad = sender
        .error(
            "sending/messages",
            &[("status", "Anything"), ("before_at", ""), ("before_id", "")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(bad["field"], "status", "{bad}");
    let bad = sender
        .error(
            "sending/messages",
            &[
                ("status", ""),
                ("before_at", "yesterday"),
                ("before_id", ""),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(bad["field"], "before_at", "{bad}");

    // Another account sees none of them, even with the sender's cursor.
    assert_eq!(
        page(&stranger, "", None).await["messages"],
        serde_json::json!([])
    );
    assert_eq!(
        page(&stranger, "", Some(&first["older"])).await["messages"],
        serde_json::json!([])
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_subject_the_database_would_refuse_is_cleaned_not_fatal(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (sender, _) = app.new_account("Sender").await;
    verified_domain(&sender, "sender.example").await;
    let key = ses_key(&sender).await;
    // A NUL (PostgreSQL's text refuses it) and a right-to-left override in the Subject.
    let mut pairs = send_email("news@sender.example", SIMULATOR);
    pairs.retain(|(k, _)| *k != "Message.Subject.Data");
    pairs.push(("Message.Subject.Data", "Invoice\u{0}\u{202e}fdp.exe"));
    let (status, xml) = send(&app, &key, &pairs).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    let listed = page(&sender, "", None).await;
    assert_eq!(
        listed["messages"][0]["subject"], "Invoice fdp.exe",
        "{listed}"
    );
}

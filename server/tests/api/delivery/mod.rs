//! Delivery through the public surface: messages sent with the API reach a receiving SMTP
//! server on loopback (`relay` mode) or Sesame's mailbox (`sink`), with per-recipient
//! outcomes, retries, bounces and leases; and the set-up those tests share.

mod crash;
mod direct;
pub mod mail_dns;
pub mod receiver;
mod relay;
mod retries;
mod sink;

use std::time::Duration;

use reqwest::StatusCode;
use sesame::{
    config::Settings,
    delivery::{settings::RelayTls, DeliveryMode},
};
use sqlx::PgPool;

use crate::{
    helpers::{ses_key, Browser, TestApp},
    sending::{element, leave_sandbox, raise_send_rate, send, verified_domain},
};
use receiver::Receiver;

/// Relays to `receiver` in plain text, retrying after a second, giving up on a silent
/// server after two.
pub fn relay_to(receiver: &Receiver) -> impl FnOnce(&mut Settings) + '_ {
    move |s| {
        s.delivery.mode = DeliveryMode::Relay;
        s.delivery.relay.host = "127.0.0.1".into();
        s.delivery.relay.port = receiver.addr.port();
        s.delivery.relay.tls = RelayTls::None;
        quick_retries(s);
    }
}

pub fn quick_retries(s: &mut Settings) {
    s.delivery.retry_base_secs = 1;
    s.delivery.retry_max_secs = 1;
    s.delivery.timeout_secs = 2;
    s.delivery.poll_ms = 50;
    s.delivery.workers = 2;
}

/// An account out of the sandbox with `owner.example` verified (with a DKIM key); returns
/// its browser, account id and access key.
pub async fn sender(app: &TestApp) -> (Browser, String, (String, String)) {
    let (browser, account) = app.new_account("Owner").await;
    verified_domain(&browser, "owner.example").await;
    leave_sandbox(&app.pool, &account).await;
    raise_send_rate(&app.pool, &account).await;
    let key = ses_key(&browser).await;
    (browser, account, key)
}

/// Sends a text message to `to`; returns its MessageId.
pub async fn send_to(app: &TestApp, key: &(String, String), to: &[&str]) -> String {
    let members: Vec<String> = (1..=to.len())
        .map(|i| format!("Destination.ToAddresses.member.{i}"))
        .collect();
    let mut form = vec![
        ("Action", "SendEmail"),
        ("Source", "shop@owner.example"),
        ("Message.Subject.Data", "Your order"),
        ("Message.Body.Text.Data", "It ships today."),
    ];
    form.extend(members.iter().map(String::as_str).zip(to.iter().copied()));
    let (status, xml) = send(app, key, &form).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    element(&xml, "MessageId").unwrap().to_owned()
}

/// One recipient's outcome: (address, status, attempts, bounce type, last reply).
pub type Outcome = (String, String, i32, Option<String>, Option<String>);

pub async fn outcomes(pool: &PgPool, message_id: &str) -> Vec<Outcome> {
    sqlx::query_as(
        "select address, status, attempts, bounce_type, last_reply from message_recipient
         where message_id = $1 order by position",
    )
    .bind(message_id)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// Waits until every recipient of the message has an outcome; returns the message status.
pub async fn finished(pool: &PgPool, message_id: &str) -> String {
    for _ in 0..300 {
        let status: String = sqlx::query_scalar("select status from message where message_id = $1")
            .bind(message_id)
            .fetch_one(pool)
            .await
            .unwrap();
        if status != "Queued" {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{message_id} was not delivered within 30 s: {:?}",
        outcomes(pool, message_id).await
    );
}

//! What a receiving server's refusals and silences do: 4xx is retried, 5xx bounces at once,
//! a silent server is given up on after the timeout and retried, outcomes are per
//! recipient, a message still refused at its maximum age bounces (Transient), and the
//! recipients of a worker that died come back when its lease ends.

use std::time::Duration;

use app::delivery::queue;
use base64::{engine::general_purpose::STANDARD, Engine};
use sesame::delivery;
use sqlx::PgPool;

use super::{
    finished, outcomes, quick_retries,
    receiver::{DataReply, Receiver},
    relay_to, send_to, sender,
};
use crate::helpers::TestApp;

#[sqlx::test(migrations = "../migrations")]
async fn a_4xx_is_retried_and_the_message_delivered_once(pool: PgPool) {
    let receiver = Receiver::start(
        |_| "250 2.1.5 Ok",
        |nth| match nth {
            0 => DataReply::Say("451 4.3.0 Try again later"),
            _ => DataReply::Say("250 2.0.0 Ok: queued"),
        },
    )
    .await;
    let app = TestApp::spawn_with_dns(pool, relay_to(&receiver)).await;
    let (_, _, key) = sender(&app).await;
    let message_id = send_to(&app, &key, &["ann@elsewhere.example"]).await;

    assert_eq!(finished(&app.pool, &message_id).await, "Delivered");
    assert_eq!(receiver.received().len(), 1);
    assert_eq!(receiver.data_commands(), 2);
    let (_, status, attempts, _, reply) = &outcomes(&app.pool, &message_id).await[0];
    assert_eq!(
        (status.as_str(), *attempts, reply.as_deref()),
        ("Delivered", 2, Some("250 2.0.0 Ok: queued"))
    );
    let logged: Vec<(String, String)> = sqlx::query_as(
        "select outcome, reply from delivery_attempt where message_id = $1 order by delivery_attempt_id",
    )
    .bind(&message_id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        logged,
        [
            (
                "Deferred".to_owned(),
                "451 4.3.0 Try again later".to_owned()
            ),
            ("Delivered".to_owned(), "250 2.0.0 Ok: queued".to_owned())
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_5xx_bounces_and_is_not_retried(pool: PgPool) {
    let receiver = Receiver::start(
        |_| "250 2.1.5 Ok",
        |_| DataReply::Say("554 5.7.1 Message rejected as spam"),
    )
    .await;
    let app = TestApp::spawn_with_dns(pool, relay_to(&receiver)).await;
    let (_, _, key) = sender(&app).await;
    let message_id = send_to(&app, &key, &["ann@elsewhere.example"]).await;

    assert_eq!(finished(&app.pool, &message_id).await, "Bounced");
    // Longer than several retry periods: nothing more is tried.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(receiver.data_commands(), 1);
    let (_, status, attempts, bounce, reply) = &outcomes(&app.pool, &message_id).await[0];
    assert_eq!(
        (
            status.as_str(),
            *attempts,
            bounce.as_deref(),
            reply.as_deref()
        ),
        (
            "Bounced",
            1,
            Some("Permanent"),
            Some("554 5.7.1 Message rejected as spam")
        )
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_server_silent_after_data_is_retried_after_the_timeout(pool: PgPool) {
    let receiver = Receiver::start(
        |_| "250 2.1.5 Ok",
        |nth| match nth {
            0 => DataReply::Hang,
            _ => DataReply::Say("250 2.0.0 Ok: queued"),
        },
    )
    .await;
    let app = TestApp::spawn_with_dns(pool, relay_to(&receiver)).await;
    let (_, _, key) = sender(&app).await;
    let message_id = send_to(&app, &key, &["ann@elsewhere.example"]).await;

    assert_eq!(finished(&app.pool, &message_id).await, "Delivered");
    let first: String = sqlx::query_scalar(
        "select reply from delivery_attempt where message_id = $1 order by delivery_attempt_id limit 1",
    )
    .bind(&message_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        first.starts_with("451 4.4.2") && first.contains("timed out"),
        "{first}"
    );
    assert_eq!(receiver.data_commands(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn outcomes_are_per_recipient_and_accepted_recipients_get_one_copy(pool: PgPool) {
    // `later@` is refused for now, `nobody@` for good; `ann@` is accepted at once.
    let receiver = Receiver::start(
        |address| match address {
            "nobody@elsewhere.example" => "550 5.1.1 No such user",
            "later@elsewhere.example" => "451 4.2.1 Mailbox busy",
            _ => "250 2.1.5 Ok",
        },
        |_| DataReply::Say("250 2.0.0 Ok: queued"),
    )
    .await;
    let app = TestApp::spawn_with_dns(pool, |s| {
        relay_to(&receiver)(s);
        s.delivery.max_age_secs = 3;
    })
    .await;
    let (_, _, key) = sender(&app).await;
    let message_id = send_to(
        &app,
        &key,
        &[
            "ann@elsewhere.example",
            "nobody@elsewhere.example",
            "later@elsewhere.example",
        ],
    )
    .await;

    assert_eq!(finished(&app.pool, &message_id).await, "PartiallyDelivered");
    let found: Vec<(String, String, Option<String>)> = outcomes(&app.pool, &message_id)
        .await
        .into_iter()
        .map(|(address, status, _, bounce, _)| (address, status, bounce))
        .collect();
    assert_eq!(
        found,
        [
            ("ann@elsewhere.example".into(), "Delivered".into(), None),
            (
                "nobody@elsewhere.example".into(),
                "Bounced".into(),
                Some("Permanent".into())
            ),
            // Refused with 4xx until the message's maximum age: a transient bounce.
            (
                "later@elsewhere.example".into(),
                "Bounced".into(),
                Some("Transient".into())
            ),
        ]
    );
    // ann@ got exactly one copy; no DATA was sent for the retries of later@ alone.
    let copies: Vec<Vec<String>> = receiver
        .received()
        .into_iter()
        .map(|r| r.recipients)
        .collect();
    assert_eq!(copies, [["ann@elsewhere.example"]]);
    // The bounce of later@ was forwarded to the sender (feedback forwarding is on).
    for _ in 0..100 {
        if !receiver.notifications().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let notification = &receiver.notifications()[0];
    assert_eq!(notification.recipients, ["shop@owner.example"]);
    let parsed = mail_parser::MessageParser::default()
        .parse(notification.data.as_bytes())
        .unwrap();
    assert_eq!(
        parsed.subject(),
        Some(format!("Bounce notification for message {message_id}").as_str())
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn recipients_of_a_worker_that_died_are_delivered_when_its_lease_ends(pool: PgPool) {
    let receiver = Receiver::accepting().await;
    // No workers: the test plays them (with the key that seals the DKIM keys).
    let master_key = *b"sesame-test-master-key-32-bytes!";
    let app = TestApp::spawn_with_dns(pool, |s| {
        relay_to(&receiver)(s);
        s.delivery.workers = 0;
        s.master_key = Some(STANDARD.encode(master_key).into());
    })
    .await;
    let (_, _, key) = sender(&app).await;
    let message_id = send_to(&app, &key, &["ann@elsewhere.example"]).await;

    // A worker claims the recipient with a one-second lease, then dies.
    let claimed = queue::claim_due(&app.pool, 10, 1.0).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let mut settings = sesame::config::Settings::load(&Default::default()).unwrap();
    relay_to(&receiver)(&mut settings);
    quick_retries(&mut settings);
    let vault = app::server::vault::SecretVault::new(&master_key);
    let dns = app::identities::dns::DnsLookup::new(&[app.dev_zone.unwrap()], None).unwrap();
    let survivor = delivery::deliverer(
        &settings.delivery,
        app.pool.clone(),
        vault,
        dns,
        "[127.0.0.1]",
        None,
    )
    .unwrap();

    // While the lease holds, nobody else takes the recipient.
    assert_eq!(survivor.run_once().await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(survivor.run_once().await.unwrap(), 1);
    assert_eq!(finished(&app.pool, &message_id).await, "Delivered");
    assert_eq!(receiver.received().len(), 1);
    let (_, _, attempts, _, _) = &outcomes(&app.pool, &message_id).await[0];
    assert_eq!(*attempts, 2, "the dead worker's claim counts as an attempt");
}

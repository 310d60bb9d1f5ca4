//! `direct` delivery never reaches private networks, and one slow server cannot hold every
//! worker: the MX hosts here are on loopback, which Sesame refuses unless allowed.

use std::{
    net::Ipv4Addr,
    time::{Duration, Instant},
};

use sqlx::PgPool;
use tokio::net::TcpListener;

use crate::{
    delivery::{finished, mail_dns, outcomes, quick_retries, receiver::Receiver, send_to, sender},
    helpers::TestApp,
};
use sesame::delivery::DeliveryMode;

#[sqlx::test(migrations = "../migrations")]
async fn an_mx_at_a_private_address_is_never_connected_to(pool: PgPool) {
    let receiver = Receiver::accepting().await;
    let dns = mail_dns::start().await;
    let app = TestApp::spawn_with_dns(pool, |s| {
        quick_retries(s);
        s.delivery.mode = DeliveryMode::Direct;
        s.delivery.direct.port = receiver.addr.port();
        s.dns.nameservers = vec![dns];
        // No allow-list: loopback is as internal as it gets.
        s.delivery.direct.allowed_addresses = Vec::new();
    })
    .await;
    let (_, _, key) = sender(&app).await;
    let message_id = send_to(&app, &key, &["ann@elsewhere.test"]).await;
    assert_eq!(finished(&app.pool, &message_id).await, "Bounced");
    let (_, status, attempts, bounce, reply) = outcomes(&app.pool, &message_id).await.remove(0);
    assert_eq!((status.as_str(), attempts), ("Bounced", 1));
    assert_eq!(bounce.as_deref(), Some("Permanent"));
    let reply = reply.unwrap();
    assert!(reply.starts_with("550 5.4.4"), "{reply}");
    assert!(reply.contains("mx.elsewhere.test"), "{reply}");
    assert!(
        !reply.contains("127.0.0.1"),
        "the refusal names the address: {reply}"
    );
    assert!(receiver.received().is_empty(), "the receiver was reached");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tarpit_mx_does_not_hold_the_mail_for_everyone_else(pool: PgPool) {
    let receiver = Receiver::accepting().await;
    // The tarpit: on another loopback address, same port; takes connections, never speaks.
    let tarpit = TcpListener::bind((Ipv4Addr::new(127, 0, 0, 2), receiver.addr.port()))
        .await
        .unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = tarpit.accept().await {
            open.push(stream);
        }
    });
    let dns = mail_dns::start().await;
    let app = TestApp::spawn_with_dns(pool, |s| {
        quick_retries(s);
        s.delivery.mode = DeliveryMode::Direct;
        s.delivery.direct.port = receiver.addr.port();
        s.delivery.direct.allowed_addresses =
            vec!["127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap()];
        s.delivery.direct.connections_per_address = 1;
        // Long enough that the tarpit would hold a worker for the whole test.
        s.delivery.timeout_secs = 60;
        s.dns.nameservers = vec![dns];
    })
    .await;
    let (_, _, key) = sender(&app).await;
    for i in 0..3 {
        send_to(&app, &key, &[&format!("stuck{i}@tarpit.test")]).await;
    }
    let started = Instant::now();
    let normal = send_to(&app, &key, &["ann@elsewhere.test"]).await;
    assert_eq!(finished(&app.pool, &normal).await, "Delivered");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    held.abort();
}

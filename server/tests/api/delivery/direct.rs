//! `direct` mode: recipients' domains are looked up over DNS and their mail handed to their
//! MX hosts (or the implicit MX); domains that accept no mail, or do not exist, bounce.

use sqlx::PgPool;

use super::{finished, mail_dns, outcomes, quick_retries, receiver::Receiver, send_to, sender};
use crate::helpers::TestApp;
use sesame::delivery::DeliveryMode;

#[sqlx::test(migrations = "../migrations")]
async fn mail_goes_to_each_domains_mail_exchanger(pool: PgPool) {
    let receiver = Receiver::accepting().await;
    let dns = mail_dns::start().await;
    let app = TestApp::spawn_with_dns(pool, |s| {
        quick_retries(s);
        s.delivery.mode = DeliveryMode::Direct;
        s.delivery.direct.port = receiver.addr.port();
        // The receiver is on loopback, which direct mode refuses unless allowed.
        s.delivery.direct.allowed_addresses = vec!["127.0.0.1".parse().unwrap()];
        // Verification keeps using the development zone for the published domain.
        s.dns.nameservers = vec![dns];
    })
    .await;
    let (_, _, key) = sender(&app).await;
    let message_id = send_to(
        &app,
        &key,
        &[
            "ann@elsewhere.test",
            "bob@implicit.test",
            "cy@nomail.test",
            "di@gone.test",
        ],
    )
    .await;

    assert_eq!(finished(&app.pool, &message_id).await, "PartiallyDelivered");
    let found: Vec<(String, String, Option<String>)> = outcomes(&app.pool, &message_id)
        .await
        .into_iter()
        .map(|(address, status, _, _, reply)| (address, status, reply))
        .collect();
    assert_eq!(
        found,
        [
            (
                "ann@elsewhere.test".into(),
                "Delivered".into(),
                Some("250 2.0.0 Ok: queued".into())
            ),
            (
                "bob@implicit.test".into(),
                "Delivered".into(),
                Some("250 2.0.0 Ok: queued".into())
            ),
            (
                "cy@nomail.test".into(),
                "Bounced".into(),
                Some("556 5.1.10 nomail.test accepts no mail (null MX)".into())
            ),
            (
                "di@gone.test".into(),
                "Bounced".into(),
                Some("550 5.1.2 the domain gone.test does not exist".into())
            ),
        ]
    );
    let hosts: Vec<String> = sqlx::query_scalar(
        "select remote_host from message_recipient where message_id = $1 order by position limit 2",
    )
    .bind(&message_id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        hosts,
        ["mx.elsewhere.test (127.0.0.1)", "implicit.test (127.0.0.1)"]
    );
    // One transaction per domain.
    let mut copies: Vec<Vec<String>> = receiver
        .received()
        .into_iter()
        .map(|r| r.recipients)
        .collect();
    copies.sort();
    assert_eq!(copies, [["ann@elsewhere.test"], ["bob@implicit.test"]]);
}

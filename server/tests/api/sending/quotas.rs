//! How much: an exact daily quota under concurrency across two Sesame instances on one
//! database, the per-second rate, sends leaving the rolling 24-hour window, sandboxed
//! bursts that neither block nor overrun, and idempotency keys with the quota headers.

use reqwest::StatusCode;
use sqlx::PgPool;
use time::OffsetDateTime;

use super::{element, raise_send_rate, send, send_email, set_quota, verified_domain, SIMULATOR};

/// A recipient the sandbox allows (the verified domain) that, unlike the mailbox simulator,
/// counts against the daily quota.
const TEAM: &str = "team@owner.example";
use crate::helpers::{ses_call_with, ses_form, ses_key, TestApp};

#[sqlx::test(migrations = "../migrations")]
async fn the_daily_quota_is_exact_across_concurrent_sends_and_instances(pool: PgPool) {
    // Two instances share the database and, as a deployment must, the master key.
    let master_key = Some(
        "c2VzYW1lLXRlc3QtbWFzdGVyLWtleS0zMi1ieXRlcyE="
            .to_owned()
            .into(),
    );
    let app = TestApp::spawn_with_dns(pool.clone(), |s| s.master_key = master_key.clone()).await;
    let second = TestApp::spawn_with(pool, |s| s.master_key = master_key.clone()).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    set_quota(&app.pool, &account, 10.0, 100_000.0).await;

    let sends = (0..64).map(|i| {
        let target = if i % 2 == 0 { &app } else { &second };
        let key = key.clone();
        async move { send(target, &key, &send_email("shop@owner.example", TEAM)).await }
    });
    let outcomes = futures::future::join_all(sends).await;
    let accepted = outcomes
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .count();
    assert_eq!(
        accepted,
        10,
        "{:?}",
        outcomes.iter().map(|o| o.0).collect::<Vec<_>>()
    );
    for (status, xml) in outcomes.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*status, StatusCode::BAD_REQUEST);
        assert_eq!(element(xml, "Code"), Some("Throttling"), "{xml}");
        assert_eq!(
            element(xml, "Message"),
            Some("Daily message quota exceeded.")
        );
    }
    let stored: i64 =
        sqlx::query_scalar("select coalesce(sum(recipient_count), 0)::bigint from message")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, 10);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_send_rate_admits_at_most_its_recipients_per_second(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    set_quota(&app.pool, &account, -1.0, 2.0).await;

    let sends = (0..24).map(|_| {
        let key = key.clone();
        let app = &app;
        async move { send(app, &key, &send_email("shop@owner.example", TEAM)).await }
    });
    let outcomes = futures::future::join_all(sends).await;
    let throttled: Vec<&String> = outcomes
        .iter()
        .filter(|(s, _)| *s != StatusCode::OK)
        .map(|(_, xml)| xml)
        .collect();
    assert!(
        !throttled.is_empty(),
        "24 sends at once passed a rate of 2/s"
    );
    for xml in throttled {
        assert_eq!(element(xml, "Code"), Some("Throttling"), "{xml}");
        assert_eq!(
            element(xml, "Message"),
            Some("Maximum sending rate exceeded.")
        );
    }
    let busiest_second: i64 = sqlx::query_scalar(
        "select max(n)::bigint from (select sum(recipient_count) as n from message
                                     group by date_trunc('second', created_at)) s",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(busiest_second, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn sends_leave_the_daily_quota_after_24_hours(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    set_quota(&app.pool, &account, 2.0, 1000.0).await;
    let mail = send_email("shop@owner.example", TEAM);
    for _ in 0..2 {
        assert_eq!(send(&app, &key, &mail).await.0, StatusCode::OK);
    }
    let (status, xml) = send(&app, &key, &mail).await;
    assert_eq!(
        element(&xml, "Message"),
        Some("Daily message quota exceeded."),
        "{status}"
    );

    // One of the two recipients is moved to a minute that has left the window: one more
    // recipient fits, not two.
    sqlx::raw_sql(
        "insert into send_volume (account_id, region, minute, recipients)
         select account_id, region, minute - interval '24 hours 2 minutes', 1 from send_volume;
         update send_volume set recipients = 1 where minute > now() - interval '1 hour'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let quota = send(&app, &key, &[("Action", "GetSendQuota")]).await.1;
    assert_eq!(element(&quota, "SentLast24Hours"), Some("1.0"), "{quota}");
    assert_eq!(send(&app, &key, &mail).await.0, StatusCode::OK);
    let (_, xml) = send(&app, &key, &mail).await;
    assert_eq!(
        element(&xml, "Message"),
        Some("Daily message quota exceeded.")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn sandboxed_bursts_to_verified_recipients_neither_block_nor_overrun(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    // -1: unlimited daily sends, as SES writes it.
    set_quota(&app.pool, &account, -1.0, 100_000.0).await;
    // More concurrent sends than the pool has connections, to a recipient the sandbox
    // allows only after a lookup: none may wait on another's lock for a connection.
    let sends = (0..40).map(|_| {
        let key = key.clone();
        let app = &app;
        async move {
            send(
                app,
                &key,
                &send_email("shop@owner.example", "team@owner.example"),
            )
            .await
        }
    });
    let outcomes = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        futures::future::join_all(sends),
    )
    .await
    .expect("sends finished");
    assert!(
        outcomes.iter().all(|(s, _)| *s == StatusCode::OK),
        "{:?}",
        outcomes.iter().map(|o| &o.1).collect::<Vec<_>>()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_idempotency_key_sends_once_and_quota_headers_count_down(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    raise_send_rate(&app.pool, &account).await;
    let body = ses_form(&send_email("shop@owner.example", TEAM));
    let now = OffsetDateTime::now_utc;

    // Retries (even concurrent ones) with one key get one MessageId; one message is stored.
    let retries =
        (0..8).map(|_| {
            let (key, body) = (key.clone(), body.clone());
            let app = &app;
            async move {
                ses_call_with(app, &key, &body, now(), &[("idempotency-key", "order-42")]).await
            }
        });
    let outcomes = futures::future::join_all(retries).await;
    let ids: Vec<&str> = outcomes
        .iter()
        .map(|(status, _, xml)| {
            assert_eq!(*status, StatusCode::OK, "{xml}");
            element(xml, "MessageId").unwrap()
        })
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let stored: i64 = sqlx::query_scalar("select count(*) from message")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let (_, headers, _) = &outcomes[0];
    assert_eq!(headers["x-ratelimit-limit"], "200");
    assert_eq!(headers["x-ratelimit-remaining"], "199");

    // Another key is another message.
    let (status, headers, xml) =
        ses_call_with(&app, &key, &body, now(), &[("idempotency-key", "order-43")]).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    assert_ne!(element(&xml, "MessageId").unwrap(), ids[0]);
    assert_eq!(headers["x-ratelimit-remaining"], "198");
    let (status, _, _) = ses_call_with(
        &app,
        &key,
        &body,
        now(),
        &[("idempotency-key", &"k".repeat(256))],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The same key with another request is a client's mistake: refused, nothing sent, and
    // never answered with the first request's MessageId.
    let other = ses_form(&send_email(
        "shop@owner.example",
        "someone-else@owner.example",
    ));
    let (status, _, xml) = ses_call_with(
        &app,
        &key,
        &other,
        now(),
        &[("idempotency-key", "order-42")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{xml}");
    assert_eq!(element(&xml, "Code"), Some("InvalidParameterValue"));
    assert!(!xml.contains(ids[0]), "{xml}");
    let stored: i64 = sqlx::query_scalar("select count(*) from message")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn simulator_recipients_count_against_the_rate_but_not_the_daily_quota(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    set_quota(&app.pool, &account, 1.0, 1000.0).await;
    for _ in 0..3 {
        let (status, xml) = send(&app, &key, &send_email("shop@owner.example", SIMULATOR)).await;
        assert_eq!(status, StatusCode::OK, "{xml}");
    }
    let quota = send(&app, &key, &[("Action", "GetSendQuota")]).await.1;
    assert_eq!(element(&quota, "SentLast24Hours"), Some("0.0"), "{quota}");
    // The one recipient the quota allows is still there for real mail.
    assert_eq!(
        send(&app, &key, &send_email("shop@owner.example", TEAM))
            .await
            .0,
        StatusCode::OK
    );
    let (_, xml) = send(&app, &key, &send_email("shop@owner.example", TEAM)).await;
    assert_eq!(
        element(&xml, "Message"),
        Some("Daily message quota exceeded.")
    );
    // And the simulator still goes: it is limited by the rate only.
    assert_eq!(
        send(&app, &key, &send_email("shop@owner.example", SIMULATOR))
            .await
            .0,
        StatusCode::OK
    );
}

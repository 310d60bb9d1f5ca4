//! An owner's daily cap on a delegate holds however the delegate sends: many sends at once,
//! spread over two Sesame processes on one database, get exactly the cap's recipients
//! through — the cap is decided with the quota, under the delegate's lock, from a per-minute
//! rollup rather than a scan made before the commit.

use futures::future::join_all;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::{
    helpers::TestApp,
    sending::{element, granted_delegate, send, Granted, SIMULATOR},
};

const CAP: i64 = 5;
const SENDS: usize = 24;

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_sends_through_two_processes_get_exactly_the_cap(pool: PgPool) {
    let first = TestApp::spawn_with_dns(pool.clone(), |_| {}).await;
    let second = first.spawn_beside(|_| {}).await;
    let Granted {
        owner_account,
        delegate_account,
        arn,
        key,
        ..
    } = granted_delegate(&first, "ses:SendEmail").await;
    sqlx::query(
        "insert into grant_cap (account_id, identity_id, delegate_account_id, max_24_hour_send)
         select account_id, identity_id, $2, $3 from identity where account_id = $1",
    )
    .bind(&owner_account)
    .bind(&delegate_account)
    .bind(CAP)
    .execute(&pool)
    .await
    .unwrap();

    let form = [
        ("Action", "SendEmail"),
        ("Source", "news@owner.example"),
        ("SourceArn", arn.as_str()),
        ("Destination.ToAddresses.member.1", SIMULATOR),
        ("Message.Subject.Data", "News"),
        ("Message.Body.Text.Data", "News"),
    ];
    let answers = join_all((0..SENDS).map(|i| {
        // Alternating between the processes, as a load balancer would.
        let app = if i % 2 == 0 { &first } else { &second };
        send(app, &key, &form)
    }))
    .await;
    let accepted = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(accepted as i64, CAP, "{answers:?}");
    let expected = format!(
        "Daily message quota exceeded for identity {arn}: its owner allows your account {CAP} recipients in 24 hours."
    );
    for (status, xml) in answers.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*status, StatusCode::BAD_REQUEST, "{xml}");
        assert_eq!(element(xml, "Code"), Some("Throttling"), "{xml}");
        assert_eq!(element(xml, "Message"), Some(expected.as_str()));
    }
    let stored: i64 = sqlx::query_scalar("select count(*) from message where account_id = $1")
        .bind(&delegate_account)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, CAP);
}

//! Password guessing is reserved before it is checked, in Postgres: a burst of concurrent
//! guesses gets no more checks than the limit, a stranger cannot lock a user out, and two
//! Sesame processes share one count.

use futures::future::join_all;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{TestApp, PASSWORD};

#[sqlx::test(migrations = "../migrations")]
async fn a_burst_of_concurrent_wrong_passwords_gets_only_the_allowed_checks(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.new_account("Victim").await;
    app.new_account("Neighbour").await;
    let attempts = (0..200).map(|i| {
        let browser = app.browser();
        async move {
            let password = if i == 150 {
                PASSWORD.to_owned()
            } else {
                format!("guess-{i}")
            };
            browser
                .sign_in("admin@victim.example.com", &password)
                .await
                .status()
        }
    });
    let statuses = join_all(attempts).await;
    let checked = statuses
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    // Five free attempts, then one per back-off period.
    assert!(
        checked <= 6,
        "{checked} of 200 concurrent guesses were checked"
    );
    assert!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count()
            >= 194,
        "{statuses:?}"
    );
    // Another user signing in from the same address is not locked out by it.
    let neighbour = app
        .browser()
        .sign_in("admin@neighbour.example.com", PASSWORD)
        .await;
    assert_eq!(neighbour.status(), StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_processes_share_one_count(pool: PgPool) {
    let first = TestApp::spawn(pool.clone()).await;
    let second = TestApp::spawn(pool).await;
    first.new_account("Victim").await;
    let mut refused = 0;
    for i in 0..12 {
        // Alternating between the processes, as a load balancer would.
        let app = if i % 2 == 0 { &first } else { &second };
        let status = app
            .browser()
            .sign_in("admin@victim.example.com", &format!("guess-{i}"))
            .await
            .status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    // Per process, each would have allowed five free guesses before any refusal.
    assert!(refused >= 5, "only {refused} of 12 were refused");
}

#[sqlx::test(migrations = "../migrations")]
async fn spent_throttle_keys_are_swept_and_live_ones_kept(pool: PgPool) {
    sqlx::query(
        "insert into sign_in_throttle (throttle_key, failures, window_started_at, blocked_until) values
           ('spent', 3, now() - interval '1 hour', null),
           ('spent-block', 9, now() - interval '1 hour', now() - interval '1 minute'),
           ('still-blocked', 9, now() - interval '1 hour', now() + interval '5 minutes'),
           ('in-window', 2, now() - interval '1 minute', null)",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(app::auth::throttle::sweep(&pool).await.unwrap(), 2);
    let left: Vec<String> =
        sqlx::query_scalar("select throttle_key from sign_in_throttle order by throttle_key")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(left, ["in-window", "still-blocked"]);
}

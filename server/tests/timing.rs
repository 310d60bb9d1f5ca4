//! Tests that measure time. They live in their own test binary, and take turns, so no other
//! test's password hashing competes with them for the two cores.

// In tests a panic is the failure report; `unwrap_used` guards production code.
#![allow(clippy::unwrap_used)]

#[path = "api/helpers.rs"]
#[allow(dead_code)] // shared with the api test binary, which uses the rest of it
mod helpers;

use std::time::{Duration, Instant};

use helpers::{TestApp, PASSWORD};
use reqwest::StatusCode;
use sqlx::PgPool;

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[sqlx::test(migrations = "../migrations")]
async fn unknown_emails_take_as_long_as_wrong_passwords(pool: PgPool) {
    let _alone = SERIAL.lock().await;
    let app = TestApp::spawn(pool).await;
    app.new_account("Acme").await;
    let browser = app.browser();
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..25 {
        // Stay under the throttle: it answers before hashing and would skew the timing.
        sqlx::query("delete from sign_in_throttle")
            .execute(&app.pool)
            .await
            .unwrap();
        for (email, samples) in [
            ("admin@acme.example.com", &mut known),
            ("nobody@acme.example.com", &mut unknown),
        ] {
            let start = Instant::now();
            let response = browser.sign_in(email, &format!("wrong-password-{i}")).await;
            samples.push(start.elapsed());
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (known, unknown) = (median(&mut known), median(&mut unknown));
    let difference = known.abs_diff(unknown);
    assert!(
        difference < Duration::from_millis(5),
        "median known {known:?} vs unknown {unknown:?}"
    );
    // And the hash really runs for unknown emails (it is not a fast path).
    assert!(unknown > Duration::from_millis(5), "{unknown:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_flood_of_wrong_passwords_is_throttled_before_hashing_and_the_block_expires(
    pool: PgPool,
) {
    let _alone = SERIAL.lock().await;
    let app = TestApp::spawn(pool).await;
    app.new_account("Acme").await;
    let attacker = app.browser();
    let mut throttled = Vec::new();
    for i in 0..30 {
        let start = Instant::now();
        let response = attacker
            .sign_in("admin@acme.example.com", &format!("guess-number-{i}"))
            .await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            throttled.push(start.elapsed());
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["type"], "Throttled");
            assert!(body["retry_after_secs"].as_u64().unwrap() >= 1);
        }
    }
    assert!(
        throttled.len() >= 20,
        "only {} of 30 were throttled",
        throttled.len()
    );
    // 429s are answered without hashing: far below the ~20 ms of one argon2 verification.
    throttled.sort();
    assert!(
        throttled[throttled.len() / 2] < Duration::from_millis(15),
        "{throttled:?}"
    );
    // Even the right password is refused while blocked…
    let blocked = app
        .browser()
        .sign_in("admin@acme.example.com", PASSWORD)
        .await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    // …but blocks are bounded in time: once they lapse, the real user signs in.
    sqlx::query("update sign_in_throttle set blocked_until = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let response = app
        .browser()
        .sign_in("admin@acme.example.com", PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let longest: f64 = sqlx::query_scalar(
        "select coalesce(max(extract(epoch from blocked_until - window_started_at)), 0)::float8 from sign_in_throttle",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(longest <= 16.0 * 60.0, "a block lasted {longest} s");
}

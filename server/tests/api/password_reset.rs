//! Resetting a forgotten password by mail: the same answer for any address, a link only
//! to a user's address, once, the latest only, for an hour; the reset ends every session.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{user_id, Browser, TestApp, PASSWORD};

const NEW_PASSWORD: &str = "violet-harbour-gravel-17";

async fn forgot(browser: &Browser, email: &str) -> reqwest::Response {
    browser
        .call("auth/forgot-password", &[("email", email)])
        .await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_mailed_link_resets_the_password_once_and_ends_every_session(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let email = "admin@acme.example.com";
    let elsewhere = app.browser();
    elsewhere
        .expect_ok(elsewhere.sign_in(email, PASSWORD).await)
        .await;

    // Known and unknown addresses get the same answer; only a user's address gets a link.
    let stranger = app.browser();
    for address in [email, "nobody@acme.example.com"] {
        let answer = forgot(&stranger, address).await;
        assert_eq!(answer.status(), StatusCode::OK);
        assert_eq!(answer.headers()["location"], "/sign-in/forgot?mailed");
    }
    let notice = app.mail_to("nobody@acme.example.com").await.unwrap();
    assert!(
        notice.contains("no\r\nenabled Sesame user signs in with it"),
        "{notice}"
    );
    assert!(!notice.contains("/reset-password/"), "{notice}");
    let first = app.mailed_token(email, "/reset-password/").await;

    // Asking again replaces the link: only the latest works.
    forgot(&stranger, email).await;
    let token = app.mailed_token(email, "/reset-password/").await;
    assert_ne!(token, first);
    stranger
        .error(
            "auth/inspect-password-reset",
            &[("token", &first)],
            StatusCode::NOT_FOUND,
        )
        .await;
    stranger
        .json("auth/inspect-password-reset", &[("token", &token)])
        .await;

    // The password rules hold, and a refused password spends nothing.
    let weak = stranger
        .error(
            "auth/reset-password",
            &[("token", &token), ("password", "short")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(weak["field"], "password", "{weak}");
    let done = stranger
        .call(
            "auth/reset-password",
            &[("token", &token), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(done.headers()["location"], "/sign-in?reset");

    // Once only; every session from before is over; the old password no longer works.
    stranger
        .error(
            "auth/reset-password",
            &[("token", &token), ("password", "another-long-passphrase-9")],
            StatusCode::NOT_FOUND,
        )
        .await;
    for browser in [&admin, &elsewhere] {
        browser
            .error("account/overview", &[], StatusCode::UNAUTHORIZED)
            .await;
        assert!(browser.json("auth/principal", &[]).await.is_null());
    }
    let old = app.browser();
    assert_eq!(
        old.sign_in(email, PASSWORD).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let new = app.browser();
    new.expect_ok(new.sign_in(email, NEW_PASSWORD).await).await;
    new.json("account/overview", &[]).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_link_expires_after_an_hour_and_a_disabled_user_gets_none(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let browser = app.browser();
    forgot(&browser, "admin@acme.example.com").await;
    let token = app
        .mailed_token("admin@acme.example.com", "/reset-password/")
        .await;
    sqlx::query("update password_reset set created_at = now() - interval '61 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    browser
        .error(
            "auth/reset-password",
            &[("token", &token), ("password", NEW_PASSWORD)],
            StatusCode::NOT_FOUND,
        )
        .await;

    // A disabled user is told nothing can be reset, like an unknown address.
    app.add_user(&admin, "bob", "bob@acme.example.com", "sender")
        .await;
    let bob = user_id(&admin, "bob").await;
    admin
        .json(
            "users/set-disabled",
            &[("user_id", &bob), ("disabled", "true")],
        )
        .await;
    forgot(&browser, "bob@acme.example.com").await;
    let notice = app.mail_to("bob@acme.example.com").await.unwrap();
    assert!(!notice.contains("/reset-password/"), "{notice}");
}

#[sqlx::test(migrations = "../migrations")]
async fn asking_is_throttled_like_signing_in(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.new_account("Acme").await;
    let browser = app.browser();
    // Five free, then one per back-off period (the first at once), the rest refused.
    let mut answered = Vec::new();
    for _ in 0..8 {
        answered.push(forgot(&browser, "admin@acme.example.com").await.status());
    }
    let ok = StatusCode::OK;
    let throttled = StatusCode::TOO_MANY_REQUESTS;
    assert_eq!(answered, [ok, ok, ok, ok, ok, ok, throttled, throttled]);
    // However often it is asked, the address gets at most three mails an hour.
    let mails: i64 = sqlx::query_scalar(
        "select count(*) from system_mail where recipient = 'admin@acme.example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(mails, 3);
}

//! Session security: cookie attributes, fixation, idle and absolute timeouts, and disabled
//! users losing their sessions.

use std::time::Duration;

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{user_id, TestApp, PASSWORD};

#[sqlx::test(migrations = "../migrations")]
async fn the_session_cookie_is_http_only_strict_and_host_wide(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let browser = app.browser();
    app.new_account("Acme").await;
    let response = browser.sign_in("admin@acme.example.com", PASSWORD).await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("sesame="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    // Plain-HTTP development mode: not Secure (browsers would drop it on http://127.0.0.1).
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[sqlx::test(migrations = "../migrations")]
async fn over_https_the_cookie_is_secure_with_the_host_prefix(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.public_url = Some("https://mail.example.com".into())
    })
    .await;
    let browser = app.browser();
    // Our own pages would send the public origin.
    let post = |endpoint: &str, form: &[(&str, &str)]| {
        browser
            .client
            .post(format!("{}/api/{endpoint}", app.base))
            .header("origin", "https://mail.example.com")
            .form(form)
            .send()
    };
    let form = [
        ("account_name", "Acme"),
        ("email", "a@acme.example.com"),
        ("password", PASSWORD),
    ];
    assert_eq!(
        post("auth/sign-up", &form).await.unwrap().status(),
        StatusCode::OK
    );
    let token = app
        .mailed_token("a@acme.example.com", "/sign-up/confirm/")
        .await;
    let confirm = [
        ("token", token.as_str()),
        ("account_name", "Acme"),
        ("password", PASSWORD),
    ];
    let response = post("auth/confirm-sign-up", &confirm).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-sesame="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_in_issues_a_new_session_id_and_kills_the_old_one(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (browser, _) = app.new_account("Acme").await;
    let before = browser.session_cookie().unwrap();

    // Signing in again from the same browser (as after a fixation attempt).
    assert_eq!(
        browser
            .sign_in("admin@acme.example.com", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    let after = browser.session_cookie().unwrap();
    assert_ne!(before, after);
    browser.json("account/overview", &[]).await;

    let replay = app.browser();
    replay.set_session_cookie(&before);
    replay
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_idle_session_expires(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.session.idle_timeout_secs = 3).await;
    let (browser, _) = app.new_account("Acme").await;
    // Activity keeps it alive past the idle timeout…
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        browser.json("account/overview", &[]).await;
    }
    // …and inactivity ends it.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    browser
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_active_session_still_ends_at_its_absolute_lifetime(pool: PgPool) {
    let lifetime = Duration::from_secs(5);
    let app = TestApp::spawn_with(pool, |s| {
        s.session.absolute_timeout_secs = lifetime.as_secs()
    })
    .await;
    let signed_in = std::time::Instant::now();
    let (browser, _) = app.new_account("Acme").await;
    // Active well within the lifetime: still signed in.
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        browser.json("account/overview", &[]).await;
    }
    // Still active, but past the lifetime: signed out.
    tokio::time::sleep((lifetime + Duration::from_millis(500)).saturating_sub(signed_in.elapsed()))
        .await;
    browser
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn disabling_a_user_ends_their_sessions_and_blocks_sign_in(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    app.add_user(&admin, "bob", "bob@acme.example.com", "sender")
        .await;
    let bob = app.browser();
    assert_eq!(
        bob.sign_in("bob@acme.example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
    bob.json("access-keys/list", &[]).await;

    let bob_id = user_id(&admin, "bob").await;
    admin
        .json(
            "users/set-disabled",
            &[("user_id", &bob_id), ("disabled", "true")],
        )
        .await;

    bob.error("access-keys/list", &[], StatusCode::UNAUTHORIZED)
        .await;
    let error = app
        .browser()
        .error(
            "auth/sign-in",
            &[("email", "bob@acme.example.com"), ("password", PASSWORD)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    // Answered as a wrong password: the answer must not tell that the password was right.
    assert_eq!(error["message"], "Incorrect email or password.");
    assert_eq!(error["field"], "password");

    admin
        .json(
            "users/set-disabled",
            &[("user_id", &bob_id), ("disabled", "false")],
        )
        .await;
    assert_eq!(
        bob.sign_in("bob@acme.example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_carry_hardening_headers(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = reqwest::get(format!("{}/sign-in", app.base)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert!(headers.contains_key("x-request-id"));
}

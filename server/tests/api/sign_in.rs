//! Sign-up, sign-in, sign-out, password rules, throttling and enumeration timing.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{confirm_sign_up, TestApp, PASSWORD};

#[sqlx::test(migrations = "../migrations")]
async fn sign_up_creates_an_account_with_its_admin_signed_in(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, account) = app.sign_up_by_mail("Acme", "admin@acme.example.com").await;

    assert_eq!(account.len(), 12);
    assert!(account.bytes().all(|b| b.is_ascii_digit()));
    let principal = admin.json("auth/principal", &[]).await;
    assert_eq!(principal["User"]["account_id"], account.as_str());
    assert_eq!(principal["User"]["role"], "admin");
    assert_eq!(principal["User"]["user_name"], "admin");
    // Sandboxed with SES's defaults in the default region.
    let overview = admin.json("account/overview", &[]).await;
    assert_eq!(overview["regions"][0]["region"], "us-east-1");
    assert_eq!(overview["regions"][0]["sandbox"], true);
    assert_eq!(overview["regions"][0]["max_24_hour_send"], 200.0);
    assert_eq!(overview["regions"][0]["max_send_rate"], 1.0);
    // The stored hash is argon2id at the ASVS minimum.
    let hash: String = sqlx::query_scalar("select password_hash from account_user")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_up_errors_name_the_field_and_store_nothing(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let browser = app.browser();
    let cases = [
        (("Acme", "not-an-email"), "email"),
        (("", "a@example.com"), "account_name"),
        (("\u{202e}emcA", "a@example.com"), "account_name"),
    ];
    for ((name, email), field) in cases {
        let form = [("account_name", name), ("email", email)];
        let error = browser
            .error("auth/sign-up", &form, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(error["type"], "FieldInvalid");
        assert_eq!(error["field"], field, "{error}");
    }
    // The password is chosen on the link's page, and checked there.
    let form = [("account_name", "Acme"), ("email", "a@example.com")];
    browser
        .expect_ok(browser.call("auth/sign-up", &form).await)
        .await;
    let token = app.mailed_token("a@example.com", "/sign-up/confirm/").await;
    for (name, password, field) in [
        ("Acme", "short", "password"),
        ("Acme", "password1", "password"),
        ("", PASSWORD, "account_name"),
    ] {
        let form = [
            ("token", token.as_str()),
            ("account_name", name),
            ("password", password),
        ];
        let error = browser
            .error(
                "auth/confirm-sign-up",
                &form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        assert_eq!(error["field"], field, "{error}");
    }
    let accounts: i64 = sqlx::query_scalar("select count(*) from account")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(accounts, 0);
    // The link still works after the refusals.
    browser
        .expect_ok(confirm_sign_up(&browser, &token, "Acme").await)
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_email_signs_up_only_once(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let accounts = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from account")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    app.new_account("Acme").await;
    // A taken address, in any case: answered as usual, told by mail, nothing made.
    let browser = app.browser();
    let form = [
        ("account_name", "Other"),
        ("email", "ADMIN@acme.example.com"),
    ];
    browser
        .expect_ok(browser.call("auth/sign-up", &form).await)
        .await;
    let notice = app.mail_to("admin@acme.example.com").await.unwrap();
    assert!(notice.contains("already signs in"), "{notice}");
    assert_eq!(accounts().await, 1);

    // Two sign-ups for one new address: the link confirmed spends the other.
    for name in ["First", "Second"] {
        let form = [("account_name", name), ("email", "new@example.com")];
        browser
            .expect_ok(browser.call("auth/sign-up", &form).await)
            .await;
    }
    let second = app
        .mailed_token("new@example.com", "/sign-up/confirm/")
        .await;
    browser
        .expect_ok(confirm_sign_up(&browser, &second, "Second").await)
        .await;
    assert_eq!(accounts().await, 2);
    let left: i64 =
        sqlx::query_scalar("select count(*) from sign_up_request where email = 'new@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(left, 0, "the first link must be spent too");
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_and_sign_out(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.new_account("Acme").await;
    let browser = app.browser();
    browser
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;

    let response = browser.sign_in("Admin@Acme.example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["location"], "/overview");
    browser.json("account/overview", &[]).await;

    let old_cookie = browser.session_cookie().unwrap();
    browser.json("auth/sign-out", &[]).await;
    browser
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
    // The session is gone server-side: replaying the old cookie does not work.
    browser.set_session_cookie(&old_cookie);
    browser
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
    let sessions: i64 = sqlx::query_scalar("select count(*) from tower_sessions.session")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 1, "only the sign-up browser's session remains");
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_passwords_and_unknown_emails_get_the_same_answer(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.new_account("Acme").await;
    let browser = app.browser();
    let wrong = browser
        .error(
            "auth/sign-in",
            &[
                ("email", "admin@acme.example.com"),
                ("password", "wrong-password-1"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    let unknown = browser
        .error(
            "auth/sign-in",
            &[
                ("email", "nobody@acme.example.com"),
                ("password", "wrong-password-1"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["message"], "Incorrect email or password.");
}

#[sqlx::test(migrations = "../migrations")]
async fn operators_sign_in_separately_and_see_every_account(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (user, account) = app.new_account("Acme").await;
    crate::helpers::create_operator(
        &app.pool,
        "ops@platform.example.com",
        "ops-secret-passphrase",
    )
    .await;

    // An account user is not an operator, and an operator is not an account user.
    user.error("operator/accounts", &[], StatusCode::UNAUTHORIZED)
        .await;
    let operator = app.browser();
    operator
        .error(
            "auth/sign-in",
            &[
                ("email", "ops@platform.example.com"),
                ("password", "ops-secret-passphrase"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    let response = operator
        .call(
            "auth/operator-sign-in",
            &[
                ("email", "ops@platform.example.com"),
                ("password", "ops-secret-passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let accounts = operator.json("operator/accounts", &[]).await;
    assert_eq!(accounts[0]["account_id"], account.as_str());
    operator
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
}

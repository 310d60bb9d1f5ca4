//! Sign-up, sign-in, sign-out, password rules, throttling and enumeration timing.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{TestApp, PASSWORD};

#[sqlx::test(migrations = "../migrations")]
async fn sign_up_creates_an_account_with_its_admin_signed_in(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, account) = app.new_account("Acme").await;

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
        (("Acme", "not-an-email", PASSWORD), "email"),
        (("Acme", "a@example.com", "short"), "password"),
        (("Acme", "a@example.com", "password1"), "password"),
        (("", "a@example.com", PASSWORD), "account_name"),
    ];
    for ((name, email, password), field) in cases {
        let form = [
            ("account_name", name),
            ("email", email),
            ("password", password),
        ];
        let error = browser
            .error("auth/sign-up", &form, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(error["type"], "FieldInvalid");
        assert_eq!(error["field"], field, "{error}");
    }
    let accounts: i64 = sqlx::query_scalar("select count(*) from account")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(accounts, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_email_signs_up_only_once_and_the_failed_attempt_leaves_no_account(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.new_account("Acme").await;
    let form = [
        ("account_name", "Other"),
        ("email", "ADMIN@acme.example.com"),
        ("password", PASSWORD),
    ];
    let error = app
        .browser()
        .error("auth/sign-up", &form, StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    assert_eq!(error["field"], "email");
    let accounts: i64 = sqlx::query_scalar("select count(*) from account")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        accounts, 1,
        "the second account must be rolled back with its user"
    );
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
    assert_eq!(response.headers()["location"], "/account");
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

//! Operators' two-factor sign-in through the public surface: an operator turns it on as a
//! user does and then signs in only with a code (sessions opened without one end); the platform can require it of every
//! operator (sessions opened without a code end); operators' sign-ins and sign-in
//! security go in the platform's log, never an account's; the admin command resets a lost
//! authenticator.

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::{
    helpers::{create_operator, Browser, TestApp, PASSWORD},
    two_factor::{turn_on, Authenticator},
};

const OPS: &str = "ops@platform.example.com";
const OPERATORS: &[(&str, &str)] = &[("of", "Operators")];

/// A new browser past an operator's password step; asserts it was sent to the second step.
async fn operator_password_step(app: &TestApp, email: &str) -> Browser {
    let browser = app.browser();
    let response = browser
        .call(
            "auth/operator-sign-in",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    let location = response.headers().get("location").cloned();
    browser.expect_ok(response).await;
    assert_eq!(location.unwrap(), "/sign-in/two-factor");
    browser
}

async fn assert_operator(browser: &Browser) {
    browser.json("operator/accounts", &[]).await;
}

async fn assert_not_operator(browser: &Browser) {
    browser
        .error("operator/accounts", &[], StatusCode::UNAUTHORIZED)
        .await;
}

/// The platform's log, newest first: (kind, actor, subject).
async fn platform_log(operator: &Browser) -> Vec<(String, String, String)> {
    let page = operator
        .json("operator/platform-activity", &[("kind", ""), ("actor", "")])
        .await;
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e: &Value| {
            let field = |name: &str| e[name].as_str().unwrap_or_default().to_owned();
            (field("kind"), field("actor"), field("subject"))
        })
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_operator_with_two_factor_signs_in_only_with_a_code(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    app.new_account("Acme").await;
    let operator = app.operator().await;
    // A session opened with the password alone (a stolen one, say) before it is turned on.
    let earlier = app.browser();
    let signed_in = earlier
        .call(
            "auth/operator-sign-in",
            &[("email", OPS), ("password", PASSWORD)],
        )
        .await;
    earlier.expect_ok(signed_in).await;
    assert_operator(&earlier).await;
    let (authenticator, recovery) = turn_on(&operator).await;
    // The session that turned it on goes on; the one without a code ends.
    assert_operator(&operator).await;
    assert_not_operator(&earlier).await;

    // The password alone signs nobody in.
    let next = operator_password_step(&app, OPS).await;
    assert_not_operator(&next).await;
    let wrong = next
        .error(
            "auth/two-factor",
            &[("code", "000000")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(wrong["message"], "Incorrect code.");
    assert_not_operator(&next).await;
    let code = authenticator.code(0).await;
    next.expect_ok(next.call("auth/two-factor", &[("code", &code)]).await)
        .await;
    assert_operator(&next).await;

    // The code is spent; a recovery code works once.
    let again = operator_password_step(&app, OPS).await;
    again
        .error(
            "auth/two-factor",
            &[("code", &code)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    again
        .expect_ok(
            again
                .call("auth/two-factor", &[("code", &recovery[0])])
                .await,
        )
        .await;
    assert_operator(&again).await;

    let log = platform_log(&operator).await;
    let kinds: Vec<&str> = log.iter().map(|(kind, ..)| kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "sign_in.succeeded",
            "sign_in.failed",
            "sign_in.succeeded",
            "sign_in.failed",
            "security.two_factor_enabled",
            "sign_in.succeeded",
            "sign_in.succeeded",
        ]
    );
    assert!(log.iter().all(|(_, actor, _)| actor == OPS), "{log:?}");
    assert_eq!(log[1].2, "incorrect two-factor code");
    // None of it is in an account's log: the operator belongs to none.
    let in_accounts: i64 = sqlx::query_scalar(
        "select count(*) from audit_entry where account_id is not null and actor = $1",
    )
    .bind(OPS)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(in_accounts, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_platform_can_require_it_of_every_operator(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    let first = app.operator().await;
    create_operator(&pool, "second@platform.example.com", PASSWORD).await;
    let second = app.browser();
    second
        .expect_ok(
            second
                .call(
                    "auth/operator-sign-in",
                    &[
                        ("email", "second@platform.example.com"),
                        ("password", PASSWORD),
                    ],
                )
                .await,
        )
        .await;
    assert_operator(&second).await;

    // Only an operator who signs in with it can require it.
    let refused = first
        .error(
            "security/require-two-factor",
            &[("of", "Operators"), ("required", "true")],
            StatusCode::CONFLICT,
        )
        .await;
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("for yourself first"),
        "{refused}"
    );
    assert_eq!(
        first.json("security/two-factor-required", OPERATORS).await,
        false
    );
    turn_on(&first).await;
    first
        .expect_ok(
            first
                .call(
                    "security/require-two-factor",
                    &[("of", "Operators"), ("required", "true")],
                )
                .await,
        )
        .await;
    assert_eq!(
        first.json("security/two-factor-required", OPERATORS).await,
        true
    );
    // The session that turned it on proved a code; the other was opened without one.
    assert_operator(&first).await;
    assert_not_operator(&second).await;

    // The second operator sets an authenticator up before getting in.
    let signing_in = operator_password_step(&app, "second@platform.example.com").await;
    assert_eq!(
        signing_in.json("auth/second-step", &[]).await["set_up"],
        true
    );
    assert_not_operator(&signing_in).await;
    let enrolment = signing_in.json("auth/two-factor-set-up-begin", &[]).await;
    let app_of_second = Authenticator::from_key(enrolment["secret"].as_str().unwrap());
    let code = app_of_second.code(0).await;
    let done = signing_in
        .json("auth/two-factor-set-up", &[("code", &code)])
        .await;
    assert_eq!(done["next"], "/operator");
    assert_eq!(done["recovery_codes"].as_array().unwrap().len(), 10);
    assert_operator(&signing_in).await;

    // While it is required, nobody turns their own off.
    let kept = signing_in
        .error(
            "security/two-factor-disable",
            &[("confirm_with", PASSWORD)],
            StatusCode::CONFLICT,
        )
        .await;
    assert!(
        kept["message"]
            .as_str()
            .unwrap()
            .contains("required of every operator"),
        "{kept}"
    );
    let log = platform_log(&first).await;
    assert!(
        log.contains(&(
            "account.two_factor_requirement".to_owned(),
            OPS.to_owned(),
            "required".to_owned()
        )),
        "{log:?}"
    );
}

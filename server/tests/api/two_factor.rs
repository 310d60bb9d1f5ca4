//! Two-factor sign-in through the public surface: setting up an authenticator, signing in
//! with its codes (each once) and with recovery codes (each once), throttled guessing, and
//! turning it off only with the password.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::helpers::{listed_user, user_id, Browser, TestApp, PASSWORD};

const EMAIL: &str = "admin@acme.example.com";

fn unix_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// An authenticator app, set up from the key the Security page shows.
pub(crate) struct Authenticator(TOTP);

impl Authenticator {
    pub(crate) fn from_key(key: &str) -> Self {
        let secret = Secret::Encoded(key.replace(' ', "")).to_bytes().unwrap();
        Self(TOTP::new_unchecked(
            Algorithm::SHA1,
            6,
            1,
            30,
            secret,
            None,
            String::new(),
        ))
    }

    /// Its code `steps` 30-second steps from now. Near the end of a step it waits for the
    /// next, so the step cannot change between reading the code and Sesame checking it.
    pub(crate) async fn code(&self, steps: i64) -> String {
        let into_step = unix_secs() % 30.0;
        if into_step > 27.0 {
            tokio::time::sleep(Duration::from_secs_f64(30.1 - into_step)).await;
        }
        self.0.generate((unix_secs() as i64 + steps * 30) as u64)
    }
}

/// Sets up two-factor sign-in for the signed-in `browser`; returns its authenticator and
/// recovery codes. The set-up code is the previous step's, so the current one is unspent.
pub(crate) async fn turn_on(browser: &Browser) -> (Authenticator, Vec<String>) {
    let enrolment = browser
        .json("security/two-factor-begin", &[("confirm_with", PASSWORD)])
        .await;
    assert!(enrolment["qr_svg"].as_str().unwrap().contains("<svg"));
    let app = Authenticator::from_key(enrolment["secret"].as_str().unwrap());
    let codes = browser
        .json(
            "security/two-factor-confirm",
            &[("code", &app.code(-1).await)],
        )
        .await;
    let codes = codes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (app, codes)
}

/// A new browser past the password step; asserts it was sent to the second step.
async fn password_step(app: &TestApp) -> Browser {
    password_step_of(app, EMAIL).await
}

async fn password_step_of(app: &TestApp, email: &str) -> Browser {
    let browser = app.browser();
    let response = browser.sign_in(email, PASSWORD).await;
    let location = response.headers().get("location").cloned();
    browser.expect_ok(response).await;
    assert_eq!(location.unwrap(), "/sign-in/two-factor");
    browser
}

async fn second_step(browser: &Browser, code: &str) -> reqwest::Response {
    browser.call("auth/two-factor", &[("code", code)]).await
}

async fn incorrect(browser: &Browser, code: &str) {
    let error = browser
        .error(
            "auth/two-factor",
            &[("code", code)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(error["field"], "code");
    assert_eq!(error["message"], "Incorrect code.");
}

async fn assert_signed_in(browser: &Browser) {
    browser.json("account/overview", &[]).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_authenticator_code_signs_in_once(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (me, _) = app.new_account("Acme").await;

    // Setting up needs a code from the new authenticator, not any six digits.
    // A stolen session alone cannot put its own authenticator on the account.
    let without = me
        .error(
            "security/two-factor-begin",
            &[("confirm_with", "not-my-password-1")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(without["field"], "confirm_with");
    let elsewhere = app.browser();
    elsewhere
        .expect_ok(elsewhere.sign_in(EMAIL, PASSWORD).await)
        .await;
    let enrolment = me
        .json("security/two-factor-begin", &[("confirm_with", PASSWORD)])
        .await;
    let phone = Authenticator::from_key(enrolment["secret"].as_str().unwrap());
    let wrong = me
        .error(
            "security/two-factor-confirm",
            &[("code", &phone.code(5).await)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(wrong["field"], "code");
    let status = me.json("security/two-factor", &[]).await;
    assert_eq!(status["enabled"], false);

    let (phone, codes) = turn_on(&me).await;
    assert_eq!(codes.len(), 10);
    let status = me.json("security/two-factor", &[]).await;
    assert_eq!(status["enabled"], true);
    assert_eq!(status["recovery_codes_left"], 10);
    // Turning it on signed out the session that had signed in without it.
    elsewhere
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
    assert_signed_in(&me).await;
    me.error(
        "security/two-factor-begin",
        &[("confirm_with", PASSWORD)],
        StatusCode::CONFLICT,
    )
    .await;

    // The password alone signs nobody in: the second step is asked for, and until it is
    // passed the session can do nothing.
    let laptop = password_step(&app).await;
    laptop
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
    incorrect(&laptop, &phone.code(4).await).await;
    let code = phone.code(0).await;
    laptop.expect_ok(second_step(&laptop, &code).await).await;
    assert_signed_in(&laptop).await;

    // The same code again, seen over a shoulder, does not sign in another browser; the
    // next step's code does.
    let other = password_step(&app).await;
    incorrect(&other, &code).await;
    other
        .expect_ok(second_step(&other, &phone.code(1).await).await)
        .await;
    assert_signed_in(&other).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_recovery_code_signs_in_once_and_new_ones_replace_the_old(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (me, _) = app.new_account("Acme").await;
    let (phone, codes) = turn_on(&me).await;

    // Typed loosely: upper case, spaces for hyphens.
    let typed = codes[0].replace('-', " ").to_uppercase();
    let lost_phone = password_step(&app).await;
    lost_phone
        .expect_ok(second_step(&lost_phone, &typed).await)
        .await;
    assert_signed_in(&lost_phone).await;
    let again = password_step(&app).await;
    incorrect(&again, &codes[0]).await;
    let status = me.json("security/two-factor", &[]).await;
    assert_eq!(status["recovery_codes_left"], 9);

    // New codes need a code from the authenticator, and every old one stops working.
    me.error(
        "security/recovery-codes",
        &[("code", &phone.code(6).await)],
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let renewed: Value = me
        .json("security/recovery-codes", &[("code", &phone.code(0).await)])
        .await;
    let renewed = renewed.as_array().unwrap();
    assert_eq!(renewed.len(), 10);
    incorrect(&again, &codes[1]).await;
    again
        .expect_ok(second_step(&again, renewed[0].as_str().unwrap()).await)
        .await;
    assert_signed_in(&again).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn guessing_codes_is_throttled(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (me, _) = app.new_account("Acme").await;
    let (phone, _) = turn_on(&me).await;
    // A stolen password gets a few guesses at six digits, not a million.
    let thief = password_step(&app).await;
    let mut statuses = Vec::new();
    for guess in 0..8 {
        let response = second_step(&thief, &format!("{guess:06}")).await;
        statuses.push(response.status());
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let right = second_step(&thief, &phone.code(0).await).await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    thief
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_code_without_the_password_step_signs_nobody_in(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (me, _) = app.new_account("Acme").await;
    let (phone, _) = turn_on(&me).await;
    let stranger = app.browser();
    let error = stranger
        .error(
            "auth/two-factor",
            &[("code", &phone.code(0).await)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(error["message"], "This sign-in has expired. Sign in again.");
    stranger
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn turning_it_off_needs_the_password(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (me, _) = app.new_account("Acme").await;
    turn_on(&me).await;
    let wrong = me
        .error(
            "security/two-factor-disable",
            &[("confirm_with", "not-my-password-9")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(wrong["field"], "confirm_with");
    assert_eq!(wrong["message"], "Incorrect password.");
    password_step(&app).await;

    me.json("security/two-factor-disable", &[("confirm_with", PASSWORD)])
        .await;
    let status = me.json("security/two-factor", &[]).await;
    assert_eq!(status["enabled"], false);
    assert_eq!(status["recovery_codes_left"], 0);
    let browser = app.browser();
    let response = browser.sign_in(EMAIL, PASSWORD).await;
    assert_eq!(response.headers().get("location").unwrap(), "/overview");
    browser.expect_ok(response).await;
    assert_signed_in(&browser).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_account_can_require_it_of_every_user(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let bob = app
        .add_user(&admin, "bob", "bob@acme.example.com", "sender")
        .await;
    let required = [("of", "AccountUsers"), ("required", "true")];
    let require = "security/require-two-factor";
    // Admins first: not while the asking admin has none; never by a non-admin; an
    // account's admin is no operator.
    admin.error(require, &required, StatusCode::CONFLICT).await;
    bob.error(require, &required, StatusCode::FORBIDDEN).await;
    let of_operators = [("of", "Operators"), ("required", "false")];
    admin
        .error(require, &of_operators, StatusCode::UNAUTHORIZED)
        .await;
    turn_on(&admin).await;
    admin.json(require, &required).await;
    let of_users = [("of", "AccountUsers")];
    assert_eq!(
        admin.json("security/two-factor-required", &of_users).await,
        true
    );
    assert_signed_in(&admin).await;

    // Bob, without it, is signed out; his next sign-in has him set an authenticator up
    // before anything else.
    bob.error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
    let bob = password_step_of(&app, "bob@acme.example.com").await;
    assert_eq!(bob.json("auth/second-step", &[]).await["set_up"], true);
    bob.error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
    let enrolment = bob.json("auth/two-factor-set-up-begin", &[]).await;
    let phone = Authenticator::from_key(enrolment["secret"].as_str().unwrap());
    bob.error(
        "auth/two-factor-set-up",
        &[("code", &phone.code(5).await)],
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    bob.error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
    let done = bob
        .json("auth/two-factor-set-up", &[("code", &phone.code(0).await)])
        .await;
    assert_eq!(done["recovery_codes"].as_array().unwrap().len(), 10);
    assert_eq!(done["next"], "/overview");
    assert_signed_in(&bob).await;
    assert_eq!(listed_user(&admin, "bob").await["two_factor"], true);
    // While it is required it stays on.
    bob.error(
        "security/two-factor-disable",
        &[("confirm_with", PASSWORD)],
        StatusCode::CONFLICT,
    )
    .await;

    // Someone invited now joins through the second step too.
    let carol = app
        .add_user(&admin, "carol", "carol@acme.example.com", "viewer")
        .await;
    carol
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
    assert_eq!(carol.json("auth/second-step", &[]).await["set_up"], true);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_resets_a_lost_authenticator_in_their_account_only(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let (globex, _) = app.new_account("Globex").await;
    let bob = app
        .add_user(&admin, "bob", "bob@acme.example.com", "sender")
        .await;
    turn_on(&bob).await;
    turn_on(&admin).await;
    let bob_id = user_id(&admin, "bob").await;
    let admin_id = user_id(&admin, "admin").await;
    let target = [("user_id", bob_id.as_str())];
    globex
        .error("users/reset-two-factor", &target, StatusCode::NOT_FOUND)
        .await;
    bob.error("users/reset-two-factor", &target, StatusCode::FORBIDDEN)
        .await;
    // One's own goes off on the Security page, with the password.
    admin
        .error(
            "users/reset-two-factor",
            &[("user_id", &admin_id)],
            StatusCode::CONFLICT,
        )
        .await;
    assert_signed_in(&bob).await;

    admin.json("users/reset-two-factor", &target).await;
    bob.error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
    assert_eq!(listed_user(&admin, "bob").await["two_factor"], false);
    assert_eq!(listed_user(&admin, "admin").await["two_factor"], true);
    let browser = app.browser();
    let response = browser.sign_in("bob@acme.example.com", PASSWORD).await;
    assert_eq!(response.headers().get("location").unwrap(), "/overview");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_password_change_while_the_second_step_waits_refuses_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (me, _) = app.new_account("Acme").await;
    let (phone, _) = turn_on(&me).await;
    // Someone past the password step (who also has the codes) waits; the owner changes the
    // password meanwhile. The old password's sign-in does not finish.
    let waiting = password_step(&app).await;
    me.json(
        "security/change-password",
        &[
            ("current_password", PASSWORD),
            ("password", "violet-harbour-gravel-17"),
        ],
    )
    .await;
    let refused = second_step(&waiting, &phone.code(0).await).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    waiting
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
    assert_signed_in(&me).await;
}

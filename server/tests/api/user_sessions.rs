//! A user's signed-in sessions: listed with their browser and address, ended one by one,
//! all but this one, by a password change, or by an admin — and never anyone else's.

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{user_id, Browser, TestApp, PASSWORD};

const NEW_PASSWORD: &str = "violet-harbour-gravel-17";
const EMAIL: &str = "admin@acme.example.com";

async fn sessions(browser: &Browser) -> Vec<Value> {
    let list = browser.json("security/sessions", &[]).await;
    list.as_array().unwrap().clone()
}

/// The handle of the listed session that is not the asking one.
fn other(list: &[Value]) -> String {
    let others: Vec<&Value> = list.iter().filter(|s| s["current"] == false).collect();
    assert_eq!(others.len(), 1, "{list:?}");
    others[0]["handle"].as_str().unwrap().to_owned()
}

async fn signed_in(app: &TestApp, user_agent: &str) -> Browser {
    let browser = app.browser_as(user_agent);
    browser
        .expect_ok(browser.sign_in(EMAIL, PASSWORD).await)
        .await;
    browser
}

async fn assert_signed_out(browser: &Browser) {
    browser
        .error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_user_sees_their_sessions_and_ends_another(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (me, _) = app.new_account("Acme").await;
    // A user agent is the client's to choose: invisible characters that would make it
    // read as another do not reach the page.
    let laptop = signed_in(&app, "Firefox/140 \u{202e}edisni").await;
    let phone = signed_in(&app, "Mobile Safari").await;

    let list = sessions(&me).await;
    assert_eq!(list.len(), 3, "{list:?}");
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    let agents: Vec<&str> = list
        .iter()
        .map(|s| s["user_agent"].as_str().unwrap())
        .collect();
    assert!(agents.contains(&"Firefox/140 edisni"), "{agents:?}");
    assert!(agents.iter().all(|a| !a.contains('\u{202e}')));
    assert!(list.iter().all(|s| s["client_address"] == "127.0.0.1"));

    // The phone ends the laptop's session: the laptop is signed out at its next request.
    let phone_view = sessions(&phone).await;
    let laptop_handle = phone_view
        .iter()
        .find(|s| s["user_agent"] == "Firefox/140 edisni")
        .unwrap()["handle"]
        .as_str()
        .unwrap()
        .to_owned();
    phone
        .json("security/end-session", &[("handle", &laptop_handle)])
        .await;
    assert_signed_out(&laptop).await;
    phone
        .error(
            "security/end-session",
            &[("handle", &laptop_handle)],
            StatusCode::NOT_FOUND,
        )
        .await;
    // Left are this session and the phone's, which the phone sees as its own.
    let phone_handle = other(&sessions(&me).await);
    let phone_current = sessions(&phone).await;
    assert!(phone_current
        .iter()
        .any(|s| s["handle"] == phone_handle.as_str() && s["current"] == true));

    // "Sign out everywhere else": only the asking session is left.
    me.json("security/end-other-sessions", &[]).await;
    assert_signed_out(&phone).await;
    let left = sessions(&me).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["current"], true);

    // Ending one's own session signs out, as Sign out does.
    let mine = left[0]["handle"].as_str().unwrap().to_owned();
    let ended = me.call("security/end-session", &[("handle", &mine)]).await;
    assert_eq!(ended.status(), StatusCode::OK);
    assert_signed_out(&me).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn another_users_session_cannot_be_seen_or_ended(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (acme, _) = app.new_account("Acme").await;
    let (globex, _) = app.new_account("Globex").await;
    let bob = app
        .add_user(&acme, "bob", "bob@acme.example.com", "viewer")
        .await;

    let globex_list = sessions(&globex).await;
    assert_eq!(globex_list.len(), 1);
    let globex_handle = globex_list[0]["handle"].as_str().unwrap().to_owned();
    // Neither a stranger nor a fellow user of one's account sees or ends it…
    for intruder in [&acme, &bob] {
        let list = sessions(intruder).await;
        assert!(list.iter().all(|s| s["handle"] != globex_handle.as_str()));
        intruder
            .error(
                "security/end-session",
                &[("handle", &globex_handle)],
                StatusCode::NOT_FOUND,
            )
            .await;
    }
    // …and bob's own sessions are his, not his admin's.
    let bob_handle = sessions(&bob).await[0]["handle"]
        .as_str()
        .unwrap()
        .to_owned();
    acme.error(
        "security/end-session",
        &[("handle", &bob_handle)],
        StatusCode::NOT_FOUND,
    )
    .await;
    globex.json("account/overview", &[]).await;
    bob.json("account/overview", &[]).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (me, _) = app.new_account("Acme").await;
    let elsewhere = signed_in(&app, "Elsewhere").await;

    // A wrong current password changes nothing.
    let wrong = me
        .error(
            "security/change-password",
            &[
                ("current_password", "not-my-password-1"),
                ("password", NEW_PASSWORD),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(wrong["field"], "current_password");
    assert_eq!(wrong["message"], "Incorrect password.");
    // Nor does a new password the rules refuse.
    let weak = me
        .error(
            "security/change-password",
            &[("current_password", PASSWORD), ("password", "password")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(weak["field"], "password");
    elsewhere.json("account/overview", &[]).await;
    assert_eq!(
        app.browser().sign_in(EMAIL, PASSWORD).await.status(),
        StatusCode::OK
    );

    me.json(
        "security/change-password",
        &[("current_password", PASSWORD), ("password", NEW_PASSWORD)],
    )
    .await;
    assert_signed_out(&elsewhere).await;
    me.json("account/overview", &[]).await;
    assert_eq!(sessions(&me).await.len(), 1);
    let old = app
        .browser()
        .error(
            "auth/sign-in",
            &[("email", EMAIL), ("password", PASSWORD)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(old["message"], "Incorrect email or password.");
    assert_eq!(
        app.browser().sign_in(EMAIL, NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn guessing_the_current_password_is_throttled_as_sign_in_is(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (me, _) = app.new_account("Acme").await;
    // A stolen session cookie is no way around sign-in's limit on password guesses.
    let mut statuses = Vec::new();
    for i in 0..8 {
        let guess = format!("guess-number-{i}-of-many");
        let response = me
            .call(
                "security/change-password",
                &[("current_password", &guess), ("password", NEW_PASSWORD)],
            )
            .await;
        statuses.push(response.status());
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Throttled before any check: even the right password is refused for now.
    let right = me
        .call(
            "security/change-password",
            &[("current_password", PASSWORD), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_signs_out_a_user_of_the_account_only(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (acme, _) = app.new_account("Acme").await;
    let (globex, _) = app.new_account("Globex").await;
    let bob = app
        .add_user(&acme, "bob", "bob@acme.example.com", "sender")
        .await;
    let bob_id = user_id(&acme, "bob").await;

    // Not an admin of bob's account: a sender of it is forbidden, another account's admin
    // finds no such user.
    bob.error(
        "users/end-sessions",
        &[("user_id", &bob_id)],
        StatusCode::FORBIDDEN,
    )
    .await;
    globex
        .error(
            "users/end-sessions",
            &[("user_id", &bob_id)],
            StatusCode::NOT_FOUND,
        )
        .await;
    bob.json("account/overview", &[]).await;

    acme.json("users/end-sessions", &[("user_id", &bob_id)])
        .await;
    assert_signed_out(&bob).await;
    acme.json("account/overview", &[]).await;
    // Signing in again works: the sessions ended, not the user.
    assert_eq!(
        app.browser()
            .sign_in("bob@acme.example.com", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_in_over_and_over_keeps_a_bounded_number_of_sessions(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (first, _) = app.new_account("Acme").await;
    let mut latest = None;
    for i in 0..50 {
        latest = Some(signed_in(&app, &format!("Script/{i}")).await);
    }
    let latest = latest.unwrap();
    // The 51st sign-in ended the least recently seen session, the first one.
    assert_signed_out(&first).await;
    let list = sessions(&latest).await;
    assert_eq!(list.len(), 50);
    assert!(list.iter().any(|s| s["user_agent"] == "Script/0"));
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_out_or_being_disabled_ends_the_registered_session(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (me, _) = app.new_account("Acme").await;
    let laptop = signed_in(&app, "Laptop").await;
    assert_eq!(sessions(&me).await.len(), 2);
    // Signed out, it is no longer listed as if it were live.
    laptop.json("auth/sign-out", &[]).await;
    assert_eq!(sessions(&me).await.len(), 1);

    // Disabling a user ends their sessions for good: enabling them again brings none back.
    let bob = app
        .add_user(&me, "bob", "bob@acme.example.com", "sender")
        .await;
    let bob_id = user_id(&me, "bob").await;
    me.json(
        "users/set-disabled",
        &[("user_id", &bob_id), ("disabled", "true")],
    )
    .await;
    me.json(
        "users/set-disabled",
        &[("user_id", &bob_id), ("disabled", "false")],
    )
    .await;
    assert_signed_out(&bob).await;
}

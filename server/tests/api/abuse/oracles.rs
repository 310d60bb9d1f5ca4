//! No oracles: sign-up and inviting a user answer the same, and take the same time,
//! whether or not an address already signs in to Sesame — the difference is only in the
//! mail the address itself gets. Nothing is made for an address until its mail is read.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{confirm_sign_up, user_id, Browser, TestApp, PASSWORD};

/// A sign-up as a stranger makes it: the status, the answer, how long it took.
async fn sign_up(app: &TestApp, name: &str, email: &str) -> (StatusCode, String, Duration) {
    let started = Instant::now();
    let response = app
        .browser()
        .call("auth/sign-up", &[("account_name", name), ("email", email)])
        .await;
    let status = response.status();
    let body = response.text().await.unwrap();
    (status, body, started.elapsed())
}

async fn accounts(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from account")
        .fetch_one(pool)
        .await
        .unwrap()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_up_answers_alike_for_a_taken_address_and_mails_it_no_link(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    app.new_account("Victim").await;
    let taken = "admin@victim.example.com";
    let before = accounts(&pool).await;

    let (mut fresh_times, mut taken_times) = (Vec::new(), Vec::new());
    for i in 0..3 {
        let fresh = format!("new-{i}@elsewhere.example.com");
        let (status, fresh_answer, took) = sign_up(&app, "Newcomer", &fresh).await;
        assert_eq!(status, StatusCode::OK, "{fresh_answer}");
        fresh_times.push(took);
        let (status, taken_answer, took) = sign_up(&app, "Newcomer", taken).await;
        assert_eq!(status, StatusCode::OK, "{taken_answer}");
        assert_eq!(taken_answer, fresh_answer);
        taken_times.push(took);
    }
    // The same work either way (no password is hashed at this step): no telling them
    // apart by time — a hash (tens of milliseconds) on one side would show.
    let (fresh, taken_time) = (median(fresh_times), median(taken_times));
    let slack = Duration::from_millis(25);
    assert!(
        taken_time < fresh * 3 + slack && fresh < taken_time * 3 + slack,
        "fresh {fresh:?}, taken {taken_time:?}"
    );
    // Nothing is created until a link is confirmed.
    assert_eq!(accounts(&pool).await, before);
    // The taken address is told, without a link; a fresh one gets its link.
    let notice = app.mail_to(taken).await.unwrap();
    assert!(notice.contains("already signs in"), "{notice}");
    assert!(!notice.contains("/sign-up/confirm/"), "{notice}");
    let link = app.mail_to("new-0@elsewhere.example.com").await.unwrap();
    assert!(link.contains("/sign-up/confirm/"), "{link}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_sign_up_link_works_once_and_not_after_a_day(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    sign_up(&app, "Once", "once@example.com").await;
    let token = app
        .mailed_token("once@example.com", "/sign-up/confirm/")
        .await;
    // Opening the link shows what it would create and creates nothing.
    let pending = app
        .browser()
        .json("auth/inspect-sign-up", &[("token", &token)])
        .await;
    assert_eq!(pending["account_name"], "Once");
    assert_eq!(accounts(&pool).await, 0);
    let first = app.browser();
    first
        .expect_ok(confirm_sign_up(&first, &token, "Once").await)
        .await;
    assert_eq!(accounts(&pool).await, 1);
    let again = confirm_sign_up(&app.browser(), &token, "Once").await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);

    sign_up(&app, "Late", "late@example.com").await;
    let token = app
        .mailed_token("late@example.com", "/sign-up/confirm/")
        .await;
    sqlx::query("update sign_up_request set created_at = now() - interval '25 hours'")
        .execute(&pool)
        .await
        .unwrap();
    let late = confirm_sign_up(&app.browser(), &token, "Late").await;
    assert_eq!(late.status(), StatusCode::NOT_FOUND);
    // The stored token is a hash: the table alone finishes nothing.
    let stored: Vec<String> = sqlx::query_scalar("select token_hash from sign_up_request")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(
        stored.iter().all(|h| h.len() == 64 && *h != token),
        "{stored:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_address_gets_at_most_three_links_an_hour(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    for _ in 0..5 {
        let (status, _, _) = sign_up(&app, "Bombed", "target@example.com").await;
        assert_eq!(status, StatusCode::OK);
    }
    let mails: i64 = sqlx::query_scalar(
        "select count(*) from system_mail where recipient = 'target@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(mails, 3);
}

async fn invite(admin: &Browser, name: &str, email: &str) -> (StatusCode, String) {
    let response = admin
        .call(
            "users/invite",
            &[("name", name), ("email", email), ("role", "sender")],
        )
        .await;
    (response.status(), response.text().await.unwrap())
}

#[sqlx::test(migrations = "../migrations")]
async fn inviting_an_address_of_another_account_looks_like_any_invitation(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    app.new_account("Victim").await;
    let (prober, _) = app.new_account("Prober").await;
    let answers = [
        invite(&prober, "one", "admin@victim.example.com").await,
        invite(&prober, "two", "nobody@victim.example.com").await,
    ];
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, StatusCode::OK);
    let listed = prober.json("users/invitations", &[]).await;
    let rows: Vec<_> = listed.as_array().unwrap().iter().collect();
    assert_eq!(rows.len(), 2, "{listed}");
    for row in rows {
        assert_eq!(row["expired"], false);
    }
    // The victim's address is told it cannot join, without a link; the other gets one.
    let notice = app.mail_to("admin@victim.example.com").await.unwrap();
    assert!(!notice.contains("/invitation/"), "{notice}");
    let link = app.mail_to("nobody@victim.example.com").await.unwrap();
    assert!(link.contains("/invitation/"), "{link}");
    // In sink mode neither copy is kept in the prober's Mailbox.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mailbox = prober.json("mailbox/list", &[]).await;
    assert!(mailbox.as_array().unwrap().is_empty(), "{mailbox}");
}

#[sqlx::test(migrations = "../migrations")]
async fn re_inviting_or_cancelling_does_not_lift_the_mail_limits(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    let (admin, _) = app.new_account("Bomber").await;
    for _ in 0..5 {
        assert_eq!(
            invite(&admin, "victim", "victim@example.com").await.0,
            StatusCode::OK
        );
        let listed = admin.json("users/invitations", &[]).await;
        let id = listed[0]["invitation_id"].as_str().unwrap().to_owned();
        admin
            .json("users/cancel-invitation", &[("invitation_id", &id)])
            .await;
    }
    let mails: i64 = sqlx::query_scalar(
        "select count(*) from system_mail where recipient = 'victim@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(mails, 3);
    // Twenty invitation mails an hour per account, counted as sent.
    for i in 3..20 {
        let (status, text) = invite(&admin, &format!("u{i}"), &format!("u{i}@example.com")).await;
        assert_eq!(status, StatusCode::OK, "{i}: {text}");
    }
    let (status, _) = invite(&admin, "one-more", "one-more@example.com").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_invitation_dies_with_the_admin_who_sent_it(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    let (owner, _) = app.new_account("Acme").await;
    let deputy = app
        .add_user(&owner, "deputy", "deputy@acme.example.com", "admin")
        .await;
    invite(&deputy, "friend", "friend@elsewhere.example").await;
    let token = app
        .mailed_token("friend@elsewhere.example", "/invitation/")
        .await;
    let deputy_id = user_id(&owner, "deputy").await;
    owner
        .json(
            "users/set-disabled",
            &[("user_id", &deputy_id), ("disabled", "true")],
        )
        .await;
    let accept = [("token", token.as_str()), ("password", PASSWORD)];
    app.browser()
        .error("users/accept-invitation", &accept, StatusCode::NOT_FOUND)
        .await;
}

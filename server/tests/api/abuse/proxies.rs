//! Behind trusted proxies, the client's address comes from `X-Forwarded-For`; from anyone
//! else that header is the client's own claim and is ignored — both for throttles and for
//! `aws:SourceIp`.

use reqwest::StatusCode;
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::{
    helpers::{ses_call_with, ses_form, TestApp, PASSWORD},
    sending::{granted_delegate, put_policy, Granted, SIMULATOR},
};

/// A delegated send as the client at `forwarded` (through the proxy header).
async fn send_as(app: &TestApp, granted: &Granted, forwarded: &str) -> StatusCode {
    let body = ses_form(&[
        ("Action", "SendEmail"),
        ("Source", "news@owner.example"),
        ("SourceArn", &granted.arn),
        ("Destination.ToAddresses.member.1", SIMULATOR),
        ("Message.Subject.Data", "Hi"),
        ("Message.Body.Text.Data", "Hi"),
    ]);
    let extra = [("x-forwarded-for", forwarded)];
    let (status, _, _) =
        ses_call_with(app, &granted.key, &body, OffsetDateTime::now_utc(), &extra).await;
    status
}

/// The owner lets the delegate send only from 203.0.113.0/24.
async fn from_documentation_range_only(app: &TestApp) -> Granted {
    let granted = granted_delegate(app, "ses:SendEmail").await;
    let owner = app.browser();
    owner.sign_in("admin@owner.example.com", PASSWORD).await;
    let identities = owner
        .json(
            "identities/list",
            &[("region", "us-east-1"), ("status", ""), ("kind", "")],
        )
        .await;
    let id = identities[0]["identity_id"].as_str().unwrap().to_owned();
    let policy = format!(
        r#"{{"Statement": [{{"Effect": "Deny", "Principal": {{"AWS": "{}"}}, "Action": "ses:*", "Resource": "{}",
            "Condition": {{"NotIpAddress": {{"aws:SourceIp": "203.0.113.0/24"}}}}}}]}}"#,
        granted.delegate_account, granted.arn
    );
    put_policy(&owner, &id, "office-only", &policy).await;
    granted
}

#[sqlx::test(migrations = "../migrations")]
async fn a_trusted_proxy_names_the_client(pool: PgPool) {
    let app =
        TestApp::spawn_with_dns(pool, |s| s.http.trusted_proxies = vec!["127.0.0.1".into()]).await;
    let granted = from_documentation_range_only(&app).await;
    assert_eq!(send_as(&app, &granted, "203.0.113.5").await, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    // A client spoofing its own header gets it prepended to: the proxy's entry counts.
    assert_eq!(
        send_as(&app, &granted, "203.0.113.5, 198.51.100.7").await,
        StatusCode::FORBIDDEN
    );

    // Throttles count the real client: guesses from one client do not lock out another.
    for i in 0..8 {
        let guess = app
            .browser()
            .client
            .post(format!("{}/api/auth/sign-in", app.base))
            .header("x-forwarded-for", "198.51.100.66")
            .form(&[
                ("email", "admin@owner.example.com"),
                ("password", &format!("guess-{i}")),
            ])
            .send()
            .await
            .unwrap();
        assert_ne!(guess.status(), StatusCode::OK);
    }
    let real = app
        .browser()
        .client
        .post(format!("{}/api/auth/sign-in", app.base))
        .header("x-forwarded-for", "203.0.113.9")
        .form(&[("email", "admin@owner.example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(real.status(), StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn from_anyone_else_the_header_is_ignored(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let granted = from_documentation_range_only(&app).await;
    // The test client is 127.0.0.1, not in the range, whatever it claims.
    assert_eq!(
        send_as(&app, &granted, "203.0.113.5").await,
        StatusCode::FORBIDDEN
    );
}

/// A wrong-password sign-in as the client at `forwarded`; the status.
async fn guess_as(app: &TestApp, forwarded: &str, password: &str) -> StatusCode {
    app.browser()
        .client
        .post(format!("{}/api/auth/sign-in", app.base))
        .header("x-forwarded-for", forwarded)
        .form(&[
            ("email", "admin@victim.example.com"),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_ipv6_client_counts_as_its_64(pool: PgPool) {
    let app =
        TestApp::spawn_with(pool, |s| s.http.trusted_proxies = vec!["127.0.0.1".into()]).await;
    app.new_account("Victim").await;
    // A new address of one /64 for every guess: still one client, held to its five.
    let mut statuses = Vec::new();
    for i in 1..=7 {
        statuses.push(guess_as(&app, &format!("2001:db8:7:7::{i:x}"), "wrong").await);
    }
    assert_eq!(
        statuses[..5],
        [StatusCode::UNPROCESSABLE_ENTITY; 5],
        "{statuses:?}"
    );
    assert!(
        statuses[5..].contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // A client in the next /64 is someone else.
    let neighbour = guess_as(&app, "2001:db8:7:8::1", PASSWORD).await;
    assert_eq!(neighbour, StatusCode::OK);
}

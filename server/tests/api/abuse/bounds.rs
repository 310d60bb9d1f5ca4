//! Every input has a bound, checked before the work: templated sends cannot render without
//! end, and API bodies are refused by their declared length before they are read.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::{
    helpers::{ses_call_with, ses_form, ses_key, TestApp},
    sending::{element, send, verified_domain, SIMULATOR},
};

async fn template(app: &TestApp, key: &(String, String), name: &str, text: &str) {
    let (status, xml) = send(
        app,
        key,
        &[
            ("Action", "CreateTemplate"),
            ("Template.TemplateName", name),
            ("Template.SubjectPart", "Hi"),
            ("Template.TextPart", text),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{xml}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_template_cannot_render_without_end_or_past_the_message_limit(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, _) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    // Loops over an outer list multiply without writing a byte; a big body inside a loop
    // writes hundreds of megabytes.
    template(
        &app,
        &key,
        "nested",
        "{{#each a}}{{#each ../a}}{{#each ../../a}}{{/each}}{{/each}}{{/each}}",
    )
    .await;
    template(
        &app,
        &key,
        "huge",
        &format!("{{{{#each a}}}}{}{{{{/each}}}}", "x".repeat(400_000)),
    )
    .await;
    let data = serde_json::json!({ "a": vec![0; 2000] }).to_string();
    for name in ["nested", "huge"] {
        let started = Instant::now();
        let health = tokio::spawn({
            let base = app.base.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                let asked = Instant::now();
                reqwest::get(format!("{base}/health/live")).await.unwrap();
                asked.elapsed()
            }
        });
        let (status, xml) = send(
            &app,
            &key,
            &[
                ("Action", "SendTemplatedEmail"),
                ("Source", "news@owner.example"),
                ("Destination.ToAddresses.member.1", SIMULATOR),
                ("Template", name),
                ("TemplateData", &data),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {xml}");
        assert_eq!(element(&xml, "Code"), Some("MessageRejected"), "{xml}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{name} took {:?}",
            started.elapsed()
        );
        // The runtime kept answering while it rendered.
        assert!(health.await.unwrap() < Duration::from_secs(1));
    }
    // Partials could include each other without end: refused when the template is made.
    let (status, xml) = send(
        &app,
        &key,
        &[
            ("Action", "CreateTemplate"),
            ("Template.TemplateName", "partials"),
            ("Template.SubjectPart", "Hi"),
            (
                "Template.TextPart",
                r#"{{#*inline "a"}}{{> b}}{{/inline}}{{#*inline "b"}}{{> a}}{{/inline}}{{> a}}"#,
            ),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{xml}");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_oversized_body_is_refused_by_its_length_before_it_is_read(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let key = ses_key(&admin).await;
    // Declares 100 MB and sends none of it: the answer comes at once.
    let mut stream = declare_body(&app, &key, 100 * 1024 * 1024).await;
    let answer = answer(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("<Code>RequestEntityTooLarge</Code>"),
        "{answer}"
    );
    let body = ses_form(&[("Action", "GetSendQuota")]);
    // A normal request still works.
    let (status, _, text) = ses_call_with(&app, &key, &body, OffsetDateTime::now_utc(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{text}");
}

/// Sends a signed v1 request's head declaring a `length`-byte body, and none of the body;
/// returns the stream (still open) for the caller to read the answer from.
async fn declare_body(
    app: &TestApp,
    key: &(String, String),
    length: usize,
) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let host = app.base.trim_start_matches("http://").to_owned();
    let body = ses_form(&[("Action", "GetSendQuota")]);
    let headers = sesame_signer::signed_form_post(
        &host,
        (&key.0, &key.1),
        "us-east-1",
        OffsetDateTime::now_utc(),
        &body,
        &[],
    );
    let mut request =
        format!("POST / HTTP/1.1\r\nContent-Length: {length}\r\nConnection: close\r\n");
    for (name, value) in &headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    stream
}

/// What the server answers on `stream` (its first read), waiting at most `wait`.
async fn answer(stream: &mut tokio::net::TcpStream, wait: Duration) -> String {
    use tokio::io::AsyncReadExt;
    let mut answer = vec![0; 4096];
    let read = tokio::time::timeout(wait, stream.read(&mut answer))
        .await
        .expect("no answer in time")
        .unwrap();
    String::from_utf8_lossy(&answer[..read]).into_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn bodies_in_flight_share_one_budget_and_a_trickle_is_cut_off(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.api.max_in_flight_bytes = 1024 * 1024;
        s.api.body_timeout_secs = 2;
    })
    .await;
    let (admin, _) = app.new_account("Acme").await;
    let key = ses_key(&admin).await;
    // One slow client holds the whole budget; the next is told to come back, at once.
    let mut holder = declare_body(&app, &key, 1024 * 1024).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut second = declare_body(&app, &key, 512 * 1024).await;
    let status = answer(&mut second, Duration::from_secs(1)).await;
    assert!(status.starts_with("HTTP/1.1 503"), "{status}");
    // The slow one is cut off when its body does not arrive in time, and the budget is free.
    let status = answer(&mut holder, Duration::from_secs(5)).await;
    assert!(status.starts_with("HTTP/1.1 408"), "{status}");
    let body = ses_form(&[("Action", "GetSendQuota")]);
    let (status, _, text) = ses_call_with(&app, &key, &body, OffsetDateTime::now_utc(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{text}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_request_head_trickling_in_is_cut_off(pool: PgPool) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_with(pool, |s| s.http.header_timeout_secs = 1).await;
    let host = app.base.trim_start_matches("http://").to_owned();
    let (mut reading, mut writing) = tokio::net::TcpStream::connect(&host)
        .await
        .unwrap()
        .into_split();
    let started = Instant::now();
    // The server's side: when does it close the connection?
    let closed_after = tokio::spawn(async move {
        let mut rest = Vec::new();
        let _ = reading.read_to_end(&mut rest).await;
        started.elapsed()
    });
    // A byte every 200 ms, never the end of the head (for at most 8 s).
    for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
        if closed_after.is_finished() || writing.write_all(&[*byte]).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let closed_after = tokio::time::timeout(Duration::from_secs(5), closed_after)
        .await
        .expect("the trickling connection was never closed")
        .unwrap();
    assert!(
        closed_after < Duration::from_secs(4),
        "closed after {closed_after:?}"
    );
    // Everyone else is served as usual.
    let live = reqwest::get(format!("{}/health/live", app.base))
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn past_the_concurrency_cap_requests_are_told_to_retry_in_their_api_shape(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.http.max_concurrent_requests = 2;
        s.api.body_timeout_secs = 3;
    })
    .await;
    let (admin, _) = app.new_account("Acme").await;
    let key = ses_key(&admin).await;
    // Two slow clients hold both places (each waits for a body that does not come).
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(declare_body(&app, &key, 1024).await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;

    let body = ses_form(&[("Action", "GetSendQuota")]);
    let (status, headers, text) =
        ses_call_with(&app, &key, &body, OffsetDateTime::now_utc(), &[]).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{text}");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(element(&text, "Code"), Some("ServiceUnavailable"), "{text}");
    assert_eq!(element(&text, "Type"), Some("Receiver"), "{text}");
    let v2 = reqwest::get(format!("{}/v2/email/account", app.base))
        .await
        .unwrap();
    assert_eq!(v2.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(v2.headers()["x-amzn-errortype"], "ServiceUnavailable");
    let message: serde_json::Value = v2.json().await.unwrap();
    assert!(message["message"].is_string(), "{message}");
    // Pages get plain words; a busy node still answers its health probe.
    let page = reqwest::get(format!("{}/sign-in", app.base)).await.unwrap();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    let live = reqwest::get(format!("{}/health/live", app.base))
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);

    // The slow ones are cut off, their places free again.
    for mut stream in held {
        let status = answer(&mut stream, Duration::from_secs(6)).await;
        assert!(status.starts_with("HTTP/1.1 408"), "{status}");
    }
    let (status, _, text) = ses_call_with(&app, &key, &body, OffsetDateTime::now_utc(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{text}");
}

#[sqlx::test(migrations = "../migrations")]
async fn page_and_server_function_bodies_are_bounded_too(pool: PgPool) {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn_with(pool, |s| s.api.body_timeout_secs = 1).await;
    let host = app.base.trim_start_matches("http://").to_owned();
    // Before sign-in, anyone may post to a server function or a page.
    let head = |path: &str, length: usize| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
        )
    };
    for path in ["/api/auth/sign-in", "/sign-in"] {
        // 100 MB declared, none sent: refused by the length, at once.
        let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
        stream
            .write_all(head(path, 100 * 1024 * 1024).as_bytes())
            .await
            .unwrap();
        let status = answer(&mut stream, Duration::from_secs(2)).await;
        assert!(status.starts_with("HTTP/1.1 413"), "{path}: {status}");
        // A small body that never comes: cut off after the read timeout.
        let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
        stream.write_all(head(path, 100).as_bytes()).await.unwrap();
        let status = answer(&mut stream, Duration::from_secs(4)).await;
        assert!(status.starts_with("HTTP/1.1 408"), "{path}: {status}");
    }
    // Sign-in itself still works through the same layer.
    let (admin, _) = app.new_account("Acme").await;
    assert_eq!(ses_key(&admin).await.0.len(), 20);
}

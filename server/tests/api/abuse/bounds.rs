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
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.base.trim_start_matches("http://").to_owned();
    let body = ses_form(&[("Action", "GetSendQuota")]);
    let headers = sesame::ses::sigv4::signed_form_post(
        &host,
        (&key.0, &key.1),
        "us-east-1",
        OffsetDateTime::now_utc(),
        &body,
        &[],
    );
    let mut request =
        "POST / HTTP/1.1\r\nContent-Length: 104857600\r\nConnection: close\r\n".to_owned();
    for (name, value) in &headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = vec![0; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("the server waited for the body")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("<Code>RequestEntityTooLarge</Code>"),
        "{answer}"
    );
    // A normal request still works.
    let (status, _, text) = ses_call_with(&app, &key, &body, OffsetDateTime::now_utc(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{text}");
}

//! What is authorized is what is delivered: a raw message's own From and Sender headers are
//! what policies judge, and a lone CR is a line break at acceptance exactly as on the wire.
//! (v2's `FromEmailAddress` beside a different From header is tested with boto3 in
//! `end2end/sdk/test_ownership.py`.)

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::{
    helpers::TestApp,
    sending::{element, governed_delegate, send, send_email, send_raw, Granted},
};

const NEWS_ONLY: &str = r#"{"Effect": "Allow", "Principal": {"AWS": "{delegate}"}, "Action": "ses:*",
    "Resource": "{arn}", "Condition": {"StringEquals": {"ses:FromAddress": "news@owner.example"}}}"#;

#[sqlx::test(migrations = "../migrations")]
async fn a_sender_header_is_judged_as_the_from_address_it_shows(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let Granted { key, arn, .. } = governed_delegate(&app, NEWS_ONLY).await;
    let allowed = format!(
        "X-SES-SOURCE-ARN: {arn}\r\nFrom: News <news@owner.example>\r\nTo: reader@elsewhere.example\r\nSubject: Hi\r\n\r\nHi\r\n"
    );
    let (status, xml) = send_raw(&app, &key, &allowed).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    // A reader's client shows "ceo@… on behalf of news@…": the CEO was never allowed.
    let on_behalf = format!(
        "X-SES-SOURCE-ARN: {arn}\r\nFrom: News <news@owner.example>\r\nSender: CEO <ceo@owner.example>\r\nTo: reader@elsewhere.example\r\nSubject: Hi\r\n\r\nHi\r\n"
    );
    let (status, xml) = send_raw(&app, &key, &on_behalf).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{xml}");
    assert_eq!(element(&xml, "Code"), Some("AccessDenied"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_source_parameter_never_stands_in_for_the_from_header(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let Granted { key, arn, .. } = governed_delegate(&app, NEWS_ONLY).await;
    let raw = "From: CEO <ceo@owner.example>\r\nTo: reader@elsewhere.example\r\nSubject: Hi\r\n\r\nHi\r\n";
    let data = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, raw);
    let (status, xml) = send(
        &app,
        &key,
        &[
            ("Action", "SendRawEmail"),
            ("Source", "news@owner.example"),
            ("SourceArn", &arn),
            ("RawMessage.Data", &data),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{xml}");
}

/// The header section's From fields of a delivered copy.
fn from_headers(raw: &str) -> Vec<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or_default();
    head.split("\r\n")
        .filter(|line| line.to_ascii_lowercase().starts_with("from:"))
        .map(str::to_owned)
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_lone_carriage_return_cannot_smuggle_a_header_past_acceptance(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let allow_all = r#"{"Effect": "Allow", "Principal": {"AWS": "{delegate}"}, "Action": "ses:*", "Resource": "{arn}"}"#;
    let Granted {
        delegate, key, arn, ..
    } = governed_delegate(&app, allow_all).await;
    let head = format!("X-SES-SOURCE-ARN: {arn}\r\nFrom: News <news@owner.example>\r\n");
    // Each is refused, or delivered with the one From that was authorized; the first five
    // must be refused.
    let variants = [
        // A second From behind a lone CR or LF: there is no telling which one a reader sees.
        "X-A: 1\rFrom: CEO <ceo@owner.example>\r\n",
        "X-A: 1\nFrom: CEO <ceo@owner.example>\r\n",
        // Lines parsers read differently: white space only, no colon, a blank before it.
        "\x0c\r\nFrom: CEO <ceo@owner.example>\r\n",
        "From\r\n : CEO <ceo@owner.example>\r\n",
        "From : CEO <ceo@owner.example>\r\n",
        // Folded into the Subject: a Subject's text, not a From.
        "Subject: x\r From: CEO <ceo@owner.example>\r\n",
        // A lone CR pair ends the header section here, as it will on the wire (and then
        // the message has no To).
        "X-A: 1\r\rFrom: CEO <ceo@owner.example>\r\n",
        // An X-SES header hidden the same way is read and removed, never delivered.
        "X-A: 1\rX-SES-MESSAGE-TAGS: campaign=spring\r\n",
        // Lone CRs in the body become line breaks.
        "X-B: 2\r\n",
    ];
    let mut delivered = 0;
    for (i, smuggled) in variants.iter().enumerate() {
        let raw = format!(
            "{head}{smuggled}To: reader{i}@elsewhere.example\r\nSubject: Variant {i}\r\n\r\nline\rbreak\r\n"
        );
        let (status, xml) = send_raw(&app, &key, &raw).await;
        match status {
            StatusCode::OK => delivered += 1,
            _ => assert_eq!(status, StatusCode::BAD_REQUEST, "variant {i}: {xml}"),
        }
        if i < 5 {
            assert_eq!(
                status,
                StatusCode::BAD_REQUEST,
                "variant {i} was accepted: {xml}"
            );
        }
    }
    assert!(delivered >= 2, "only {delivered} variants were delivered");
    let copies = delegate.mailbox_when(|m| m.len() >= delivered).await;
    assert_eq!(copies.len(), delivered);
    for copy in copies {
        let id = copy["mailbox_message_id"].as_str().unwrap();
        let message = delegate
            .json("mailbox/get", &[("mailbox_message_id", id)])
            .await;
        let raw = message["raw"].as_str().unwrap();
        assert_eq!(
            from_headers(raw),
            ["From: News <news@owner.example>"],
            "{raw}"
        );
        assert!(!raw.to_ascii_lowercase().contains("x-ses-"), "{raw}");
        assert!(
            !raw.replace("\r\n", "").contains(['\r', '\n']),
            "a lone line break was delivered: {raw:?}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_recipient_domain_in_capitals_meets_the_deny(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let statements = r#"{"Effect": "Allow", "Principal": {"AWS": "{delegate}"}, "Action": "ses:*", "Resource": "{arn}"},
        {"Effect": "Deny", "Principal": {"AWS": "{delegate}"}, "Action": "ses:*", "Resource": "{arn}",
         "Condition": {"ForAnyValue:StringLike": {"ses:Recipients": "*@rival.example"}}}"#;
    let Granted { key, arn, .. } = governed_delegate(&app, statements).await;
    for to in ["x@rival.example", "x@RIVAL.example", "X@Rival.Example"] {
        let mut form = send_email("news@owner.example", to);
        form.push(("SourceArn", &arn));
        let (status, xml) = send(&app, &key, &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{to}: {xml}");
    }
    let mut form = send_email("news@owner.example", "x@friend.example");
    form.push(("SourceArn", &arn));
    let (status, xml) = send(&app, &key, &form).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
}

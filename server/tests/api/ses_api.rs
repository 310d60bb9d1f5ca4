//! The SES API's authentication over HTTP, signed here with our own SigV4 code (the AWS
//! test suite in sigv4_vectors.rs and the boto3 tests in end2end/sdk/ check the signing
//! itself): clock skew, missing and malformed signatures, keys that were switched off, and
//! the XML error envelope.

use reqwest::StatusCode;
use time::{Duration, OffsetDateTime};

use crate::helpers::{ses_call as call, ses_key as key, TestApp};

const QUOTA: &str = "Action=GetSendQuota&Version=2010-12-01";

#[sqlx::test(migrations = "../migrations")]
async fn signed_requests_are_answered_in_xml(pool: sqlx::PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let key = key(&admin).await;
    let (status, body) = call(&app, &key, QUOTA, OffsetDateTime::now_utc()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("<GetSendQuotaResult><Max24HourSend>200.0</Max24HourSend>"),
        "{body}"
    );
    assert!(body.contains("<ResponseMetadata><RequestId>"), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn clocks_more_than_five_minutes_apart_are_refused(pool: sqlx::PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let key = key(&admin).await;
    let now = OffsetDateTime::now_utc();
    for skew in [Duration::minutes(4), Duration::minutes(-4)] {
        let (status, body) = call(&app, &key, QUOTA, now + skew).await;
        assert_eq!(status, StatusCode::OK, "{skew}: {body}");
    }
    for skew in [Duration::minutes(6), Duration::minutes(-6)] {
        let (status, body) = call(&app, &key, QUOTA, now + skew).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{skew}: {body}");
        assert!(body.contains("<Code>RequestExpired</Code>"), "{body}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn unsigned_malformed_and_switched_off_credentials_are_refused(pool: sqlx::PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let key = key(&admin).await;
    let client = reqwest::Client::new();

    let unsigned = client
        .post(format!("{}/", app.base))
        .body(QUOTA)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::FORBIDDEN);
    let body = unsigned.text().await.unwrap();
    assert!(
        body.contains("<ErrorResponse") && body.contains("<Code>MissingAuthenticationToken</Code>"),
        "{body}"
    );

    let malformed = client
        .post(format!("{}/", app.base))
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/ses/aws4_request",
        )
        .body(QUOTA)
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert!(malformed
        .text()
        .await
        .unwrap()
        .contains("<Code>IncompleteSignature</Code>"));

    // A key switched off on the access keys page stops working at once.
    admin
        .json(
            "access-keys/set-active",
            &[("access_key_id", &key.0), ("active", "false")],
        )
        .await;
    let (status, body) = call(&app, &key, QUOTA, OffsetDateTime::now_utc()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("<Code>InvalidClientTokenId</Code>"), "{body}");

    // An unknown action is named.
    admin
        .json(
            "access-keys/set-active",
            &[("access_key_id", &key.0), ("active", "true")],
        )
        .await;
    let (status, body) = call(&app, &key, "Action=Frobnicate", OffsetDateTime::now_utc()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("The action Frobnicate is not valid for this web service."),
        "{body}"
    );
}

/// A signed `GET <path>` sent byte for byte over a socket (HTTP clients normalise dot
/// segments away); returns the status line.
async fn raw_signed_get(app: &TestApp, key: &(String, String), path: &str) -> String {
    use sesame_signer::authorization_header;
    use sesame_wire::sigv4::{payload_hash, SignedRequest};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.base.trim_start_matches("http://").to_owned();
    let now = OffsetDateTime::now_utc();
    let amz_date = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let headers = vec![
        ("host".to_owned(), host.clone()),
        ("x-amz-date".to_owned(), amz_date.clone()),
    ];
    let hash = payload_hash(b"");
    let request = SignedRequest {
        method: "GET",
        path,
        query: "",
        headers: &headers,
        payload_hash: &hash,
    };
    let authorization = authorization_header(&key.0, &key.1, "us-east-1", &amz_date, &request);
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let wire = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nX-Amz-Date: {amz_date}\r\nAuthorization: {authorization}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(wire.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer.lines().next().unwrap_or_default().to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_path_signed_is_the_path_routed(pool: sqlx::PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let key = key(&admin).await;
    assert!(
        raw_signed_get(&app, &key, "/v2/email/account")
            .await
            .contains(" 200 "),
        "the control request must pass"
    );
    // Each of these signs as `/v2/email/account` (or a neighbour) once normalised, but
    // would be routed as written: refused before anything else happens.
    for path in [
        "/v2/email/identities/../account",
        "/v2/email/./account",
        "/v2/email//account",
        "/v2/email/identities/x/policies/..",
    ] {
        let status = raw_signed_get(&app, &key, path).await;
        assert!(status.contains(" 400 "), "{path}: {status}");
    }
}

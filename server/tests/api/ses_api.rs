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

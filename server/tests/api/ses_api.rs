//! The SES API's authentication over HTTP, signed here with our own SigV4 code (the AWS
//! test suite in sigv4_vectors.rs and the boto3 tests in end2end/sdk/ check the signing
//! itself): clock skew, missing and malformed signatures, keys that were switched off, and
//! the XML error envelope.

use reqwest::StatusCode;
use sesame::ses::sigv4::{
    canonical_request, payload_hash, signature, signing_key, string_to_sign, SignedRequest,
};
use time::{macros::format_description, Duration, OffsetDateTime};

use crate::helpers::{Browser, TestApp};

/// An access key of the account `admin` belongs to.
async fn key(admin: &Browser) -> (String, String) {
    let key = admin
        .json("access-keys/create", &[("region", "us-east-1")])
        .await;
    (
        key["access_key_id"].as_str().unwrap().to_owned(),
        key["secret_access_key"].as_str().unwrap().to_owned(),
    )
}

/// POSTs a form to the v1 API, signed as botocore signs it, at time `at`.
async fn call(
    app: &TestApp,
    (id, secret): &(String, String),
    body: &str,
    at: OffsetDateTime,
) -> (StatusCode, String) {
    let host = app.base.trim_start_matches("http://").to_owned();
    let amz_date = at
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap();
    let headers = vec![
        (
            "content-type".to_owned(),
            "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
        ),
        ("host".to_owned(), host),
        ("x-amz-date".to_owned(), amz_date.clone()),
    ];
    let signed: Vec<String> = headers.iter().map(|(n, _)| n.clone()).collect();
    let hash = payload_hash(body.as_bytes());
    let request = SignedRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        payload_hash: &hash,
    };
    let scope = format!("{}/us-east-1/ses/aws4_request", &amz_date[..8]);
    let to_sign = string_to_sign(&amz_date, &scope, &canonical_request(&request, &signed));
    let key = signing_key(secret, &amz_date[..8], "us-east-1", "ses");
    let signature = signature(&key, &to_sign);
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={id}/{scope}, SignedHeaders={}, Signature={signature}",
        signed.join(";")
    );
    let response = reqwest::Client::new()
        .post(format!("{}/", app.base))
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .header("x-amz-date", amz_date)
        .header("authorization", authorization)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

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

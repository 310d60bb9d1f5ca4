//! Cross-site requests are refused even when they carry a valid session cookie.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{TestApp, PASSWORD};

#[sqlx::test(migrations = "../migrations")]
async fn a_cross_origin_post_with_a_valid_cookie_is_refused_and_changes_nothing(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let form = [
        ("name", "mallory"),
        ("email", "m@evil.example.com"),
        ("role", "admin"),
    ];
    let attempts = [
        vec![("origin", "http://evil.example.com")],
        vec![
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://evil.example.com"),
        ],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "null")],
    ];
    for headers in attempts {
        let mut request = admin
            .client
            .post(format!("{}/api/users/invite", app.base))
            .form(&form);
        for (name, value) in &headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
    }
    let invited = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from user_invitation")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    assert_eq!(invited().await, 0, "no one may have been invited");

    // The same request from our own origin works (the cookie was valid all along).
    admin.json("users/invite", &form).await;
    assert_eq!(invited().await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_post_without_origin_or_fetch_metadata_is_refused(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = reqwest::Client::new()
        .post(format!("{}/api/auth/sign-in", app.base))
        .form(&[("email", "a@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn server_functions_refuse_get(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let response = admin
        .client
        .get(format!("{}/api/users/list", app.base))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
}

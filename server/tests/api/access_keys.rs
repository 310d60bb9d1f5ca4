//! Access keys: shapes, the two-active-keys limit, one-time secrets, encryption at rest.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::TestApp;

#[sqlx::test(migrations = "../migrations")]
async fn a_new_key_shows_its_secret_and_smtp_password_once(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let key = admin
        .json("access-keys/create", &[("region", "us-east-1")])
        .await;
    let id = key["access_key_id"].as_str().unwrap();
    let secret = key["secret_access_key"].as_str().unwrap();
    assert!(id.starts_with("AKIA") && id.len() == 20);
    assert_eq!(secret.len(), 40);
    assert_eq!(
        key["smtp_password"].as_str().unwrap(),
        app::access_keys::credentials::smtp_password(secret, "us-east-1")
    );

    // Listing never returns the secret again.
    let listed = admin
        .call("access-keys/list", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(listed.contains(id));
    assert!(!listed.contains(secret));
    assert!(!listed.contains(key["smtp_password"].as_str().unwrap()));

    // Stored encrypted: the secret is nowhere in the row.
    let (nonce, ciphertext): (Vec<u8>, Vec<u8>) =
        sqlx::query_as("select secret_nonce, secret_ciphertext from access_key")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(nonce.len(), 24);
    assert!(!ciphertext
        .windows(secret.len())
        .any(|w| w == secret.as_bytes()));
}

#[sqlx::test(migrations = "../migrations")]
async fn at_most_two_keys_are_active(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let first = admin
        .json("access-keys/create", &[("region", "us-east-1")])
        .await;
    admin
        .json("access-keys/create", &[("region", "us-east-1")])
        .await;
    let error = admin
        .error(
            "access-keys/create",
            &[("region", "us-east-1")],
            StatusCode::CONFLICT,
        )
        .await;
    assert_eq!(
        error["message"],
        "Cannot exceed quota for AccessKeysPerUser: 2"
    );

    let first_id = first["access_key_id"].as_str().unwrap();
    admin
        .json(
            "access-keys/set-active",
            &[("access_key_id", first_id), ("active", "false")],
        )
        .await;
    let third = admin
        .json("access-keys/create", &[("region", "us-east-1")])
        .await;
    // Reactivating the first would make three active.
    admin
        .error(
            "access-keys/set-active",
            &[("access_key_id", first_id), ("active", "true")],
            StatusCode::CONFLICT,
        )
        .await;
    admin
        .json(
            "access-keys/delete",
            &[("access_key_id", third["access_key_id"].as_str().unwrap())],
        )
        .await;
    admin
        .json(
            "access-keys/set-active",
            &[("access_key_id", first_id), ("active", "true")],
        )
        .await;
    let keys = admin.json("access-keys/list", &[]).await;
    assert_eq!(
        keys.as_array()
            .unwrap()
            .iter()
            .filter(|k| k["active"] == true)
            .count(),
        2
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_creations_cannot_exceed_the_limit(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let calls = (0..8).map(|_| admin.call("access-keys/create", &[("region", "us-east-1")]));
    let statuses: Vec<StatusCode> = futures::future::join_all(calls)
        .await
        .iter()
        .map(|r| r.status())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        2,
        "{statuses:?}"
    );
    let keys: i64 = sqlx::query_scalar("select count(*) from access_key")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(keys, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_region_that_is_not_served_is_refused(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let error = admin
        .error(
            "access-keys/create",
            &[("region", "mars-north-1")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(error["field"], "region");
}

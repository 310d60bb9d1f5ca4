//! Users inside an account, and roles enforced on the server.

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{Browser, TestApp, PASSWORD};

async fn create(admin: &Browser, name: &str, role: &str) {
    let email = format!("{name}@acme.example.com");
    admin
        .json(
            "users/create",
            &[
                ("name", name),
                ("email", &email),
                ("role", role),
                ("password", PASSWORD),
            ],
        )
        .await;
}

fn find<'a>(users: &'a Value, name: &str) -> &'a Value {
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == name)
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_admin_creates_lists_and_deletes_users(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, account) = app.new_account("Acme").await;
    create(&admin, "bob", "sender").await;

    let users = admin.json("users/list", &[]).await;
    let bob = find(&users, "bob");
    assert_eq!(bob["arn"], format!("arn:aws:iam::{account}:user/bob"));
    assert_eq!(bob["role"], "sender");
    assert_eq!(bob["disabled"], false);

    admin
        .json(
            "users/delete",
            &[("user_id", bob["user_id"].as_str().unwrap())],
        )
        .await;
    let users = admin.json("users/list", &[]).await;
    assert_eq!(users.as_array().unwrap().len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_user_input_names_the_field(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    create(&admin, "bob", "sender").await;
    let cases = [
        (("bob", "bob2@acme.example.com", "viewer", PASSWORD), "name"),
        (
            ("bob2", "BOB@acme.example.com", "viewer", PASSWORD),
            "email",
        ),
        (
            ("has space", "x@acme.example.com", "viewer", PASSWORD),
            "name",
        ),
        (
            ("carol", "carol@acme.example.com", "viewer", "12345678"),
            "password",
        ),
    ];
    for ((name, email, role, password), field) in cases {
        let form = [
            ("name", name),
            ("email", email),
            ("role", role),
            ("password", password),
        ];
        let error = admin
            .error("users/create", &form, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(error["field"], field, "{error}");
    }
    // An unknown role is refused when the arguments are decoded.
    let form = [
        ("name", "dave"),
        ("email", "dave@acme.example.com"),
        ("role", "root"),
        ("password", PASSWORD),
    ];
    let response = admin.call("users/create", &form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let users = admin.json("users/list", &[]).await;
    assert_eq!(users.as_array().unwrap().len(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn roles_are_enforced_on_the_server(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    create(&admin, "sam", "sender").await;
    create(&admin, "vic", "viewer").await;
    let sender = app.browser();
    sender.sign_in("sam@acme.example.com", PASSWORD).await;
    let viewer = app.browser();
    viewer.sign_in("vic@acme.example.com", PASSWORD).await;

    for browser in [&sender, &viewer] {
        browser
            .error("users/list", &[], StatusCode::FORBIDDEN)
            .await;
        let form = [
            ("name", "eve"),
            ("email", "eve@acme.example.com"),
            ("role", "admin"),
            ("password", PASSWORD),
        ];
        browser
            .error("users/create", &form, StatusCode::FORBIDDEN)
            .await;
        browser.json("account/overview", &[]).await;
    }
    sender
        .json("access-keys/create", &[("region", "us-east-1")])
        .await;
    viewer
        .error(
            "access-keys/create",
            &[("region", "us-east-1")],
            StatusCode::FORBIDDEN,
        )
        .await;
    let users: i64 = sqlx::query_scalar("select count(*) from account_user")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(users, 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_cannot_disable_or_delete_themselves(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let users = admin.json("users/list", &[]).await;
    let me = find(&users, "admin")["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    admin
        .error(
            "users/set-disabled",
            &[("user_id", &me), ("disabled", "true")],
            StatusCode::CONFLICT,
        )
        .await;
    admin
        .error("users/delete", &[("user_id", &me)], StatusCode::CONFLICT)
        .await;
}

//! Users inside an account, and roles enforced on the server.

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{Browser, TestApp, PASSWORD};

async fn create(app: &TestApp, admin: &Browser, name: &str, role: &str) -> Browser {
    let email = format!("{name}@acme.example.com");
    app.add_user(admin, name, &email, role).await
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
async fn the_admin_invites_lists_and_deletes_users(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, account) = app.new_account("Acme").await;
    let form = [
        ("name", "bob"),
        ("email", "bob@acme.example.com"),
        ("role", "sender"),
    ];
    admin.json("users/invite", &form).await;
    // Invited, not yet a user.
    let invitations = admin.json("users/invitations", &[]).await;
    assert_eq!(invitations[0]["name"], "bob", "{invitations}");
    assert_eq!(invitations[0]["expired"], false);
    assert_eq!(
        admin
            .json("users/list", &[])
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The link shows what it offers without accepting it; accepting joins, once.
    let token = app
        .mailed_token("bob@acme.example.com", "/invitation/")
        .await;
    let offer = app
        .browser()
        .json("users/inspect-invitation", &[("token", &token)])
        .await;
    assert_eq!(
        (offer["account_name"].as_str(), offer["role"].as_str()),
        (Some("Acme"), Some("sender"))
    );
    let bob = app.browser();
    let weak = [("token", token.as_str()), ("password", "12345678")];
    let error = bob
        .error(
            "users/accept-invitation",
            &weak,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(error["field"], "password", "{error}");
    let good = [("token", token.as_str()), ("password", PASSWORD)];
    bob.expect_ok(bob.call("users/accept-invitation", &good).await)
        .await;
    assert_eq!(
        bob.json("account/overview", &[]).await["account_id"],
        account.as_str()
    );
    app.browser()
        .error("users/accept-invitation", &good, StatusCode::NOT_FOUND)
        .await;
    assert!(admin
        .json("users/invitations", &[])
        .await
        .as_array()
        .unwrap()
        .is_empty());

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
async fn a_cancelled_invitation_cannot_be_accepted(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let form = [
        ("name", "carol"),
        ("email", "carol@acme.example.com"),
        ("role", "viewer"),
    ];
    admin.json("users/invite", &form).await;
    let token = app
        .mailed_token("carol@acme.example.com", "/invitation/")
        .await;
    let invitations = admin.json("users/invitations", &[]).await;
    let id = invitations[0]["invitation_id"].as_str().unwrap();
    admin
        .json("users/cancel-invitation", &[("invitation_id", id)])
        .await;
    let accept = [("token", token.as_str()), ("password", PASSWORD)];
    app.browser()
        .error("users/accept-invitation", &accept, StatusCode::NOT_FOUND)
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_user_input_names_the_field(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    create(&app, &admin, "bob", "sender").await;
    let cases = [
        (("bob", "bob2@acme.example.com", "viewer"), "name"),
        // Already a user of this account: its admin knows that anyway.
        (("bob2", "BOB@acme.example.com", "viewer"), "email"),
        (("has space", "x@acme.example.com", "viewer"), "name"),
        (("carol", "not-an-address", "viewer"), "email"),
    ];
    for ((name, email, role), field) in cases {
        let form = [("name", name), ("email", email), ("role", role)];
        let error = admin
            .error("users/invite", &form, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(error["field"], field, "{error}");
    }
    // An unknown role is refused when the arguments are decoded.
    let form = [
        ("name", "dave"),
        ("email", "dave@acme.example.com"),
        ("role", "root"),
    ];
    let response = admin.call("users/invite", &form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(admin
        .json("users/invitations", &[])
        .await
        .as_array()
        .unwrap()
        .is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn roles_are_enforced_on_the_server(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let sender = create(&app, &admin, "sam", "sender").await;
    let viewer = create(&app, &admin, "vic", "viewer").await;

    for browser in [&sender, &viewer] {
        browser
            .error("users/list", &[], StatusCode::FORBIDDEN)
            .await;
        let form = [
            ("name", "eve"),
            ("email", "eve@acme.example.com"),
            ("role", "admin"),
        ];
        browser
            .error("users/invite", &form, StatusCode::FORBIDDEN)
            .await;
        browser
            .error("users/invitations", &[], StatusCode::FORBIDDEN)
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

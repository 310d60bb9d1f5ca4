//! Changing the address a user signs in with: asked with the password, made by the link
//! mailed to the new address (once), told to the old one, and no oracle for addresses
//! that have accounts.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{TestApp, PASSWORD};

const OLD: &str = "admin@acme.example.com";
const NEW: &str = "ann@new.example.com";

#[sqlx::test(migrations = "../migrations")]
async fn a_confirmed_link_moves_sign_in_to_the_new_address(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (me, _) = app.new_account("Acme").await;

    // A session alone does not do it: the password is asked, as sign-in asks it.
    let wrong = me
        .error(
            "security/change-email",
            &[("email", NEW), ("email_password", "not-my-password-1")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(wrong["field"], "email_password");
    assert!(app.mail_to(NEW).await.is_none());
    let bad = me
        .error(
            "security/change-email",
            &[("email", "not an address"), ("email_password", PASSWORD)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(bad["field"], "email");

    me.json(
        "security/change-email",
        &[("email", NEW), ("email_password", PASSWORD)],
    )
    .await;
    let token = app.mailed_token(NEW, "/confirm-email/").await;
    // Opening the link changes nothing; the old address still signs in.
    let shown = app
        .browser()
        .json("security/inspect-email-change", &[("token", &token)])
        .await;
    assert_eq!(shown, NEW);
    assert_eq!(
        app.browser().sign_in(OLD, PASSWORD).await.status(),
        StatusCode::OK
    );

    let anyone = app.browser();
    let changed = anyone
        .json("security/confirm-email-change", &[("token", &token)])
        .await;
    assert_eq!(changed, NEW);
    assert_eq!(
        app.browser().sign_in(NEW, PASSWORD).await.status(),
        StatusCode::OK
    );
    app.browser()
        .error(
            "auth/sign-in",
            &[("email", OLD), ("password", PASSWORD)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    let notice = app.mail_to(OLD).await.unwrap();
    assert!(
        notice.contains("was changed to ann@new.example.com"),
        "{notice}"
    );
    // Once only.
    anyone
        .error(
            "security/confirm-email-change",
            &[("token", &token)],
            StatusCode::NOT_FOUND,
        )
        .await;
    me.json("account/overview", &[]).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_address_with_an_account_is_told_so_and_nothing_changes(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (me, _) = app.new_account("Acme").await;
    app.new_account("Globex").await;
    let theirs = "admin@globex.example.com";

    // The answer is the same as for a free address; the mail says why nothing happens.
    me.json(
        "security/change-email",
        &[("email", theirs), ("email_password", PASSWORD)],
    )
    .await;
    let mail = app.mail_to(theirs).await.unwrap();
    assert!(mail.contains("signs in to Sesame already"), "{mail}");
    assert!(!mail.contains("/confirm-email/"), "{mail}");
    assert_eq!(
        app.browser().sign_in(OLD, PASSWORD).await.status(),
        StatusCode::OK
    );

    // A link to a free address that another user takes first does not confirm.
    me.json(
        "security/change-email",
        &[("email", NEW), ("email_password", PASSWORD)],
    )
    .await;
    let token = app.mailed_token(NEW, "/confirm-email/").await;
    sqlx::query("update account_user set email = $1 where email = $2")
        .bind(NEW)
        .bind(theirs)
        .execute(&app.pool)
        .await
        .unwrap();
    let taken = app
        .browser()
        .error(
            "security/confirm-email-change",
            &[("token", &token)],
            StatusCode::CONFLICT,
        )
        .await;
    assert_eq!(taken["message"], "That address signs in to Sesame already.");
    assert_eq!(
        app.browser().sign_in(OLD, PASSWORD).await.status(),
        StatusCode::OK
    );
}

//! Partner links: the owner of an identity makes one, the partner accepts it, and the
//! owner then sees the partner's account to pick. Attacked from every side: the link works
//! once, for another account, until it expires or is withdrawn; nobody else reads, makes
//! or withdraws an owner's links; a viewer cannot accept for its account.

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::{
    helpers::{Browser, TestApp, PASSWORD},
    identities::add_domain as identity,
};

/// Makes a link and returns its token (the last part of the link).
async fn make_link(owner: &Browser, identity: &str) -> String {
    let link = owner
        .json("partners/make", &[("identity_id", identity)])
        .await;
    let link = link.as_str().unwrap();
    assert!(link.contains("/partners/"), "{link}");
    link.rsplit('/').next().unwrap().to_owned()
}

fn conflict(error: &Value) -> &str {
    assert_eq!(error["type"], "Conflict", "{error}");
    error["message"].as_str().unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_partner_accepts_a_link_once_and_the_owner_sees_it_to_pick(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (owner, owner_id) = app.new_account("Owner").await;
    let (partner, partner_id) = app.new_account("Partner").await;
    let (latecomer, _) = app.new_account("Latecomer").await;
    let identity = identity(&owner, "owner.example").await;
    let token = make_link(&owner, &identity).await;

    // Open links list without a partner yet.
    let links = owner
        .json("partners/list", &[("identity_id", &identity)])
        .await;
    assert_eq!(links.as_array().unwrap().len(), 1);
    assert!(links[0]["partner"].is_null(), "{links}");

    // Signed out, the link shows nothing.
    app.browser()
        .error(
            "partners/read",
            &[("token", &token)],
            StatusCode::UNAUTHORIZED,
        )
        .await;
    // The owner cannot accept its own link.
    let own = owner
        .error(
            "partners/accept",
            &[("token", &token)],
            StatusCode::CONFLICT,
        )
        .await;
    assert!(conflict(&own).contains("your own account"), "{own}");

    let read = partner.json("partners/read", &[("token", &token)]).await;
    assert_eq!(read["owner_name"], "Owner");
    assert_eq!(read["owner_account"], owner_id.as_str());
    assert_eq!(read["identity"], "owner.example");
    assert_eq!(read["state"], "Open");
    let accepted = partner.json("partners/accept", &[("token", &token)]).await;
    assert_eq!(accepted["state"], "AcceptedByYou");
    // Accepting again is harmless; the page keeps saying so.
    partner.json("partners/accept", &[("token", &token)]).await;
    let read = partner.json("partners/read", &[("token", &token)]).await;
    assert_eq!(read["state"], "AcceptedByYou");

    let links = owner
        .json("partners/list", &[("identity_id", &identity)])
        .await;
    assert_eq!(links[0]["partner"]["account_id"], partner_id.as_str());
    assert_eq!(links[0]["partner"]["name"], "Partner");

    // Used: another account that has the link gets nothing from it, not even the owner.
    for endpoint in ["partners/read", "partners/accept"] {
        let late = latecomer
            .error(endpoint, &[("token", &token)], StatusCode::CONFLICT)
            .await;
        assert!(conflict(&late).contains("another account"), "{late}");
    }
    // An accepted link cannot be withdrawn (it only records who the partner is).
    let id = links[0]["invitation_id"].as_str().unwrap();
    owner
        .error(
            "partners/withdraw",
            &[("invitation_id", id)],
            StatusCode::NOT_FOUND,
        )
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn nobody_else_makes_reads_or_withdraws_an_owners_links(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (owner, _) = app.new_account("Owner").await;
    let (stranger, _) = app.new_account("Stranger").await;
    let identity = identity(&owner, "owner.example").await;
    let token = make_link(&owner, &identity).await;

    stranger
        .error(
            "partners/make",
            &[("identity_id", &identity)],
            StatusCode::NOT_FOUND,
        )
        .await;
    let seen = stranger
        .json("partners/list", &[("identity_id", &identity)])
        .await;
    assert_eq!(seen, serde_json::json!([]));
    let links = owner
        .json("partners/list", &[("identity_id", &identity)])
        .await;
    let id = links[0]["invitation_id"].as_str().unwrap();
    stranger
        .error(
            "partners/withdraw",
            &[("invitation_id", id)],
            StatusCode::NOT_FOUND,
        )
        .await;
    // A viewer of the owner's own account may look but not make links.
    let viewer = app
        .add_user(&owner, "watcher", "watcher@owner.example.com", "viewer")
        .await;
    viewer
        .error(
            "partners/make",
            &[("identity_id", &identity)],
            StatusCode::FORBIDDEN,
        )
        .await;

    // Withdrawn, the link is no link at all.
    owner
        .json("partners/withdraw", &[("invitation_id", id)])
        .await;
    stranger
        .error("partners/read", &[("token", &token)], StatusCode::NOT_FOUND)
        .await;
    // Nor is a guessed one, or an absurd one.
    for guess in ["A".repeat(32), "x".repeat(10_000)] {
        stranger
            .error("partners/read", &[("token", &guess)], StatusCode::NOT_FOUND)
            .await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_link_expires_and_an_identity_has_at_most_twenty_open(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (owner, _) = app.new_account("Owner").await;
    let (partner, _) = app.new_account("Partner").await;
    let identity = identity(&owner, "owner.example").await;
    let token = make_link(&owner, &identity).await;
    sqlx::query("update partner_invitation set expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let expired = partner
        .error(
            "partners/accept",
            &[("token", &token)],
            StatusCode::CONFLICT,
        )
        .await;
    assert!(conflict(&expired).contains("expired"), "{expired}");
    // An expired link is of no use and leaves the owner's list.
    let links = owner
        .json("partners/list", &[("identity_id", &identity)])
        .await;
    assert_eq!(links, serde_json::json!([]));

    for _ in 0..20 {
        make_link(&owner, &identity).await;
    }
    let full = owner
        .error(
            "partners/make",
            &[("identity_id", &identity)],
            StatusCode::CONFLICT,
        )
        .await;
    assert!(conflict(&full).contains("20 partner links open"), "{full}");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_an_admin_accepts_for_its_account_and_sign_in_comes_back(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (owner, _) = app.new_account("Owner").await;
    let (partner, _) = app.new_account("Partner").await;
    let identity = identity(&owner, "owner.example").await;
    let token = make_link(&owner, &identity).await;
    let viewer = app
        .add_user(&partner, "reader", "reader@partner.example.com", "viewer")
        .await;
    viewer
        .error(
            "partners/accept",
            &[("token", &token)],
            StatusCode::FORBIDDEN,
        )
        .await;

    // Signing in from the link's page returns to it; an address elsewhere is not followed.
    let path = format!("/partners/{token}");
    for (next, expected) in [
        (path.as_str(), path.as_str()),
        ("//evil.example/x", "/overview"),
    ] {
        let browser = app.browser();
        let response = browser
            .call(
                "auth/sign-in",
                &[
                    ("email", "admin@partner.example.com"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.headers()["location"], expected);
    }
}

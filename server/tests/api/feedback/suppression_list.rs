//! The Suppression list page's functions: add, search, filter, remove — one account's
//! list only.

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::TestApp;

fn addresses(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["email_address"].as_str().unwrap())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn addresses_are_added_searched_and_removed_per_account(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Mine").await;
    let (other, _) = app.new_account("Theirs").await;
    for (address, reason) in [
        ("Ann@Example.com", "BOUNCE"),
        ("bob@example.org", "COMPLAINT"),
    ] {
        admin
            .json(
                "suppression/add",
                &[("email_address", address), ("reason", reason)],
            )
            .await;
    }
    let all = admin
        .json("suppression/list", &[("search", ""), ("reason", "")])
        .await;
    assert_eq!(addresses(&all), ["bob@example.org", "ann@example.com"]);
    let found = admin
        .json(
            "suppression/list",
            &[("search", "EXAMPLE.COM"), ("reason", "")],
        )
        .await;
    assert_eq!(addresses(&found), ["ann@example.com"]);
    let complaints = admin
        .json(
            "suppression/list",
            &[("search", ""), ("reason", "COMPLAINT")],
        )
        .await;
    assert_eq!(addresses(&complaints), ["bob@example.org"]);
    let error = admin
        .error(
            "suppression/add",
            &[("email_address", "not an address"), ("reason", "BOUNCE")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(error.to_string().contains("email_address"), "{error}");

    // Another account sees none of it and cannot remove it.
    let theirs = other
        .json("suppression/list", &[("search", ""), ("reason", "")])
        .await;
    assert_eq!(addresses(&theirs), Vec::<&str>::new());
    other
        .error(
            "suppression/remove",
            &[("email_address", "ann@example.com")],
            StatusCode::NOT_FOUND,
        )
        .await;

    admin
        .json(
            "suppression/remove",
            &[("email_address", "ANN@example.com")],
        )
        .await;
    let left = admin
        .json("suppression/list", &[("search", ""), ("reason", "")])
        .await;
    assert_eq!(addresses(&left), ["bob@example.org"]);
}

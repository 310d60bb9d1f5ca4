//! Account overview and per-region limits.

use sqlx::PgPool;

use crate::helpers::TestApp;

#[sqlx::test(migrations = "../migrations")]
async fn a_newly_configured_region_gets_limits_for_existing_accounts(pool: PgPool) {
    let first = TestApp::spawn(pool.clone()).await;
    let (_, account) = first.new_account("Acme").await;

    let both = TestApp::spawn_with(pool, |s| {
        s.regions = vec!["us-east-1".into(), "eu-west-1".into()]
    })
    .await;
    let browser = both.browser();
    assert_eq!(
        browser
            .sign_in("admin@acme.example.com", crate::helpers::PASSWORD)
            .await
            .status(),
        200
    );
    let overview = browser.json("account/overview", &[]).await;
    assert_eq!(overview["account_id"], account.as_str());
    let regions: Vec<&str> = overview["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    assert!(overview["regions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["sandbox"] == true));
}

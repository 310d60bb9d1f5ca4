//! The operator console's actions.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{TestApp, PASSWORD};

#[sqlx::test(migrations = "../migrations")]
async fn an_operator_disables_an_account_and_its_users_lose_access(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (user, account) = app.new_account("Acme").await;
    let operator = app.operator().await;

    operator
        .json(
            "operator/set-account-disabled",
            &[("account_id", &account), ("disabled", "true")],
        )
        .await;
    user.error("account/overview", &[], StatusCode::UNAUTHORIZED)
        .await;
    let error = app
        .browser()
        .error(
            "auth/sign-in",
            &[("email", "admin@acme.example.com"), ("password", PASSWORD)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    // As a wrong password: the answer does not tell that the password was right.
    assert_eq!(error["message"], "Incorrect email or password.");
    let accounts = operator.json("operator/accounts", &[]).await;
    assert_eq!(accounts[0]["disabled"], true);

    operator
        .json(
            "operator/set-account-disabled",
            &[("account_id", &account), ("disabled", "false")],
        )
        .await;
    assert_eq!(
        user.sign_in("admin@acme.example.com", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );

    operator
        .error(
            "operator/set-account-disabled",
            &[("account_id", "000000000000"), ("disabled", "true")],
            StatusCode::NOT_FOUND,
        )
        .await;
    let response = operator
        .call(
            "operator/set-account-disabled",
            &[("account_id", "12"), ("disabled", "true")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_operator_can_be_bootstrapped_from_configuration(pool: PgPool) {
    let configure = |s: &mut sesame::config::Settings| {
        s.bootstrap_operator = Some(sesame::config::BootstrapOperator {
            email: "Root@Platform.example.com".into(),
            password: PASSWORD.to_owned().into(),
        });
    };
    let app = TestApp::spawn_with(pool.clone(), configure).await;
    // A second start with the same configuration neither fails nor duplicates it.
    TestApp::spawn_with(pool, configure).await;
    let operators: i64 = sqlx::query_scalar("select count(*) from operator")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(operators, 1);
    let response = app
        .browser()
        .call(
            "auth/operator-sign-in",
            &[
                ("email", "root@platform.example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_requests_production_access_and_an_operator_grants_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, account) = app.new_account("Acme").await;
    let region = |overview: &serde_json::Value| overview["regions"][0].clone();
    let before = admin.json("account/overview", &[]).await;
    assert_eq!(region(&before)["sandbox"], true);
    assert_eq!(region(&before)["production_access_requested"], false);
    assert_eq!(region(&before)["sent_last_24_hours"], 0);

    let use_case =
        "Order confirmations to customers who bought from our shop; bounces are removed at once.";
    let request = [
        ("region", "us-east-1"),
        ("use_case", use_case),
        ("max_24_hour_send", "20000"),
        ("max_send_rate", "20"),
    ];
    // A request says what the account sends.
    admin
        .error(
            "account/request-production-access",
            &[
                ("region", "us-east-1"),
                ("use_case", "mail"),
                ("max_24_hour_send", "20000"),
                ("max_send_rate", "20"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    admin
        .json("account/request-production-access", &request)
        .await;
    let requested = admin.json("account/overview", &[]).await;
    assert_eq!(region(&requested)["production_access_requested"], true);
    assert_eq!(region(&requested)["production_access_use_case"], use_case);

    let operator = app.operator().await;
    let pending = operator.json("operator/access-requests", &[]).await;
    assert_eq!(pending[0]["use_case"], use_case, "{pending}");
    assert_eq!(
        (
            pending[0]["max_24_hour_send"].clone(),
            pending[0]["max_send_rate"].clone()
        ),
        (20000.0.into(), 20.0.into())
    );
    // The operator grants with its own figures.
    let grant = [
        ("account_id", account.as_str()),
        ("region", "us-east-1"),
        ("max_24_hour_send", "10000"),
        ("max_send_rate", "10"),
    ];
    operator
        .json("operator/grant-production-access", &grant)
        .await;
    let granted = admin.json("account/overview", &[]).await;
    assert_eq!(region(&granted)["sandbox"], false);
    assert_eq!(region(&granted)["production_access_requested"], false);
    assert_eq!(
        (
            region(&granted)["max_24_hour_send"].clone(),
            region(&granted)["max_send_rate"].clone()
        ),
        (10000.0.into(), 10.0.into())
    );
    assert_eq!(
        operator.json("operator/access-requests", &[]).await,
        serde_json::json!([])
    );
    // Out of the sandbox, there is nothing left to request.
    admin
        .error(
            "account/request-production-access",
            &request,
            StatusCode::CONFLICT,
        )
        .await;
    // Account users cannot grant it to themselves.
    admin
        .error(
            "operator/grant-production-access",
            &grant,
            StatusCode::UNAUTHORIZED,
        )
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_operator_declines_a_request_and_the_account_may_ask_again(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, account) = app.new_account("Acme").await;
    let request = [
        ("region", "us-east-1"),
        (
            "use_case",
            "Weekly newsletter to people who signed up on our site with double opt-in.",
        ),
        ("max_24_hour_send", "5000"),
        ("max_send_rate", "5"),
    ];
    admin
        .json("account/request-production-access", &request)
        .await;
    let operator = app.operator().await;
    let decline = [("account_id", account.as_str()), ("region", "us-east-1")];
    operator
        .json("operator/decline-production-access", &decline)
        .await;
    let overview = admin.json("account/overview", &[]).await;
    assert_eq!(overview["regions"][0]["production_access_requested"], false);
    assert_eq!(overview["regions"][0]["sandbox"], true);
    operator
        .error(
            "operator/decline-production-access",
            &decline,
            StatusCode::NOT_FOUND,
        )
        .await;
    admin
        .json("account/request-production-access", &request)
        .await;
    assert_eq!(
        operator.json("operator/access-requests", &[]).await[0]["account_id"],
        account.as_str()
    );
}

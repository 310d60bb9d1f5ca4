//! Reputation end to end: a delegate whose mail hard-bounces past the pause threshold is
//! paused by the reputation worker and refused with SES's message, told by mail, seen by the
//! operator, and sends again once reinstated; GetSendStatistics counts what happened.

use std::time::Duration;

use reqwest::StatusCode;
use sqlx::PgPool;

use app::feedback::{
    events::{record_feedback, Feedback},
    Bounce,
};

use crate::{
    delivery::{finished, receiver::Receiver, relay_to, send_to, sender},
    helpers::{ses_key, Browser, TestApp},
    sending::{
        element, granted_delegate, numbers, raise_send_rate, send, send_email, verified_domain,
        Granted,
    },
};

const PAUSED: &str = "Sending paused for this account. For more information, please check the inbox of the email address associated with your AWS account.";

/// A delegated SendEmail from `news@owner.example` under `arn` to `to`.
async fn delegated_send(
    app: &TestApp,
    key: &(String, String),
    arn: &str,
    to: &str,
) -> (StatusCode, String) {
    send(
        app,
        key,
        &[
            ("Action", "SendEmail"),
            ("Source", "news@owner.example"),
            ("SourceArn", arn),
            ("Destination.ToAddresses.member.1", to),
            ("Message.Subject.Data", "News"),
            ("Message.Body.Text.Data", "This week's news."),
        ],
    )
    .await
}

async fn status_of(pool: &PgPool, account: &str) -> String {
    sqlx::query_scalar("select enforcement_status from account_region where account_id = $1")
        .bind(account)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn wait_for_status(pool: &PgPool, account: &str, wanted: &str) {
    for _ in 0..100 {
        if status_of(pool, account).await == wanted {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{account} is {}, not {wanted}",
        status_of(pool, account).await
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_delegate_bouncing_past_ten_percent_is_paused_until_an_operator_reinstates_it(
    pool: PgPool,
) {
    let receiver = Receiver::refusing_gone().await;
    let app = TestApp::spawn_with_dns(pool, |s| {
        relay_to(&receiver)(s);
        s.reputation.assess_every_secs = 1;
        s.reputation.thresholds.min_volume = 10;
    })
    .await;
    let Granted {
        owner_account,
        delegate,
        delegate_account,
        arn,
        key,
        ..
    } = granted_delegate(&app, "ses:SendEmail").await;

    // Ten recipients, two of them bad addresses: a 20 % bounce rate over ten outcomes.
    for i in 0..10 {
        let to = if i < 2 {
            format!("gone{i}@elsewhere.example")
        } else {
            format!("reader{i}@elsewhere.example")
        };
        let (status, xml) = delegated_send(&app, &key, &arn, &to).await;
        assert_eq!(status, StatusCode::OK, "{xml}");
        finished(&app.pool, element(&xml, "MessageId").unwrap()).await;
    }
    wait_for_status(&app.pool, &delegate_account, "Paused").await;

    let (status, xml) = delegated_send(&app, &key, &arn, "reader@elsewhere.example").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{xml}");
    assert_eq!(element(&xml, "Code"), Some("MessageRejected"));
    assert_eq!(element(&xml, "Message"), Some(PAUSED));
    // The delegate's reputation, not the owner's.
    assert_eq!(status_of(&app.pool, &owner_account).await, "Healthy");

    // The history, the page's data and the admin's mail.
    let overview = delegate.json("reputation/overview", &[]).await;
    let region = &overview["regions"][0];
    assert_eq!(region["status"], "Paused", "{overview}");
    assert_eq!(region["rates"]["rated"], 10);
    assert_eq!(region["rates"]["hard_bounces"], 2);
    let change = &region["history"][0];
    assert_eq!(
        (&change["from"], &change["to"]),
        (&"Healthy".into(), &"Paused".into())
    );
    assert_eq!(change["decided_by"], "automatic");
    assert_eq!(
        change["reason"],
        "Bounce rate 20.0 % is at or above the 10.0 % pause threshold over 10 counted sends."
    );
    // The delegate's admin is told by mail, through the delivery route.
    let notice = receiver.wait_for("admin@delegate.example.com").await;
    assert!(
        notice.data.contains("Sending paused in us-east-1"),
        "{}",
        notice.data
    );
    // SES's statistics and v2 status say the same.
    let (_, stats) = send(&app, &key, &[("Action", "GetSendStatistics")]).await;
    let total = |name: &str| -> i64 { numbers(&stats, name).iter().sum() };
    assert_eq!(
        (total("DeliveryAttempts"), total("Bounces")),
        (10, 2),
        "{stats}"
    );

    // The operator sees the case and reinstates the account; it sends again.
    let operator = app.operator().await;
    let cases = operator.json("operator/review-cases", &[]).await;
    assert_eq!(cases[0]["account_id"], delegate_account.as_str(), "{cases}");
    reinstate(&operator, &delegate_account).await;
    assert_eq!(status_of(&app.pool, &delegate_account).await, "Healthy");
    let (status, xml) = delegated_send(&app, &key, &arn, "reader@elsewhere.example").await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    let history = delegate.json("reputation/overview", &[]).await["regions"][0]["history"].clone();
    assert_eq!(
        history[0]["decided_by"], "ops@platform.example.com",
        "{history}"
    );
    assert_eq!(history[0]["reason"], "Cleaned the list");
    // An account user cannot decide for itself.
    delegate
        .error(
            "operator/set-enforcement-status",
            &decision(&delegate_account, "Healthy"),
            StatusCode::UNAUTHORIZED,
        )
        .await;
}

fn decision<'a>(account: &'a str, status: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("account_id", account),
        ("region", "us-east-1"),
        ("status", status),
        ("reason", "Cleaned the list"),
    ]
}

async fn reinstate(operator: &Browser, account: &str) {
    operator
        .json(
            "operator/set-enforcement-status",
            &decision(account, "Healthy"),
        )
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_operator_pauses_an_account_by_hand(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    raise_send_rate(&app.pool, &account).await;
    let operator = app.operator().await;
    // Without a reason, nothing changes.
    operator
        .error(
            "operator/set-enforcement-status",
            &[
                ("account_id", &account),
                ("region", "us-east-1"),
                ("status", "Paused"),
                ("reason", " "),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(status_of(&app.pool, &account).await, "Healthy");
    operator
        .json(
            "operator/set-enforcement-status",
            &decision(&account, "Paused"),
        )
        .await;
    let mail = [
        ("Action", "SendEmail"),
        ("Source", "shop@owner.example"),
        (
            "Destination.ToAddresses.member.1",
            "success@simulator.amazonses.com",
        ),
        ("Message.Subject.Data", "Hi"),
        ("Message.Body.Text.Data", "Hi"),
    ];
    let (status, xml) = send(&app, &key, &mail).await;
    assert_eq!(
        (status, element(&xml, "Message")),
        (StatusCode::BAD_REQUEST, Some(PAUSED))
    );
    // The notice is the account's: another account naming the admin's address as an
    // identity does not get to read it.
    let notices = |mailbox: &[serde_json::Value]| {
        mailbox
            .iter()
            .filter(|m| m["subject"].as_str().unwrap().contains("Sending paused"))
            .count()
    };
    owner.mailbox_when(|m| notices(m) == 1).await;
    let (snoop, _) = app.new_account("Snoop").await;
    snoop
        .json(
            "identities/create-email",
            &[
                ("region", "us-east-1"),
                ("email", "admin@owner.example.com"),
            ],
        )
        .await;
    // (Its own verification mail arrives; the notice never does.)
    assert_eq!(notices(&snoop.mailbox_when(|m| !m.is_empty()).await), 0);
    // Deciding the same status again is a conflict, not a second history entry.
    operator
        .error(
            "operator/set-enforcement-status",
            &decision(&account, "Paused"),
            StatusCode::CONFLICT,
        )
        .await;
    reinstate(&operator, &account).await;
    assert_eq!(send(&app, &key, &mail).await.0, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn only_real_outcomes_count_and_a_late_bounce_counts_once(pool: PgPool) {
    let receiver = Receiver::refusing_gone().await;
    let app = TestApp::spawn_with_dns(pool, relay_to(&receiver)).await;
    let (browser, _, key) = sender(&app).await;
    browser
        .json(
            "suppression/add",
            &[
                ("email_address", "listed@elsewhere.example"),
                ("reason", "BOUNCE"),
            ],
        )
        .await;
    let to = [
        "bounce+rated@simulator.amazonses.com",
        "success@simulator.amazonses.com",
        "reader@elsewhere.example",
        "gone@elsewhere.example",
        "listed@elsewhere.example",
        "fan@elsewhere.example",
    ];
    let id = send_to(&app, &key, &to).await;
    finished(&app.pool, &id).await;
    // Later news about the delivered: a DSN for the reader (a hard bounce, but not a second
    // outcome) and an abuse report (a complaint); a not-spam report about the fan (none).
    let late = Bounce::from_dsn(Some("5.1.1"), "550 5.1.1 mailbox removed");
    for (position, feedback) in [
        (2, Feedback::Bounce(&late)),
        (2, Feedback::Complaint(Some("abuse"))),
        (5, Feedback::Complaint(Some("not-spam"))),
    ] {
        record_feedback(
            &app.pool,
            &id,
            position,
            feedback,
            "mx.elsewhere.example",
            "later",
        )
        .await
        .unwrap();
    }
    let rates = browser.json("reputation/overview", &[]).await["regions"][0]["rates"].clone();
    // Counted: the reader, the fan and the bad address; not the simulator's two, not the
    // suppressed address.
    assert_eq!(
        rates,
        serde_json::json!({"rated": 3, "hard_bounces": 2, "complaints": 1}),
        "{rates}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn statistics_older_than_two_weeks_are_forgotten(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, account) = app.new_account("Owner").await;
    sqlx::query(
        "insert into send_statistic (account_id, region, interval_start, stripe, delivery_attempts)
         values ($1, 'us-east-1', date_bin('15 minutes', now() - interval '16 days', timestamptz 'epoch'), 0, 5),
                ($1, 'us-east-1', date_bin('15 minutes', now() - interval '13 days', timestamptz 'epoch'), 0, 7)",
    )
    .bind(&account)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(app::statistics::db::forget_old(&app.pool).await.unwrap(), 1);
    let left: Vec<i64> = sqlx::query_scalar("select delivery_attempts from send_statistic")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, [7]);
}

#[sqlx::test(migrations = "../migrations")]
async fn sends_stay_in_the_statistics_after_they_leave_the_quota_window(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    raise_send_rate(&app.pool, &account).await;
    let mail = send_email("shop@owner.example", "team@owner.example");
    for _ in 0..2 {
        assert_eq!(send(&app, &key, &mail).await.0, StatusCode::OK);
    }
    // The two sends' minute leaves the 24-hour window; the next send retires it.
    sqlx::query(
        "update send_volume set minute = minute - interval '25 hours' where account_id = $1",
    )
    .bind(&account)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(send(&app, &key, &mail).await.0, StatusCode::OK);
    let (_, quota) = send(&app, &key, &[("Action", "GetSendQuota")]).await;
    assert_eq!(element(&quota, "SentLast24Hours"), Some("1.0"));
    let (_, stats) = send(&app, &key, &[("Action", "GetSendStatistics")]).await;
    // One interval a day ago with the two handed-over sends, one now with the third.
    assert_eq!(numbers(&stats, "DeliveryAttempts"), [2, 1], "{stats}");
}

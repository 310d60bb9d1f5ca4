//! The send path through the v1 API: owners send from their verified identities, delegates
//! from identities whose policies allow them (SourceArn, FromArn, X-SES headers), with SES's
//! refusals — unverified, sandbox, wrong region, AccessDenied — and an exact daily quota
//! under concurrency across two Sesame instances on one database.

use base64::{engine::general_purpose::STANDARD, Engine};
use reqwest::StatusCode;
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::helpers::{ses_call, ses_call_with, ses_form, ses_key, Browser, TestApp};

const SIMULATOR: &str = "success@simulator.amazonses.com";

/// A domain identity verified through the development DNS zone; returns its id.
async fn verified_domain(admin: &Browser, domain: &str) -> String {
    let created = admin
        .json(
            "identities/create-domain",
            &[
                ("region", "us-east-1"),
                ("domain", domain),
                ("dkim_algorithm", "ed25519-sha256"),
            ],
        )
        .await;
    let id = created["identity_id"].as_str().unwrap().to_owned();
    admin
        .json(
            "identities/dev-zone",
            &[("identity_id", &id), ("publish", "true")],
        )
        .await;
    let detail = admin
        .json("identities/check-now", &[("identity_id", &id)])
        .await;
    assert_eq!(detail["summary"]["status"], "Success", "{detail}");
    id
}

/// Sends a v1 request now; returns the status and the XML.
async fn send(
    app: &TestApp,
    key: &(String, String),
    pairs: &[(&str, &str)],
) -> (StatusCode, String) {
    ses_call(app, key, &ses_form(pairs), OffsetDateTime::now_utc()).await
}

fn send_email<'a>(source: &'a str, to: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("Action", "SendEmail"),
        ("Source", source),
        ("Destination.ToAddresses.member.1", to),
        ("Message.Subject.Data", "Hello"),
        ("Message.Body.Text.Data", "Hi there"),
    ]
}

fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))?;
    Some(&xml[start..start + end])
}

/// Lifts the default 1 recipient/second rate, so a test can send in quick succession.
async fn raise_send_rate(pool: &PgPool, account: &str) {
    sqlx::query("update account_region set max_send_rate = 1000 where account_id = $1")
        .bind(account)
        .execute(pool)
        .await
        .unwrap();
}

async fn leave_sandbox(pool: &PgPool, account: &str) {
    sqlx::query("update account_region set sandbox = false where account_id = $1")
        .bind(account)
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn owners_send_from_verified_identities_into_the_queue(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    raise_send_rate(&app.pool, &account).await;

    let (status, xml) = send(
        &app,
        &key,
        &send_email("Shop <shop@owner.example>", SIMULATOR),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    let id = element(&xml, "MessageId").unwrap();
    assert!(id.ends_with("-000000"), "{id}");
    let (sender, owner_account, source_arn, envelope_from, raw): (String, String, String, String, Vec<u8>) =
        sqlx::query_as(
            "select account_id, identity_owner, source_arn, envelope_from, raw from message where message_id = $1",
        )
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        (sender.as_str(), owner_account.as_str()),
        (account.as_str(), account.as_str())
    );
    assert_eq!(
        source_arn,
        format!("arn:aws:ses:us-east-1:{account}:identity/owner.example")
    );
    assert_eq!(envelope_from, "shop@owner.example");
    let raw = String::from_utf8(raw).unwrap();
    assert!(
        raw.contains("From: \"Shop\" <shop@owner.example>") && raw.contains("Subject: Hello"),
        "{raw}"
    );
    let recipients: Vec<String> = sqlx::query_scalar(
        "select address from message_recipient where message_id = $1 order by position",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(recipients, [SIMULATOR]);
    let (_, quota) = send(&app, &key, &[("Action", "GetSendQuota")]).await;
    assert_eq!(element(&quota, "SentLast24Hours"), Some("1.0"));

    // An address no verified identity covers.
    let (status, xml) = send(&app, &key, &send_email("shop@other.example", SIMULATOR)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(element(&xml, "Code"), Some("MessageRejected"));
    assert_eq!(
        element(&xml, "Message"),
        Some("Email address is not verified. The following identities failed the check in region US-EAST-1: shop@other.example")
    );
    // The sandbox: only verified recipients and the mailbox simulator.
    let (status, xml) = send(
        &app,
        &key,
        &send_email("shop@owner.example", "ann@customer.example"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        element(&xml, "Message")
            .unwrap()
            .ends_with("US-EAST-1: ann@customer.example"),
        "{xml}"
    );
    leave_sandbox(&app.pool, &account).await;
    let (status, xml) = send(
        &app,
        &key,
        &send_email("shop@owner.example", "ann@customer.example"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    // Nothing refused was stored.
    let stored: i64 = sqlx::query_scalar("select count(*) from message")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn delegates_send_only_where_a_policy_allows_and_x_ses_headers_are_removed(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, owner_account) = app.new_account("Owner").await;
    let (delegate, delegate_account) = app.new_account("Delegate").await;
    let identity = verified_domain(&owner, "owner.example").await;
    let key = ses_key(&delegate).await;
    raise_send_rate(&app.pool, &delegate_account).await;
    let arn = format!("arn:aws:ses:us-east-1:{owner_account}:identity/owner.example");
    let raw = format!(
        "X-SES-SOURCE-ARN: {arn}\r\nFrom: News <news@owner.example>\r\nTo: {SIMULATOR}\r\nSubject: Offers\r\n\r\nBody\r\n"
    );
    let data = STANDARD.encode(&raw);
    let raw_send = [
        ("Action", "SendRawEmail"),
        ("RawMessage.Data", data.as_str()),
    ];

    let (status, xml) = send(&app, &key, &raw_send).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{xml}");
    assert_eq!(element(&xml, "Code"), Some("AccessDenied"));
    assert_eq!(
        element(&xml, "Message").unwrap().replace("&apos;", "'"),
        format!("User `arn:aws:iam::{delegate_account}:user/admin' is not authorized to perform `ses:SendRawEmail' on resource `{arn}'")
    );

    let policy = format!(
        r#"{{"Statement": [{{"Sid": "News", "Effect": "Allow", "Principal": {{"AWS": "{delegate_account}"}}, "Action": "ses:SendRawEmail", "Resource": "{arn}", "Condition": {{"StringLike": {{"ses:FromAddress": "news@owner.example"}}}}}}]}}"#
    );
    owner
        .json(
            "policies/put",
            &[
                ("identity_id", &identity),
                ("name", "delegate"),
                ("document", &policy),
                ("replace", "false"),
            ],
        )
        .await;
    let (status, xml) = send(&app, &key, &raw_send).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    let id = element(&xml, "MessageId").unwrap();
    let (sender, identity_owner, from_arn, stored): (String, String, String, Vec<u8>) =
        sqlx::query_as(
            "select account_id, identity_owner, from_arn, raw from message where message_id = $1",
        )
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        (sender, identity_owner),
        (delegate_account.clone(), owner_account.clone())
    );
    assert_eq!(from_arn, arn, "SourceArn alone authorizes From too");
    let stored = String::from_utf8(stored).unwrap();
    assert!(!stored.to_ascii_lowercase().contains("x-ses-"), "{stored}");
    assert!(
        stored.starts_with("From: News <news@owner.example>\r\n"),
        "{stored}"
    );

    // The policy's condition: another From address of the domain is denied.
    let other = STANDARD.encode(raw.replace("news@", "ceo@"));
    let (status, _) = send(
        &app,
        &key,
        &[
            ("Action", "SendRawEmail"),
            ("RawMessage.Data", other.as_str()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Parameters win over headers: a header naming nothing useful, the parameter the grant.
    let wrong_header = STANDARD.encode(raw.replace(
        &arn,
        "arn:aws:ses:us-east-1:111122223333:identity/owner.example",
    ));
    let (status, xml) = send(
        &app,
        &key,
        &[
            ("Action", "SendRawEmail"),
            ("RawMessage.Data", wrong_header.as_str()),
            ("SourceArn", arn.as_str()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{xml}");

    // The ARN's region must be the request's.
    let elsewhere = arn.replace("us-east-1", "eu-west-1");
    let (status, xml) = send(
        &app,
        &key,
        &[
            ("Action", "SendRawEmail"),
            ("RawMessage.Data", data.as_str()),
            ("SourceArn", elsewhere.as_str()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        element(&xml, "Code"),
        Some("InvalidParameterValue"),
        "{xml}"
    );

    // Unverified recipients need both accounts out of the sandbox.
    let to_customer = STANDARD.encode(raw.replace(SIMULATOR, "ann@customer.example"));
    let customer_send = [
        ("Action", "SendRawEmail"),
        ("RawMessage.Data", to_customer.as_str()),
    ];
    leave_sandbox(&app.pool, &delegate_account).await;
    let (status, xml) = send(&app, &key, &customer_send).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{xml}");
    leave_sandbox(&app.pool, &owner_account).await;
    let (status, xml) = send(&app, &key, &customer_send).await;
    assert_eq!(status, StatusCode::OK, "{xml}");

    // The owner sees what the delegate sent as its identity: the three accepted sends.
    let activity = owner
        .json("sending/delegate-activity", &[("identity_id", &identity)])
        .await;
    assert_eq!(activity[0]["delegate_account"], delegate_account.as_str());
    assert_eq!(activity[0]["messages"], 3);
    assert_eq!(activity[0]["recipients"], 3);
    assert_eq!(activity.as_array().unwrap().len(), 1);
    // Nobody else's: the delegate has no identity of that id.
    delegate
        .error(
            "sending/delegate-activity",
            &[("identity_id", &identity)],
            StatusCode::NOT_FOUND,
        )
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn the_daily_quota_is_exact_across_concurrent_sends_and_instances(pool: PgPool) {
    // Two instances share the database and, as a deployment must, the master key.
    let master_key = Some(
        "c2VzYW1lLXRlc3QtbWFzdGVyLWtleS0zMi1ieXRlcyE="
            .to_owned()
            .into(),
    );
    let app = TestApp::spawn_with_dns(pool.clone(), |s| s.master_key = master_key.clone()).await;
    let second = TestApp::spawn_with(pool, |s| s.master_key = master_key.clone()).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    sqlx::query("update account_region set max_24_hour_send = 10, max_send_rate = 100000 where account_id = $1")
        .bind(&account)
        .execute(&app.pool)
        .await
        .unwrap();

    let sends = (0..64).map(|i| {
        let target = if i % 2 == 0 { &app } else { &second };
        let key = key.clone();
        async move { send(target, &key, &send_email("shop@owner.example", SIMULATOR)).await }
    });
    let outcomes = futures::future::join_all(sends).await;
    let accepted = outcomes
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .count();
    assert_eq!(
        accepted,
        10,
        "{:?}",
        outcomes.iter().map(|o| o.0).collect::<Vec<_>>()
    );
    for (status, xml) in outcomes.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*status, StatusCode::BAD_REQUEST);
        assert_eq!(element(xml, "Code"), Some("Throttling"), "{xml}");
        assert_eq!(
            element(xml, "Message"),
            Some("Daily message quota exceeded.")
        );
    }
    let stored: i64 =
        sqlx::query_scalar("select coalesce(sum(recipient_count), 0)::bigint from message")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, 10);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_address_a_raw_message_uses_is_authorized(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, owner_account) = app.new_account("Owner").await;
    let (delegate, delegate_account) = app.new_account("Delegate").await;
    let identity = verified_domain(&owner, "owner.example").await;
    let key = ses_key(&delegate).await;
    raise_send_rate(&app.pool, &delegate_account).await;
    let arn = format!("arn:aws:ses:us-east-1:{owner_account}:identity/owner.example");
    // The grant allows the delegate, except to competitors.
    let policy = format!(
        r#"{{"Statement": [
            {{"Effect": "Allow", "Principal": {{"AWS": "{delegate_account}"}}, "Action": "ses:SendRawEmail", "Resource": "{arn}"}},
            {{"Effect": "Deny", "Principal": {{"AWS": "{delegate_account}"}}, "Action": "ses:SendRawEmail", "Resource": "{arn}",
              "Condition": {{"ForAnyValue:StringLike": {{"ses:Recipients": "*@competitor.example"}}}}}}]}}"#
    );
    owner
        .json(
            "policies/put",
            &[
                ("identity_id", &identity),
                ("name", "grant"),
                ("document", &policy),
                ("replace", "false"),
            ],
        )
        .await;
    let raw = |headers: &str| {
        STANDARD.encode(format!(
            "{headers}To: {SIMULATOR}\r\nSubject: x\r\n\r\nBody\r\n"
        ))
    };
    let send_raw = |data: String, extra: Vec<(&'static str, String)>| {
        let key = key.clone();
        let app = &app;
        async move {
            let mut pairs = vec![
                ("Action", "SendRawEmail".to_owned()),
                ("RawMessage.Data", data),
            ];
            pairs.extend(extra);
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            send(app, &key, &pairs).await
        }
    };
    let source_arn = || vec![("SourceArn", arn.clone())];

    let (status, xml) = send_raw(raw("From: news@owner.example\r\n"), source_arn()).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    // A display name in Destinations cannot slip a recipient past the Deny.
    let (status, xml) = send_raw(
        raw("From: news@owner.example\r\n"),
        vec![
            ("SourceArn", arn.clone()),
            (
                "Destinations.member.1",
                "Boss <boss@competitor.example>".to_owned(),
            ),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{xml}");
    // Two From mailboxes (one never authorized) are refused outright.
    let (status, xml) = send_raw(
        raw("From: news@owner.example, ceo@victim.example\r\n"),
        source_arn(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{xml}");
    let (status, _) = send_raw(
        raw("From: news@owner.example\r\nFrom: ceo@victim.example\r\n"),
        source_arn(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Sender and Return-Path headers must be covered too.
    let (status, xml) = send_raw(
        raw("From: news@owner.example\r\nSender: ceo@victim.example\r\n"),
        source_arn(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{xml}");
    assert!(
        element(&xml, "Message")
            .unwrap()
            .contains("ceo@victim.example"),
        "{xml}"
    );
    let (status, xml) = send_raw(
        raw("Return-Path: <bounces@victim.example>\r\nFrom: news@owner.example\r\n"),
        source_arn(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{xml}");
    // Stored ARNs are canonical whatever case the caller wrote.
    let (status, xml) = send_raw(
        raw("From: news@owner.example\r\n"),
        vec![("SourceArn", arn.replace("owner.example", "OWNER.example"))],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    let stored: String = sqlx::query_scalar("select source_arn from message where message_id = $1")
        .bind(element(&xml, "MessageId").unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, arn);
}

#[sqlx::test(migrations = "../migrations")]
async fn sandboxed_bursts_to_verified_recipients_neither_block_nor_overrun(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    // -1: unlimited daily sends, as SES writes it.
    sqlx::query("update account_region set max_24_hour_send = -1, max_send_rate = 100000 where account_id = $1")
        .bind(&account)
        .execute(&app.pool)
        .await
        .unwrap();
    // More concurrent sends than the pool has connections, to a recipient the sandbox
    // allows only after a lookup: none may wait on another's lock for a connection.
    let sends = (0..40).map(|_| {
        let key = key.clone();
        let app = &app;
        async move {
            send(
                app,
                &key,
                &send_email("shop@owner.example", "team@owner.example"),
            )
            .await
        }
    });
    let outcomes = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        futures::future::join_all(sends),
    )
    .await
    .expect("sends finished");
    assert!(
        outcomes.iter().all(|(s, _)| *s == StatusCode::OK),
        "{:?}",
        outcomes.iter().map(|o| &o.1).collect::<Vec<_>>()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_idempotency_key_sends_once_and_quota_headers_count_down(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    raise_send_rate(&app.pool, &account).await;
    let body = ses_form(&send_email("shop@owner.example", SIMULATOR));
    let now = OffsetDateTime::now_utc;

    // Retries (even concurrent ones) with one key get one MessageId; one message is stored.
    let retries =
        (0..8).map(|_| {
            let (key, body) = (key.clone(), body.clone());
            let app = &app;
            async move {
                ses_call_with(app, &key, &body, now(), &[("idempotency-key", "order-42")]).await
            }
        });
    let outcomes = futures::future::join_all(retries).await;
    let ids: Vec<&str> = outcomes
        .iter()
        .map(|(status, _, xml)| {
            assert_eq!(*status, StatusCode::OK, "{xml}");
            element(xml, "MessageId").unwrap()
        })
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let stored: i64 = sqlx::query_scalar("select count(*) from message")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let (_, headers, _) = &outcomes[0];
    assert_eq!(headers["x-ratelimit-limit"], "200");
    assert_eq!(headers["x-ratelimit-remaining"], "199");

    // Another key is another message.
    let (status, headers, xml) =
        ses_call_with(&app, &key, &body, now(), &[("idempotency-key", "order-43")]).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    assert_ne!(element(&xml, "MessageId").unwrap(), ids[0]);
    assert_eq!(headers["x-ratelimit-remaining"], "198");
    let (status, _, _) = ses_call_with(
        &app,
        &key,
        &body,
        now(),
        &[("idempotency-key", &"k".repeat(256))],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

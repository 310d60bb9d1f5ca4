//! Who may send what: owners from their verified identities, delegates from identities
//! whose policies allow them (SourceArn, FromArn, X-SES headers), every address a message
//! uses authorized, with SES's refusals — unverified, sandbox, wrong region, AccessDenied.

use base64::{engine::general_purpose::STANDARD, Engine};
use reqwest::StatusCode;
use sqlx::PgPool;

use super::{
    element, leave_sandbox, put_policy, raise_send_rate, send, send_email, verified_domain,
    SIMULATOR,
};
use crate::helpers::{ses_key, TestApp};

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
    // The mailbox simulator's recipients do not count against the daily quota (as in SES).
    assert_eq!(element(&quota, "SentLast24Hours"), Some("0.0"));

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
    put_policy(&owner, &identity, "delegate", &policy).await;
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
        .json("delegates/activity", &[("identity_id", &identity)])
        .await;
    assert_eq!(activity[0]["delegate_account"], delegate_account.as_str());
    assert_eq!(activity[0]["messages"], 3);
    assert_eq!(activity[0]["recipients"], 3);
    assert_eq!(activity.as_array().unwrap().len(), 1);
    // Nobody else's: the delegate has no identity of that id.
    delegate
        .error(
            "delegates/activity",
            &[("identity_id", &identity)],
            StatusCode::NOT_FOUND,
        )
        .await;
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
    put_policy(&owner, &identity, "grant", &policy).await;
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

//! Delegated sending over SMTP: the same send path as the API, as `ses:SendRawEmail` with
//! `ses:ApiVersion` "2", answered with SES's SMTP replies.

use sqlx::PgPool;

use super::{delegation, stored_messages, Client};
use crate::sending::{leave_sandbox, put_policy, set_quota, SIMULATOR};

#[sqlx::test(migrations = "../migrations")]
async fn a_delegate_sends_over_starttls_and_tls_and_the_x_ses_headers_are_gone(pool: PgPool) {
    let d = delegation(pool, Some(""), |_| {}).await;
    // The delegate's own configuration set, named by the X-SES-CONFIGURATION-SET header.
    d.delegate_browser
        .json(
            "configuration-sets/create",
            &[("region", "us-east-1"), ("name", "marketing")],
        )
        .await;
    let mut client = d.session().await;
    let (code, text) = client
        .send(
            "bounces@owner.example",
            &[SIMULATOR],
            &d.message_in_set(SIMULATOR, "Over STARTTLS", "marketing"),
        )
        .await;
    assert_eq!(code, 250, "{text}");
    let message_id = text.strip_prefix("Ok ").unwrap();

    let (account, owner, from_arn, envelope_from, raw): (String, String, String, String, Vec<u8>) =
        sqlx::query_as(
            "select account_id, identity_owner, from_arn, envelope_from, raw from message where message_id = $1",
        )
        .bind(message_id)
        .fetch_one(&d.app.pool)
        .await
        .unwrap();
    assert_eq!((account, owner), (d.delegate.clone(), d.owner.clone()));
    assert_eq!(from_arn, d.identity_arn);
    // MAIL FROM is the Source, and the bounce address.
    assert_eq!(envelope_from, "bounces@owner.example");
    let (set, tags): (String, serde_json::Value) =
        sqlx::query_as("select name, tags from message_configuration_set where message_id = $1")
            .bind(message_id)
            .fetch_one(&d.app.pool)
            .await
            .unwrap();
    assert_eq!(set, "marketing");
    assert_eq!(
        tags,
        serde_json::json!({"campaign": ["weekly"], "segment": ["b"]})
    );
    let raw = String::from_utf8(raw).unwrap();
    assert!(!raw.to_ascii_lowercase().contains("x-ses-"), "{raw}");
    assert!(raw.contains("Subject: Over STARTTLS\r\n"), "{raw}");
    assert!(
        raw.contains("\r\n.A line that starts with a dot.\r\n"),
        "unstuffed: {raw}"
    );

    // TLS from the first byte, and a second message on the same connection.
    let mut client = Client::implicit_tls(d.app.smtp.tls[0], d.app.data_dir()).await;
    assert_eq!(client.auth_plain(&d.user, &d.password).await.0, 235);
    for subject in ["Over TLS", "Again"] {
        let (code, text) = client
            .send(
                "bounces@owner.example",
                &[SIMULATOR],
                &d.message(SIMULATOR, subject),
            )
            .await;
        assert_eq!(code, 250, "{text}");
    }
    assert_eq!(stored_messages(&d.app.pool).await, 3);

    // Tags are checked as SES checks them.
    let bad_tags = d
        .message_in_set(SIMULATOR, "Bad tags", "marketing")
        .replace("segment=b", "seg ment=b");
    let (code, text) = client
        .send("bounces@owner.example", &[SIMULATOR], &bad_tags)
        .await;
    assert_eq!(code, 554, "{text}");
    assert!(
        text.starts_with("Transaction failed: Invalid tag name <seg ment>"),
        "{text}"
    );
    // A configuration set the delegate does not have is refused, in SES's words.
    let unknown = d.message_in_set(SIMULATOR, "Unknown set", "missing");
    let (code, text) = client
        .send("bounces@owner.example", &[SIMULATOR], &unknown)
        .await;
    assert_eq!(
        (code, text.as_str()),
        (
            554,
            "Transaction failed: Configuration set <missing> does not exist."
        )
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn without_a_grant_the_send_is_access_denied_in_ses_words(pool: PgPool) {
    let d = delegation(pool, None, |_| {}).await;
    let mut client = d.session().await;
    let (code, text) = client
        .send(
            "news@owner.example",
            &[SIMULATOR],
            &d.message(SIMULATOR, "Hi"),
        )
        .await;
    let user_arn: String = sqlx::query_scalar(
        "select 'arn:aws:iam::' || account_id || ':user/' || name from account_user where account_id = $1",
    )
    .bind(&d.delegate)
    .fetch_one(&d.app.pool)
    .await
    .unwrap();
    assert_eq!(
        (code, text),
        (
            554,
            format!(
                "Access denied: User `{user_arn}' is not authorized to perform `ses:SendRawEmail' on resource `{}'",
                d.identity_arn
            )
        )
    );
    assert_eq!(stored_messages(&d.app.pool).await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn policies_see_smtp_as_api_version_2(pool: PgPool) {
    let only_v1 = r#","Condition":{"StringEquals":{"ses:ApiVersion":"1"}}"#;
    let d = delegation(pool, Some(only_v1), |_| {}).await;
    let mut client = d.session().await;
    let (code, _) = client
        .send(
            "news@owner.example",
            &[SIMULATOR],
            &d.message(SIMULATOR, "v1 only"),
        )
        .await;
    assert_eq!(code, 554);

    let only_v2 = super::policy(
        &d.delegate,
        &d.identity_arn,
        r#","Condition":{"StringEquals":{"ses:ApiVersion":"2"}}"#,
    );
    put_policy(&d.owner_browser, &d.identity_id, "smtp-only", &only_v2).await;
    let (code, text) = client
        .send(
            "news@owner.example",
            &[SIMULATOR],
            &d.message(SIMULATOR, "v2"),
        )
        .await;
    assert_eq!(code, 250, "{text}");
}

#[sqlx::test(migrations = "../migrations")]
async fn unverified_addresses_are_rejected_and_the_quota_throttles(pool: PgPool) {
    let d = delegation(pool, Some(""), |_| {}).await;
    let mut client = d.session().await;
    // No ARN: the delegate's own identities, and it has none.
    let own = "From: me@delegate.example\r\nTo: success@simulator.amazonses.com\r\nSubject: x\r\n\r\nx\r\n";
    let (code, text) = client.send("me@delegate.example", &[SIMULATOR], own).await;
    assert_eq!(
        (code, text.as_str()),
        (554, "Message rejected: Email address is not verified. The following identities failed the check in region US-EAST-1: me@delegate.example")
    );

    // Real recipients (the simulator's do not count against the daily quota).
    for account in [&d.owner, &d.delegate] {
        leave_sandbox(&d.app.pool, account).await;
    }
    set_quota(&d.app.pool, &d.delegate, 2.0, 1000.0).await;
    let reader = "reader@elsewhere.example";
    let message = d.message(reader, "Counted");
    let (code, _) = client
        .send(
            "news@owner.example",
            &[reader, "other@elsewhere.example"],
            &message,
        )
        .await;
    assert_eq!(code, 250);
    let (code, text) = client.send("news@owner.example", &[reader], &message).await;
    assert_eq!(
        (code, text.as_str()),
        (454, "Throttling failure: Daily message quota exceeded")
    );
    assert_eq!(stored_messages(&d.app.pool).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_key_deactivated_mid_session_stops_sending(pool: PgPool) {
    let d = delegation(pool, Some(""), |_| {}).await;
    let mut client = d.session().await;
    let (code, _) = client
        .send(
            "news@owner.example",
            &[SIMULATOR],
            &d.message(SIMULATOR, "Before"),
        )
        .await;
    assert_eq!(code, 250);
    d.delegate_browser
        .json(
            "access-keys/set-active",
            &[("access_key_id", &d.user), ("active", "false")],
        )
        .await;
    let (code, text) = client
        .send(
            "news@owner.example",
            &[SIMULATOR],
            &d.message(SIMULATOR, "After"),
        )
        .await;
    assert_eq!(
        (code, text.as_str()),
        (535, "Authentication Credentials Invalid")
    );
    assert_eq!(stored_messages(&d.app.pool).await, 1);
}

//! `relay` mode: what reaches the receiving server.

use mail_auth::{
    hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts},
    AuthenticatedMessage, DkimResult, MessageAuthenticator,
};
use reqwest::StatusCode;
use sqlx::PgPool;

use super::{finished, outcomes, receiver::Receiver, relay_to, send_to, sender};
use crate::{
    helpers::TestApp,
    sending::{element, granted_delegate, send_raw, Granted},
};

#[sqlx::test(migrations = "../migrations")]
async fn a_delegated_send_arrives_signed_with_the_owners_key_and_without_x_ses_headers(
    pool: PgPool,
) {
    let receiver = Receiver::accepting().await;
    let app = TestApp::spawn_with_dns(pool, relay_to(&receiver)).await;
    let Granted { arn, key, .. } = granted_delegate(&app, "ses:SendRawEmail").await;
    let raw = format!(
        "X-SES-SOURCE-ARN: {arn}\r\nX-SES-MESSAGE-TAGS: campaign=offers\r\nFrom: News <news@owner.example>\r\n\
         To: customer@elsewhere.example\r\nSubject: Offers\r\n\r\nThis week only.\r\n"
    );
    let (status, xml) = send_raw(&app, &key, &raw).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    let message_id = element(&xml, "MessageId").unwrap();
    assert_eq!(finished(&app.pool, message_id).await, "Delivered");

    let received = receiver.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let message = &received[0];
    assert_eq!(message.mail_from, "news@owner.example");
    assert_eq!(message.recipients, ["customer@elsewhere.example"]);
    assert!(
        message.data.starts_with("DKIM-Signature: "),
        "{}",
        message.data
    );
    assert!(message.data.contains("d=owner.example"), "{}", message.data);
    assert!(
        !message.data.to_ascii_lowercase().contains("x-ses-"),
        "{}",
        message.data
    );

    // The signature verifies against the key the owner published (through DNS, here the
    // development zone).
    let zone = app.dev_zone.unwrap();
    let mut config = ResolverConfig::new();
    config.add_name_server(NameServerConfig::new(
        zone,
        mail_auth::hickory_resolver::proto::xfer::Protocol::Udp,
    ));
    let authenticator = MessageAuthenticator::new(config, ResolverOpts::default()).unwrap();
    let parsed = AuthenticatedMessage::parse(message.data.as_bytes()).unwrap();
    let results = authenticator.verify_dkim(&parsed).await;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].result(), &DkimResult::Pass);
}

#[sqlx::test(migrations = "../migrations")]
async fn bare_line_feeds_and_lone_dots_arrive_as_exactly_one_message(pool: PgPool) {
    let receiver = Receiver::accepting().await;
    let app = TestApp::spawn_with_dns(pool, relay_to(&receiver)).await;
    let (_, _, key) = sender(&app).await;
    // A body that, sent as it is, would end DATA at a lenient server and smuggle a second
    // message in.
    let raw = "From: shop@owner.example\nTo: one@elsewhere.example\nSubject: Smuggle\n\nfirst\n.\nMAIL FROM:<ceo@owner.example>\r\nRCPT TO:<victim@elsewhere.example>\r\nDATA\r\nsmuggled\r\n.\r\nlast\r.\n";
    let (status, xml) = send_raw(&app, &key, raw).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    finished(&app.pool, element(&xml, "MessageId").unwrap()).await;

    let received = receiver.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(receiver.data_commands(), 1);
    let body = &received[0].data;
    assert!(
        body.contains("\r\nfirst\r\n.\r\nMAIL FROM:<ceo@owner.example>\r\n"),
        "{body}"
    );
    assert!(
        body.contains("\r\nsmuggled\r\n.\r\nlast\r\n.\r\n"),
        "{body}"
    );
    assert!(!body.replace("\r\n", "").contains(['\r', '\n']), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_mailbox_simulator_never_reaches_the_relay(pool: PgPool) {
    let receiver = Receiver::accepting().await;
    let app = TestApp::spawn_with_dns(pool, relay_to(&receiver)).await;
    let (_, _, key) = sender(&app).await;
    let message_id = send_to(
        &app,
        &key,
        &[
            "success@simulator.amazonses.com",
            "bounce+run1@simulator.amazonses.com",
            "ooto@simulator.amazonses.com",
            "suppressionlist@simulator.amazonses.com",
        ],
    )
    .await;
    assert_eq!(finished(&app.pool, &message_id).await, "PartiallyDelivered");
    let found = outcomes(&app.pool, &message_id).await;
    let summary: Vec<(&str, &str, Option<&str>)> = found
        .iter()
        .map(|(_, status, _, bounce, reply)| {
            (
                status.as_str(),
                reply.as_deref().unwrap_or(""),
                bounce.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("Delivered", "250 2.0.0 Ok: simulated delivery", None),
            ("Bounced", "550 5.1.1 user unknown", Some("Permanent")),
            ("Delivered", "250 2.0.0 Ok: simulated delivery", None),
            (
                "Bounced",
                "550 5.1.1 recipient address is on the suppression list",
                Some("Permanent")
            ),
        ]
    );
    assert_eq!(receiver.data_commands(), 0);
}

//! Bounces and complaints from the simulator and from a receiving server, classed; what
//! they do to the suppression list; and suppressed addresses not attempted.

use sqlx::PgPool;

use super::{events, suppressed};
use crate::{
    delivery::{
        finished, outcomes,
        receiver::{DataReply, Receiver},
        relay_to, send_to, sender,
    },
    helpers::TestApp,
};

/// (type, sub-type, status, class) of an event.
type Class = (String, Option<String>, Option<String>, Option<String>);

fn s(value: &str) -> Option<String> {
    Some(value.to_owned())
}

#[sqlx::test(migrations = "../migrations")]
async fn simulator_bounces_and_complaints_become_events_and_suppress(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |s| s.delivery.poll_ms = 50).await;
    let (_, account, key) = sender(&app).await;
    let to = [
        "bounce+run1@simulator.amazonses.com",
        "complaint@simulator.amazonses.com",
        "suppressionlist@simulator.amazonses.com",
        "success@simulator.amazonses.com",
    ];
    let id = send_to(&app, &key, &to).await;
    assert_eq!(finished(&app.pool, &id).await, "PartiallyDelivered");
    let got = events(&app.pool, &id).await;
    let complaint = loop {
        // The complaint follows the delivery.
        let got = events(&app.pool, &id).await;
        if got.iter().any(|e| e.1 == "Complaint") {
            break got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(got.len() <= complaint.len());
    assert_eq!(
        complaint,
        [
            (
                to[0].into(),
                "Bounce".into(),
                s("Permanent"),
                s("General"),
                s("5.1.1"),
                s("simulator"),
                None
            ),
            (
                to[1].into(),
                "Complaint".into(),
                None,
                None,
                None,
                None,
                s("abuse")
            ),
            (
                to[1].into(),
                "Delivery".into(),
                None,
                None,
                None,
                None,
                None
            ),
            (
                to[2].into(),
                "Bounce".into(),
                s("Permanent"),
                s("Suppressed"),
                s("5.1.1"),
                s("simulator"),
                None
            ),
            (
                to[3].into(),
                "Delivery".into(),
                None,
                None,
                None,
                None,
                None
            ),
        ]
    );
    assert_eq!(
        suppressed(&app.pool, &account).await,
        [
            (to[0].to_owned(), "BOUNCE".to_owned()),
            (to[1].to_owned(), "COMPLAINT".to_owned())
        ]
    );

    // Suppressed addresses are not attempted again: they bounce at once, whatever the case.
    let again = send_to(&app, &key, &["Bounce+Run1@simulator.amazonses.com", to[3]]).await;
    assert_eq!(finished(&app.pool, &again).await, "PartiallyDelivered");
    let recipients = outcomes(&app.pool, &again).await;
    assert_eq!(recipients[0].1, "Bounced");
    assert!(recipients[0]
        .4
        .as_deref()
        .unwrap()
        .contains("suppression list"));
    let host: String = sqlx::query_scalar(
        "select remote_host from delivery_attempt where message_id = $1 and position = 0",
    )
    .bind(&again)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(host, "sesame", "not handed to any server");
    let bounce = &events(&app.pool, &again).await[0];
    assert_eq!(
        (bounce.2.as_deref(), bounce.3.as_deref()),
        (Some("Permanent"), Some("OnAccountSuppressionList"))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn only_recipient_bounces_suppress(pool: PgPool) {
    let receiver = Receiver::start(
        |rcpt| match rcpt {
            "gone@elsewhere.example" => "550 5.1.1 <gone@elsewhere.example>: Recipient address rejected: User unknown",
            "listed@elsewhere.example" => "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
            "full@elsewhere.example" => "552 5.2.2 Mailbox full",
            _ => "250 2.1.5 Ok",
        },
        |_| DataReply::Say("250 2.0.0 Ok: queued"),
    )
    .await;
    let app = TestApp::spawn_with_dns(pool, relay_to(&receiver)).await;
    let (_, account, key) = sender(&app).await;
    let to = [
        "gone@elsewhere.example",
        "listed@elsewhere.example",
        "full@elsewhere.example",
        "fine@elsewhere.example",
    ];
    let id = send_to(&app, &key, &to).await;
    assert_eq!(finished(&app.pool, &id).await, "PartiallyDelivered");
    let classes: Vec<Class> = events(&app.pool, &id)
        .await
        .into_iter()
        .map(|e| (e.1, e.3, e.4, e.5))
        .collect();
    assert_eq!(
        classes,
        [
            ("Bounce".into(), s("General"), s("5.1.1"), s("recipient")),
            ("Bounce".into(), s("General"), s("5.7.1"), s("policy")),
            (
                "Bounce".into(),
                s("MailboxFull"),
                s("5.2.2"),
                s("recipient-transient")
            ),
            ("Delivery".into(), None, None, None),
        ]
    );
    // A blocklisted sending IP says nothing about the address; a full mailbox empties.
    assert_eq!(
        suppressed(&app.pool, &account).await,
        [("gone@elsewhere.example".to_owned(), "BOUNCE".to_owned())]
    );
    assert_eq!(receiver.received().len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_same_complaint_twice_is_one_event(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |s| s.delivery.poll_ms = 50).await;
    let (_, account, key) = sender(&app).await;
    let id = send_to(&app, &key, &["success@simulator.amazonses.com"]).await;
    finished(&app.pool, &id).await;
    let record = |kind: Option<&'static str>| {
        let (pool, id) = (app.pool.clone(), id.clone());
        async move {
            let complaint = app::feedback::events::Feedback::Complaint(kind);
            app::feedback::events::record_feedback(
                &pool,
                &id,
                0,
                complaint,
                "mx.isp.example",
                "ARF",
            )
            .await
            .unwrap()
        }
    };
    // Not a complaint about the mail: recorded, but the address stays.
    assert!(record(Some("not-spam")).await);
    assert!(
        !record(Some("abuse")).await,
        "a second report of the same complaint"
    );
    let complaints = events(&app.pool, &id)
        .await
        .into_iter()
        .filter(|e| e.1 == "Complaint")
        .count();
    assert_eq!(complaints, 1);
    assert_eq!(suppressed(&app.pool, &account).await, []);
}

/// Subjects of the mail the sink delivered to `address`.
async fn mailbox_subjects(pool: &PgPool, address: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select subject from mailbox_message where recipient = $1 order by received_at",
    )
    .bind(address)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn wait_for_subjects(pool: &PgPool, address: &str, count: usize) -> Vec<String> {
    for _ in 0..200 {
        let subjects = mailbox_subjects(pool, address).await;
        if subjects.len() >= count {
            return subjects;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{address} got {:?}", mailbox_subjects(pool, address).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn bounces_and_complaints_are_forwarded_by_email_unless_destinations_take_them(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |s| s.delivery.poll_ms = 50).await;
    let (browser, account, key) = sender(&app).await;
    let feedback_address = "shop@owner.example";

    // Forwarding on (the default): both notifications mailed to the Source.
    let id = send_to(
        &app,
        &key,
        &[
            "bounce@simulator.amazonses.com",
            "complaint@simulator.amazonses.com",
        ],
    )
    .await;
    let mut got = wait_for_subjects(&app.pool, feedback_address, 2).await;
    got.sort();
    assert_eq!(
        got,
        [
            format!("Bounce notification for message {id}"),
            format!("Complaint notification for message {id}")
        ]
    );
    let raw: Vec<u8> =
        sqlx::query_scalar("select raw from mailbox_message where recipient = $1 limit 1")
            .bind(feedback_address)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(
        raw.contains(&format!(
            "arn:aws:ses:us-east-1:{account}:identity/owner.example"
        )),
        "{raw}"
    );

    // The owner's own destination takes bounces and complaints; forwarding off.
    let identity: uuid::Uuid = sqlx::query_scalar(
        "select identity_id from identity where account_id = $1 and name = 'owner.example'",
    )
    .bind(&account)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let identity = identity.to_string();
    let added = browser
        .json(
            "identities/add-destination",
            &[
                ("identity_id", &identity),
                ("name", "ops"),
                ("email", "ops@owner.example"),
                ("bounce", "on"),
                ("complaint", "on"),
            ],
        )
        .await;
    let (status, xml) = crate::helpers::ses_call(
        &app,
        &key,
        &crate::helpers::ses_form(&[
            ("Action", "SetIdentityFeedbackForwardingEnabled"),
            ("Identity", "owner.example"),
            ("ForwardingEnabled", "false"),
        ]),
        time::OffsetDateTime::now_utc(),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{xml}");
    let second = send_to(
        &app,
        &key,
        &[
            "bounce+2@simulator.amazonses.com",
            "complaint+2@simulator.amazonses.com",
        ],
    )
    .await;
    let mut ops = wait_for_subjects(&app.pool, "ops@owner.example", 2).await;
    ops.sort();
    assert_eq!(
        ops,
        [
            format!("Bounce notification for message {second}"),
            format!("Complaint notification for message {second}")
        ]
    );

    // With no destination left, notifications are mailed to the Source whatever the
    // forwarding setting (SES's fallback).
    browser
        .json(
            "event-destinations/delete",
            &[("destination_id", added["destination_id"].as_str().unwrap())],
        )
        .await;
    let third = send_to(&app, &key, &["bounce+3@simulator.amazonses.com"]).await;
    let subjects = wait_for_subjects(&app.pool, feedback_address, 3).await;
    assert_eq!(
        subjects.len(),
        3,
        "nothing for the second message: {subjects:?}"
    );
    assert_eq!(
        subjects[2],
        format!("Bounce notification for message {third}")
    );
}

/// A recipient first reported bounced without being suppressed (a DSN about a full
/// mailbox) and then refused as unknown on delivery is suppressed: the second bounce is not
/// lost because a bounce of that recipient is already recorded.
#[sqlx::test(migrations = "../migrations")]
async fn a_suppressing_bounce_after_a_softer_one_still_suppresses(pool: PgPool) {
    use app::{
        delivery::queue::{record_attempts, Attempt, Verdict},
        feedback::{
            events::{record_feedback, Feedback},
            Bounce,
        },
    };
    let receiver = Receiver::accepting().await;
    let app = TestApp::spawn_with_dns(pool, relay_to(&receiver)).await;
    let (_, account, key) = sender(&app).await;
    let id = send_to(&app, &key, &["jane@customer.example"]).await;
    assert_eq!(finished(&app.pool, &id).await, "Delivered");

    let full = Bounce::from_dsn(Some("5.2.2"), "552 5.2.2 Mailbox full");
    assert!(!full.suppress, "a full mailbox does not suppress");
    let feedback = Feedback::Bounce(&full);
    assert!(
        record_feedback(&app.pool, &id, 0, feedback, "mx.customer.example", "full")
            .await
            .unwrap()
    );
    assert_eq!(suppressed(&app.pool, &account).await, []);

    let unknown = Bounce::from_reply(550, "5.1.1 User unknown");
    assert!(unknown.suppress);
    let attempt = Attempt {
        position: 0,
        remote_host: "mx.customer.example".to_owned(),
        reply: "550 5.1.1 User unknown".to_owned(),
        verdict: Verdict::Bounced(unknown),
    };
    record_attempts(&app.pool, &id, time::OffsetDateTime::now_utc(), &[attempt])
        .await
        .unwrap();
    assert_eq!(
        suppressed(&app.pool, &account).await,
        [("jane@customer.example".to_owned(), "BOUNCE".to_owned())]
    );
}

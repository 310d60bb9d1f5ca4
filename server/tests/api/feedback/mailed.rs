//! Feedback that comes back by mail: with a feedback domain, delivered mail leaves with a
//! Sesame bounce address; DSNs and ARF reports mailed to it become Bounce and Complaint
//! events (once, however often they arrive), and nothing else is accepted there.

use sqlx::PgPool;

use super::{events, suppressed};
use crate::{
    delivery::{finished, receiver::Receiver, relay_to, send_to, sender},
    helpers::TestApp,
    smtp::Client,
};

const DOMAIN: &str = "feedback.sesame.example";

/// (recipient, event type, status, class, feedback type).
type Feedback = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn sample(name: &str, token: &str) -> String {
    let path = format!(
        "{}/../app/wire/samples/feedback/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .unwrap()
        .replace("{TOKEN}", token)
}

/// Mails `message` to `to` at the feedback listener; the reply to the data (or to RCPT).
async fn mail(app: &TestApp, to: &str, message: &str) -> (u16, String) {
    let (mut client, greeting) = Client::plain(app.smtp.feedback[0]).await;
    assert_eq!(greeting.0, 220);
    assert_eq!(client.command("EHLO mx.customer.example").await.0, 250);
    assert_eq!(client.command("MAIL FROM:<>").await.0, 250);
    let rcpt = client.command(&format!("RCPT TO:<{to}>")).await;
    if rcpt.0 != 250 {
        return rcpt;
    }
    assert_eq!(client.command("DATA").await.0, 354);
    client
        .write(format!("{}\r\n.\r\n", message.replace("\r\n.", "\r\n..")).as_bytes())
        .await;
    client.reply().await
}

#[sqlx::test(migrations = "../migrations")]
async fn dsns_and_complaint_reports_mailed_back_become_events_once(pool: PgPool) {
    let receiver = Receiver::accepting().await;
    let app = TestApp::spawn_with_dns(pool, |s| {
        relay_to(&receiver)(s);
        s.feedback.domain = Some(DOMAIN.to_owned());
    })
    .await;
    let (_, account, key) = sender(&app).await;
    let to = [
        "jane@customer.example",
        "reader@isp.example",
        "fine@customer.example",
    ];
    let id = send_to(&app, &key, &to).await;
    assert_eq!(finished(&app.pool, &id).await, "Delivered");
    // The receiving server saw Sesame's bounce address for the message.
    let mail_from = receiver.received()[0].mail_from.clone();
    let token = mail_from
        .strip_prefix("bounce+")
        .and_then(|rest| rest.strip_suffix(&format!("@{DOMAIN}")))
        .unwrap_or_else(|| panic!("MAIL FROM {mail_from}"))
        .to_owned();
    let address = format!("bounce+{token}@{DOMAIN}");

    // A DSN, twice: one Bounce.
    for _ in 0..2 {
        assert_eq!(
            mail(&app, &address, &sample("postfix-dsn.eml", &token))
                .await
                .0,
            250
        );
    }
    // An ARF complaint about another recipient.
    assert_eq!(
        mail(&app, &address, &sample("arf-abuse.eml", &token))
            .await
            .0,
        250
    );
    // An auto-reply is taken but is not feedback.
    assert_eq!(
        mail(&app, &address, &sample("auto-reply.eml", &token))
            .await
            .0,
        250
    );

    let feedback: Vec<Feedback> = events(&app.pool, &id)
        .await
        .into_iter()
        .filter(|e| e.1 != "Delivery")
        .map(|e| (e.0, e.1, e.4, e.5, e.6))
        .collect();
    assert_eq!(
        feedback,
        [
            (
                "jane@customer.example".into(),
                "Bounce".into(),
                Some("5.1.1".into()),
                Some("recipient".into()),
                None
            ),
            (
                "reader@isp.example".into(),
                "Complaint".into(),
                None,
                None,
                Some("abuse".into())
            ),
        ]
    );
    assert_eq!(
        suppressed(&app.pool, &account).await,
        [
            ("jane@customer.example".to_owned(), "BOUNCE".to_owned()),
            ("reader@isp.example".to_owned(), "COMPLAINT".to_owned()),
        ]
    );

    // Only Sesame's bounce addresses, for messages it sent.
    let (code, _) = mail(&app, &format!("bounce+nosuchtoken@{DOMAIN}"), "x").await;
    assert_eq!(code, 550);
    let (code, _) = mail(&app, "postmaster@elsewhere.example", "x").await;
    assert_eq!(code, 550);
}

/// The feedback listener faces the Internet (port 25) with the SMTP core submission uses:
/// the same connection caps, line rules and error cap — an MTA or an attacker there gets
/// no more room than a delegate on the submission port.
#[sqlx::test(migrations = "../migrations")]
async fn the_feedback_listener_keeps_submission_s_caps_and_line_rules(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.feedback.domain = Some(DOMAIN.to_owned());
        s.feedback.max_connections_per_ip = 1;
    })
    .await;
    let addr = app.smtp.feedback[0];
    let (mut client, greeting) = Client::plain(addr).await;
    assert_eq!(greeting.0, 220);
    let (_, refused) = Client::plain(addr).await;
    assert_eq!(
        refused,
        (421, "Too many concurrent SMTP connections".to_owned())
    );

    // A CR inside a command line could make a later hop read a second command.
    client.write(b"NOOP a\rRSET\r\n").await;
    assert_eq!(
        client.reply().await,
        (500, "5.5.2 Bare CR in command".to_owned())
    );
    // The refusal did not end the conversation.
    assert_eq!(client.command("MAIL FROM:<>").await.0, 250);
    let token_of_nothing = format!("RCPT TO:<bounce+nosuchtoken@{DOMAIN}>");
    assert_eq!(client.command(&token_of_nothing).await.0, 550);
    drop(client);

    // Commands that are refused, over and over, end the conversation.
    let (mut client, _) = connect_when_free(addr).await;
    let mut replies = Vec::new();
    for _ in 0..12 {
        replies.push(client.command("BOGUS").await.0);
    }
    assert_eq!(&replies[..10], [500; 10]);
    assert_eq!(replies[10], 421, "{replies:?}");
    assert_eq!(replies[11], 0, "closed after too many errors");
}

/// Connects once the listener has noticed that the previous connection closed.
async fn connect_when_free(addr: std::net::SocketAddr) -> (Client, (u16, String)) {
    for _ in 0..50 {
        let (client, greeting) = Client::plain(addr).await;
        if greeting.0 == 220 {
            return (client, greeting);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the listener kept refusing");
}

/// A client that never gets anywhere — NOOP after NOOP — cannot keep a slot of the
/// Internet-facing listener; and STARTTLS, which it does not offer, is refused in words.
#[sqlx::test(migrations = "../migrations")]
async fn the_feedback_listener_lets_no_one_idle_on_a_slot(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.feedback.domain = Some(DOMAIN.to_owned())).await;
    let (mut client, _) = Client::plain(app.smtp.feedback[0]).await;
    let ehlo = client.command("EHLO mx.customer.example").await;
    assert!(!ehlo.1.contains("STARTTLS"), "{ehlo:?}");
    assert_eq!(
        client.command("STARTTLS").await,
        (454, "4.7.0 TLS not available".to_owned())
    );
    let mut last = (0, String::new());
    for _ in 0..99 {
        last = client.command("NOOP").await;
        if last.0 != 250 {
            break;
        }
    }
    assert_eq!(
        last,
        (
            421,
            "4.7.0 Too many commands, closing connection".to_owned()
        )
    );
    assert_eq!(client.reply().await.0, 0, "closed");
}

//! Signed webhooks: what arrives, retries with one event id, the guard, disabling,
//! redelivery and the test event.

use axum::http::StatusCode as Http;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use sha2::Sha256;
use sqlx::PgPool;

use super::{loopback_webhooks, receiver::WebhookReceiver, webhook};
use crate::{
    delivery::sender,
    helpers::{ses_call, ses_form, TestApp},
    sending::element,
};

fn verify_signature(key: &str, call: &super::receiver::Call) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(call.header("x-sesame-timestamp").as_bytes());
    mac.update(b".");
    mac.update(&call.body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    call.header("x-sesame-signature") == format!("v1={hex}")
}

/// Sends to `to` with `ConfigurationSetName`; the status and the XML.
async fn send_with_set(
    app: &TestApp,
    key: &(String, String),
    set: &str,
    to: &str,
) -> (StatusCode, String) {
    let form = ses_form(&[
        ("Action", "SendEmail"),
        ("Source", "shop@owner.example"),
        ("Destination.ToAddresses.member.1", to),
        ("Message.Subject.Data", "Order"),
        ("Message.Body.Text.Data", "Shipped"),
        ("ConfigurationSetName", set),
        ("Tags.member.1.Name", "campaign"),
        ("Tags.member.1.Value", "spring"),
    ]);
    ses_call(app, key, &form, time::OffsetDateTime::now_utc()).await
}

#[sqlx::test(migrations = "../migrations")]
async fn events_arrive_signed_and_failures_are_retried_with_the_same_event_id(pool: PgPool) {
    // The receiver is down for the first two calls.
    let receiver = WebhookReceiver::start(|n| {
        if n < 2 {
            Http::INTERNAL_SERVER_ERROR
        } else {
            Http::OK
        }
    })
    .await;
    let app = TestApp::spawn_with_dns(pool, loopback_webhooks).await;
    let (browser, account, key) = sender(&app).await;
    let (destination, signing_key) =
        webhook(&browser, "orders", &receiver.url(), &["bounce"]).await;

    let (status, xml) =
        send_with_set(&app, &key, "no-such-set", "bounce@simulator.amazonses.com").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(element(&xml, "Code"), Some("ConfigurationSetDoesNotExist"));
    assert_eq!(
        element(&xml, "Message"),
        Some("Configuration set &lt;no-such-set&gt; does not exist.")
    );

    let (status, xml) =
        send_with_set(&app, &key, "orders", "bounce+hook@simulator.amazonses.com").await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    let message_id = element(&xml, "MessageId").unwrap();
    let calls = receiver.wait_for(|calls| calls.len() >= 3).await;
    // One event, three attempts, one id.
    let ids: Vec<&str> = calls
        .iter()
        .map(|c| c.header("x-sesame-event-id"))
        .collect();
    assert!(
        ids.iter().all(|id| *id == ids[0] && !id.is_empty()),
        "{ids:?}"
    );
    for call in &calls {
        assert!(verify_signature(&signing_key, call), "a bad signature");
    }
    let event = calls[2].json();
    assert_eq!(event["eventType"], "Bounce");
    assert_eq!(event["eventId"], ids[0]);
    assert_eq!(event["mail"]["messageId"], message_id);
    assert_eq!(event["mail"]["sendingAccountId"], account);
    assert_eq!(
        event["mail"]["sourceArn"],
        format!("arn:aws:ses:us-east-1:{account}:identity/owner.example")
    );
    assert_eq!(event["mail"]["tags"]["ses:configuration-set"][0], "orders");
    assert_eq!(event["mail"]["tags"]["campaign"][0], "spring");
    assert_eq!(event["bounce"]["bounceType"], "Permanent");
    assert_eq!(
        event["bounce"]["bouncedRecipients"][0]["emailAddress"],
        "bounce+hook@simulator.amazonses.com"
    );

    // The destination's page shows the delivery with each attempt.
    let detail = browser
        .json(
            "event-destinations/get",
            &[("destination_id", &destination)],
        )
        .await;
    let delivery = &detail["deliveries"][0];
    assert_eq!(delivery["status"], "Delivered");
    let statuses: Vec<i64> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["http_status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, [500, 500, 200]);
    assert_eq!(delivery["attempts"][2]["response"], "noted");
    // Another account cannot see it.
    let (stranger, _) = app.new_account("Stranger").await;
    stranger
        .error(
            "event-destinations/get",
            &[("destination_id", &destination)],
            StatusCode::NOT_FOUND,
        )
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn internal_urls_are_refused_when_saved_and_when_called(pool: PgPool) {
    let receiver = WebhookReceiver::start(|_| Http::OK).await;
    // No exemption for loopback: the production rules.
    let app = TestApp::spawn_with_dns(pool, |s| {
        s.webhooks.allow_http = true;
        s.webhooks.poll_ms = 50;
        s.delivery.poll_ms = 50;
    })
    .await;
    let (browser, _, key) = sender(&app).await;
    browser
        .json(
            "configuration-sets/create",
            &[("region", "us-east-1"), ("name", "orders")],
        )
        .await;
    for url in [
        receiver.url(),
        "http://169.254.169.254/latest/meta-data".to_owned(),
        "http://[::ffff:127.0.0.1]/hook".to_owned(),
        "http://2130706433/hook".to_owned(),
        "gopher://example.com/".to_owned(),
    ] {
        let error = browser
            .error(
                "configuration-sets/add-destination",
                &[
                    ("region", "us-east-1"),
                    ("configuration_set", "orders"),
                    ("name", "hook"),
                    ("url", &url),
                    ("bounce", "on"),
                ],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        assert!(error.to_string().contains("url"), "{url}: {error}");
    }
    // A URL that pointed somewhere public when saved and points inside now (a DNS change,
    // simulated by writing the row directly) is refused when called.
    sqlx::query(
        "insert into event_destination (destination_id, account_id, region, configuration_set, name, url, event_types, secret_nonce, secret_ciphertext)
         select gen_random_uuid(), account_id, region, name, 'sneaky', $1, '{Delivery}', '\\x00', '\\x00' from configuration_set",
    )
    .bind(receiver.url())
    .execute(&app.pool)
    .await
    .unwrap();
    let (status, _) = send_with_set(&app, &key, "orders", "success@simulator.amazonses.com").await;
    assert_eq!(status, StatusCode::OK);
    let mut response = String::new();
    for _ in 0..200 {
        if let Some(r) =
            sqlx::query_scalar::<_, String>("select response from notification_attempt limit 1")
                .fetch_optional(&app.pool)
                .await
                .unwrap()
        {
            response = r;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(response.contains("may not reach"), "{response}");
    assert!(receiver.calls().is_empty(), "the guard let a call through");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failing_destination_is_disabled_and_redelivery_brings_the_event_once_it_is_back(
    pool: PgPool,
) {
    let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&up);
    let receiver = WebhookReceiver::start(move |_| {
        if flag.load(std::sync::atomic::Ordering::SeqCst) {
            Http::OK
        } else {
            Http::SERVICE_UNAVAILABLE
        }
    })
    .await;
    let app = TestApp::spawn_with_dns(pool, |s| {
        loopback_webhooks(s);
        s.webhooks.disable_after = 3;
    })
    .await;
    let (browser, _, key) = sender(&app).await;
    let (destination, _) = webhook(&browser, "orders", &receiver.url(), &["delivery"]).await;
    let (status, _) = send_with_set(&app, &key, "orders", "success@simulator.amazonses.com").await;
    assert_eq!(status, StatusCode::OK);
    receiver.wait_for(|calls| calls.len() >= 3).await;
    let mut detail = serde_json::Value::Null;
    for _ in 0..100 {
        detail = browser
            .json(
                "event-destinations/get",
                &[("destination_id", &destination)],
            )
            .await;
        if detail["destination"]["enabled"] == false {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(detail["destination"]["enabled"], false, "{detail}");
    assert!(detail["destination"]["disabled_reason"]
        .as_str()
        .unwrap()
        .contains("3 failed deliveries in a row"));
    // Disabled: no more calls.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(receiver.calls().len(), 3);

    // The endpoint is back: enable, redeliver, and the same event arrives.
    up.store(true, std::sync::atomic::Ordering::SeqCst);
    browser
        .json(
            "event-destinations/set-enabled",
            &[("destination_id", &destination), ("enabled", "true")],
        )
        .await;
    let notification = detail["deliveries"][0]["notification_id"]
        .as_str()
        .unwrap()
        .to_owned();
    browser
        .json(
            "event-destinations/redeliver",
            &[("notification_id", &notification)],
        )
        .await;
    let calls = receiver
        .wait_for(|calls| {
            calls
                .iter()
                .any(|c| c.json()["eventType"] == "Delivery" && calls.len() > 3)
        })
        .await;
    let ids: std::collections::HashSet<&str> = calls
        .iter()
        .map(|c| c.header("x-sesame-event-id"))
        .collect();
    assert_eq!(ids.len(), 1, "one event throughout");

    // The test event: called now, answered on the page.
    let result = browser
        .json(
            "event-destinations/test",
            &[("destination_id", &destination)],
        )
        .await;
    assert_eq!(result["http_status"], 200);
    let last = receiver.calls().last().unwrap().clone();
    assert_eq!(last.json()["mail"]["messageId"], "test-event-000000");
}

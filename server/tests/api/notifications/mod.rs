//! Event destinations through the public surface: configuration sets named on sends,
//! events fanned out to signed webhooks with retries and the same event id, the SSRF
//! guard at save and at call, automatic disabling, redelivery and test events.

pub mod receiver;
mod webhooks;

use sesame::config::Settings;

use crate::helpers::Browser;

/// Webhooks to the tests' loopback receivers only, retried after a second.
pub fn loopback_webhooks(s: &mut Settings) {
    s.webhooks.allow_http = true;
    s.webhooks.allowed_addresses = vec!["127.0.0.1".parse().unwrap()];
    s.webhooks.retry_base_secs = 1;
    s.webhooks.retry_max_secs = 1;
    s.webhooks.poll_ms = 50;
    s.delivery.poll_ms = 50;
}

/// Creates `name` in us-east-1 with a webhook to `url` for `events`; returns the
/// destination id and its signing key.
pub async fn webhook(browser: &Browser, set: &str, url: &str, events: &[&str]) -> (String, String) {
    browser
        .json(
            "configuration-sets/create",
            &[("region", "us-east-1"), ("name", set)],
        )
        .await;
    let mut form = vec![
        ("region", "us-east-1"),
        ("configuration_set", set),
        ("name", "hook"),
        ("url", url),
    ];
    form.extend(events.iter().map(|e| (*e, "on")));
    let created = browser
        .json("configuration-sets/add-destination", &form)
        .await;
    (
        created["destination_id"].as_str().unwrap().to_owned(),
        created["signing_key"].as_str().unwrap().to_owned(),
    )
}

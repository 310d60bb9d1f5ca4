//! Calling a webhook: the payload signed with the destination's key (HMAC-SHA256 over
//! `<timestamp>.<body>`, so a receiver can check both origin and freshness), sent to the
//! address the guard checked and nowhere else, following no redirect.

use std::time::Instant;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::guard::{CheckedUrl, WebhookPolicy};

/// The answer kept in the attempt log.
const KEPT_RESPONSE: usize = 512;

/// What one call came to.
#[derive(Debug, Clone)]
pub struct CallResult {
    /// The HTTP status, if an answer came.
    pub status: Option<u16>,
    pub latency_ms: i32,
    /// The start of the answer's body, or what went wrong.
    pub response: String,
}

impl CallResult {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// A call refused before any connection (the guard).
    pub fn refused(reason: String) -> Self {
        Self {
            status: None,
            latency_ms: 0,
            response: reason,
        }
    }
}

/// `v1=<hex>`: HMAC-SHA256 with `key` over `<timestamp>.<body>`.
pub fn signature(key: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("v1={hex}")
}

/// POSTs `body` (an event's JSON) to the checked URL.
pub async fn call(
    policy: &WebhookPolicy,
    target: &CheckedUrl,
    key: &[u8],
    event_id: &str,
    event_type: &str,
    body: &[u8],
) -> CallResult {
    let started = Instant::now();
    let elapsed = || i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    let client = match reqwest::Client::builder()
        .resolve(&target.host, target.addr)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(policy.timeout)
        .user_agent("Sesame-Webhooks/1")
        .build()
    {
        Ok(client) => client,
        Err(e) => return CallResult::refused(format!("no HTTP client: {e}")),
    };
    let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let sent = client
        .post(target.url.clone())
        .header("content-type", "application/json")
        .header("x-sesame-event-id", event_id)
        .header("x-sesame-event-type", event_type)
        .header("x-sesame-timestamp", timestamp.to_string())
        .header("x-sesame-signature", signature(key, timestamp, body))
        .body(body.to_vec())
        .send()
        .await;
    let mut response = match sent {
        Ok(response) => response,
        Err(e) => {
            let reason = if e.is_timeout() {
                "no answer in time".to_owned()
            } else {
                e.to_string()
            };
            return CallResult {
                status: None,
                latency_ms: elapsed(),
                response: reason,
            };
        }
    };
    let status = response.status().as_u16();
    let mut kept = Vec::new();
    while kept.len() < KEPT_RESPONSE {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            _ => break,
        }
    }
    kept.truncate(KEPT_RESPONSE);
    CallResult {
        status: Some(status),
        latency_ms: elapsed(),
        response: String::from_utf8_lossy(&kept).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_timestamp_and_body() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
        assert_eq!(
            signature(b"key", 1_700_000_000, br#"{"a":1}"#),
            "v1=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03"
        );
        assert_ne!(
            signature(b"key", 1_700_000_001, br#"{"a":1}"#),
            signature(b"key", 1_700_000_000, br#"{"a":1}"#)
        );
    }
}

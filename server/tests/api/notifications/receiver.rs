//! A webhook receiver on loopback that records every call and answers as scripted: by
//! the number of calls before (e.g. 500 twice, then 200).

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{body::Bytes, extract::State, http::HeaderMap, http::StatusCode, routing::post, Router};

/// One call as received.
#[derive(Debug, Clone)]
pub struct Call {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Call {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

type Script = dyn Fn(usize) -> StatusCode + Send + Sync;

#[derive(Clone)]
struct Shared {
    calls: Arc<Mutex<Vec<Call>>>,
    script: Arc<Script>,
}

pub struct WebhookReceiver {
    pub addr: SocketAddr,
    calls: Arc<Mutex<Vec<Call>>>,
}

async fn hook(
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let mut calls = shared.calls.lock().unwrap();
    let status = (shared.script)(calls.len());
    calls.push(Call { headers, body });
    (status, "noted")
}

impl WebhookReceiver {
    pub async fn start(script: impl Fn(usize) -> StatusCode + Send + Sync + 'static) -> Self {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            calls: Arc::clone(&calls),
            script: Arc::new(script),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route("/hook", post(hook)).with_state(shared);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, calls }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// Waits until `done` holds for the calls so far.
    pub async fn wait_for(&self, done: impl Fn(&[Call]) -> bool) -> Vec<Call> {
        for _ in 0..400 {
            let calls = self.calls();
            if done(&calls) {
                return calls;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!(
            "the webhook never saw what the test waited for: {:?}",
            self.calls()
                .iter()
                .map(|c| c.json()["eventType"].clone())
                .collect::<Vec<_>>()
        );
    }
}

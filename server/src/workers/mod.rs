//! Background workers. They coordinate through the database (`FOR UPDATE SKIP LOCKED` and
//! leases), so any number of Sesame processes can run them side by side.
//!
//! Every background loop of a process — these jobs, the delivery and notification workers,
//! the SMTP and DNS listeners — runs under one `Workers`: at shutdown, after the HTTP server
//! has drained, they are told to stop (a loop finishes the round it is in), awaited for a
//! grace period, and only then is the database closed.

pub mod leader;
pub mod reputation;
pub mod sweeper;
pub mod verification;

use std::{future::Future, time::Duration};

use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tracing::Instrument;

/// The process's background loops, and their stop signal.
#[derive(Clone, Default)]
pub struct Workers {
    stop: CancellationToken,
    tracker: TaskTracker,
}

impl Workers {
    /// Runs `work` (given the stop signal, which it watches between rounds) in a span named
    /// after it, until it returns.
    pub fn spawn<F, Fut>(&self, name: &'static str, work: F)
    where
        F: FnOnce(CancellationToken) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let span = tracing::info_span!("worker", name);
        self.tracker.spawn(work(self.stop.clone()).instrument(span));
    }

    /// Runs `round` every `every` until the process stops; a round in progress finishes.
    pub fn every<F, Fut>(&self, name: &'static str, every: Duration, mut round: F)
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        self.spawn(name, move |stop| async move {
            let mut ticks = tokio::time::interval(every);
            while stop.run_until_cancelled(ticks.tick()).await.is_some() {
                round().await;
            }
        });
    }

    /// Runs an accept loop (it never returns) until the process stops; connections it
    /// started go on by themselves.
    pub fn listen<Fut>(&self, name: &'static str, accept_loop: Fut)
    where
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.spawn(name, move |stop| async move {
            stop.run_until_cancelled(accept_loop).await;
        });
    }

    /// Tells every loop to stop and waits up to `grace` for them.
    pub async fn stop(&self, grace: Duration) {
        self.stop.cancel();
        self.tracker.close();
        if tokio::time::timeout(grace, self.tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!(?grace, "background workers still running at shutdown");
        }
    }
}

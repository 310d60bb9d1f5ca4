//! The shutdown signal: SIGINT (Ctrl-C) or SIGTERM (service managers, `kill`).

use tokio::signal::unix::{self, SignalKind};

/// Resolves when the process is asked to stop.
pub async fn signal() {
    let mut term = unix::signal(SignalKind::terminate()).expect("installing a SIGTERM handler");
    let mut int = unix::signal(SignalKind::interrupt()).expect("installing a SIGINT handler");
    tokio::select! {
        _ = term.recv() => tracing::info!("received SIGTERM"),
        _ = int.recv() => tracing::info!("received SIGINT"),
    }
}

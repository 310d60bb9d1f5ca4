//! Group commit. A send's durable part is short but ends in a WAL flush; committing each
//! send alone makes every send pay a transaction and a round trip of its own. Instead the
//! sends waiting at one moment go to Postgres together — one `accept_messages` call, one
//! transaction — and each gets its own decision back. Nothing waits on purpose: a batch is
//! whatever queued while the previous one was committing, so a lone send goes at once.

use std::sync::Arc;

use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot, Mutex};

use super::{
    db::{accept_messages, Decision, NewMessage},
    outgoing::Idempotency,
};

/// Sends per batch at most (bounds the statement's size and the locks one batch holds).
const MAX_BATCH: usize = 64;
/// Batches in flight at once: while one commits, the next gathers.
const COMMITTERS: usize = 2;
/// Sends waiting for a batch at most: past it (the database has stalled) a send is turned
/// away at once instead of queueing in memory without end.
const MAX_WAITING: usize = 4096;

type Reply = oneshot::Sender<Result<Decision, Arc<sqlx::Error>>>;

/// Why a send was not decided.
#[derive(Debug)]
pub enum CommitError {
    /// As many sends as may wait are waiting already.
    Busy,
    Database(Arc<sqlx::Error>),
}

struct Pending {
    message: NewMessage,
    idempotency: Option<Idempotency>,
    reply: Reply,
}

/// Hands sends to the committer tasks. Cheap to clone.
#[derive(Clone)]
pub struct Committer {
    queue: mpsc::Sender<Pending>,
}

impl Committer {
    /// Starts the committer tasks on the current runtime.
    pub fn start(pool: PgPool) -> Self {
        let (queue, waiting) = mpsc::channel(MAX_WAITING);
        let waiting = Arc::new(Mutex::new(waiting));
        for _ in 0..COMMITTERS {
            tokio::spawn(commit_batches(pool.clone(), Arc::clone(&waiting)));
        }
        Self { queue }
    }

    /// Decides the send and, if it is accepted, commits it; returns once it is durable.
    pub async fn accept(
        &self,
        message: NewMessage,
        idempotency: Option<Idempotency>,
    ) -> Result<Decision, CommitError> {
        let (reply, decided) = oneshot::channel();
        let pending = Pending {
            message,
            idempotency,
            reply,
        };
        let closed = || CommitError::Database(Arc::new(sqlx::Error::PoolClosed));
        self.queue.try_send(pending).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => CommitError::Busy,
            mpsc::error::TrySendError::Closed(_) => closed(),
        })?;
        decided
            .await
            .map_err(|_| closed())?
            .map_err(CommitError::Database)
    }
}

async fn commit_batches(pool: PgPool, waiting: Arc<Mutex<mpsc::Receiver<Pending>>>) {
    loop {
        let batch = {
            let mut waiting = waiting.lock().await;
            let Some(first) = waiting.recv().await else {
                return;
            };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match waiting.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            batch
        };
        let sends: Vec<(&NewMessage, Option<&Idempotency>)> = batch
            .iter()
            .map(|p| (&p.message, p.idempotency.as_ref()))
            .collect();
        match accept_messages(&pool, &sends).await {
            Ok(decisions) => {
                for (pending, decision) in batch.into_iter().zip(decisions) {
                    let _ = pending.reply.send(Ok(decision));
                }
            }
            // The transaction rolled back: none of these sends was stored. One send's fault
            // (a value the database refuses) must not fail the others: each is tried alone.
            Err(_) if batch.len() > 1 => {
                for pending in batch {
                    let one = [(&pending.message, pending.idempotency.as_ref())];
                    let decided = accept_messages(&pool, &one)
                        .await
                        .and_then(|d| d.into_iter().next().ok_or(sqlx::Error::RowNotFound))
                        .map_err(Arc::new);
                    let _ = pending.reply.send(decided);
                }
            }
            Err(e) => {
                let e = Arc::new(e);
                for pending in batch {
                    let _ = pending.reply.send(Err(Arc::clone(&e)));
                }
            }
        }
    }
}

//! SMTP into Sesame. The core every listener shares — accepting under connection caps, the
//! PROXY header, TLS, and a conversation of timed, length-limited lines answered in order
//! (`listener`, `conversation`, `reply`, `limits`) — and the submission service delegate
//! senders use (`submission`). The feedback listener (`crate::feedback`) is the other
//! service on the same core.

pub mod conversation;
pub(crate) mod limits;
pub mod listener;
pub mod reply;
mod submission;

use std::net::SocketAddr;

pub use submission::{settings::SmtpSettings, tls, Submission};

/// Where the SMTP listeners are bound: submission, and the feedback listener.
#[derive(Debug, Clone, Default)]
pub struct SmtpAddrs {
    pub starttls: Vec<SocketAddr>,
    pub tls: Vec<SocketAddr>,
    pub feedback: Vec<SocketAddr>,
}

//! The feedback listener's side of an SMTP conversation with an MTA returning a bounce or
//! a complaint: no AUTH (bounces come from anywhere), but only Sesame's own bounce
//! addresses are accepted as recipients. The line rules, caps and refusals are the shared
//! core's (`crate::smtp::conversation`).

use std::{borrow::Cow, sync::Arc};

use app::feedback::return_path;
use sesame_wire::feedback_report as report;
use smtp_proto::Request;

use super::{apply::apply, FeedbackService};
use crate::smtp::{
    conversation::{Answer, Conversation, Handler, Message, Next},
    reply::Reply,
};

/// The answer while the database is away: the MTA keeps the report and tries again.
const TEMPORARY_FAILURE: &str = "4.3.0 Temporary failure, try again later";

/// Recipients per message at most (a report goes to one bounce address).
const MAX_RECIPIENTS: usize = 10;

/// One MTA's conversation.
pub struct Inbound {
    service: Arc<FeedbackService>,
    /// A MAIL FROM was given and the transaction is open.
    in_transaction: bool,
    /// The messages (by token) this transaction's recipients name.
    messages: Vec<String>,
}

impl Inbound {
    pub fn new(service: Arc<FeedbackService>) -> Self {
        Self {
            service,
            in_transaction: false,
            messages: Vec::new(),
        }
    }

    fn reset(&mut self, in_transaction: bool) {
        self.messages.clear();
        self.in_transaction = in_transaction;
    }

    async fn rcpt(&mut self, io: &mut Conversation, to: &str) -> Answer {
        if self.messages.len() >= MAX_RECIPIENTS {
            return io.reply(452, "4.5.3 Too many recipients").await;
        }
        let message = match return_path::token_of(to, &self.service.domain) {
            Some(token) => return_path::message_of(&self.service.pool, token).await,
            None => Ok(None),
        };
        match message {
            Ok(Some(message_id)) => {
                self.messages.push(message_id);
                io.reply(250, "Ok").await
            }
            Ok(None) => {
                io.refuse(
                    550,
                    format!("5.1.1 <{to}> is not a Sesame feedback address"),
                )
                .await
            }
            Err(e) => {
                tracing::error!(error = %e, "feedback listener could not look up a bounce address");
                io.reply(451, TEMPORARY_FAILURE).await
            }
        }
    }

    async fn data(&mut self, io: &mut Conversation) -> Answer {
        let targets = std::mem::take(&mut self.messages);
        self.reset(false);
        let raw = match io.data(self.service.max_message_bytes).await? {
            Message::Received(raw) => raw,
            Message::Refused(next) => return Ok(next),
        };
        let parsed = report::parse(&raw);
        for message_id in targets {
            if let Err(e) = apply(&self.service.pool, &message_id, &parsed).await {
                tracing::error!(error = %e, "feedback listener could not record a report");
                return io.reply(451, TEMPORARY_FAILURE).await;
            }
        }
        io.progressed();
        if parsed == report::Report::NotFeedback {
            tracing::info!(client = %io.client, "mail at a bounce address that is neither a DSN nor a complaint report");
        }
        io.reply(250, "Ok").await
    }
}

impl Handler for Inbound {
    fn greeting(&self) -> Reply {
        Reply::new(
            220,
            format!("{} ESMTP Sesame feedback", self.service.domain),
        )
    }

    async fn command(&mut self, io: &mut Conversation, request: Request<Cow<'_, str>>) -> Answer {
        let host = self.service.domain.clone();
        match request {
            Request::Ehlo { .. } => {
                self.reset(false);
                let lines = [
                    host,
                    "8BITMIME".into(),
                    format!("SIZE {}", self.service.max_message_bytes),
                    "Ok".into(),
                ];
                io.send(&Reply::multiline(250, lines)).await?;
                Ok(Next::Continue)
            }
            Request::Helo { .. } => io.reply(250, host).await,
            // Bounces come from the null sender; anything is accepted here.
            Request::Mail { .. } => {
                self.reset(true);
                io.reply(250, "Ok").await
            }
            Request::Rcpt { to } if self.in_transaction => self.rcpt(io, &to.address).await,
            Request::Data if !self.messages.is_empty() => self.data(io).await,
            Request::Rcpt { .. } | Request::Data => {
                io.refuse(503, "5.5.1 Bad sequence of commands").await
            }
            Request::Rset => {
                self.reset(false);
                io.reply(250, "Ok").await
            }
            Request::Noop { .. } => io.reply(250, "Ok").await,
            Request::Quit => io.close(221, "Bye").await,
            // Answered by the core: 454 while this listener has no certificate.
            Request::StartTls => Ok(Next::StartTls),
            _ => io.refuse(502, "5.5.1 Command not implemented").await,
        }
    }

    fn restart(&mut self) {
        self.reset(false);
    }
}

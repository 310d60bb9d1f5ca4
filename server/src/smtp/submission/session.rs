//! One submission conversation, command by command: EHLO, STARTTLS (or TLS from the first
//! byte), AUTH PLAIN/LOGIN only under TLS, then MAIL FROM / RCPT TO / DATA into the shared
//! send path. Pipelining is not offered; commands are answered in order.

use std::{borrow::Cow, sync::Arc};

use smtp_proto::Request;

mod auth;

use app::access_keys::principal::KeyPrincipal;

use super::{
    submit::{submit, Envelope},
    SubmissionService,
};
use crate::smtp::{
    conversation::{Answer, Conversation, Handler, Message, Next},
    reply::Reply,
};

const AUTHENTICATION_REQUIRED: &str = "Authentication required";
const NEED_MAIL: &str = "5.5.1 Need MAIL command first";

/// SES's limit on recipients per message.
const MAX_RECIPIENTS: usize = app::sending::accept::MAX_RECIPIENTS;
/// Failed AUTH attempts on one connection before it is closed.
const MAX_AUTH_FAILURES: u32 = 3;
/// Commands a client may give before authenticating (greeting, TLS and AUTH need a
/// handful): an unauthenticated client must not hold a connection slot for ever.
const MAX_UNAUTHENTICATED_COMMANDS: u32 = 20;

pub struct Session {
    shared: Arc<SubmissionService>,
    greeted: bool,
    user: Option<KeyPrincipal>,
    mail_from: Option<String>,
    recipients: Vec<String>,
    auth_failures: u32,
    /// Commands so far.
    commands: u32,
}

impl Handler for Session {
    fn greeting(&self) -> Reply {
        Reply::new(220, format!("{} ESMTP Sesame", self.shared.hostname))
    }

    async fn command(&mut self, io: &mut Conversation, request: Request<Cow<'_, str>>) -> Answer {
        self.commands = self.commands.saturating_add(1);
        if self.user.is_none() && self.commands > MAX_UNAUTHENTICATED_COMMANDS {
            return io
                .close(
                    421,
                    "4.7.0 Too many commands without authentication, closing connection",
                )
                .await;
        }
        match request {
            Request::Ehlo { host } => self.ehlo(io, &host, true).await,
            Request::Helo { host } => self.ehlo(io, &host, false).await,
            Request::StartTls if io.tls => io.refuse(503, "5.5.1 TLS already active").await,
            Request::StartTls => Ok(Next::StartTls),
            Request::Auth {
                mechanism,
                initial_response,
            } => self.auth(io, mechanism, initial_response).await,
            Request::Mail { from } => self.mail(io, from.address, from.size).await,
            Request::Rcpt { to } => self.rcpt(io, to.address).await,
            Request::Data => self.data(io).await,
            Request::Rset => {
                self.reset();
                io.reply(250, "Ok").await
            }
            Request::Noop { .. } => io.reply(250, "Ok").await,
            Request::Quit => io.close(221, "Bye").await,
            Request::Vrfy { .. } | Request::Expn { .. } => {
                io.reply(502, "5.5.1 Command not implemented").await
            }
            Request::Help { .. } => {
                io.reply(214, "See https://www.rfc-editor.org/rfc/rfc5321")
                    .await
            }
            _ => io.refuse(502, "5.5.1 Command not implemented").await,
        }
    }

    fn restart(&mut self) {
        self.greeted = false;
        self.user = None;
        self.reset();
    }
}

impl Session {
    pub fn new(shared: Arc<SubmissionService>) -> Self {
        Self {
            shared,
            greeted: false,
            user: None,
            mail_from: None,
            recipients: Vec::new(),
            auth_failures: 0,
            commands: 0,
        }
    }

    fn reset(&mut self) {
        self.mail_from = None;
        self.recipients.clear();
    }

    async fn ehlo(&mut self, io: &mut Conversation, host: &str, extended: bool) -> Answer {
        if host.is_empty() {
            return io.refuse(501, "5.5.4 Syntax: EHLO hostname").await;
        }
        self.greeted = true;
        self.reset();
        let hostname = self.shared.hostname.clone();
        if !extended {
            return io.reply(250, hostname).await;
        }
        // RFC 4954 §4: no AUTH in the clear; STARTTLS until TLS is on.
        let security = match (io.tls, io.can_start_tls()) {
            (true, _) => Some("AUTH PLAIN LOGIN"),
            (false, true) => Some("STARTTLS"),
            (false, false) => None,
        };
        let lines = [
            Some(hostname),
            Some("8BITMIME".to_owned()),
            Some(format!("SIZE {}", self.shared.max_message_bytes)),
            security.map(str::to_owned),
            Some("Ok".to_owned()),
        ];
        io.send(&Reply::multiline(250, lines.into_iter().flatten()))
            .await?;
        Ok(Next::Continue)
    }

    async fn mail(&mut self, io: &mut Conversation, address: Cow<'_, str>, size: usize) -> Answer {
        if self.user.is_none() {
            return io.refuse(530, AUTHENTICATION_REQUIRED).await;
        }
        if self.mail_from.is_some() {
            return io.refuse(503, "5.5.1 Sender already specified").await;
        }
        if address.is_empty() || !address.contains('@') {
            return io
                .refuse(553, format!("<{address}> Invalid email address"))
                .await;
        }
        if size > self.shared.max_message_bytes {
            return io.refuse(552, "Message is too long.").await;
        }
        self.mail_from = Some(address.into_owned());
        io.reply(250, "Ok").await
    }

    async fn rcpt(&mut self, io: &mut Conversation, address: Cow<'_, str>) -> Answer {
        if self.user.is_none() {
            return io.refuse(530, AUTHENTICATION_REQUIRED).await;
        }
        if self.mail_from.is_none() {
            return io.refuse(503, NEED_MAIL).await;
        }
        if !address.contains('@') {
            return io.refuse(553, format!("<{address}> address unknown")).await;
        }
        if self.recipients.len() >= MAX_RECIPIENTS {
            return io.reply(452, "4.5.3 Too many recipients").await;
        }
        self.recipients.push(address.into_owned());
        io.reply(250, "Ok").await
    }

    async fn data(&mut self, io: &mut Conversation) -> Answer {
        let Some(user) = self.user.clone() else {
            return io.refuse(530, AUTHENTICATION_REQUIRED).await;
        };
        let Some(mail_from) = self.mail_from.clone() else {
            return io.refuse(503, NEED_MAIL).await;
        };
        if self.recipients.is_empty() {
            return io.refuse(503, "5.5.1 Need RCPT command first").await;
        }
        let envelope = Envelope {
            mail_from,
            recipients: std::mem::take(&mut self.recipients),
        };
        self.reset();
        match io.data(self.shared.max_message_bytes).await? {
            Message::Received(message) => {
                let reply = submit(&self.shared.context, &user, io.client, envelope, message).await;
                if reply.is_success() {
                    io.progressed();
                }
                io.send(&reply).await?;
                Ok(Next::Continue)
            }
            Message::Refused(next) => Ok(next),
        }
    }
}

//! One submission connection, command by command: greeting, EHLO, STARTTLS (or TLS from
//! the first byte), AUTH PLAIN/LOGIN only under TLS, then MAIL FROM / RCPT TO / DATA into
//! the shared send path. Pipelining is not offered; commands are answered in order.

use std::{borrow::Cow, net::IpAddr, sync::Arc};

use sesame_wire::smtp_lines::{Data, LineReader, ReadError};
use smtp_proto::{Error as ParseError, Request};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

mod auth;

use super::{
    credentials::SmtpUser,
    reply::{multiline, Reply},
    submit::{submit, Envelope},
    Shared,
};

pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

type Io = LineReader<Box<dyn Stream>>;

/// SES's limit on recipients per message.
const MAX_RECIPIENTS: usize = app::sending::accept::MAX_RECIPIENTS;
/// Unrecognised or out-of-order commands tolerated before the connection is closed.
const MAX_ERRORS: u32 = 10;
/// Failed AUTH attempts on one connection before it is closed.
const MAX_AUTH_FAILURES: u32 = 3;
/// Commands a client may give before authenticating (greeting, TLS and AUTH need a
/// handful): an unauthenticated client must not hold a connection slot for ever.
const MAX_UNAUTHENTICATED_COMMANDS: u32 = 20;

/// What the connection does after a command.
enum Next {
    Continue,
    StartTls,
    Close,
}

struct Session {
    shared: Arc<Shared>,
    client: IpAddr,
    tls: bool,
    greeted: bool,
    user: Option<SmtpUser>,
    mail_from: Option<String>,
    recipients: Vec<String>,
    errors: u32,
    auth_failures: u32,
    /// Commands so far.
    commands: u32,
}

/// Serves one connection until QUIT, an error, a timeout or the client leaving.
pub async fn serve(shared: Arc<Shared>, client: IpAddr, stream: Box<dyn Stream>, tls: bool) {
    let timeout = shared.timeout;
    let mut io = LineReader::new(stream, timeout);
    let mut session = Session {
        shared,
        client,
        tls,
        greeted: false,
        user: None,
        mail_from: None,
        recipients: Vec::new(),
        errors: 0,
        auth_failures: 0,
        commands: 0,
    };
    let greeting = Reply::new(220, format!("{} ESMTP Sesame", session.shared.hostname));
    if write(&mut io, &greeting.to_string()).await.is_err() {
        return;
    }
    loop {
        let next = match io.command().await {
            Ok(Some(line)) => session.command(&mut io, &line).await,
            Ok(None) => session.error(&mut io, 500, "5.5.2 Line too long").await,
            Err(ReadError::Timeout) => {
                let _ = write(&mut io, "451 Timeout waiting for data from client\r\n").await;
                Ok(Next::Close)
            }
            Err(ReadError::Closed) => Ok(Next::Close),
        };
        match next {
            Ok(Next::Continue) => {}
            Ok(Next::StartTls) => match session.start_tls(io).await {
                Some(upgraded) => io = upgraded,
                None => return,
            },
            Ok(Next::Close) | Err(_) => {
                let _ = io.get_mut().shutdown().await;
                return;
            }
        }
    }
}

/// Writes and flushes, within the session's timeout (a client that stops reading is gone).
async fn write(io: &mut Io, text: &str) -> std::io::Result<()> {
    let timeout = io.timeout();
    let stream = io.get_mut();
    tokio::time::timeout(timeout, async {
        stream.write_all(text.as_bytes()).await?;
        stream.flush().await
    })
    .await
    .map_err(|_| std::io::ErrorKind::TimedOut)?
}

type Answer = std::io::Result<Next>;

impl Session {
    async fn reply(&mut self, io: &mut Io, reply: Reply) -> Answer {
        write(io, &reply.to_string()).await?;
        Ok(Next::Continue)
    }

    /// A refused command; too many of them end the connection.
    async fn error(&mut self, io: &mut Io, code: u16, text: &str) -> Answer {
        self.errors += 1;
        if self.errors > MAX_ERRORS {
            write(io, "421 4.7.0 Too many errors, closing connection\r\n").await?;
            return Ok(Next::Close);
        }
        self.reply(io, Reply::new(code, text)).await
    }

    fn reset(&mut self) {
        self.mail_from = None;
        self.recipients.clear();
    }

    async fn command(&mut self, io: &mut Io, line: &[u8]) -> Answer {
        self.commands += 1;
        if self.user.is_none() && self.commands > MAX_UNAUTHENTICATED_COMMANDS {
            write(
                io,
                "421 4.7.0 Too many commands without authentication, closing connection\r\n",
            )
            .await?;
            return Ok(Next::Close);
        }
        if line.contains(&b'\r') {
            return self.error(io, 500, "5.5.2 Bare CR in command").await;
        }
        let terminated = [line, b"\r\n"].concat();
        let request = match Request::parse(&mut terminated.iter()) {
            Ok(request) => request,
            Err(e) => return self.parse_error(io, line, e).await,
        };
        match request {
            Request::Ehlo { host } => self.ehlo(io, &host, true).await,
            Request::Helo { host } => self.ehlo(io, &host, false).await,
            Request::StartTls if self.tls => self.error(io, 503, "5.5.1 TLS already active").await,
            Request::StartTls => {
                write(io, "220 Ready to start TLS\r\n").await?;
                Ok(Next::StartTls)
            }
            Request::Auth {
                mechanism,
                initial_response,
            } => self.auth(io, mechanism, initial_response).await,
            Request::Mail { from } => self.mail(io, from.address, from.size).await,
            Request::Rcpt { to } => self.rcpt(io, to.address).await,
            Request::Data => self.data(io).await,
            Request::Rset => {
                self.reset();
                self.reply(io, Reply::new(250, "Ok")).await
            }
            Request::Noop { .. } => self.reply(io, Reply::new(250, "Ok")).await,
            Request::Quit => {
                write(io, "221 Bye\r\n").await?;
                Ok(Next::Close)
            }
            Request::Vrfy { .. } | Request::Expn { .. } => {
                self.reply(io, Reply::new(502, "5.5.1 Command not implemented"))
                    .await
            }
            Request::Help { .. } => {
                self.reply(
                    io,
                    Reply::new(214, "See https://www.rfc-editor.org/rfc/rfc5321"),
                )
                .await
            }
            _ => self.error(io, 502, "5.5.1 Command not implemented").await,
        }
    }

    async fn parse_error(&mut self, io: &mut Io, line: &[u8], error: ParseError) -> Answer {
        // The address as the client wrote it, for SES's 553 texts.
        let text = String::from_utf8_lossy(line);
        let address = text
            .split_once('<')
            .and_then(|(_, rest)| rest.split_once('>'))
            .map_or("", |(address, _)| address);
        match error {
            ParseError::InvalidSenderAddress => {
                self.error(io, 553, &format!("<{address}> Invalid email address"))
                    .await
            }
            ParseError::InvalidRecipientAddress => {
                self.error(io, 553, &format!("<{address}> address unknown"))
                    .await
            }
            ParseError::SyntaxError { syntax } => {
                self.error(io, 501, &format!("5.5.4 Syntax: {syntax}"))
                    .await
            }
            ParseError::InvalidParameter { param } => {
                self.error(io, 501, &format!("5.5.4 Invalid parameter {param}"))
                    .await
            }
            ParseError::UnsupportedParameter { param } => {
                self.error(io, 504, &format!("5.5.4 Unsupported parameter {param}"))
                    .await
            }
            _ => self.error(io, 500, "5.5.2 Unrecognized command").await,
        }
    }

    async fn ehlo(&mut self, io: &mut Io, host: &str, extended: bool) -> Answer {
        if host.is_empty() {
            return self.error(io, 501, "5.5.4 Syntax: EHLO hostname").await;
        }
        self.greeted = true;
        self.reset();
        let hostname = self.shared.hostname.clone();
        if !extended {
            return self.reply(io, Reply::new(250, hostname)).await;
        }
        let mut lines = vec![
            hostname,
            "8BITMIME".to_owned(),
            format!("SIZE {}", self.shared.max_message_bytes),
        ];
        // RFC 4954 §4: no AUTH in the clear; STARTTLS until TLS is on.
        lines.push(
            if self.tls {
                "AUTH PLAIN LOGIN"
            } else {
                "STARTTLS"
            }
            .to_owned(),
        );
        lines.push("Ok".to_owned());
        write(io, &multiline(250, &lines)).await?;
        Ok(Next::Continue)
    }

    /// The TLS handshake; what the client sent before it is dropped with the plain reader,
    /// and the session starts over (RFC 3207 §4.2).
    async fn start_tls(&mut self, io: Io) -> Option<Io> {
        let timeout = io.timeout();
        let plain = io.into_inner();
        let handshake = self.shared.tls.accept(plain);
        let stream = tokio::time::timeout(timeout, handshake).await.ok()?.ok()?;
        self.tls = true;
        self.greeted = false;
        self.user = None;
        self.reset();
        Some(LineReader::new(Box::new(stream), timeout))
    }

    async fn mail(&mut self, io: &mut Io, address: Cow<'_, str>, size: usize) -> Answer {
        if self.user.is_none() {
            return self.error(io, 530, "Authentication required").await;
        }
        if self.mail_from.is_some() {
            return self.error(io, 503, "5.5.1 Sender already specified").await;
        }
        if address.is_empty() || !address.contains('@') {
            return self
                .error(io, 553, &format!("<{address}> Invalid email address"))
                .await;
        }
        if size > self.shared.max_message_bytes {
            return self.error(io, 552, "Message is too long.").await;
        }
        self.mail_from = Some(address.into_owned());
        self.reply(io, Reply::new(250, "Ok")).await
    }

    async fn rcpt(&mut self, io: &mut Io, address: Cow<'_, str>) -> Answer {
        if self.user.is_none() {
            return self.error(io, 530, "Authentication required").await;
        }
        if self.mail_from.is_none() {
            return self.error(io, 503, "5.5.1 Need MAIL command first").await;
        }
        if !address.contains('@') {
            return self
                .error(io, 553, &format!("<{address}> address unknown"))
                .await;
        }
        if self.recipients.len() >= MAX_RECIPIENTS {
            return self
                .reply(io, Reply::new(452, "4.5.3 Too many recipients"))
                .await;
        }
        self.recipients.push(address.into_owned());
        self.reply(io, Reply::new(250, "Ok")).await
    }

    async fn data(&mut self, io: &mut Io) -> Answer {
        let (Some(user), Some(mail_from)) = (self.user.clone(), self.mail_from.clone()) else {
            let code = if self.user.is_none() { 530 } else { 503 };
            let text = if self.user.is_none() {
                "Authentication required"
            } else {
                "5.5.1 Need MAIL command first"
            };
            return self.error(io, code, text).await;
        };
        if self.recipients.is_empty() {
            return self.error(io, 503, "5.5.1 Need RCPT command first").await;
        }
        write(io, "354 End data with <CR><LF>.<CR><LF>\r\n").await?;
        let data = match io.data(self.shared.max_message_bytes).await {
            Ok(data) => data,
            Err(ReadError::Timeout) => {
                write(io, "451 Timeout waiting for data from client\r\n").await?;
                return Ok(Next::Close);
            }
            Err(ReadError::Closed) => return Ok(Next::Close),
        };
        let envelope = Envelope {
            mail_from,
            recipients: std::mem::take(&mut self.recipients),
        };
        self.reset();
        let reply = match data {
            Data::Message(message) => {
                submit(&self.shared.context, &user, self.client, envelope, message).await
            }
            Data::TooBig => Reply::new(552, "Message is too long."),
            Data::LineTooLong => Reply::new(
                554,
                "Transaction failed: A line of the message is longer than 1000 octets (RFC 5321).",
            ),
            Data::BareLineBreak => {
                tracing::warn!(client = %self.client, "SMTP DATA with a bare CR or LF refused");
                write(
                    io,
                    "554 5.5.2 Message refused: bare CR or LF in the data; only <CRLF>.<CRLF> ends DATA\r\n",
                )
                .await?;
                return Ok(Next::Close);
            }
        };
        self.reply(io, reply).await
    }
}

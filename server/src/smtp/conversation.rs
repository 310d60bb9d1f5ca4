//! One SMTP conversation on any of Sesame's listeners: the greeting, then command lines
//! read within the deadline, parsed (`smtp_proto`) and answered in order by the listener's
//! `Handler`, until QUIT, too many errors, a timeout or the client leaving. What every
//! listener refuses in the same words — over-long lines, a bare CR in a command, a command
//! that does not parse, DATA that breaks the line rules — is refused here, once.

use std::{borrow::Cow, future::Future, net::IpAddr, time::Duration};

use sesame_wire::smtp_lines::{Data, LineReader, ReadError};
use smtp_proto::{Error as ParseError, Request};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;

use super::reply::Reply;

pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Refused commands tolerated before the connection is closed.
const MAX_ERRORS: u32 = 10;
/// Command lines tolerated between two steps forward (an AUTH, a message taken): a client
/// must not hold a connection slot for ever with NOOPs and RSETs (Postfix's junk command
/// limit is the same). A message with SES's 50 recipients needs 53.
const MAX_COMMANDS_WITHOUT_PROGRESS: u32 = 100;
/// How long all of one message's data may take, however steadily its lines arrive (RFC
/// 5321 §4.5.3.2.6's DATA termination time).
const DATA_DEADLINE: Duration = Duration::from_secs(10 * 60);

/// What the conversation does after a command.
pub enum Next {
    Continue,
    /// The client asked for STARTTLS: the core answers (220, or 454 where TLS is not
    /// offered) and shakes hands.
    StartTls,
    Close,
}

/// A command's outcome; an I/O error ends the conversation.
pub type Answer = std::io::Result<Next>;

/// What a listener says: one `Handler` per connection.
pub trait Handler: Send {
    fn greeting(&self) -> Reply;

    /// Answers one parsed command.
    fn command(
        &mut self,
        conversation: &mut Conversation,
        request: Request<Cow<'_, str>>,
    ) -> impl Future<Output = Answer> + Send;

    /// TLS began after STARTTLS: RFC 3207 §4.2, the session starts over — every handler
    /// says how (nothing said in plain text may be taken as said under TLS).
    fn restart(&mut self);
}

/// How DATA went, once `Conversation::data` has read it.
pub enum Message {
    /// The message, dot-unstuffed, with CRLF line endings.
    Received(Vec<u8>),
    /// It was refused (and the client told); the conversation goes on like this.
    Refused(Next),
}

/// The connection as handlers see it: replies out, lines and data in.
pub struct Conversation {
    lines: LineReader<Box<dyn Stream>>,
    /// The client's address (the one a load balancer's PROXY header names).
    pub client: IpAddr,
    /// TLS is on, from the first byte or since STARTTLS.
    pub tls: bool,
    /// The acceptor STARTTLS would use; None where it is not offered.
    starttls: Option<TlsAcceptor>,
    errors: u32,
    /// Command lines since the last step forward.
    commands: u32,
}

impl Conversation {
    pub fn new(
        stream: Box<dyn Stream>,
        client: IpAddr,
        tls: bool,
        starttls: Option<TlsAcceptor>,
        timeout: Duration,
    ) -> Self {
        Self {
            lines: LineReader::new(stream, timeout),
            client,
            tls,
            starttls: if tls { None } else { starttls },
            errors: 0,
            commands: 0,
        }
    }

    /// The client moved forward (authenticated, or had a message taken): its allowance of
    /// commands starts again.
    pub fn progressed(&mut self) {
        self.commands = 0;
    }

    /// STARTTLS can be offered: TLS is not on yet and this listener has a certificate.
    pub fn can_start_tls(&self) -> bool {
        self.starttls.is_some()
    }

    /// Writes and flushes within the deadline (a client that stops reading is gone).
    pub async fn send(&mut self, reply: &Reply) -> std::io::Result<()> {
        let timeout = self.lines.timeout();
        let stream = self.lines.get_mut();
        tokio::time::timeout(timeout, async {
            stream.write_all(reply.to_string().as_bytes()).await?;
            stream.flush().await
        })
        .await
        .map_err(|_| std::io::ErrorKind::TimedOut)?
    }

    /// Sends the reply; the conversation goes on.
    pub async fn reply(&mut self, code: u16, text: impl Into<String>) -> Answer {
        self.send(&Reply::new(code, text)).await?;
        Ok(Next::Continue)
    }

    /// Sends the reply and ends the conversation.
    pub async fn close(&mut self, code: u16, text: impl Into<String>) -> Answer {
        self.send(&Reply::new(code, text)).await?;
        Ok(Next::Close)
    }

    /// A refused command; too many of them end the connection.
    pub async fn refuse(&mut self, code: u16, text: impl Into<String>) -> Answer {
        self.errors += 1;
        if self.errors > MAX_ERRORS {
            return self
                .close(421, "4.7.0 Too many errors, closing connection")
                .await;
        }
        self.reply(code, text).await
    }

    /// The next line as the client sent it (an AUTH answer); None if it was too long.
    pub async fn line(&mut self) -> Result<Option<Vec<u8>>, ReadError> {
        self.lines.command().await
    }

    /// DATA: the 354, then the message of at most `max_bytes`, or its refusal.
    pub async fn data(&mut self, max_bytes: usize) -> std::io::Result<Message> {
        self.send(&Reply::new(354, "End data with <CR><LF>.<CR><LF>"))
            .await?;
        let refused = |next: std::io::Result<Next>| next.map(Message::Refused);
        let data = tokio::time::timeout(DATA_DEADLINE, self.lines.data(max_bytes))
            .await
            .unwrap_or(Err(ReadError::Timeout));
        match data {
            Ok(Data::Message(message)) => Ok(Message::Received(message)),
            Ok(Data::TooBig) => refused(self.reply(552, "Message is too long.").await),
            Ok(Data::LineTooLong) => refused(
                self.reply(
                    554,
                    "Transaction failed: A line of the message is longer than 1000 octets (RFC 5321).",
                )
                .await,
            ),
            Ok(Data::BareLineBreak) => {
                tracing::warn!(client = %self.client, "SMTP DATA with a bare CR or LF refused");
                refused(
                    self.close(
                        554,
                        "5.5.2 Message refused: bare CR or LF in the data; only <CRLF>.<CRLF> ends DATA",
                    )
                    .await,
                )
            }
            Err(ReadError::Timeout) => refused(self.timed_out().await),
            Err(ReadError::Closed) => Ok(Message::Refused(Next::Close)),
        }
    }

    async fn timed_out(&mut self) -> Answer {
        self.close(451, "Timeout waiting for data from client")
            .await
    }

    /// The TLS handshake; what the client sent before it is dropped with the plain reader.
    async fn start_tls(mut self) -> Option<Self> {
        let Some(acceptor) = self.starttls.take() else {
            return self
                .reply(454, "4.7.0 TLS not available")
                .await
                .ok()
                .map(|_| self);
        };
        self.send(&Reply::new(220, "Ready to start TLS"))
            .await
            .ok()?;
        let timeout = self.lines.timeout();
        let handshake = acceptor.accept(self.lines.into_inner());
        let stream = tokio::time::timeout(timeout, handshake).await.ok()?.ok()?;
        Some(Self {
            lines: LineReader::new(Box::new(stream), timeout),
            client: self.client,
            tls: true,
            starttls: None,
            errors: self.errors,
            commands: self.commands,
        })
    }

    /// Closes the connection, within the deadline: a TLS client that stops reading could
    /// otherwise hold the close (its close_notify) for ever.
    async fn shut_down(mut self) {
        let timeout = self.lines.timeout();
        let _ = tokio::time::timeout(timeout, self.lines.get_mut().shutdown()).await;
    }
}

/// Serves one connection with `handler` until QUIT, an error, a timeout or the client
/// leaving.
pub async fn run(mut conversation: Conversation, handler: &mut impl Handler) {
    if conversation.send(&handler.greeting()).await.is_err() {
        return;
    }
    loop {
        conversation.commands = conversation.commands.saturating_add(1);
        if conversation.commands > MAX_COMMANDS_WITHOUT_PROGRESS {
            let _ = conversation
                .close(421, "4.7.0 Too many commands, closing connection")
                .await;
            return conversation.shut_down().await;
        }
        let next = match conversation.lines.command().await {
            Ok(Some(line)) => answer(&mut conversation, handler, &line).await,
            Ok(None) => conversation.refuse(500, "5.5.2 Line too long").await,
            Err(ReadError::Timeout) => conversation.timed_out().await,
            Err(ReadError::Closed) => Ok(Next::Close),
        };
        match next {
            Ok(Next::Continue) => {}
            Ok(Next::StartTls) => {
                let offered = conversation.can_start_tls();
                match conversation.start_tls().await {
                    Some(upgraded) => {
                        conversation = upgraded;
                        if offered {
                            handler.restart();
                        }
                    }
                    None => return,
                }
            }
            Ok(Next::Close) | Err(_) => return conversation.shut_down().await,
        }
    }
}

async fn answer(
    conversation: &mut Conversation,
    handler: &mut impl Handler,
    line: &[u8],
) -> Answer {
    if line.contains(&b'\r') {
        return conversation.refuse(500, "5.5.2 Bare CR in command").await;
    }
    let terminated = [line, b"\r\n"].concat();
    match Request::parse(&mut terminated.iter()) {
        Ok(request) => handler.command(conversation, request).await,
        Err(error) => {
            let (code, text) = parse_refusal(line, error);
            conversation.refuse(code, text).await
        }
    }
}

/// The reply to a command that does not parse, in SES's words where it has them.
fn parse_refusal(line: &[u8], error: ParseError) -> (u16, String) {
    // The address as the client wrote it, for SES's 553 texts.
    let text = String::from_utf8_lossy(line);
    let address = text
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map_or("", |(address, _)| address);
    match error {
        ParseError::InvalidSenderAddress => (553, format!("<{address}> Invalid email address")),
        ParseError::InvalidRecipientAddress => (553, format!("<{address}> address unknown")),
        ParseError::SyntaxError { syntax } => (501, format!("5.5.4 Syntax: {syntax}")),
        ParseError::InvalidParameter { param } => (501, format!("5.5.4 Invalid parameter {param}")),
        ParseError::UnsupportedParameter { param } => {
            (504, format!("5.5.4 Unsupported parameter {param}"))
        }
        _ => (500, "5.5.2 Unrecognized command".to_owned()),
    }
}

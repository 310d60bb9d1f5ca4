//! One SMTP conversation with a receiving server (a smarthost or an MX host), through
//! mail-send's client: connect, TLS as required, AUTH when configured, then MAIL FROM, a
//! RCPT TO per recipient (each answered on its own) and DATA. mail-send dot-stuffs the data
//! and ends it with `<CRLF>.<CRLF>`; the message has CRLF line endings already
//! (`sesame_wire::line_endings`), so a bare LF can never end it early.

use std::{net::SocketAddr, time::Duration};

use mail_send::{smtp::message::Parameters, Credentials, SmtpClient};
use smtp_proto::{EhloResponse, EXT_START_TLS};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpStream,
};
use tokio_rustls::TlsConnector;

use super::transport::{RecipientResult, Reply};

/// How the conversation is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte.
    Implicit,
    /// STARTTLS, and give up (4xx) on a server that does not offer it.
    RequireStarttls,
    /// STARTTLS when offered (direct delivery to MX hosts).
    Opportunistic,
    Plain,
}

/// Where to, and how.
pub struct Target<'a> {
    /// The server's name: for TLS and for the record.
    pub host: &'a str,
    pub addr: SocketAddr,
    pub security: Security,
    pub tls: &'a TlsConnector,
    pub credentials: Option<&'a Credentials<String>>,
    pub helo: &'a str,
    /// For each step (connect, every reply, the reply after DATA).
    pub timeout: Duration,
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

type Client = SmtpClient<Box<dyn Stream>>;

/// Delivers `data` to `recipients`. Err: the conversation failed before any recipient
/// could be answered (connection, TLS, greeting, AUTH) — the caller may try another host.
pub async fn send(
    target: &Target<'_>,
    from: &str,
    recipients: &[&str],
    data: &[u8],
) -> Result<Vec<RecipientResult>, Reply> {
    let mut client = open(target).await?;
    let results = transact(&mut client, from, recipients, data).await;
    // The verdicts are in; a failed goodbye changes nothing.
    let _ = client.quit().await;
    Ok(results)
}

async fn open(target: &Target<'_>) -> Result<Client, Reply> {
    let failed = |e: mail_send::Error| reply_of(e, target.host);
    let tcp = tokio::time::timeout(target.timeout, TcpStream::connect(target.addr))
        .await
        .map_err(|_| timed_out(target.host, "connecting"))?
        .map_err(|e| {
            Reply::new(
                451,
                format!("4.4.1 could not connect to {}: {e}", target.host),
            )
        })?;
    // mail-send writes the data and its final dot separately: with Nagle's algorithm the
    // dot waits for the receiver's delayed ACK (40 ms a message).
    tcp.set_nodelay(true).map_err(|e| {
        Reply::new(
            451,
            format!("4.4.1 connection to {} failed: {e}", target.host),
        )
    })?;
    let plain = SmtpClient {
        stream: tcp,
        timeout: target.timeout,
    };
    let mut client = if target.security == Security::Implicit {
        let mut client = boxed(
            plain
                .into_tls(target.tls, target.host)
                .await
                .map_err(failed)?,
        );
        greeting(&mut client, target).await?;
        client
    } else {
        let mut plain = plain;
        greeting(&mut plain, target).await?;
        let offered = plain.ehlo(target.helo).await.map_err(failed)?;
        match (target.security, offered.has_capability(EXT_START_TLS)) {
            (Security::Plain, _) | (Security::Opportunistic, false) => boxed(plain),
            (_, true) => boxed(
                plain
                    .start_tls(target.tls, target.host)
                    .await
                    .map_err(failed)?,
            ),
            (_, false) => {
                return Err(Reply::new(
                    454,
                    format!("4.7.0 {} does not offer STARTTLS", target.host),
                ))
            }
        }
    };
    let capabilities: EhloResponse<String> = client.ehlo(target.helo).await.map_err(failed)?;
    if let Some(credentials) = target.credentials {
        client
            .authenticate(credentials, &capabilities)
            .await
            .map_err(failed)?;
    }
    Ok(client)
}

fn boxed<T: Stream + 'static>(client: SmtpClient<T>) -> Client {
    SmtpClient {
        stream: Box::new(client.stream),
        timeout: client.timeout,
    }
}

async fn greeting<T: AsyncRead + AsyncWrite + Unpin>(
    client: &mut SmtpClient<T>,
    target: &Target<'_>,
) -> Result<(), Reply> {
    let reply = tokio::time::timeout(target.timeout, client.read())
        .await
        .map_err(|_| timed_out(target.host, "waiting for the greeting"))?
        .map_err(|e| reply_of(e, target.host))?;
    match reply.code {
        200..=299 => Ok(()),
        // A server that greets with 5xx refuses the whole conversation; whether it means
        // it for this message is unknowable, so it is retried like an unreachable one.
        code => Err(Reply::new(
            451,
            format!(
                "4.4.0 {} greeted with {code} {}",
                target.host, reply.message
            ),
        )),
    }
}

/// MAIL FROM, RCPT TO each recipient, DATA: one result per recipient, in order.
async fn transact(
    client: &mut Client,
    from: &str,
    recipients: &[&str],
    data: &[u8],
) -> Vec<RecipientResult> {
    let none = Parameters::default();
    let everyone = |result: RecipientResult| vec![result; recipients.len()];
    if let Err(e) = client.mail_from(from, &none).await {
        return everyone(RecipientResult::from_reply(reply_of(e, "the server")));
    }
    let mut results: Vec<Option<RecipientResult>> = vec![None; recipients.len()];
    for (index, recipient) in recipients.iter().enumerate() {
        match client.rcpt_to(recipient, &none).await {
            Ok(()) => {}
            Err(mail_send::Error::UnexpectedReply(reply)) => {
                results[index] = Some(RecipientResult::from_reply(reply_from(&reply)));
            }
            // The connection is gone: nobody not yet answered can be delivered now.
            Err(e) => {
                let deferred = RecipientResult::Deferred(reply_of(e, "the server"));
                return results
                    .into_iter()
                    .map(|r| r.unwrap_or_else(|| deferred.clone()))
                    .collect();
            }
        }
    }
    if results.iter().all(Option::is_some) {
        let _ = client.rset().await;
    } else {
        // mail-send ends the data with CRLF.CRLF itself; without this the message would
        // arrive with an extra empty line.
        let data = data.strip_suffix(b"\r\n").unwrap_or(data);
        let verdict = match client.data(data).await {
            Ok(reply) => RecipientResult::Delivered(reply_from(&reply)),
            Err(e) => RecipientResult::from_reply(reply_of(e, "the server")),
        };
        for result in results.iter_mut().filter(|r| r.is_none()) {
            *result = Some(verdict.clone());
        }
    }
    results.into_iter().flatten().collect()
}

fn reply_from(response: &smtp_proto::Response<String>) -> Reply {
    let [class, subject, detail] = response.esc;
    let text = if class == 0 {
        response.message.clone()
    } else {
        format!("{class}.{subject}.{detail} {}", response.message)
    };
    Reply::new(response.code, text)
}

/// A failure as the reply it amounts to: the server's own when it gave one, else a 4xx
/// describing what went wrong (so it is retried).
fn reply_of(error: mail_send::Error, host: &str) -> Reply {
    match error {
        mail_send::Error::UnexpectedReply(reply) => reply_from(&reply),
        // Refused credentials are a configuration problem of this Sesame, not the
        // message's: retry (the operator can fix the settings meanwhile).
        mail_send::Error::AuthenticationFailed(reply) => Reply::new(
            454,
            format!(
                "4.7.0 {host} refused the relay credentials: {}",
                reply_from(&reply)
            ),
        ),
        mail_send::Error::Timeout => timed_out(host, "waiting for a reply"),
        other => Reply::new(
            451,
            format!("4.4.0 conversation with {host} failed: {other}"),
        ),
    }
}

fn timed_out(host: &str, doing: &str) -> Reply {
    Reply::new(451, format!("4.4.2 {host}: timed out {doing}"))
}

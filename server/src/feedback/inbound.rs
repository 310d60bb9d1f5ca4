//! The feedback listener's side of an SMTP conversation with an MTA returning a bounce or
//! a complaint: no AUTH (bounces come from anywhere), but only Sesame's own bounce
//! addresses are accepted as recipients, and the same line rules as submission (only
//! `<CRLF>.<CRLF>` ends the data).

use std::{net::IpAddr, sync::Arc};

use app::feedback::return_path;
use sesame_wire::{
    feedback_report as report,
    smtp_lines::{Data, LineReader, ReadError},
};
use smtp_proto::Request;
use tokio::{io::AsyncWriteExt, net::TcpStream};

use super::{apply::apply, Listener};
use crate::smtp::reply::{multiline, Reply};

/// Recipients per message at most (a report goes to one bounce address).
const MAX_RECIPIENTS: usize = 10;

type Io = LineReader<TcpStream>;

async fn say(io: &mut Io, text: &str) -> std::io::Result<()> {
    let timeout = io.timeout();
    let stream = io.get_mut();
    tokio::time::timeout(timeout, async {
        stream.write_all(text.as_bytes()).await?;
        stream.flush().await
    })
    .await
    .map_err(|_| std::io::ErrorKind::TimedOut)?
}

async fn reply(io: &mut Io, code: u16, text: &str) -> std::io::Result<()> {
    say(io, &Reply::new(code, text).to_string()).await
}

/// Serves one MTA until QUIT, a timeout, or a protocol error.
pub async fn serve(
    listener: Arc<Listener>,
    client: IpAddr,
    stream: TcpStream,
) -> std::io::Result<()> {
    let mut io = LineReader::new(stream, listener.timeout);
    let host = listener.domain.clone();
    reply(&mut io, 220, &format!("{host} ESMTP Sesame feedback")).await?;
    // The messages (by token) this transaction's recipients name.
    let mut messages: Vec<String> = Vec::new();
    let mut in_transaction = false;
    loop {
        let line = match io.command().await {
            Ok(Some(line)) => line,
            Ok(None) => {
                reply(&mut io, 500, "5.5.2 Line too long").await?;
                continue;
            }
            Err(ReadError::Timeout) => {
                return say(&mut io, "451 Timeout waiting for data from client\r\n").await
            }
            Err(ReadError::Closed) => return Ok(()),
        };
        let terminated = [line.as_slice(), b"\r\n"].concat();
        match Request::parse(&mut terminated.iter()) {
            Ok(Request::Ehlo { .. }) => {
                messages.clear();
                in_transaction = false;
                let lines = [
                    host.clone(),
                    "8BITMIME".into(),
                    format!("SIZE {}", listener.max_message_bytes),
                    "Ok".into(),
                ];
                say(&mut io, &multiline(250, &lines)).await?;
            }
            Ok(Request::Helo { .. }) => reply(&mut io, 250, &host).await?,
            // Bounces come from the null sender; anything is accepted here.
            Ok(Request::Mail { .. }) => {
                messages.clear();
                in_transaction = true;
                reply(&mut io, 250, "Ok").await?;
            }
            Ok(Request::Rcpt { to }) if in_transaction => {
                let token = return_path::token_of(&to.address, &listener.domain);
                let message = match token {
                    Some(token) => return_path::message_of(&listener.pool, token)
                        .await
                        .map_err(std::io::Error::other)?,
                    None => None,
                };
                match message {
                    _ if messages.len() >= MAX_RECIPIENTS => {
                        reply(&mut io, 452, "4.5.3 Too many recipients").await?
                    }
                    Some(message_id) => {
                        messages.push(message_id);
                        reply(&mut io, 250, "Ok").await?;
                    }
                    None => {
                        reply(
                            &mut io,
                            550,
                            &format!("5.1.1 <{}> is not a Sesame feedback address", to.address),
                        )
                        .await?
                    }
                }
            }
            Ok(Request::Data) if !messages.is_empty() => {
                say(&mut io, "354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let outcome = match io.data(listener.max_message_bytes).await {
                    Ok(data) => data,
                    Err(_) => return Ok(()),
                };
                in_transaction = false;
                let targets = std::mem::take(&mut messages);
                match outcome {
                    Data::Message(raw) => {
                        let parsed = report::parse(&raw);
                        for message_id in targets {
                            apply(&listener.pool, &message_id, &parsed)
                                .await
                                .map_err(std::io::Error::other)?;
                        }
                        if parsed == report::Report::NotFeedback {
                            tracing::info!(%client, "mail at a bounce address that is neither a DSN nor a complaint report");
                        }
                        reply(&mut io, 250, "Ok").await?;
                    }
                    Data::TooBig => reply(&mut io, 552, "Message is too long.").await?,
                    Data::LineTooLong => {
                        reply(&mut io, 554, "5.5.2 A line is longer than 1000 octets").await?
                    }
                    Data::BareLineBreak => {
                        return say(
                            &mut io,
                            "554 5.5.2 Bare CR or LF in the data; only <CRLF>.<CRLF> ends DATA\r\n",
                        )
                        .await
                    }
                }
            }
            Ok(Request::Rcpt { .. }) | Ok(Request::Data) => {
                reply(&mut io, 503, "5.5.1 Bad sequence of commands").await?
            }
            Ok(Request::Rset) => {
                messages.clear();
                in_transaction = false;
                reply(&mut io, 250, "Ok").await?;
            }
            Ok(Request::Noop { .. }) => reply(&mut io, 250, "Ok").await?,
            Ok(Request::Quit) => return say(&mut io, "221 Bye\r\n").await,
            Ok(_) => reply(&mut io, 502, "5.5.1 Command not implemented").await?,
            Err(_) => reply(&mut io, 500, "5.5.2 Syntax error").await?,
        }
    }
}

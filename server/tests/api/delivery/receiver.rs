//! A receiving SMTP server on loopback whose replies a test scripts: per RCPT TO, and per
//! DATA (by how many DATA commands came before), including never answering. Like the
//! lenient servers SMTP smuggling exploits, it ends DATA at a bare `\n.\n` too, so a
//! message that was not normalised would arrive as more than one.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

/// A message as the receiver took it (after its 250).
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub recipients: Vec<String>,
    pub data: String,
}

/// The reply to DATA: a reply line, or silence.
pub enum DataReply {
    Say(&'static str),
    Hang,
}

type RcptScript = dyn Fn(&str) -> &'static str + Send + Sync;
type DataScript = dyn Fn(usize) -> DataReply + Send + Sync;

#[derive(Default)]
struct Log {
    received: Vec<Received>,
    data_commands: usize,
    /// Mail from the null sender (Sesame's bounce and complaint notifications), taken
    /// aside so that the scripts count only the messages under test.
    notifications: Vec<Received>,
}

pub struct Receiver {
    pub addr: SocketAddr,
    log: Arc<Mutex<Log>>,
}

impl Receiver {
    /// Accepts every recipient and every message.
    pub async fn accepting() -> Self {
        Self::start(
            |_| "250 2.1.5 Ok",
            |_| DataReply::Say("250 2.0.0 Ok: queued"),
        )
        .await
    }

    /// Refuses every address starting with `gone` as unknown (a hard bounce), takes the rest.
    pub async fn refusing_gone() -> Self {
        Self::start(
            |rcpt| {
                if rcpt.starts_with("gone") {
                    "550 5.1.1 User unknown"
                } else {
                    "250 2.1.5 Ok"
                }
            },
            |_| DataReply::Say("250 2.0.0 Ok: queued"),
        )
        .await
    }

    /// `rcpt` answers each RCPT TO (by address); `data` answers the n-th DATA (from 0).
    pub async fn start(
        rcpt: impl Fn(&str) -> &'static str + Send + Sync + 'static,
        data: impl Fn(usize) -> DataReply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Log::default()));
        let script: (Arc<RcptScript>, Arc<DataScript>) = (Arc::new(rcpt), Arc::new(data));
        let shared = Arc::clone(&log);
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (log, script) = (Arc::clone(&shared), script.clone());
                tokio::spawn(async move {
                    let _ = converse(stream, &log, &script).await;
                });
            }
        });
        Self { addr, log }
    }

    pub fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().received.clone()
    }

    /// The first message taken for `recipient`, waiting up to ten seconds for it.
    pub async fn wait_for(&self, recipient: &str) -> Received {
        for _ in 0..100 {
            let found = self.received().into_iter().find(|r| {
                r.recipients
                    .iter()
                    .any(|to| to.eq_ignore_ascii_case(recipient))
            });
            if let Some(found) = found {
                return found;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("nothing arrived for {recipient}: {:?}", self.received());
    }

    pub fn data_commands(&self) -> usize {
        self.log.lock().unwrap().data_commands
    }

    /// Sesame's notifications (null sender) that arrived.
    pub fn notifications(&self) -> Vec<Received> {
        self.log.lock().unwrap().notifications.clone()
    }
}

async fn converse(
    stream: TcpStream,
    log: &Mutex<Log>,
    (rcpt, data): &(Arc<RcptScript>, Arc<DataScript>),
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 receiver.test ESMTP\r\n").await?;
    let (mut mail_from, mut recipients) = (String::new(), Vec::new());
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_owned();
        let verb = command.get(..4).unwrap_or("").to_ascii_uppercase();
        let reply: String = match verb.as_str() {
            "EHLO" | "HELO" => "250-receiver.test\r\n250 8BITMIME".into(),
            "MAIL" => {
                mail_from = between_brackets(&command);
                recipients.clear();
                "250 2.1.0 Ok".into()
            }
            "RCPT" => {
                let address = between_brackets(&command);
                let answer = rcpt(&address);
                if answer.starts_with('2') {
                    recipients.push(address);
                }
                answer.into()
            }
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let body = read_data(&mut lines).await?;
                if mail_from.is_empty() {
                    log.lock().unwrap().notifications.push(Received {
                        mail_from: String::new(),
                        recipients: recipients.clone(),
                        data: body,
                    });
                    write.write_all(b"250 2.0.0 Ok: noted\r\n").await?;
                    continue;
                }
                let nth = {
                    let mut log = log.lock().unwrap();
                    log.data_commands += 1;
                    log.data_commands - 1
                };
                match data(nth) {
                    DataReply::Hang => std::future::pending::<String>().await,
                    DataReply::Say(answer) => {
                        if answer.starts_with('2') {
                            log.lock().unwrap().received.push(Received {
                                mail_from: mail_from.clone(),
                                recipients: recipients.clone(),
                                data: body,
                            });
                        }
                        answer.into()
                    }
                }
            }
            "RSET" | "NOOP" => "250 2.0.0 Ok".into(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 Command not recognized".into(),
        };
        write.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
}

/// Reads DATA up to a line holding only "." (ended by LF alone as well as CRLF), undoing
/// dot-stuffing; an error if the connection ends first.
async fn read_data(
    lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<String> {
    let mut body = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        // A connection that ends before the final dot delivered nothing (a sender killed
        // mid-transfer), as at any real server.
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == b".\r\n" || line == b".\n" {
            break;
        }
        let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
        body.extend_from_slice(unstuffed);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

fn between_brackets(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command.rfind('>').unwrap_or(command.len());
    command[start..end].to_owned()
}

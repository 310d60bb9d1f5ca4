//! A deliberately literal SMTP client for protocol tests: it writes exactly the bytes a
//! test gives (smuggling payloads included) and reads replies as they come. TLS trusts
//! only the certificate the Sesame under test generated into its data directory.

use std::{net::SocketAddr, path::Path, sync::Arc, time::Duration};

use base64::{engine::general_purpose::STANDARD, Engine};
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader},
    net::TcpStream,
};
use tokio_rustls::{
    rustls::{
        self,
        pki_types::{pem::PemObject, CertificateDer, ServerName},
        RootCertStore,
    },
    TlsConnector,
};

pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

pub struct Client {
    io: BufReader<Box<dyn Stream>>,
}

/// A reply: its code and its lines' texts joined by newlines.
pub type Reply = (u16, String);

fn connector(data_dir: &Path) -> TlsConnector {
    let cert = sesame::smtp::tls::generated_paths(data_dir).0;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(cert).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

async fn tls(stream: Box<dyn Stream>, data_dir: &Path) -> Box<dyn Stream> {
    let name = ServerName::IpAddress(std::net::IpAddr::from([127, 0, 0, 1]).into());
    Box::new(connector(data_dir).connect(name, stream).await.unwrap())
}

impl Client {
    /// Connects in plain text and reads the greeting.
    pub async fn plain(addr: SocketAddr) -> (Self, Reply) {
        let tcp = TcpStream::connect(addr).await.unwrap();
        let mut client = Self {
            io: BufReader::new(Box::new(tcp)),
        };
        let greeting = client.reply().await;
        (client, greeting)
    }

    /// Connects with TLS from the first byte and says EHLO.
    pub async fn implicit_tls(addr: SocketAddr, data_dir: &Path) -> Self {
        let tcp = TcpStream::connect(addr).await.unwrap();
        let mut client = Self {
            io: BufReader::new(tls(Box::new(tcp), data_dir).await),
        };
        assert_eq!(client.reply().await.0, 220);
        assert_eq!(client.command("EHLO client.example").await.0, 250);
        client
    }

    /// Connects, says EHLO, upgrades with STARTTLS and says EHLO again.
    pub async fn starttls(addr: SocketAddr, data_dir: &Path) -> Self {
        let (mut client, _) = Self::plain(addr).await;
        assert_eq!(client.command("EHLO client.example").await.0, 250);
        assert_eq!(client.command("STARTTLS").await.0, 220);
        let mut client = client.upgrade(data_dir).await;
        assert_eq!(client.command("EHLO client.example").await.0, 250);
        client
    }

    /// The TLS handshake after a 220 to STARTTLS.
    pub async fn upgrade(self, data_dir: &Path) -> Self {
        let plain = self.io.into_inner();
        Self {
            io: BufReader::new(tls(plain, data_dir).await),
        }
    }

    pub async fn write(&mut self, bytes: &[u8]) {
        self.io.get_mut().write_all(bytes).await.unwrap();
        self.io.get_mut().flush().await.unwrap();
    }

    /// Reads one (possibly multi-line) reply; code 0 if the server closed the connection.
    pub async fn reply(&mut self) -> Reply {
        let mut text = Vec::new();
        loop {
            let mut line = String::new();
            let read = tokio::time::timeout(Duration::from_secs(20), self.io.read_line(&mut line))
                .await
                .expect("a reply in time");
            if read.unwrap_or(0) == 0 {
                return (0, text.join("\n"));
            }
            let code = line[..3].parse().unwrap();
            text.push(line[4..].trim_end().to_owned());
            if line.as_bytes()[3] == b' ' {
                return (code, text.join("\n"));
            }
        }
    }

    pub async fn command(&mut self, line: &str) -> Reply {
        self.write(format!("{line}\r\n").as_bytes()).await;
        self.reply().await
    }

    /// AUTH PLAIN with the credentials in the command.
    pub async fn auth_plain(&mut self, user: &str, password: &str) -> Reply {
        let token = STANDARD.encode(format!("\0{user}\0{password}"));
        self.command(&format!("AUTH PLAIN {token}")).await
    }

    /// MAIL FROM, a RCPT TO per recipient and DATA with `message` (CRLF lines, dot-stuffed
    /// here); the reply to the data.
    pub async fn send(&mut self, from: &str, to: &[&str], message: &str) -> Reply {
        let reply = self.command(&format!("MAIL FROM:<{from}>")).await;
        assert_eq!(reply.0, 250, "{reply:?}");
        for recipient in to {
            let reply = self.command(&format!("RCPT TO:<{recipient}>")).await;
            assert_eq!(reply.0, 250, "{reply:?}");
        }
        assert_eq!(self.command("DATA").await.0, 354);
        let stuffed = message.replace("\r\n.", "\r\n..");
        self.write(format!("{stuffed}\r\n.\r\n").as_bytes()).await;
        self.reply().await
    }
}

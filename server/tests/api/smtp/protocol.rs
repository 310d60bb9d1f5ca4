//! The submission protocol and its defences: TLS before AUTH, credentials, throttling,
//! no open relay, no smuggling, no pre-TLS injection, limits and timeouts.

use std::time::{Duration, Instant};

use base64::{engine::general_purpose::STANDARD, Engine};
use sqlx::PgPool;

use super::{delegation, stored_messages, Client};
use crate::{helpers::TestApp, sending::SIMULATOR};

#[sqlx::test(migrations = "../migrations")]
async fn auth_is_offered_and_accepted_only_under_tls(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (mut client, greeting) = Client::plain(app.smtp.starttls[0]).await;
    assert_eq!(greeting.0, 220);
    assert!(greeting.1.ends_with("ESMTP Sesame"), "{greeting:?}");
    let (code, ehlo) = client.command("EHLO client.example").await;
    assert_eq!(code, 250);
    let lines: Vec<&str> = ehlo.lines().skip(1).collect();
    assert_eq!(lines, ["8BITMIME", "SIZE 10485760", "STARTTLS", "Ok"]);
    assert_eq!(
        client.command("AUTH LOGIN").await,
        (530, "Must issue a STARTTLS command first".to_owned())
    );
    assert_eq!(
        client.command("MAIL FROM:<a@example.com>").await,
        (530, "Authentication required".to_owned())
    );

    assert_eq!(client.command("STARTTLS").await.0, 220);
    let mut client = client.upgrade(app.data_dir()).await;
    let (_, ehlo) = client.command("EHLO client.example").await;
    let lines: Vec<&str> = ehlo.lines().skip(1).collect();
    assert_eq!(
        lines,
        ["8BITMIME", "SIZE 10485760", "AUTH PLAIN LOGIN", "Ok"]
    );
    assert_eq!(client.command("STARTTLS").await.0, 503);
}

#[sqlx::test(migrations = "../migrations")]
async fn auth_login_works_and_bad_credentials_are_throttled(pool: PgPool) {
    let d = delegation(pool, Some(""), |s| s.smtp.max_auth_failures = 4).await;
    let addr = d.app.smtp.starttls[0];
    let mut client = Client::starttls(addr, d.app.data_dir()).await;
    assert_eq!(
        client.command("AUTH LOGIN").await,
        (334, "VXNlcm5hbWU6".to_owned())
    );
    assert_eq!(
        client.command(&STANDARD.encode(&d.user)).await,
        (334, "UGFzc3dvcmQ6".to_owned())
    );
    assert_eq!(client.command(&STANDARD.encode(&d.password)).await.0, 235);

    // A password for another region, or another key's: 535, the same words for both.
    let wrong = app::access_keys::credentials::smtp_password("not-the-secret", "us-east-1");
    let mut client = Client::starttls(addr, d.app.data_dir()).await;
    for _ in 0..3 {
        assert_eq!(
            client.auth_plain(&d.user, &wrong).await,
            (535, "Authentication Credentials Invalid".to_owned())
        );
    }
    // Three failures close the connection.
    assert_eq!(client.reply().await.0, 421);
    // Another user name from this address is counted on its own.
    let mut client = Client::starttls(addr, d.app.data_dir()).await;
    assert_eq!(
        client.auth_plain("AKIANOSUCHKEY0000000", &wrong).await.0,
        535
    );
    // Two more for this user name: past its four free attempts the fifth is the one let
    // through in the back-off period, and then even the right password is refused without
    // being checked. The count is in Postgres: a new connection (or process) starts from it.
    let mut client = Client::starttls(addr, d.app.data_dir()).await;
    for _ in 0..2 {
        assert_eq!(client.auth_plain(&d.user, &wrong).await.0, 535);
    }
    let mut client = Client::starttls(addr, d.app.data_dir()).await;
    let (code, text) = client.auth_plain(&d.user, &d.password).await;
    assert_eq!(code, 454, "{text}");
}

#[sqlx::test(migrations = "../migrations")]
async fn auth_failures_count_across_processes(pool: PgPool) {
    let d = delegation(pool, Some(""), |s| s.smtp.max_auth_failures = 4).await;
    let second = d.app.spawn_beside(|s| s.smtp.max_auth_failures = 4).await;
    let wrong = app::access_keys::credentials::smtp_password("not-the-secret", "us-east-1");
    // Five failures, alternating between the processes as a load balancer would: no
    // process sees more than three, which alone would not reach the limit of four.
    for i in 0..5 {
        let app = if i % 2 == 0 { &d.app } else { &second };
        let mut client = Client::starttls(app.smtp.starttls[0], app.data_dir()).await;
        assert_eq!(client.auth_plain(&d.user, &wrong).await.0, 535);
    }
    let mut client = Client::starttls(second.smtp.starttls[0], second.data_dir()).await;
    let (code, text) = client.auth_plain(&d.user, &d.password).await;
    assert_eq!(code, 454, "{text}");
}

#[sqlx::test(migrations = "../migrations")]
async fn nothing_is_relayed_without_auth(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let mut client = Client::starttls(app.smtp.starttls[0], app.data_dir()).await;
    let variants = [
        "victim@external.example",
        "user%victim@external.example@localhost",
        "\"victim@external.example\"@localhost",
        "@localhost:victim@external.example",
        "victim@external.example@localhost",
        "external.example!victim@localhost",
    ];
    assert_eq!(
        client.command("MAIL FROM:<spammer@spam.example>").await.0,
        530
    );
    for to in variants {
        let (code, text) = client.command(&format!("RCPT TO:<{to}>")).await;
        assert!(
            code == 530 || code == 553 || code == 501,
            "{to}: {code} {text}"
        );
    }
    assert_eq!(client.command("DATA").await.0, 530);
    assert_eq!(stored_messages(&app.pool).await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn smuggled_commands_never_make_a_second_message(pool: PgPool) {
    let d = delegation(pool, Some(""), |_| {}).await;
    for ending in ["\n.\n", "\r\n.\n", "\n.\r\n", "\r.\r\n", "\r\n.\r", "\r.\r"] {
        let mut client = d.session().await;
        assert_eq!(
            client.command("MAIL FROM:<news@owner.example>").await.0,
            250
        );
        assert_eq!(
            client.command(&format!("RCPT TO:<{SIMULATOR}>")).await.0,
            250
        );
        assert_eq!(client.command("DATA").await.0, 354);
        let smuggled = format!(
            "{}{ending}MAIL FROM:<news@owner.example>\r\nRCPT TO:<{SIMULATOR}>\r\nDATA\r\n{}\r\n.\r\n",
            d.message(SIMULATOR, "First").trim_end(),
            d.message(SIMULATOR, "Smuggled").trim_end(),
        );
        client.write(smuggled.as_bytes()).await;
        let (code, text) = client.reply().await;
        assert_eq!(code, 554, "{ending:?}: {text}");
        assert!(text.contains("bare CR or LF"), "{text}");
        // ...and the connection is closed: nothing after the bare line break is read.
        assert_eq!(client.reply().await.0, 0, "{ending:?}");
    }
    assert_eq!(stored_messages(&d.app.pool).await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn commands_pipelined_before_the_tls_handshake_are_discarded(pool: PgPool) {
    let d = delegation(pool, Some(""), |_| {}).await;
    let (mut client, _) = Client::plain(d.app.smtp.starttls[0]).await;
    assert_eq!(client.command("EHLO client.example").await.0, 250);
    let auth = STANDARD.encode(format!("\0{}\0{}", d.user, d.password));
    // An attacker on the path appends commands to the plain-text STARTTLS (CVE-2011-0411).
    client
        .write(format!("STARTTLS\r\nEHLO evil\r\nAUTH PLAIN {auth}\r\n").as_bytes())
        .await;
    assert_eq!(client.reply().await.0, 220);
    let mut client = client.upgrade(d.app.data_dir()).await;
    // The first reply under TLS answers this command: the injected ones were dropped.
    assert_eq!(client.command("NOOP").await, (250, "Ok".to_owned()));
    assert_eq!(client.command("EHLO client.example").await.0, 250);
    assert_eq!(
        client.command("MAIL FROM:<news@owner.example>").await.0,
        530
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn sizes_and_line_lengths_are_limited(pool: PgPool) {
    let d = delegation(pool, Some(""), |s| s.smtp.max_message_bytes = 2000).await;
    let mut client = d.session().await;
    assert_eq!(
        client
            .command("MAIL FROM:<news@owner.example> SIZE=5000")
            .await,
        (552, "Message is too long.".to_owned())
    );
    let lines = format!("{}\r\n", "x".repeat(900)).repeat(3);
    let big = format!("{}{lines}", d.message(SIMULATOR, "Big"));
    let (code, text) = client.send("news@owner.example", &[SIMULATOR], &big).await;
    assert_eq!((code, text.as_str()), (552, "Message is too long."));
    let long_line = format!("{}{}\r\n", d.message(SIMULATOR, "Long"), "y".repeat(1200));
    let (code, text) = client
        .send("news@owner.example", &[SIMULATOR], &long_line)
        .await;
    assert_eq!(code, 554, "{text}");
    let (code, _) = client.command(&format!("NOOP {}", "z".repeat(600))).await;
    assert_eq!(code, 500);
    // The session is still good for a message that fits.
    let (code, text) = client
        .send(
            "news@owner.example",
            &[SIMULATOR],
            &d.message(SIMULATOR, "Fits"),
        )
        .await;
    assert_eq!(code, 250, "{text}");
    assert_eq!(stored_messages(&d.app.pool).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn connections_are_capped_per_client_and_idle_ones_time_out(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.smtp.max_connections_per_ip = 2;
        s.smtp.timeout_secs = 1;
    })
    .await;
    let addr = app.smtp.starttls[0];
    let (_first, _) = Client::plain(addr).await;
    let (mut second, _) = Client::plain(addr).await;
    let (_, refused) = Client::plain(addr).await;
    assert_eq!(
        refused,
        (421, "Too many concurrent SMTP connections".to_owned())
    );

    let started = Instant::now();
    assert_eq!(
        second.reply().await,
        (451, "Timeout waiting for data from client".to_owned())
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(second.reply().await.0, 0, "closed after the timeout");
}

/// A PROXY v2 header for a TCP client at `client` (IPv4) reaching port 587.
fn proxy_header(client: std::net::SocketAddrV4) -> Vec<u8> {
    let mut header = b"\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c".to_vec();
    header.extend(client.ip().octets());
    header.extend([10, 0, 0, 1]);
    header.extend(client.port().to_be_bytes());
    header.extend(587u16.to_be_bytes());
    header
}

/// Connects from `local` (a loopback address), sends `first`, and returns the first line
/// the server answers ("" when it closes without a word) with the connection, still open.
async fn first_line(
    server: std::net::SocketAddr,
    local: [u8; 4],
    first: &[u8],
) -> (String, impl Sized) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(std::net::SocketAddr::from((local, 0))).unwrap();
    let mut stream = socket.connect(server).await.unwrap();
    stream.write_all(first).await.unwrap();
    let mut line = String::new();
    let mut reader = BufReader::new(stream);
    let read = tokio::time::timeout(Duration::from_secs(5), reader.read_line(&mut line));
    read.await.expect("no answer in time").unwrap_or(0);
    (line, reader)
}

#[sqlx::test(migrations = "../migrations")]
async fn behind_a_load_balancer_the_proxy_header_names_the_client(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.smtp.proxy_protocol_from = vec!["127.0.0.1".into()];
        s.smtp.max_connections_per_ip = 1;
    })
    .await;
    let addr = app.smtp.starttls[0];
    let client = |ip: [u8; 4]| std::net::SocketAddrV4::new(ip.into(), 40000);
    // Through the balancer, each client is itself: one connection each at most.
    let (first, _held) = first_line(
        addr,
        [127, 0, 0, 1],
        &proxy_header(client([203, 0, 113, 1])),
    )
    .await;
    assert!(first.starts_with("220 "), "{first:?}");
    let (other, _also_held) = first_line(
        addr,
        [127, 0, 0, 1],
        &proxy_header(client([203, 0, 113, 2])),
    )
    .await;
    assert!(other.starts_with("220 "), "{other:?}");
    let (again, _) = first_line(
        addr,
        [127, 0, 0, 1],
        &proxy_header(client([203, 0, 113, 1])),
    )
    .await;
    assert!(again.starts_with("421 "), "{again:?}");
    // From the balancer, a connection without the header is closed unanswered.
    let (bare, _) = first_line(addr, [127, 0, 0, 1], b"EHLO client.example\r\n").await;
    assert_eq!(bare, "");
    // From anyone else no header is read: the greeting comes at once, whatever was sent.
    let (direct, _) = first_line(
        addr,
        [127, 0, 0, 2],
        &proxy_header(client([203, 0, 113, 2])),
    )
    .await;
    assert!(direct.starts_with("220 "), "{direct:?}");
}

//! End-to-end delivery rate (quality.md P4/P5): messages per second from Sesame's API,
//! through its queue and delivery workers, to a local SMTP sink — against Postfix relaying
//! to the same sink on the same machine in the same run.
//!
//! Baseline: a private Postfix instance (its own config and queue directories, a high
//! port, fsync'd queue; never the system service) fed by `smtp-source -s 32` with 1 KiB
//! messages, relaying to `smtp-sink`. Sesame: 32 concurrent SigV4-signed SendEmail clients
//! (1 KiB text, 32 tenants), relay mode to the same sink. Both are timed from the first
//! message injected to the sink's last 250. The sink alone (`smtp-source` straight into
//! `smtp-sink`) must take at least 3× either rate, or the run is invalid (P5). Order:
//! Postfix, Sesame, Postfix; the run fails if the two Postfix rates differ by over 15%.
//!
//! Run: `cargo bench -p sesame --bench deliver` (or `./dev bench`). Needs Debian's postfix
//! package (smtp-source, smtp-sink) and root (Postfix's private instance runs its daemons
//! as the `postfix` user).

mod common;

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use sesame::delivery::{settings::RelayTls, DeliveryMode};

use common::{check_drift, send_form, signed_post};

const CLIENTS: usize = 32;
const MESSAGES: usize = 4000;
const RECIPIENT: &str = "reader@sink.example";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !nix::unistd::geteuid().is_root() {
        bail!("the Postfix baseline runs a private Postfix instance: run as root");
    }
    let tools = PathBuf::from("/usr/sbin");
    for tool in ["postfix", "smtp-sink", "smtp-source"] {
        if !tools.join(tool).exists() {
            bail!("{tool} not found: install Debian's postfix package (./dev bench does)");
        }
    }
    let sink_port = free_port()?;
    let bench = common::start(CLIENTS, |s| {
        s.delivery.mode = DeliveryMode::Relay;
        s.delivery.relay.host = "127.0.0.1".into();
        s.delivery.relay.port = sink_port;
        s.delivery.relay.tls = RelayTls::None;
        s.delivery.poll_ms = 20;
    })
    .await?;
    let postfix = PrivatePostfix::start(sink_port)?;

    let ceiling = sink_ceiling(&tools)?;
    let before = postfix.rate(&tools, sink_port)?;
    // A warm-up, then the measured run.
    sesame_rate(&bench, sink_port, CLIENTS * 10).await?;
    let sesame = sesame_rate(&bench, sink_port, MESSAGES).await?;
    let after = postfix.rate(&tools, sink_port)?;
    drop(postfix);

    let baseline = (before + after) / 2.0;
    println!("sink alone (smtp-source → smtp-sink): {ceiling:.0} msg/s");
    println!("baseline (private Postfix relaying to the sink, smtp-source -s {CLIENTS}): {before:.0} then {after:.0} msg/s");
    println!(
        "Sesame API → queue → worker → sink: {sesame:.0} msg/s = {:.2}× Postfix",
        sesame / baseline
    );
    if ceiling < 3.0 * sesame.max(baseline) {
        bail!("the sink ({ceiling:.0} msg/s) is under 3× the rates measured: the run is invalid");
    }
    check_drift(before, after)
}

/// Messages per second through Sesame: `count` sends, first send to the sink's last 250.
async fn sesame_rate(bench: &common::Bench, sink_port: u16, count: usize) -> anyhow::Result<f64> {
    let sink = Sink::start(sink_port, count)?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()?;
    let started = Instant::now();
    let senders = bench.keys.iter().enumerate().map(|(tenant, key)| {
        let (client, base, key) = (client.clone(), bench.base.clone(), key.clone());
        let form = send_form(tenant, RECIPIENT);
        let share = count / CLIENTS + usize::from(tenant < count % CLIENTS);
        tokio::spawn(async move {
            for _ in 0..share {
                let status = signed_post(&client, &base, &key, &form).await?;
                if status != 200 {
                    bail!("a send was answered {status}");
                }
            }
            anyhow::Ok(())
        })
    });
    for sent in futures::future::join_all(senders).await {
        sent??;
    }
    sink.wait(Duration::from_secs(300))?;
    Ok(count as f64 / started.elapsed().as_secs_f64())
}

/// What the sink takes straight from smtp-source.
fn sink_ceiling(tools: &Path) -> anyhow::Result<f64> {
    let port = free_port()?;
    let sink = Sink::start(port, MESSAGES)?;
    let started = Instant::now();
    inject(tools, port, MESSAGES)?;
    sink.wait(Duration::from_secs(120))?;
    Ok(MESSAGES as f64 / started.elapsed().as_secs_f64())
}

/// `smtp-source`: `count` 1 KiB messages over 32 parallel sessions. Its exit status says
/// nothing: a sink that exits after its last message cuts the other sessions' goodbyes
/// short. Whether everything arrived is the sink's to say.
fn inject(tools: &Path, port: u16, count: usize) -> anyhow::Result<()> {
    let (sessions, count) = (CLIENTS.to_string(), count.to_string());
    Command::new(tools.join("smtp-source"))
        .args(["-s", &sessions, "-m", &count, "-l", "1024"])
        .args(["-f", "bench@t0.example", "-t", RECIPIENT])
        .arg(format!("127.0.0.1:{port}"))
        .stderr(Stdio::null())
        .status()?;
    Ok(())
}

/// `smtp-sink`, exiting after `count` messages.
struct Sink(Child);

impl Sink {
    fn start(port: u16, count: usize) -> anyhow::Result<Self> {
        let child = Command::new("/usr/sbin/smtp-sink")
            .args(["-u", "nobody", "-M", &count.to_string()])
            .arg(format!("127.0.0.1:{port}"))
            .arg("256")
            .stdout(Stdio::null())
            .spawn()
            .context("starting smtp-sink")?;
        wait_for_listener(port)?;
        Ok(Self(child))
    }

    /// Waits until the sink has taken all its messages.
    fn wait(mut self, limit: Duration) -> anyhow::Result<()> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if self.0.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        bail!("the sink did not receive every message within {limit:?}")
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A Postfix of its own: config and queue in a temporary directory, smtpd on a free
/// loopback port, relaying everything to the sink.
struct PrivatePostfix {
    dir: tempfile::TempDir,
    port: u16,
    master: Child,
}

impl PrivatePostfix {
    fn start(sink_port: u16) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("sesame-postfix-")
            .tempdir_in("/tmp")?;
        let root = dir.path();
        // Postfix's daemons run as `postfix` and must reach their directories.
        std::fs::set_permissions(root, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
        let port = free_port()?;
        std::fs::create_dir_all(root.join("conf"))?;
        std::fs::create_dir_all(root.join("queue"))?;
        std::fs::create_dir_all(root.join("data"))?;
        let master_cf = std::fs::read_to_string("/etc/postfix/master.cf")?.replace(
            "smtp      inet  n       -       y       -       -       smtpd",
            &format!("127.0.0.1:{port} inet n - n - - smtpd"),
        );
        std::fs::write(root.join("conf/master.cf"), master_cf)?;
        std::fs::write(
            root.join("conf/main.cf"),
            format!(
                "compatibility_level = 3.6\n\
                 queue_directory = {root}/queue\n\
                 data_directory = {root}/data\n\
                 mail_owner = postfix\n\
                 setgid_group = postdrop\n\
                 inet_interfaces = loopback-only\n\
                 inet_protocols = ipv4\n\
                 myhostname = bench.localdomain\n\
                 mydestination =\n\
                 mynetworks = 127.0.0.0/8\n\
                 relayhost = [127.0.0.1]:{sink_port}\n\
                 smtpd_relay_restrictions = permit_mynetworks, reject\n\
                 smtp_tls_security_level = none\n\
                 smtpd_tls_security_level = none\n\
                 default_destination_concurrency_limit = 32\n\
                 alias_maps =\n\
                 alias_database =\n\
                 local_recipient_maps =\n\
                 maillog_file = /dev/stdout\n",
                root = root.display()
            ),
        )?;
        let conf = root.join("conf");
        let conf = conf.to_str().context("a UTF-8 temporary path")?;
        run("/usr/sbin/postconf", &["-c", conf, "-F", "*/*/chroot = n"])?;
        run(
            "/usr/bin/chown",
            &["postfix", &format!("{}/data", root.display())],
        )?;
        run("/usr/sbin/postfix", &["-c", conf, "set-permissions"])?;
        let master = Command::new("/usr/sbin/postfix")
            .args(["-c", conf, "start-fg"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        wait_for_listener(port)?;
        Ok(Self { dir, port, master })
    }

    /// Messages per second relayed: first injected to the sink's last 250.
    fn rate(&self, tools: &Path, sink_port: u16) -> anyhow::Result<f64> {
        let sink = Sink::start(sink_port, MESSAGES)?;
        let started = Instant::now();
        inject(tools, self.port, MESSAGES)?;
        sink.wait(Duration::from_secs(300))?;
        Ok(MESSAGES as f64 / started.elapsed().as_secs_f64())
    }
}

impl Drop for PrivatePostfix {
    fn drop(&mut self) {
        let conf = self.dir.path().join("conf");
        let _ = Command::new("/usr/sbin/postfix")
            .arg("-c")
            .arg(conf)
            .arg("stop")
            .status();
        let _ = self.master.wait();
    }
}

fn run(program: &str, args: &[&str]) -> anyhow::Result<()> {
    let output = Command::new(program).args(args).output()?;
    if !output.status.success() {
        bail!(
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_listener(port: u16) -> anyhow::Result<()> {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    bail!("nothing listens on port {port}")
}

//! The embedded PostgreSQL cluster: a private cluster from the system's Postgres programs,
//! kept in the data directory, started with Sesame and stopped with it.
//!
//! Layout under the data directory:
//! - `postgres/`          the cluster (PGDATA), owned by the cluster user
//! - `postgres.password`  the superuser's password (mode 0600), generated at initdb
//! - `postgres.log`       the server's log
//!
//! The server listens on 127.0.0.1 only, on a free port chosen at each start, with password
//! authentication (scram-sha-256): other local users cannot connect without the password file.

use std::{
    io::Write,
    net::{Ipv4Addr, TcpListener},
    os::unix::{fs::PermissionsExt, process::CommandExt},
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use anyhow::Context;
use nix::{
    sys::signal::{kill, Signal},
    unistd::Pid,
};
use rand::{distributions::Alphanumeric, Rng};
use secrecy::{ExposeSecret, SecretString};
use sqlx::{Connection, PgConnection};
use tokio::process::{Child, Command};

use super::{
    binaries,
    cluster_user::ClusterUser,
    stale_pid::{self, ClusterState},
};

const SUPERUSER: &str = "sesame";
const DATABASE: &str = "sesame";
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// What to do when another live Sesame already runs the cluster.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IfRunning {
    /// Fail: two servers must not share one embedded cluster.
    Refuse,
    /// Use it without owning it (admin commands next to a running server).
    Attach,
}

/// A running embedded cluster. Stop it with [`EmbeddedCluster::stop`].
pub struct EmbeddedCluster {
    /// `None` when attached to a cluster another Sesame runs.
    postmaster: Option<Child>,
    url: SecretString,
    cluster_dir: PathBuf,
}

impl EmbeddedCluster {
    /// Initialises the cluster on first use, then starts it and waits until it accepts
    /// connections to the `sesame` database.
    ///
    /// Must be awaited on a thread that lives as long as the process (the main thread):
    /// the postmaster is told to shut down when the thread that started it exits, so that a
    /// killed Sesame does not leave Postgres behind.
    pub async fn start(data_dir: &Path, if_running: IfRunning) -> anyhow::Result<Self> {
        let bin = binaries::locate().context(binaries::INSTALL_HINT)?;
        let user = ClusterUser::detect()?;
        let paths = Paths::new(data_dir)?;
        if matches!(user, ClusterUser::Unprivileged { .. }) {
            // The cluster user must be able to pass through the data directory (not read it).
            let mut mode = std::fs::metadata(&paths.data_dir)?.permissions();
            mode.set_mode(mode.mode() | 0o111);
            std::fs::set_permissions(&paths.data_dir, mode)?;
        }
        user.check_can_reach(&paths.data_dir, &bin.join("postgres"))
            .await?;

        if !paths.cluster.join("PG_VERSION").exists() {
            init_cluster(&bin, &user, &paths).await?;
        }
        let password = std::fs::read_to_string(&paths.password)
            .with_context(|| format!("reading {}", paths.password.display()))?;
        let password = password.trim();
        match stale_pid::clear(&paths.cluster).await? {
            ClusterState::Startable => {}
            ClusterState::RunningElsewhere { port, .. } if if_running == IfRunning::Attach => {
                return Ok(Self {
                    postmaster: None,
                    url: database_url(password, port, DATABASE),
                    cluster_dir: paths.cluster,
                });
            }
            ClusterState::RunningElsewhere { sesame, .. } => anyhow::bail!(
                "the Postgres cluster in {} is in use by another running Sesame (process \
                 {sesame}); stop it first or use another --data-dir",
                paths.cluster.display()
            ),
        }

        // A postmaster killed with -9 can leave backends holding its shared memory for a
        // moment; the new postmaster then exits at once, and a retry succeeds.
        let mut attempt = 1;
        loop {
            let port = free_port()?;
            let mut cluster = Self {
                postmaster: Some(spawn_postmaster(&bin, &user, &paths, port)?),
                url: database_url(password, port, DATABASE),
                cluster_dir: paths.cluster.clone(),
            };
            match cluster.wait_until_ready(&paths.log, password, port).await {
                Ok(()) => {
                    tracing::info!(port, dir = %paths.cluster.display(), "embedded postgres is ready");
                    return Ok(cluster);
                }
                Err(e) if attempt < 3 && cluster.exited() => {
                    tracing::warn!(error = %e, attempt, "embedded postgres exited during startup; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    attempt += 1;
                }
                Err(e) => {
                    cluster.stop().await.ok();
                    return Err(e);
                }
            }
        }
    }

    /// The URL of the `sesame` database (contains the password: never log it).
    pub fn url(&self) -> &SecretString {
        &self.url
    }

    /// Fast shutdown (SIGINT: roll back open transactions, checkpoint, exit); escalates to
    /// an immediate shutdown and then SIGKILL if Postgres does not exit in time.
    /// An attached cluster is left running for the Sesame that owns it.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let Some(postmaster) = self.postmaster.as_mut() else {
            return Ok(());
        };
        let Some(pid) = postmaster.id() else {
            return Ok(());
        };
        let pid = Pid::from_raw(pid as i32);
        for signal in [Signal::SIGINT, Signal::SIGQUIT, Signal::SIGKILL] {
            kill(pid, signal).ok();
            if tokio::time::timeout(STOP_TIMEOUT, postmaster.wait())
                .await
                .is_ok()
            {
                tracing::info!(dir = %self.cluster_dir.display(), "embedded postgres stopped");
                return Ok(());
            }
            tracing::warn!(
                ?signal,
                "embedded postgres did not stop in time; escalating"
            );
        }
        anyhow::bail!("embedded postgres (pid {pid}) did not stop")
    }

    fn exited(&mut self) -> bool {
        self.postmaster
            .as_mut()
            .is_some_and(|p| matches!(p.try_wait(), Ok(Some(_))))
    }

    async fn wait_until_ready(
        &mut self,
        log: &Path,
        password: &str,
        port: u16,
    ) -> anyhow::Result<()> {
        let admin_url = database_url(password, port, "postgres");
        let deadline = tokio::time::Instant::now() + READY_TIMEOUT;
        let mut conn = loop {
            let status = self
                .postmaster
                .as_mut()
                .map(Child::try_wait)
                .transpose()?
                .flatten();
            if let Some(status) = status {
                anyhow::bail!(
                    "embedded postgres exited during startup ({status}); its log ({}) ends with:\n{}",
                    log.display(),
                    log_tail(log)
                );
            }
            match PgConnection::connect(admin_url.expose_secret()).await {
                Ok(conn) => break conn,
                Err(_) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(e).context("embedded postgres did not accept connections"),
            }
        };
        let exists: bool =
            sqlx::query_scalar("select exists(select from pg_database where datname = $1)")
                .bind(DATABASE)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            // CREATE DATABASE cannot take a bind parameter; the name is a constant.
            sqlx::query(&format!("create database {DATABASE}"))
                .execute(&mut conn)
                .await?;
        }
        conn.close().await?;
        Ok(())
    }
}

struct Paths {
    data_dir: PathBuf,
    cluster: PathBuf,
    password: PathBuf,
    log: PathBuf,
}

impl Paths {
    fn new(data_dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
        let data_dir = data_dir.canonicalize()?;
        Ok(Self {
            cluster: data_dir.join("postgres"),
            password: data_dir.join("postgres.password"),
            log: data_dir.join("postgres.log"),
            data_dir,
        })
    }
}

/// Runs initdb into an empty cluster directory. A directory left half-initialised by a crash
/// (no PG_VERSION) is cleared first, so an interrupted first start never blocks the next.
async fn init_cluster(bin: &Path, user: &ClusterUser, paths: &Paths) -> anyhow::Result<()> {
    tracing::info!(dir = %paths.cluster.display(), "initialising the embedded postgres cluster");
    if paths.cluster.exists() {
        std::fs::remove_dir_all(&paths.cluster)?;
    }
    std::fs::create_dir(&paths.cluster)?;
    std::fs::set_permissions(&paths.cluster, std::fs::Permissions::from_mode(0o700))?;
    user.take_ownership(&paths.cluster)?;

    let password: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    write_private(&paths.password, &password)?;
    // initdb reads the password from a file the cluster user can read; it lives only
    // for the duration of initdb.
    let pwfile = paths.data_dir.join(".initdb-password");
    write_private(&pwfile, &password)?;
    user.take_ownership(&pwfile)?;

    let mut initdb = Command::new(bin.join("initdb"));
    initdb
        .arg("--pgdata")
        .arg(&paths.cluster)
        .args([
            "--username",
            SUPERUSER,
            "--auth",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
        ])
        .arg(format!("--pwfile={}", pwfile.display()))
        .stdin(Stdio::null());
    user.apply(&mut initdb);
    let output = initdb.output().await.context("running initdb")?;
    std::fs::remove_file(&pwfile).ok();
    if !output.status.success() {
        std::fs::remove_dir_all(&paths.cluster).ok();
        anyhow::bail!(
            "initdb failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

fn spawn_postmaster(
    bin: &Path,
    user: &ClusterUser,
    paths: &Paths,
    port: u16,
) -> anyhow::Result<Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&paths.log)?;
    let mut postgres = Command::new(bin.join("postgres"));
    postgres
        .arg("-D")
        .arg(&paths.cluster)
        .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
        // No Unix socket: its default directory may not exist or be writable.
        .args(["-c", "unix_socket_directories="])
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        // Its own process group, so a terminal's Ctrl-C reaches Sesame only, and Sesame
        // stops Postgres after it has stopped using it.
        .process_group(0)
        .kill_on_drop(false);
    user.apply(&mut postgres);
    #[expect(
        unsafe_code,
        reason = "pre_exec is unsafe; the closure only calls prctl"
    )]
    // SAFETY: the closure runs between fork and exec and calls only prctl(2), which is
    // async-signal-safe and touches no memory of the parent.
    unsafe {
        postgres.as_std_mut().pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(std::io::Error::from)
        });
    }
    postgres.spawn().context("starting postgres")
}

fn database_url(password: &str, port: u16, database: &str) -> SecretString {
    SecretString::from(format!(
        "postgres://{SUPERUSER}:{password}@127.0.0.1:{port}/{database}"
    ))
}

fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

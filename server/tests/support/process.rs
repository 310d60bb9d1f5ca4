//! Running the real `sesame` binary as a child process, as an operator would.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use nix::{
    sys::signal::{kill, Signal},
    unistd::Pid,
};
use tokio::{
    io::{AsyncBufReadExt, BufReader, Lines},
    process::{Child, ChildStdout, Command},
};

/// A running `sesame` process whose stdout is read line by line and whose stderr goes to a
/// log file (shown when a wait fails).
pub struct Sesame {
    child: Child,
    stdout: Lines<BufReader<ChildStdout>>,
    log: PathBuf,
}

impl Sesame {
    /// Starts `sesame <args>` with its log in `log_dir`.
    pub fn spawn(args: &[&str], log_dir: &Path) -> Self {
        let log = log_dir.join(format!("sesame-{}.log", rand_suffix()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_sesame"))
            .args(args)
            .env_remove("DATABASE_URL")
            .env("SESAME_LOG_FORMAT", "pretty")
            // Free ports for the development DNS zone and SMTP, so tests never collide on them.
            .env("SESAME_DNS__DEV_ZONE_ADDR", "127.0.0.1:0")
            .env("SESAME_SMTP__STARTTLS_ADDRS", r#"["127.0.0.1:0"]"#)
            .env("SESAME_SMTP__TLS_ADDRS", r#"["127.0.0.1:0"]"#)
            .env("SESAME_FEEDBACK__LISTEN_ADDRS", r#"["127.0.0.1:0"]"#)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("creating the log file"))
            .kill_on_drop(true)
            .spawn()
            .expect("starting sesame");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        Self { child, stdout, log }
    }

    /// Reads stdout until a line starts with `prefix`; returns the rest of that line.
    pub async fn wait_for_line(&mut self, prefix: &str) -> String {
        let read = async {
            while let Some(line) = self.stdout.next_line().await.expect("reading stdout") {
                if let Some(rest) = line.strip_prefix(prefix) {
                    return Some(rest.to_owned());
                }
            }
            None
        };
        match tokio::time::timeout(Duration::from_secs(90), read).await {
            Ok(Some(rest)) => rest,
            _ => panic!(
                "sesame never printed {prefix:?}; its log:\n{}",
                self.log_text()
            ),
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id().expect("sesame is running") as i32
    }

    /// Sends `signal` and waits for the process to exit; returns whether it exited with 0.
    pub async fn stop_with(mut self, signal: Signal) -> bool {
        kill(Pid::from_raw(self.pid()), signal).expect("signalling sesame");
        let status = tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .expect("sesame did not exit within 60 s")
            .expect("waiting for sesame");
        status.success()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Pids of processes whose command line names `dir` as an argument (a postmaster's `-D`).
pub fn processes_using(dir: &Path) -> Vec<i32> {
    let wanted = dir.as_os_str().as_encoded_bytes();
    std::fs::read_dir("/proc")
        .expect("reading /proc")
        .flatten()
        .filter_map(|entry| {
            let pid: i32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            cmdline
                .split(|b| *b == 0)
                .any(|arg| arg == wanted)
                .then_some(pid)
        })
        .collect()
}

/// Waits up to 10 s for every process using `dir` to be gone.
pub async fn assert_no_process_uses(dir: &Path) {
    for _ in 0..100 {
        if processes_using(dir).is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "processes still use {}: {:?}",
        dir.display(),
        processes_using(dir)
    );
}

/// A temporary directory that an unprivileged cluster user can pass through.
pub fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("sesame-it-")
        .tempdir_in("/tmp")
        .expect("tempdir");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir
}

fn rand_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_owned()
}

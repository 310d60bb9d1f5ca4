//! A previous run that crashed leaves `postmaster.pid` behind. Postgres itself ignores a
//! lock file whose process is gone, but refuses to start when the pid now belongs to some
//! other live process, and a postmaster orphaned by a killed Sesame may still be running.
//! This module clears both cases. A cluster run by another live Sesame is reported with its
//! port, so admin commands can attach to it while `sesame serve` keeps running.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use nix::{
    sys::signal::{kill, Signal},
    unistd::Pid,
};

/// What the pid in a lock file refers to now.
#[derive(Debug, PartialEq)]
enum LockHolder {
    /// No process, or one that is not this cluster's postmaster: the file is stale.
    Stale,
    /// This cluster's postmaster, whose Sesame is gone.
    OrphanedPostmaster,
    /// This cluster's postmaster, still run by a live Sesame.
    LivePostmaster { parent: i32 },
}

/// Whether the cluster can be started, or is running under another Sesame.
#[derive(Debug, PartialEq)]
pub enum ClusterState {
    Startable,
    RunningElsewhere { sesame: i32, port: u16 },
}

/// Makes the cluster startable: removes a stale lock file, stops an orphaned postmaster.
pub async fn clear(cluster: &Path) -> anyhow::Result<ClusterState> {
    let lock = cluster.join("postmaster.pid");
    let Ok(text) = std::fs::read_to_string(&lock) else {
        return Ok(ClusterState::Startable);
    };
    let pid = text
        .lines()
        .next()
        .and_then(|line| line.trim().parse::<i32>().ok());
    match pid.map(|pid| (pid, holder(pid, cluster))) {
        None | Some((_, LockHolder::Stale)) => {
            tracing::warn!(file = %lock.display(), "removing a stale postmaster.pid from a crashed run");
            std::fs::remove_file(&lock)?;
        }
        Some((pid, LockHolder::OrphanedPostmaster)) => {
            tracing::warn!(pid, "stopping a postgres left running by a previous Sesame");
            kill(Pid::from_raw(pid), Signal::SIGINT).ok();
            let deadline = Instant::now() + Duration::from_secs(30);
            while Path::new(&format!("/proc/{pid}")).exists() {
                if Instant::now() > deadline {
                    anyhow::bail!("the orphaned postgres (pid {pid}) did not stop");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Some((pid, LockHolder::LivePostmaster { parent })) => {
            // Line 4 of postmaster.pid is the port.
            let port = text.lines().nth(3).and_then(|l| l.trim().parse().ok());
            let Some(port) = port else {
                anyhow::bail!(
                    "postgres {pid} is starting in {}; try again",
                    cluster.display()
                )
            };
            return Ok(ClusterState::RunningElsewhere {
                sesame: parent,
                port,
            });
        }
    }
    Ok(ClusterState::Startable)
}

fn holder(pid: i32, cluster: &Path) -> LockHolder {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return LockHolder::Stale;
    };
    let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
    let is_postgres = args.first().is_some_and(|a| a.ends_with(b"postgres"));
    let runs_cluster = args.contains(&cluster.as_os_str().as_encoded_bytes());
    if !(is_postgres && runs_cluster) {
        return LockHolder::Stale;
    }
    match parent_of(pid) {
        Some(parent) if command_name(parent).as_deref() == Some("sesame") => {
            LockHolder::LivePostmaster { parent }
        }
        _ => LockHolder::OrphanedPostmaster,
    }
}

fn parent_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may contain spaces; fields after
    // the last ')' are: state, ppid, ...
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn command_name(pid: i32) -> Option<String> {
    Some(
        std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .ok()?
            .trim()
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_lock_file_naming_an_unrelated_live_process_is_removed() {
        let cluster = tempfile::tempdir().unwrap();
        let lock = cluster.path().join("postmaster.pid");
        // Our own pid: alive, but not a postmaster of this cluster.
        std::fs::write(
            &lock,
            format!("{}\n{}\n", std::process::id(), cluster.path().display()),
        )
        .unwrap();
        assert_eq!(
            clear(cluster.path()).await.unwrap(),
            ClusterState::Startable
        );
        assert!(!lock.exists());
    }

    #[tokio::test]
    async fn a_lock_file_naming_a_dead_process_is_removed() {
        let cluster = tempfile::tempdir().unwrap();
        let lock = cluster.path().join("postmaster.pid");
        std::fs::write(&lock, "999999999\n").unwrap();
        assert_eq!(
            clear(cluster.path()).await.unwrap(),
            ClusterState::Startable
        );
        assert!(!lock.exists());
    }

    #[test]
    fn the_parent_is_read_past_a_command_name_with_spaces() {
        assert_eq!(holder(i32::MAX, Path::new("/nowhere")), LockHolder::Stale);
        assert_eq!(
            parent_of(std::process::id() as i32),
            Some(nix::unistd::getppid().as_raw())
        );
    }
}

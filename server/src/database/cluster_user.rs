//! Postgres refuses to run as root. When Sesame itself runs as root, the embedded cluster
//! runs as an unprivileged system user instead: `postgres`, which every distribution's
//! PostgreSQL package creates.

use std::{
    os::unix::{fs::chown, process::CommandExt},
    path::Path,
};

use anyhow::Context;
use nix::unistd::{Gid, Uid, User};

/// The system user the cluster's processes run as when Sesame runs as root.
pub const SYSTEM_USER: &str = "postgres";

/// Who owns and runs the cluster: Sesame's own user, or (as root) an unprivileged one.
#[derive(Debug, Clone)]
pub enum ClusterUser {
    Current,
    Unprivileged { name: String, uid: Uid, gid: Gid },
}

impl ClusterUser {
    /// Decides who runs the cluster, failing with advice when root has no user to hand it to.
    pub fn detect() -> anyhow::Result<Self> {
        if !Uid::effective().is_root() {
            return Ok(Self::Current);
        }
        let user = User::from_name(SYSTEM_USER)
            .context("looking up the postgres system user")?
            .with_context(|| {
                format!(
                    "Sesame runs as root, and Postgres refuses to; it would run the embedded \
                     cluster as the system user `{SYSTEM_USER}`, which does not exist. Install \
                     the postgresql package (it creates the user), create the user, or run \
                     Sesame as a non-root user."
                )
            })?;
        Ok(Self::Unprivileged {
            name: user.name,
            uid: user.uid,
            gid: user.gid,
        })
    }

    /// Makes `command` run as this user.
    pub fn apply(&self, command: &mut tokio::process::Command) {
        if let Self::Unprivileged { uid, gid, .. } = self {
            command.as_std_mut().uid(uid.as_raw()).gid(gid.as_raw());
        }
    }

    /// Gives `path` to this user, so the cluster's processes can write it.
    pub fn take_ownership(&self, path: &Path) -> anyhow::Result<()> {
        if let Self::Unprivileged { uid, gid, .. } = self {
            chown(path, Some(uid.as_raw()), Some(gid.as_raw()))
                .with_context(|| format!("giving {} to {SYSTEM_USER}", path.display()))?;
        }
        Ok(())
    }

    /// Checks that this user can reach `dir` (every ancestor must let it search), so a
    /// private parent such as `/root` fails here with advice rather than deep in initdb.
    pub async fn check_can_reach(&self, dir: &Path, postgres: &Path) -> anyhow::Result<()> {
        let Self::Unprivileged { name, .. } = self else {
            return Ok(());
        };
        let mut probe = tokio::process::Command::new(postgres);
        probe
            .arg("--version")
            .current_dir(dir)
            .stdout(std::process::Stdio::null());
        self.apply(&mut probe);
        match probe.status().await {
            Ok(status) if status.success() => Ok(()),
            _ => anyhow::bail!(
                "the embedded Postgres cluster runs as the system user `{name}` (Postgres \
                 refuses to run as root), and `{name}` cannot reach {}: a parent directory \
                 is private. Choose a data directory it can reach with --data-dir (for example \
                 /var/lib/sesame), or run Sesame as a non-root user.",
                dir.display()
            ),
        }
    }
}

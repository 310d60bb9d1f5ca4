//! Finding the system's PostgreSQL server programs (`initdb`, `postgres`).

use std::path::{Path, PathBuf};

/// How to install the server programs, shown when none are found.
pub const INSTALL_HINT: &str = "PostgreSQL server programs (initdb, postgres) were not found on \
PATH, through pg_config, or under /usr/lib/postgresql/*/bin. Install them (Debian/Ubuntu: \
`apt-get install postgresql`; Fedora: `dnf install postgresql-server`; macOS: `brew install \
postgresql`) or point Sesame at an existing database with DATABASE_URL.";

/// Returns the directory holding `initdb` and `postgres`.
///
/// Looks on PATH first (an explicit choice wins), then asks `pg_config --bindir`, then takes
/// the newest Debian-style `/usr/lib/postgresql/<version>/bin`.
pub fn locate() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>());
    let from_pg_config = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    on_path
        .chain(from_pg_config)
        .chain(debian_versions(Path::new("/usr/lib/postgresql")))
        .find(|dir| has_server_programs(dir))
}

fn has_server_programs(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("postgres").is_file()
}

/// `<root>/<major>/bin`, newest major version first.
fn debian_versions(root: &Path) -> Vec<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.0));
    versions.into_iter().map(|(_, dir)| dir).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_debian_version_comes_first() {
        let root = tempfile::tempdir().unwrap();
        for v in ["9", "15", "13", "not-a-version"] {
            std::fs::create_dir_all(root.path().join(v).join("bin")).unwrap();
        }
        let found = debian_versions(root.path());
        assert_eq!(
            found,
            vec![
                root.path().join("15/bin"),
                root.path().join("13/bin"),
                root.path().join("9/bin")
            ]
        );
    }

    #[test]
    fn a_directory_without_initdb_is_not_a_server_installation() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("postgres"), "").unwrap();
        assert!(!has_server_programs(dir.path()));
        std::fs::write(dir.path().join("initdb"), "").unwrap();
        assert!(has_server_programs(dir.path()));
    }
}

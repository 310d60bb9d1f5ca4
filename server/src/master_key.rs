//! The server master key, which encrypts stored secrets (access-key secrets, DKIM keys).
//! From configuration (`SESAME_MASTER_KEY`, base64 of 32 bytes), or else generated once
//! into `<data_dir>/master.key` with mode 0600. Its value is never logged.

use std::{io::Write, os::unix::fs::OpenOptionsExt, path::Path};

use anyhow::Context;
use base64::{engine::general_purpose::STANDARD, Engine};
use rand::RngCore;
use secrecy::ExposeSecret;

use crate::config::Settings;

/// Loads the configured key, or the data directory's (creating it on first use).
pub fn load(settings: &Settings) -> anyhow::Result<[u8; 32]> {
    match &settings.master_key {
        Some(key) => decode(key.expose_secret()).context("invalid master_key in the configuration"),
        None => load_or_create(&settings.data_dir.join("master.key")),
    }
}

fn decode(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = STANDARD.decode(text.trim()).context("not base64")?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| anyhow::anyhow!("{} bytes; expected 32", b.len()))
}

fn load_or_create(path: &Path) -> anyhow::Result<[u8; 32]> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return decode(&text).with_context(|| format!("invalid master key in {}", path.display()));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    // create_new: if another process raced us, use the key it wrote.
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut file) => {
            file.write_all(STANDARD.encode(key).as_bytes())?;
            file.sync_all()?;
            tracing::info!(path = %path.display(), "generated a new master key; back it up with the database");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_create(path),
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_is_private_and_reloads_the_same() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        let first = load_or_create(&path).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(load_or_create(&path).unwrap(), first);
    }

    #[test]
    fn a_configured_key_must_be_32_bytes_of_base64() {
        assert!(decode(&STANDARD.encode([1u8; 32])).is_ok());
        assert!(decode(&STANDARD.encode([1u8; 16])).is_err());
        assert!(decode("not base64!").is_err());
    }
}

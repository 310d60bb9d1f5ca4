//! The submission listeners' certificate: the configured one, or a self-signed one
//! generated (rcgen) into the data directory on first start and reused after, so clients
//! that pin it keep working across restarts.

use std::{
    io::Write,
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
    sync::Arc,
};

use anyhow::Context;
use tokio_rustls::{
    rustls::{
        self,
        pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
    },
    TlsAcceptor,
};

use super::SmtpSettings;

/// Where a generated certificate lives.
pub fn generated_paths(data_dir: &Path) -> (PathBuf, PathBuf) {
    let dir = data_dir.join("smtp-tls");
    (dir.join("cert.pem"), dir.join("key.pem"))
}

/// The TLS side of every listener.
pub fn acceptor(
    settings: &SmtpSettings,
    data_dir: &Path,
    hostname: &str,
) -> anyhow::Result<TlsAcceptor> {
    let (cert_path, key_path) = match (&settings.cert_path, &settings.key_path) {
        (Some(cert), Some(key)) => (cert.clone(), key.clone()),
        (None, None) => {
            let (cert, key) = generated_paths(data_dir);
            if !cert.exists() || !key.exists() {
                generate(&cert, &key, hostname)?;
            }
            (cert, key)
        }
        _ => anyhow::bail!("invalid configuration: smtp.cert_path and smtp.key_path go together"),
    };
    let chain = CertificateDer::pem_file_iter(&cert_path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("reading the SMTP certificate {}", cert_path.display()))?;
    let key = PrivateKeyDer::from_pem_file(&key_path)
        .with_context(|| format!("reading the SMTP key {}", key_path.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("the SMTP certificate does not match its key")?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// A self-signed certificate for `hostname`, `localhost` and the loopback addresses.
fn generate(cert_path: &Path, key_path: &Path, hostname: &str) -> anyhow::Result<()> {
    let mut names = vec![
        hostname.to_owned(),
        "localhost".into(),
        "127.0.0.1".into(),
        "::1".into(),
    ];
    names.dedup();
    let generated = rcgen::generate_simple_self_signed(names)?;
    if let Some(dir) = cert_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    write_new(
        key_path,
        generated.key_pair.serialize_pem().as_bytes(),
        0o600,
    )?;
    write_new(cert_path, generated.cert.pem().as_bytes(), 0o644)?;
    tracing::info!(path = %cert_path.display(), "generated a self-signed certificate for SMTP");
    Ok(())
}

fn write_new(path: &Path, contents: &[u8], mode: u32) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(contents)?;
    file.sync_all()?;
    Ok(())
}

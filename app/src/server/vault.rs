//! Encryption of secrets at rest (access-key secrets, later DKIM private keys) under the
//! server's master key, with XChaCha20-Poly1305 (RustCrypto `chacha20poly1305`).
//!
//! Each secret gets a random 192-bit nonce (safe to pick at random at this size) and is bound
//! to its row by associated data (for example the access key id), so a ciphertext copied to
//! another row does not decrypt.

use std::sync::Arc;

use chacha20poly1305::{
    aead::{Aead, KeyInit, Payload},
    XChaCha20Poly1305, XNonce,
};
use rand::RngCore;

/// A sealed secret: what is stored.
#[derive(Clone)]
pub struct Sealed {
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

/// Seals and opens secrets with the master key. Not `Debug`: the key must never be printed.
#[derive(Clone)]
pub struct SecretVault {
    cipher: Arc<XChaCha20Poly1305>,
}

/// Why a sealed secret could not be opened (tampered, wrong row, or another master key).
#[derive(Debug, thiserror::Error)]
#[error("a stored secret could not be decrypted (wrong master key or tampered data)")]
pub struct OpenError;

impl SecretVault {
    pub fn new(master_key: &[u8; 32]) -> Self {
        Self {
            cipher: Arc::new(XChaCha20Poly1305::new(master_key.into())),
        }
    }

    pub fn seal(&self, secret: &[u8], bound_to: &str) -> Sealed {
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: secret,
                    aad: bound_to.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory data");
        Sealed {
            nonce: nonce.to_vec(),
            ciphertext,
        }
    }

    pub fn open(&self, sealed: &Sealed, bound_to: &str) -> Result<Vec<u8>, OpenError> {
        if sealed.nonce.len() != 24 {
            return Err(OpenError);
        }
        self.cipher
            .decrypt(
                XNonce::from_slice(&sealed.nonce),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: bound_to.as_bytes(),
                },
            )
            .map_err(|_| OpenError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_for_its_row_and_key() {
        let vault = SecretVault::new(&[7; 32]);
        let sealed = vault.seal(b"s3cret", "AKIAEXAMPLE");
        assert_ne!(sealed.ciphertext, b"s3cret");
        assert_eq!(vault.open(&sealed, "AKIAEXAMPLE").unwrap(), b"s3cret");
        assert!(vault.open(&sealed, "AKIAOTHER").is_err());
        assert!(SecretVault::new(&[8; 32])
            .open(&sealed, "AKIAEXAMPLE")
            .is_err());
        let mut tampered = Sealed {
            nonce: sealed.nonce.clone(),
            ciphertext: sealed.ciphertext.clone(),
        };
        tampered.ciphertext[0] ^= 1;
        assert!(vault.open(&tampered, "AKIAEXAMPLE").is_err());
    }

    #[test]
    fn nonces_are_fresh_for_every_seal() {
        let vault = SecretVault::new(&[1; 32]);
        assert_ne!(vault.seal(b"x", "a").nonce, vault.seal(b"x", "a").nonce);
    }
}

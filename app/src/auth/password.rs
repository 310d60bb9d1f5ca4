//! Password hashing with argon2id at the ASVS 5.0 Appendix C minimum (m = 19 MiB, t = 2,
//! p = 1), stored as PHC strings.
//!
//! One hash costs ~20 ms of CPU and 19 MiB, so hashing runs on blocking threads behind a
//! semaphore sized to the cores: a burst of sign-ins queues here instead of stalling the
//! async runtime that serves every other request. Verifying for an unknown email checks a
//! dummy hash, so both cases take the same time (no account enumeration by timing).

use std::{
    collections::HashSet,
    sync::{Arc, LazyLock},
};

use argon2::{
    password_hash::{
        rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString,
    },
    Algorithm, Argon2, Params, Version,
};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

use super::password_rules;
use crate::{error::AppError, server::errors::internal};

/// Memory cost in KiB, passes, lanes.
pub const PARAMS: (u32, u32, u32) = (19 * 1024, 2, 1);

static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().collect());

fn argon2() -> Argon2<'static> {
    let (m, t, p) = PARAMS;
    let params = Params::new(m, t, p, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks every password rule, including the common-password list.
pub fn check_rules(password: &str) -> Result<(), AppError> {
    password_rules::check_length(password).map_err(|m| AppError::field("password", m))?;
    if COMMON_PASSWORDS.contains(password.to_lowercase().as_str()) {
        return Err(AppError::field(
            "password",
            "This password is among the most common ones; choose another.",
        ));
    }
    Ok(())
}

/// Hashes and verifies passwords off the async runtime, a bounded number at a time.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    dummy: Arc<str>,
}

impl PasswordHasher {
    /// `concurrency` hashes may run at once (the number of cores is a good choice).
    pub fn new(concurrency: usize) -> Self {
        let salt = SaltString::generate(&mut OsRng);
        let dummy = argon2()
            .hash_password(uuid::Uuid::new_v4().to_string().as_bytes(), &salt)
            .expect("hashing the dummy password")
            .to_string();
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy: dummy.into(),
        }
    }

    /// A PHC string for `password`.
    pub async fn hash(&self, password: SecretString) -> Result<String, AppError> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()
                .hash_password(password.expose_secret().as_bytes(), &salt)
                .map(|h| h.to_string())
        })
        .await?
        .map_err(internal)
    }

    /// Whether `password` matches `hash`; with no hash (unknown user) a dummy is verified so
    /// the answer takes as long, and is always false.
    pub async fn verify(
        &self,
        password: SecretString,
        hash: Option<String>,
    ) -> Result<bool, AppError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy.to_string());
        let matches = self
            .run(move || {
                let parsed = PasswordHash::new(&hash)?;
                Ok::<_, argon2::password_hash::Error>(
                    argon2()
                        .verify_password(password.expose_secret().as_bytes(), &parsed)
                        .is_ok(),
                )
            })
            .await?
            .map_err(internal)?;
        Ok(known && matches)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self.permits.acquire().await.map_err(internal)?;
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(work))
            .await
            .map_err(internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_use_argon2id_with_the_asvs_minimum_and_verify() {
        let hasher = PasswordHasher::new(2);
        let hash = hasher
            .hash(SecretString::from("correct horse battery"))
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher
            .verify(
                SecretString::from("correct horse battery"),
                Some(hash.clone())
            )
            .await
            .unwrap());
        assert!(!hasher
            .verify(SecretString::from("wrong horse battery"), Some(hash))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies_even_with_the_dummy_password() {
        let hasher = PasswordHasher::new(1);
        assert!(!hasher
            .verify(SecretString::from("anything at all"), None)
            .await
            .unwrap());
    }

    #[test]
    fn common_and_short_passwords_are_refused_with_the_field_named() {
        for bad in ["password", "Password1", "12345678", "QWERTYUIOP", "short"] {
            let err = check_rules(bad).unwrap_err();
            assert!(err.for_field("password").is_some(), "{bad}: {err:?}");
        }
        assert!(check_rules("plum-ladder-sunrise-42").is_ok());
        assert!(COMMON_PASSWORDS.len() > 5000);
    }
}

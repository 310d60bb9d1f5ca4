//! A short-lived, in-process memory of recently used signing keys, so that a client
//! sending thousands of requests a second is not looked up (and its secret decrypted) for
//! every one. Entries live `ttl` (one second by default): a key deactivated or deleted, or
//! a user or account disabled, in another Sesame process stops working within that time
//! (IAM itself is eventually consistent); in this process the change clears the memory at
//! once.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use super::db::SigningKey;

/// A key as resolved: its row, and its secret opened.
pub struct CachedKey {
    pub key: SigningKey,
    pub secret: String,
}

/// Each key id with when it was looked up.
type Entries = HashMap<String, (Instant, Arc<CachedKey>)>;

#[derive(Clone)]
pub struct KeyCache {
    entries: Arc<Mutex<Entries>>,
    ttl: Duration,
}

/// Entries kept at most (a flood of distinct key ids must not grow it without bound).
const CAPACITY: usize = 10_000;

impl KeyCache {
    /// `ttl` zero: nothing is remembered.
    pub fn new(ttl: Duration) -> Self {
        Self {
            entries: Arc::default(),
            ttl,
        }
    }

    pub fn get(&self, access_key_id: &str) -> Option<Arc<CachedKey>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let (at, key) = entries.get(access_key_id)?;
        (at.elapsed() < self.ttl).then(|| Arc::clone(key))
    }

    pub fn put(&self, access_key_id: &str, key: CachedKey) -> Arc<CachedKey> {
        let key = Arc::new(key);
        if self.ttl.is_zero() {
            return key;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY {
            entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(access_key_id.to_owned(), (Instant::now(), Arc::clone(&key)));
        key
    }

    /// Forgets everything: a key, user or account changed.
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ids::AccountId, server::vault::Sealed};

    fn key() -> CachedKey {
        CachedKey {
            key: SigningKey {
                account_id: AccountId::generate(),
                user_id: crate::ids::UserId(uuid::Uuid::new_v4()),
                user_name: "ci".into(),
                role: "sender".into(),
                active: true,
                user_disabled: false,
                account_disabled: false,
                expired: false,
                limits: Default::default(),
                used_recently: true,
                secret: Sealed {
                    nonce: vec![],
                    ciphertext: vec![],
                },
            },
            secret: "s".into(),
        }
    }

    #[test]
    fn keys_are_remembered_for_the_ttl_and_forgotten_on_change() {
        let cache = KeyCache::new(Duration::from_millis(50));
        cache.put("AKIAONE", key());
        assert!(cache.get("AKIAONE").is_some());
        assert!(cache.get("AKIATWO").is_none());
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get("AKIAONE").is_none(), "expired");
        cache.put("AKIAONE", key());
        cache.clear();
        assert!(cache.get("AKIAONE").is_none(), "cleared");
        let off = KeyCache::new(Duration::ZERO);
        off.put("AKIAONE", key());
        assert!(off.get("AKIAONE").is_none(), "a zero ttl remembers nothing");
    }
}

//! Per-client limits shared by every listener of this process: connections open at once,
//! and failed AUTH attempts (by client address and by user name, so neither one address
//! trying many names nor many addresses trying one name gets far).

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

/// Counts open connections; a `ConnectionSlot` gives its place back when dropped.
pub struct Connections {
    open: Mutex<HashMap<IpAddr, usize>>,
    max_total: usize,
    max_per_ip: usize,
}

pub struct ConnectionSlot {
    connections: Arc<Connections>,
    ip: IpAddr,
}

impl Connections {
    pub fn new(max_total: usize, max_per_ip: usize) -> Arc<Self> {
        Arc::new(Self {
            open: Mutex::new(HashMap::new()),
            max_total,
            max_per_ip,
        })
    }

    /// A slot for a connection from `ip`, or None when it would pass a cap.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<ConnectionSlot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let total: usize = open.values().sum();
        let from_ip = open.get(&ip).copied().unwrap_or(0);
        if total >= self.max_total || from_ip >= self.max_per_ip {
            return None;
        }
        *open.entry(ip).or_default() += 1;
        Some(ConnectionSlot {
            connections: self.clone(),
            ip,
        })
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut open = self
            .connections
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Failed AUTH attempts in a fixed window per key (`ip:…` and `user:…`).
pub struct AuthFailures {
    failures: Mutex<HashMap<String, (Instant, u32)>>,
    max: u32,
    window: Duration,
}

impl AuthFailures {
    pub fn new(max: u32, window: Duration) -> Arc<Self> {
        Arc::new(Self {
            failures: Mutex::new(HashMap::new()),
            max,
            window,
        })
    }

    fn keys(ip: IpAddr, user: &str) -> [String; 2] {
        [format!("ip:{ip}"), format!("user:{user}")]
    }

    /// True when the client address or the user name has used up its failures.
    pub fn is_blocked(&self, ip: IpAddr, user: &str) -> bool {
        let failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        Self::keys(ip, user).iter().any(|key| {
            failures
                .get(key)
                .is_some_and(|(start, count)| start.elapsed() < self.window && *count >= self.max)
        })
    }

    pub fn record(&self, ip: IpAddr, user: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        // Forget expired windows now and then, so the map stays as small as the attack.
        if failures.len() > 10_000 {
            failures.retain(|_, (start, _)| start.elapsed() < self.window);
        }
        for key in Self::keys(ip, user) {
            let entry = failures.entry(key).or_insert((Instant::now(), 0));
            if entry.0.elapsed() >= self.window {
                *entry = (Instant::now(), 0);
            }
            entry.1 += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

    #[test]
    fn connections_are_capped_per_address_and_in_all() {
        let connections = Connections::new(3, 2);
        let first = connections.admit(A).unwrap();
        let _second = connections.admit(A).unwrap();
        assert!(connections.admit(A).is_none(), "third from one address");
        let _third = connections.admit(B).unwrap();
        assert!(connections.admit(B).is_none(), "fourth in all");
        drop(first);
        assert!(
            connections.admit(A).is_some(),
            "a closed connection frees its slot"
        );
    }

    #[test]
    fn failures_block_the_address_and_the_user_name() {
        let failures = AuthFailures::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(!failures.is_blocked(A, "AKIAONE"));
            failures.record(A, "AKIAONE");
        }
        assert!(
            failures.is_blocked(A, "AKIAOTHER"),
            "same address, another name"
        );
        assert!(
            failures.is_blocked(B, "AKIAONE"),
            "same name, another address"
        );
        assert!(!failures.is_blocked(B, "AKIAOTHER"));
    }

    #[test]
    fn failures_are_forgotten_after_the_window() {
        let failures = AuthFailures::new(1, Duration::from_millis(20));
        failures.record(A, "AKIAONE");
        assert!(failures.is_blocked(A, "AKIAONE"));
        std::thread::sleep(Duration::from_millis(30));
        assert!(!failures.is_blocked(A, "AKIAONE"));
    }
}

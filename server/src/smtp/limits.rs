//! Connections open at once, in all and per client address (an IPv6 client by its /64, as
//! `app::auth::throttle::client_group` says), shared by every socket of one service
//! (submission's, or the feedback listener's) in this process.
//! (Failed AUTH attempts are counted in Postgres: `app::auth::throttle`.)

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, PoisonError},
};

use app::auth::throttle::client_group;

/// Counts open connections; a `ConnectionSlot` gives its place back when dropped.
pub struct Connections {
    /// Per client group.
    open: Mutex<HashMap<String, usize>>,
    max_total: usize,
    max_per_ip: usize,
}

pub struct ConnectionSlot {
    connections: Arc<Connections>,
    group: String,
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
        let group = client_group(ip);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let total: usize = open.values().sum();
        let from_group = open.get(&group).copied().unwrap_or(0);
        if total >= self.max_total || from_group >= self.max_per_ip {
            return None;
        }
        *open.entry(group.clone()).or_default() += 1;
        Some(ConnectionSlot {
            connections: self.clone(),
            group,
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
        if let Some(count) = open.get_mut(&self.group) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.group);
            }
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
    fn an_ipv6_client_is_one_client_across_its_64() {
        let connections = Connections::new(10, 2);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let _a = connections.admit(ip("2001:db8:1:2::1")).unwrap();
        let _b = connections.admit(ip("2001:db8:1:2::ffff")).unwrap();
        assert!(connections.admit(ip("2001:db8:1:2:1::1")).is_none());
        assert!(connections.admit(ip("2001:db8:1:3::1")).is_some());
    }
}

//! Sending statistics: what an account sent and what became of it, per 15-minute interval
//! over two weeks (SES's `GetSendStatistics`), counted in `send_statistic` as sends are
//! accepted and outcomes recorded; and the Statistics page's charts.

mod api;
#[cfg(feature = "ssr")]
pub mod db;
mod page;

pub use api::*;
pub use page::StatisticsPage;

use serde::{Deserialize, Serialize};

/// Counts over one interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Recipients accepted (SES's DeliveryAttempts).
    pub delivery_attempts: i64,
    pub deliveries: i64,
    pub bounces: i64,
    pub complaints: i64,
    pub rejects: i64,
}

impl Counts {
    pub fn add(&mut self, other: &Counts) {
        self.delivery_attempts += other.delivery_attempts;
        self.deliveries += other.deliveries;
        self.bounces += other.bounces;
        self.complaints += other.complaints;
        self.rejects += other.rejects;
    }
}

/// The Statistics page's data for one region: hourly counts over the last 14 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatisticsView {
    pub region: String,
    /// (hour, counts), oldest first, every hour present.
    pub hourly: Vec<(String, Counts)>,
    pub totals: Counts,
}

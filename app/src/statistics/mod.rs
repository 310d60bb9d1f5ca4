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

/// How far back the Statistics page looks, and in what time buckets: enough buckets to
/// show a shape, few enough that each holds something.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    #[default]
    Day,
    Week,
    TwoWeeks,
}

impl Window {
    pub const ALL: [Window; 3] = [Window::Day, Window::Week, Window::TwoWeeks];

    /// As the page's address names it (`?window=7d`).
    pub fn param(self) -> &'static str {
        match self {
            Window::Day => "24h",
            Window::Week => "7d",
            Window::TwoWeeks => "14d",
        }
    }

    /// The window an address names; anything else is the default.
    pub fn from_param(param: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|w| w.param() == param)
            .unwrap_or_default()
    }

    pub fn title(self) -> &'static str {
        match self {
            Window::Day => "Last 24 hours",
            Window::Week => "Last 7 days",
            Window::TwoWeeks => "Last 14 days",
        }
    }

    /// One bucket's length in hours.
    pub fn bucket_hours(self) -> i64 {
        match self {
            Window::Day => 1,
            Window::Week => 6,
            Window::TwoWeeks => 24,
        }
    }

    /// How many buckets the window has, the current one last.
    pub fn buckets(self) -> i64 {
        match self {
            Window::Day => 24,
            Window::Week => 28,
            Window::TwoWeeks => 14,
        }
    }

    /// "per hour", as the chart's title says it.
    pub fn per(self) -> &'static str {
        match self {
            Window::Day => "per hour",
            Window::Week => "per 6 hours",
            Window::TwoWeeks => "per day",
        }
    }
}

/// The Statistics page's data for one region: counts per bucket over a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatisticsView {
    pub region: String,
    /// (bucket's label, counts), oldest first, every bucket present.
    pub buckets: Vec<(String, Counts)>,
    pub totals: Counts,
}

//! Reputation: each account's bounce and complaint rates per region, judged against SES's
//! thresholds into an enforcement status (Healthy, UnderReview, Paused); automatic changes
//! (the server's reputation worker), the operator's decisions, the history of both, and the
//! Reputation page.
//!
//! The rates are measured over the last `window_days` (7) of final outcomes — or since the
//! operator's last decision, if later — and only once `min_volume` outcomes count: a
//! handful of sends says nothing about a sender. Outcomes at the mailbox simulator and
//! sends skipped for the suppression list do not count (as in SES).

mod api;
#[cfg(feature = "ssr")]
pub mod assess;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
mod notice;
mod page;
mod review;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;
pub use page::ReputationPage;
pub use review::ReviewQueue;

use serde::{Deserialize, Serialize};

use crate::ids::AccountId;

/// SES's account status (the Reputation page's words; v2 `EnforcementStatus` in `v2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnforcementStatus {
    Healthy,
    UnderReview,
    /// Sends are refused until an operator reinstates the account.
    Paused,
}

impl EnforcementStatus {
    pub const ALL: [Self; 3] = [Self::Healthy, Self::UnderReview, Self::Paused];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Healthy => "Healthy",
            Self::UnderReview => "UnderReview",
            Self::Paused => "Paused",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// As people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Healthy => "Healthy",
            Self::UnderReview => "Under review",
            Self::Paused => "Sending paused",
        }
    }

    /// The badge it is drawn as.
    pub fn badge_class(self) -> &'static str {
        match self {
            Self::Healthy => "badge ok",
            Self::UnderReview => "badge warn",
            Self::Paused => "badge danger",
        }
    }

    /// SES v2's `EnforcementStatus`.
    pub fn v2(self) -> &'static str {
        match self {
            Self::Healthy => "HEALTHY",
            Self::UnderReview => "PROBATION",
            Self::Paused => "SHUTDOWN",
        }
    }
}

/// When an account is judged, and how (`[reputation]` in the server's settings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    /// Bounce rate (0.05 = 5 %) at or above which the account is put under review.
    pub bounce_review: f64,
    /// Bounce rate at or above which sending is paused.
    pub bounce_pause: f64,
    pub complaint_review: f64,
    pub complaint_pause: f64,
    /// How far back the rates look.
    pub window_days: u32,
    /// Counted outcomes needed before the rates are acted on.
    pub min_volume: i64,
    /// Pause automatically at the pause thresholds (else: under review, for an operator).
    pub auto_pause: bool,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            bounce_review: 0.05,
            bounce_pause: 0.10,
            complaint_review: 0.001,
            complaint_pause: 0.005,
            window_days: 7,
            min_volume: 200,
            auto_pause: true,
        }
    }
}

/// What the rates are made of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rates {
    /// Final outcomes that count (delivered or bounced, not simulated, not suppressed).
    pub rated: i64,
    pub hard_bounces: i64,
    pub complaints: i64,
}

impl Rates {
    pub fn bounce_rate(&self) -> f64 {
        ratio(self.hard_bounces, self.rated)
    }

    pub fn complaint_rate(&self) -> f64 {
        ratio(self.complaints, self.rated)
    }
}

fn ratio(part: i64, whole: i64) -> f64 {
    if whole > 0 {
        part as f64 / whole as f64
    } else {
        0.0
    }
}

/// A rate as a percentage, with as many decimals as small thresholds need (0.1 %).
pub fn percent(rate: f64) -> String {
    let value = rate * 100.0;
    if value != 0.0 && value < 1.0 {
        format!("{value:.2} %")
    } else {
        format!("{value:.1} %")
    }
}

/// One change of status, as the history shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    pub at: String,
    pub from: EnforcementStatus,
    pub to: EnforcementStatus,
    /// `automatic`, or the operator who decided.
    pub decided_by: String,
    pub reason: String,
}

/// An account's standing in one region (the Reputation page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionReputation {
    pub region: String,
    pub status: EnforcementStatus,
    pub status_since: String,
    pub rates: Rates,
    /// Rates per day over the last two weeks: (day, bounce rate, complaint rate).
    pub daily: Vec<(String, f64, f64)>,
    pub history: Vec<StatusChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReputationOverview {
    pub thresholds: Thresholds,
    pub regions: Vec<RegionReputation>,
}

/// An account the operator should look at: under review or paused somewhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewCase {
    pub account_id: AccountId,
    pub account_name: String,
    pub region: String,
    pub status: EnforcementStatus,
    pub status_since: String,
    pub rates: Rates,
    pub last_reason: Option<String>,
}

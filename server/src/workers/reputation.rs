//! The reputation worker: every `assess_every_secs`, judges every account region with
//! counted outcomes against the thresholds and records any change of status (with its
//! notice), and forgets statistics older than two weeks — in one process at a time
//! (`leader`); changes are compare-and-set besides.

use std::time::Duration;

use app::{
    reputation::{service::assess_all, Thresholds},
    system_mail::Letterhead,
};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::leader::{run_alone, Singleton};

/// `[reputation]`: the thresholds (see `app::reputation::Thresholds`) and how often they
/// are applied.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ReputationSettings {
    pub assess_every_secs: u64,
    #[serde(flatten)]
    pub thresholds: Thresholds,
}

impl Default for ReputationSettings {
    fn default() -> Self {
        Self {
            assess_every_secs: 60,
            thresholds: Thresholds::default(),
        }
    }
}

/// Runs until the process stops.
pub fn spawn(
    workers: &super::Workers,
    pool: PgPool,
    letterhead: Letterhead,
    settings: &ReputationSettings,
) {
    let thresholds = settings.thresholds.clone();
    let every = Duration::from_secs(settings.assess_every_secs.max(1));
    workers.every("reputation", every, move || {
        let (pool, letterhead, thresholds) = (pool.clone(), letterhead.clone(), thresholds.clone());
        async move {
            let round = async {
                if let Err(e) = assess_all(&pool, &letterhead, &thresholds).await {
                    tracing::warn!(error = %e, "reputation round failed");
                }
                if let Err(e) = app::statistics::db::forget_old(&pool).await {
                    tracing::warn!(error = %e, "forgetting old statistics failed");
                }
            };
            if let Err(e) = run_alone(&pool, Singleton::Reputation, round).await {
                tracing::warn!(error = %e, "the reputation job could not be claimed");
            }
        }
    });
}

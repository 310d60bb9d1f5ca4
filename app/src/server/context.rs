//! What server functions and SSR get from the server: the pool, the password hasher, the
//! secret vault, the caches and the deployment's settings, provided once per request
//! through Leptos context.

use std::sync::Arc;

use leptos::prelude::use_context;
use sqlx::PgPool;

use super::vault::SecretVault;
use crate::{
    access_keys::cache::KeyCache,
    auth::password::PasswordHasher,
    billing::prices::PriceList,
    error::AppError,
    identities::{dns::DnsLookup, verification::VerificationPolicy},
    notifications::guard::WebhookPolicy,
    reputation::Thresholds,
    sending::committer::Committer,
    smtp::SmtpEndpoint,
    system_mail::Letterhead,
};

/// What server functions, SSR and the listeners share: the handles to the database, the
/// caches and the background services (cheap to clone), and the deployment's settings.
#[derive(Clone)]
pub struct AppContext {
    pub pool: PgPool,
    pub passwords: PasswordHasher,
    pub vault: SecretVault,
    pub dns: DnsLookup,
    /// Commits accepted sends together (group commit).
    pub committer: Committer,
    /// Recently used signing keys (the API's hot path); cleared when keys, users or
    /// accounts change.
    pub keys: KeyCache,
    pub settings: Arc<AppSettings>,
}

/// The deployment's settings as the app sees them: plain values, fixed at start.
pub struct AppSettings {
    pub regions: Vec<String>,
    /// How long sessions live.
    pub sessions: crate::auth::registry::SessionLimits,
    /// The origin users reach Sesame at (links in mail point there).
    pub public_origin: String,
    /// The address Sesame's own mail comes from.
    pub system_sender: String,
    pub verification: VerificationPolicy,
    /// How mail is delivered, in words (the operator console shows it).
    pub delivery: String,
    /// Where the SMTP interface listens (the SMTP settings page shows it).
    pub smtp: SmtpEndpoint,
    /// Which webhook URLs may be called, and how long a call may take.
    pub webhooks: WebhookPolicy,
    /// When accounts are put under review or paused (the Reputation page shows them).
    pub reputation: Thresholds,
    /// What sending costs (billing statements).
    pub prices: PriceList,
}

impl AppContext {
    /// What Sesame's own mail is written on.
    pub fn letterhead(&self) -> Letterhead {
        Letterhead {
            from: self.settings.system_sender.as_str().into(),
            origin: self.settings.public_origin.as_str().into(),
        }
    }
}

/// The context of the current request; an internal error if the server did not provide it.
pub fn app_context() -> Result<AppContext, AppError> {
    use_context::<AppContext>()
        .ok_or_else(|| super::errors::internal("AppContext was not provided"))
}

//! The database: an external Postgres (`DATABASE_URL`) or the embedded cluster, the
//! connection pool, and the migrations (the only source of the schema).

pub mod binaries;
mod cluster_user;
pub mod embedded;
mod stale_pid;

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::{
    migrate::{Migrate, Migrator},
    postgres::{PgConnectOptions, PgPoolOptions},
    Connection, PgPool,
};

use crate::config::Settings;
pub use embedded::{EmbeddedCluster, IfRunning};

/// The schema, embedded in the binary at compile time.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// An open database: the pool, and the embedded cluster when Sesame runs one.
pub struct Database {
    pub pool: PgPool,
    embedded: Option<EmbeddedCluster>,
}

impl Database {
    /// Connects to `DATABASE_URL`, or starts the embedded cluster, then applies migrations.
    pub async fn open(settings: &Settings, if_running: IfRunning) -> anyhow::Result<Self> {
        let (url, embedded) = match &settings.database_url {
            Some(url) => (url.clone(), None),
            None => {
                let cluster = EmbeddedCluster::start(&settings.data_dir, if_running).await?;
                (cluster.url().clone(), Some(cluster))
            }
        };
        let pool = match connect(url.expose_secret()).await {
            Ok(pool) => pool,
            Err(e) => {
                if let Some(cluster) = embedded {
                    cluster.stop().await.ok();
                }
                return Err(e);
            }
        };
        let database = Self { pool, embedded };
        if let Err(e) = migrate(&database.pool).await {
            database.close().await.ok();
            return Err(e);
        }
        Ok(database)
    }

    /// An already connected and migrated database (tests), with no embedded cluster.
    pub fn from_pool(pool: PgPool) -> Self {
        Self {
            pool,
            embedded: None,
        }
    }

    /// The embedded cluster's URL, if Sesame runs one.
    pub fn embedded_url(&self) -> Option<&secrecy::SecretString> {
        self.embedded.as_ref().map(EmbeddedCluster::url)
    }

    /// Closes the pool, then stops the embedded cluster (in that order, so Postgres is not
    /// asked to shut down under open connections).
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        match self.embedded {
            Some(cluster) => cluster.stop().await,
            None => Ok(()),
        }
    }
}

async fn connect(url: &str) -> anyhow::Result<PgPool> {
    // A MessageId promises the message is on disk: every session commits synchronously,
    // whatever the server's or the database's default says.
    let options = PgConnectOptions::from_str(url)
        .context("reading the database URL")?
        .options([("synchronous_commit", "on")]);
    PgPoolOptions::new()
        .max_connections(16)
        // A request waits at most this long for a connection, then fails (503), rather
        // than queueing without bound when Postgres is slow or gone.
        .acquire_timeout(Duration::from_secs(5))
        // sqlx pings every connection before handing it out by default: one more round trip
        // per query, which halved the send path's throughput. Only connections idle long
        // enough for Postgres to have gone away meanwhile (a restart, a failover) are pinged.
        .test_before_acquire(false)
        .before_acquire(|connection, meta| {
            Box::pin(async move {
                if meta.idle_for > Duration::from_secs(10) {
                    connection.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await
        .context("connecting to the database")
}

/// Applies Sesame's migrations (the session store's table among them).
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("applying migrations")
}

/// True when every migration this binary knows has been applied successfully.
pub async fn migrations_applied(pool: &PgPool) -> anyhow::Result<bool> {
    let mut conn = pool.acquire().await?;
    let applied = conn.list_applied_migrations().await?;
    Ok(MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .all(|m| applied.iter().any(|a| a.version == m.version)))
}

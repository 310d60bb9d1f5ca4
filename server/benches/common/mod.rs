//! What the send and delivery benchmarks share: an in-process Sesame on its embedded
//! Postgres with one tenant per client (a verified domain, production access, no quota
//! limits, an access key), and SigV4-signed SendEmail calls to it.

#![allow(dead_code)] // each benchmark uses a different part

use std::net::SocketAddr;

use anyhow::Context;
use app::{
    access_keys::{issue_access_key, KeyRequest},
    accounts::{create_account, AccountName},
    email::EmailAddress,
    server::vault::SecretVault,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use secrecy::ExposeSecret;
use sesame::{
    config::{Overrides, Settings},
    database::{Database, IfRunning},
    startup::Application,
};
use sesame_signer::signed_form_post;
use time::OffsetDateTime;

/// A running Sesame and its tenants.
pub struct Bench {
    pub base: String,
    pub pool: sqlx::PgPool,
    /// The embedded cluster's URL (for pgbench).
    pub database_url: String,
    /// Per tenant: the key id and secret.
    pub keys: Vec<(String, String)>,
    _data: tempfile::TempDir,
}

/// Starts Sesame with `tenants` tenants; `configure` adjusts the settings (delivery).
pub async fn start(tenants: usize, configure: impl FnOnce(&mut Settings)) -> anyhow::Result<Bench> {
    let data = tempfile::tempdir()?;
    let master_key = [7u8; 32];
    let mut settings = Settings::load(&Overrides {
        http_addr: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
        data_dir: Some(data.path().to_owned()),
        ..Overrides::default()
    })?;
    settings.dns.dev_zone = false;
    settings.dns.nameservers = vec![SocketAddr::from(([127, 0, 0, 1], 9))];
    settings.master_key = Some(STANDARD.encode(master_key).into());
    // No SMTP listeners: the benchmarks measure the API, and a running Sesame may hold the ports.
    settings.smtp.starttls_addrs.clear();
    settings.smtp.tls_addrs.clear();
    configure(&mut settings);
    let database = Database::open(&settings, IfRunning::Refuse).await?;
    let database_url = database
        .embedded_url()
        .context("the benchmark runs on the embedded cluster")?
        .expose_secret()
        .to_owned();
    let pool = database.pool.clone();
    let app = Application::with_database(settings, database).await?;
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until_stopped());
    let keys = make_tenants(&pool, &SecretVault::new(&master_key), tenants).await?;
    Ok(Bench {
        base,
        pool,
        database_url,
        keys,
        _data: data,
    })
}

/// Tenant i sends from `bench@t<i>.example`.
async fn make_tenants(
    pool: &sqlx::PgPool,
    vault: &SecretVault,
    count: usize,
) -> anyhow::Result<Vec<(String, String)>> {
    let mut keys = Vec::new();
    let regions = ["us-east-1".to_owned()];
    for i in 0..count {
        let mut tx = pool.begin().await?;
        let name = AccountName::parse(&format!("Tenant {i}")).map_err(anyhow::Error::msg)?;
        let email =
            EmailAddress::parse(&format!("admin@t{i}.example")).map_err(anyhow::Error::msg)?;
        // Nobody signs in during the benchmark; the hash is never checked.
        let created = create_account(&mut tx, &name, &email, "unused", &regions)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        tx.commit().await?;
        let account = created.account_id;
        // Runtime SQL: benchmark set-up, outside the product's query data.
        sqlx::query(
            "insert into identity (identity_id, account_id, region, kind, name, verification_token, verification_status)
             values (gen_random_uuid(), $1, 'us-east-1', 'domain', $2, $3, 'Success')",
        )
        .bind(account.as_str())
        .bind(format!("t{i}.example"))
        .bind(format!("bench-token-{i}"))
        .execute(pool)
        .await?;
        sqlx::query(
            "update account_region set sandbox = false, max_24_hour_send = -1, max_send_rate = 1e9 where account_id = $1",
        )
        .bind(account.as_str())
        .execute(pool)
        .await?;
        let actor = app::audit::Actor::sesame("bench setup");
        let request = KeyRequest::unlimited("us-east-1");
        let key = issue_access_key(pool, vault, &account, created.admin, &request, &actor)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        keys.push((key.access_key_id, key.secret_access_key));
    }
    Ok(keys)
}

/// The SendEmail form of tenant `tenant`: 1 KiB of text to `to`.
pub fn send_form(tenant: usize, to: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("Action", "SendEmail"),
            ("Source", &format!("bench@t{tenant}.example")),
            ("Destination.ToAddresses.member.1", to),
            ("Message.Subject.Data", "Benchmark"),
            ("Message.Body.Text.Data", &"x".repeat(1024)),
        ])
        .finish()
}

/// POSTs a signed v1 request; returns the status.
pub async fn signed_post(
    client: &reqwest::Client,
    base: &str,
    (id, secret): &(String, String),
    body: &str,
) -> anyhow::Result<u16> {
    let host = base.trim_start_matches("http://");
    let headers = signed_form_post(
        host,
        (id, secret),
        "us-east-1",
        OffsetDateTime::now_utc(),
        body,
        &[],
    );
    let mut request = client.post(format!("{base}/")).body(body.to_owned());
    for (name, value) in headers.iter().filter(|(n, _)| n != "host") {
        request = request.header(name, value);
    }
    let response = request.send().await?;
    Ok(response.status().as_u16())
}

/// Whether two measurements of one baseline agree within 15% (else the machine was busy).
pub fn check_drift(before: f64, after: f64) -> anyhow::Result<()> {
    let drift = (before - after).abs() / before.max(after);
    if drift > 0.15 {
        anyhow::bail!(
            "the baselines differ by {:.0}%: the machine was busy; run again",
            drift * 100.0
        );
    }
    Ok(())
}

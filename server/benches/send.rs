//! SendEmail accepted messages per second against a pgbench baseline of the same durable
//! work, measured in one run on one machine (quality.md P1).
//!
//! Baseline: pgbench, 32 clients, each committing "update my tenant's quota row, insert a
//! 1 KiB message row" with synchronous commit. Sesame: 32 concurrent SigV4-signed SendEmail
//! calls (1 KiB text, one recipient, 32 tenants) over keep-alive HTTP against an in-process
//! Sesame on its embedded Postgres — authentication, authorization, verification and quota
//! checks, message and recipient rows committed before each 200. Order: baseline, Sesame,
//! baseline; the run fails if the baselines differ by more than 15%.
//!
//! Run: `cargo bench -p sesame --bench send` (or `./dev bench`). Needs `pgbench`
//! (PostgreSQL's client tools).

use std::{
    net::SocketAddr,
    path::PathBuf,
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use app::{
    access_keys::issue_access_key,
    accounts::{create_account, AccountName},
    email::EmailAddress,
    ids::AccountId,
    server::vault::SecretVault,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use secrecy::ExposeSecret;
use sesame::{
    config::{Overrides, Settings},
    database::{Database, IfRunning},
    ses::sigv4::{authorization_header, payload_hash, SignedRequest},
    startup::Application,
};
use time::{macros::format_description, OffsetDateTime};

const CLIENTS: usize = 32;
const RUN: Duration = Duration::from_secs(10);
const WARM_UP: Duration = Duration::from_secs(2);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
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
    // Acceptance alone (quality.md P1); delivery end to end is measured on its own.
    settings.delivery.workers = 0;
    let database = Database::open(&settings, IfRunning::Refuse).await?;
    let url = database
        .embedded_url()
        .context("the benchmark runs on the embedded cluster")?
        .expose_secret()
        .to_owned();
    let pool = database.pool.clone();
    let app = Application::with_database(settings, database).await?;
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until_stopped());

    let keys = tenants(&pool, &SecretVault::new(&master_key)).await?;
    prepare_baseline(&pool).await?;
    let pgbench = pgbench()?;

    let before = baseline(&pgbench, &url)?;
    let sesame = sesame(&base, &keys).await?;
    let after = baseline(&pgbench, &url)?;

    let drift = (before - after).abs() / before.max(after);
    let base_tps = (before + after) / 2.0;
    println!("baseline (pgbench, {CLIENTS} clients, quota update + 1 KiB message insert): {before:.0} then {after:.0} tps");
    println!(
        "Sesame SendEmail: {:.0} accepted/s, p50 {:.1} ms, p99 {:.1} ms = {:.2}× the baseline",
        sesame.rate,
        sesame.p50.as_secs_f64() * 1e3,
        sesame.p99.as_secs_f64() * 1e3,
        sesame.rate / base_tps
    );
    if drift > 0.15 {
        bail!(
            "the baselines differ by {:.0}%: the machine was busy; run again",
            drift * 100.0
        );
    }
    Ok(())
}

/// One account per client, each with a verified domain, production access, no quota
/// limits, and an access key; returns (account, key id, secret).
async fn tenants(
    pool: &sqlx::PgPool,
    vault: &SecretVault,
) -> anyhow::Result<Vec<(AccountId, String, String)>> {
    let mut keys = Vec::new();
    let regions = ["us-east-1".to_owned()];
    for i in 0..CLIENTS {
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
        let key = issue_access_key(pool, vault, &account, created.admin, "us-east-1")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        keys.push((account, key.access_key_id, key.secret_access_key));
    }
    Ok(keys)
}

async fn prepare_baseline(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    sqlx::raw_sql(
        "create table bench_quota (tenant int primary key, sent bigint not null default 0);
         insert into bench_quota select g from generate_series(0, 63) g;
         create table bench_message (id bigserial primary key, tenant int not null, body bytea not null,
                                     created_at timestamptz not null default now());",
    )
    .execute(pool)
    .await?;
    Ok(())
}

fn pgbench() -> anyhow::Result<PathBuf> {
    if let Ok(output) = Command::new("pgbench").arg("--version").output() {
        if output.status.success() {
            return Ok(PathBuf::from("pgbench"));
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")?
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin/pgbench"))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found
        .pop()
        .context("pgbench not found (install PostgreSQL's client tools)")
}

/// Transactions per second of the equivalent durable work.
fn baseline(pgbench: &PathBuf, url: &str) -> anyhow::Result<f64> {
    let script = tempfile::NamedTempFile::new()?;
    std::fs::write(
        script.path(),
        "\\set tenant :client_id\n\
         begin;\n\
         update bench_quota set sent = sent + 1 where tenant = :tenant;\n\
         insert into bench_message (tenant, body) values (:tenant, convert_to(repeat('x', 1024), 'UTF8'));\n\
         commit;\n",
    )?;
    let output = Command::new(pgbench)
        .args(["-n", "-c", &CLIENTS.to_string(), "-j", "2", "-T"])
        .arg(RUN.as_secs().to_string())
        .arg("-f")
        .arg(script.path())
        .arg(url)
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .with_context(|| {
            format!(
                "pgbench said: {stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
}

struct Measured {
    rate: f64,
    p50: Duration,
    p99: Duration,
}

async fn sesame(base: &str, keys: &[(AccountId, String, String)]) -> anyhow::Result<Measured> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()?;
    let host = base.trim_start_matches("http://").to_owned();
    let body_text = "x".repeat(1024);
    let run = |length: Duration| {
        let tasks = keys.iter().enumerate().map(|(i, (_, id, secret))| {
            let (client, base, host) = (client.clone(), base.to_owned(), host.clone());
            let form = form_urlencoded::Serializer::new(String::new())
                .extend_pairs([
                    ("Action", "SendEmail"),
                    ("Source", &format!("bench@t{i}.example")),
                    (
                        "Destination.ToAddresses.member.1",
                        "success@simulator.amazonses.com",
                    ),
                    ("Message.Subject.Data", "Benchmark"),
                    ("Message.Body.Text.Data", &body_text),
                ])
                .finish();
            let (id, secret) = (id.clone(), secret.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let start = Instant::now();
                while start.elapsed() < length {
                    let began = Instant::now();
                    let status = signed_post(&client, &base, &host, &id, &secret, &form).await?;
                    if status != 200 {
                        bail!("a send was answered {status}");
                    }
                    latencies.push(began.elapsed());
                }
                Ok(latencies)
            })
        });
        futures::future::join_all(tasks)
    };
    for outcome in run(WARM_UP).await {
        outcome??;
    }
    let started = Instant::now();
    let mut latencies: Vec<Duration> = Vec::new();
    for outcome in run(RUN).await {
        latencies.extend(outcome??);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize];
    Ok(Measured {
        rate: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    })
}

async fn signed_post(
    client: &reqwest::Client,
    base: &str,
    host: &str,
    id: &str,
    secret: &str,
    body: &str,
) -> anyhow::Result<u16> {
    let amz_date = OffsetDateTime::now_utc().format(format_description!(
        "[year][month][day]T[hour][minute][second]Z"
    ))?;
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let headers = vec![
        ("content-type".to_owned(), content_type.to_owned()),
        ("host".to_owned(), host.to_owned()),
        ("x-amz-date".to_owned(), amz_date.clone()),
    ];
    let hash = payload_hash(body.as_bytes());
    let request = SignedRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        payload_hash: &hash,
    };
    let authorization = authorization_header(id, secret, "us-east-1", &amz_date, &request);
    let response = client
        .post(format!("{base}/"))
        .header("content-type", content_type)
        .header("x-amz-date", amz_date)
        .header("authorization", authorization)
        .body(body.to_owned())
        .send()
        .await?;
    Ok(response.status().as_u16())
}

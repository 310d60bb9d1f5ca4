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

mod common;

use std::{
    path::PathBuf,
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{bail, Context};

use common::{check_drift, send_form, signed_post};

const CLIENTS: usize = 32;
const RUN: Duration = Duration::from_secs(10);
const WARM_UP: Duration = Duration::from_secs(2);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Acceptance alone (quality.md P1); delivery end to end is `--bench deliver`.
    let bench = common::start(CLIENTS, |s| s.delivery.workers = 0).await?;
    prepare_baseline(&bench.pool).await?;
    let pgbench = pgbench()?;

    let before = baseline(&pgbench, &bench.database_url)?;
    let sesame = sesame(&bench.base, &bench.keys).await?;
    let after = baseline(&pgbench, &bench.database_url)?;

    let base_tps = (before + after) / 2.0;
    println!("baseline (pgbench, {CLIENTS} clients, quota update + 1 KiB message insert): {before:.0} then {after:.0} tps");
    println!(
        "Sesame SendEmail: {:.0} accepted/s, p50 {:.1} ms, p99 {:.1} ms = {:.2}× the baseline",
        sesame.rate,
        sesame.p50.as_secs_f64() * 1e3,
        sesame.p99.as_secs_f64() * 1e3,
        sesame.rate / base_tps
    );
    check_drift(before, after)
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

async fn sesame(base: &str, keys: &[(String, String)]) -> anyhow::Result<Measured> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()?;
    let run = |length: Duration| {
        let tasks = keys.iter().enumerate().map(|(i, key)| {
            let (client, base, key) = (client.clone(), base.to_owned(), key.clone());
            let form = send_form(i, "success@simulator.amazonses.com");
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let start = Instant::now();
                while start.elapsed() < length {
                    let began = Instant::now();
                    let status = signed_post(&client, &base, &key, &form).await?;
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

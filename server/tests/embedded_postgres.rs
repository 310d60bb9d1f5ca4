//! The embedded Postgres cluster, exercised through the real `sesame` binary: first start,
//! restart with data intact, recovery from a killed run, and a clean stop.

// In tests a panic is the failure report; `unwrap_used` guards production code.
#![allow(clippy::unwrap_used)]

mod support;

use nix::sys::signal::Signal;
use sqlx::{Connection, PgConnection};
use support::process::{assert_no_process_uses, data_dir, Sesame};

async fn start_cluster(data: &std::path::Path) -> (Sesame, String) {
    let mut sesame = Sesame::spawn(&["postgres", "--data-dir", data.to_str().unwrap()], data);
    let url = sesame.wait_for_line("DATABASE_URL=").await;
    (sesame, url)
}

#[tokio::test]
async fn data_survives_a_restart_and_no_postgres_outlives_sesame() {
    let data = data_dir();
    let cluster_dir = data.path().canonicalize().unwrap().join("postgres");

    // First start: initdb, start, create the database.
    let (sesame, url) = start_cluster(data.path()).await;
    let mut conn = PgConnection::connect(&url).await.unwrap();
    sqlx::query("create table memo (body text)")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("insert into memo values ('kept')")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    assert!(
        sesame.stop_with(Signal::SIGTERM).await,
        "sesame should exit cleanly on SIGTERM"
    );
    assert_no_process_uses(&cluster_dir).await;

    // Second start: same data, and SIGINT stops it as cleanly as SIGTERM.
    let (sesame, url) = start_cluster(data.path()).await;
    let mut conn = PgConnection::connect(&url).await.unwrap();
    let body: String = sqlx::query_scalar("select body from memo")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(body, "kept");
    conn.close().await.unwrap();
    assert!(sesame.stop_with(Signal::SIGINT).await);
    assert_no_process_uses(&cluster_dir).await;
}

#[tokio::test]
async fn a_run_killed_with_its_postgres_does_not_block_the_next_start() {
    let data = data_dir();
    let cluster_dir = data.path().canonicalize().unwrap().join("postgres");
    let (sesame, url) = start_cluster(data.path()).await;
    let mut conn = PgConnection::connect(&url).await.unwrap();
    sqlx::query("create table memo as select 'committed'::text as body")
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);

    // A crash: the postmaster and Sesame both die with SIGKILL, leaving postmaster.pid.
    let lock = cluster_dir.join("postmaster.pid");
    let postmaster: i32 = std::fs::read_to_string(&lock)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(postmaster), Signal::SIGKILL).unwrap();
    sesame.stop_with(Signal::SIGKILL).await;
    assert_no_process_uses(&cluster_dir).await;
    assert!(
        lock.exists(),
        "the crash should leave a stale postmaster.pid"
    );

    let (sesame, url) = start_cluster(data.path()).await;
    let mut conn = PgConnection::connect(&url).await.unwrap();
    let body: String = sqlx::query_scalar("select body from memo")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(body, "committed");
    conn.close().await.unwrap();
    assert!(sesame.stop_with(Signal::SIGTERM).await);
    assert_no_process_uses(&cluster_dir).await;
}

#[tokio::test]
async fn a_killed_sesame_takes_its_postgres_down_and_the_next_start_works() {
    let data = data_dir();
    let cluster_dir = data.path().canonicalize().unwrap().join("postgres");
    let (sesame, _) = start_cluster(data.path()).await;
    sesame.stop_with(Signal::SIGKILL).await;
    // The postmaster is told to stop when its parent dies; nothing is left running.
    assert_no_process_uses(&cluster_dir).await;

    let (sesame, url) = start_cluster(data.path()).await;
    PgConnection::connect(&url)
        .await
        .unwrap()
        .close()
        .await
        .unwrap();
    assert!(sesame.stop_with(Signal::SIGTERM).await);
}

#[tokio::test]
async fn serve_uses_the_embedded_cluster_is_ready_and_stops_it() {
    let data = data_dir();
    let cluster_dir = data.path().canonicalize().unwrap().join("postgres");
    let mut sesame = Sesame::spawn(
        &[
            "serve",
            "--data-dir",
            data.path().to_str().unwrap(),
            "--http-addr",
            "127.0.0.1:0",
        ],
        data.path(),
    );
    let line = sesame.wait_for_line("Sesame is running at ").await;
    let base = line.split_whitespace().next().unwrap().to_owned();

    let live = reqwest::get(format!("{base}/health/live")).await.unwrap();
    assert_eq!(live.status(), 200);
    let ready = reqwest::get(format!("{base}/health/ready")).await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");

    assert!(
        sesame.stop_with(Signal::SIGTERM).await,
        "sesame should exit cleanly"
    );
    assert_no_process_uses(&cluster_dir).await;
}

#[tokio::test]
async fn two_servers_cannot_share_one_embedded_cluster() {
    let data = data_dir();
    let (first, _) = start_cluster(data.path()).await;
    let second = std::process::Command::new(env!("CARGO_BIN_EXE_sesame"))
        .args(["postgres", "--data-dir", data.path().to_str().unwrap()])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("in use by another running Sesame"),
        "{stderr}"
    );
    assert!(first.stop_with(Signal::SIGTERM).await);
}

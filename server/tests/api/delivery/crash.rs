//! The durability promise under a crash: the real `sesame` binary, relaying to a receiver,
//! is killed with SIGKILL while clients are sending; after a restart every MessageId it
//! returned is delivered. Duplicates (a message the receiver took just before the kill,
//! before its delivery was recorded) are allowed — SMTP is at-least-once — and reported.

use std::{
    collections::BTreeMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use nix::sys::signal::Signal;
use reqwest::StatusCode;
use sqlx::PgPool;
use time::OffsetDateTime;

use super::{receiver::Receiver, sender};
use crate::{
    helpers::{database_url, ses_call_at, ses_form, TestApp},
    sending::{element, set_quota},
    support::process::{data_dir, Sesame},
};

const MASTER_KEY: &str = "c2VzYW1lLXRlc3QtbWFzdGVyLWtleS0zMi1ieXRlcyE=";
const CLIENTS: usize = 8;

#[sqlx::test(migrations = "../migrations")]
async fn every_message_accepted_before_a_kill_9_is_delivered_after_the_restart(pool: PgPool) {
    let receiver = Receiver::accepting().await;
    // The accounts are made through an in-process Sesame that delivers nothing.
    let setup = TestApp::spawn_with_dns(pool.clone(), |s| {
        s.delivery.workers = 0;
        s.master_key = Some(MASTER_KEY.to_owned().into());
    })
    .await;
    let (_, account, key) = sender(&setup).await;
    set_quota(&pool, &account, -1.0, 100_000.0).await;

    let dir = data_dir();
    let config = dir.path().join("sesame.toml");
    std::fs::write(
        &config,
        format!(
            "master_key = \"{MASTER_KEY}\"\n\
             [delivery]\nmode = \"relay\"\npoll_ms = 50\nlease_secs = 3\nretry_base_secs = 1\nretry_max_secs = 1\n\
             [delivery.relay]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\n",
            receiver.addr.port()
        ),
    )
    .unwrap();
    let url = database_url(&pool);
    let args = [
        "serve",
        "--config",
        config.to_str().unwrap(),
        "--database-url",
        url.as_str(),
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--http-addr",
        "127.0.0.1:0",
    ];

    let mut server = Sesame::spawn(&args, dir.path());
    let base = running_at(&mut server).await;
    // Clients send numbered messages until the server stops answering.
    let accepted: Arc<Mutex<BTreeMap<usize, String>>> = Arc::default();
    let next = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (base, key) = (base.clone(), key.clone());
            let (accepted, next) = (Arc::clone(&accepted), Arc::clone(&next));
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let subject = format!("Number {n}");
                    let body = ses_form(&[
                        ("Action", "SendEmail"),
                        ("Source", "shop@owner.example"),
                        ("Destination.ToAddresses.member.1", "ann@elsewhere.example"),
                        ("Message.Subject.Data", &subject),
                        ("Message.Body.Text.Data", "Hello"),
                    ]);
                    match ses_call_at(&base, &key, &body, OffsetDateTime::now_utc(), &[]).await {
                        Ok((StatusCode::OK, _, xml)) => {
                            let id = element(&xml, "MessageId").unwrap().to_owned();
                            accepted.lock().unwrap().insert(n, id);
                        }
                        Ok((status, _, xml)) => panic!("{status}: {xml}"),
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!server.stop_with(Signal::SIGKILL).await);
    for client in clients {
        client.await.unwrap();
    }
    let accepted = accepted.lock().unwrap().clone();
    assert!(
        accepted.len() > 10,
        "only {} sends before the kill",
        accepted.len()
    );

    let mut restarted = Sesame::spawn(&args, dir.path());
    running_at(&mut restarted).await;
    let mut copies: BTreeMap<usize, usize> = BTreeMap::new();
    for _ in 0..600 {
        copies.clear();
        for message in receiver.received() {
            *copies.entry(number_of(&message.data)).or_default() += 1;
        }
        if accepted.keys().all(|n| copies.contains_key(n)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let lost: Vec<&usize> = accepted
        .keys()
        .filter(|n| !copies.contains_key(n))
        .collect();
    let duplicated = copies.values().filter(|&&c| c > 1).count();
    println!(
        "kill -9 under load: {} accepted, {} lost, {duplicated} delivered twice",
        accepted.len(),
        lost.len()
    );
    assert!(lost.is_empty(), "accepted but never delivered: {lost:?}");
    // Messages the killed process handed over but had not recorded yet are recorded once
    // their lease lets the restarted one send them again (at-least-once): wait for it.
    let ids: Vec<String> = accepted.values().cloned().collect();
    let mut undelivered = i64::MAX;
    for _ in 0..300 {
        undelivered = sqlx::query_scalar(
            "select count(*) from message where message_id = any($1) and status <> 'Delivered'",
        )
        .bind(&ids)
        .fetch_one(&pool)
        .await
        .unwrap();
        if undelivered == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(undelivered, 0);
    restarted.stop_with(Signal::SIGTERM).await;
}

async fn running_at(server: &mut Sesame) -> String {
    let line = server.wait_for_line("Sesame is running at ").await;
    line.split_whitespace().next().unwrap().to_owned()
}

/// `Number <n>` from the Subject header.
fn number_of(data: &str) -> usize {
    let subject = data
        .lines()
        .find_map(|l| l.strip_prefix("Subject: Number "))
        .unwrap_or_else(|| panic!("no numbered subject in {data}"));
    subject.trim().parse().unwrap()
}

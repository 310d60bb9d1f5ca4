//! Singleton jobs run in one process at a time: while another holds the reputation job's
//! advisory lock, this process's worker skips its rounds; once released, it runs.

use std::time::Duration;

use sqlx::PgPool;

use crate::helpers::TestApp;

async fn old_rows(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "select count(*) from send_statistic where interval_start < now() - interval '15 days'",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_reputation_job_waits_while_another_process_runs_it(pool: PgPool) {
    // "Another process": a connection holding the job's lock in an open transaction.
    let mut other = pool.begin().await.unwrap();
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(sesame::workers::leader::Singleton::Reputation as i64)
        .execute(&mut *other)
        .await
        .unwrap();
    let app = TestApp::spawn_with(pool, |s| s.reputation.assess_every_secs = 1).await;
    let (_, account) = app.new_account("Owner").await;
    sqlx::query(
        "insert into send_statistic (account_id, region, interval_start, stripe, delivery_attempts)
         values ($1, 'us-east-1', date_bin('15 minutes', now() - interval '16 days', timestamptz 'epoch'), 0, 5)",
    )
    .bind(&account)
    .execute(&app.pool)
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        old_rows(&app.pool).await,
        1,
        "a round ran while another process held the job"
    );
    other.rollback().await.unwrap();
    for _ in 0..50 {
        if old_rows(&app.pool).await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the job never ran once the lock was free");
}

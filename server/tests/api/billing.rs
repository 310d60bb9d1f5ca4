//! Billing: statements add up to the messages they cover, over random histories; only the
//! account's own messages of the month are in them; a real send appears with its size.

use base64::{engine::general_purpose::STANDARD, Engine};
use rand::{rngs::StdRng, Rng, SeedableRng};
use reqwest::StatusCode;
use sqlx::PgPool;

use app::{
    billing::{prices::PriceList, statement::statement, Usage},
    ids::AccountId,
};

use crate::{
    helpers::{ses_key, TestApp},
    sending::{element, send, send_email, verified_domain, SIMULATOR},
};

/// A stored message: (month, identity ARN, owner, recipients, size).
type Sent = (&'static str, String, String, i32, usize);

async fn store(pool: &PgPool, account: &str, id: usize, sent: &Sent) {
    let (month, arn, owner, recipients, size) = sent;
    sqlx::query(
        "insert into message (message_id, account_id, region, envelope_from, from_address, source_arn,
                              from_arn, return_path_arn, identity_owner, raw, recipient_count, created_at)
         values ($1, $2, 'us-east-1', 'a@b.example', 'a@b.example', $3, $3, $3, $4, $5, $6,
                 ($7 || '-15 12:00:00+00')::timestamptz)",
    )
    .bind(format!("billing-{account}-{id}"))
    .bind(account)
    .bind(arn)
    .bind(owner)
    .bind(vec![b'x'; *size])
    .bind(recipients)
    .bind(month)
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn statements_equal_the_sum_of_their_messages(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (_, account) = app.new_account("Delegate").await;
    let (_, other) = app.new_account("Other").await;
    let seed: u64 = rand::thread_rng().gen();
    println!("billing history seed: {seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let months = ["2026-09", "2026-10", "2026-11"];
    let identities = [
        (
            format!("arn:aws:ses:us-east-1:{account}:identity/own.example"),
            account.clone(),
        ),
        (
            "arn:aws:ses:us-east-1:888888888888:identity/owner.example".to_owned(),
            "888888888888".to_owned(),
        ),
        (
            "arn:aws:ses:us-east-1:999999999999:identity/ann@other.example".to_owned(),
            "999999999999".to_owned(),
        ),
    ];
    let history: Vec<Sent> = (0..rng.gen_range(50..150))
        .map(|_| {
            let (arn, owner) = identities[rng.gen_range(0..identities.len())].clone();
            (
                months[rng.gen_range(0..3)],
                arn,
                owner,
                rng.gen_range(1..=50),
                rng.gen_range(1..20_000),
            )
        })
        .collect();
    for (i, sent) in history.iter().enumerate() {
        store(&app.pool, &account, i, sent).await;
    }
    // Another account's sends are its own bill.
    store(
        &app.pool,
        &other,
        0,
        &(
            months[0],
            identities[1].0.clone(),
            identities[1].1.clone(),
            7,
            100,
        ),
    )
    .await;

    let prices = PriceList::default();
    let id = AccountId::parse(&account).unwrap();
    for month in months {
        let bill = statement(&app.pool, &prices, &id, month).await.unwrap();
        let mine: Vec<&Sent> = history.iter().filter(|s| s.0 == month).collect();
        let mut expected = Usage::default();
        let mut amount = prices.charge(&Usage::default());
        for sent in &mine {
            let usage = Usage {
                messages: 1,
                recipients: i64::from(sent.3),
                bytes: sent.4 as i64,
            };
            expected.add(&usage);
            amount += prices.charge(&usage);
        }
        assert_eq!(bill.totals, expected, "{month} (seed {seed})");
        assert_eq!(
            bill.amount,
            amount.normalize().to_string(),
            "{month} (seed {seed})"
        );
        let mut lines = Usage::default();
        for line in &bill.lines {
            lines.add(&line.usage);
            let (arn, owner) = identities
                .iter()
                .find(|(arn, _)| *arn == line.identity_arn)
                .unwrap();
            assert_eq!(&line.owner_account, owner, "{arn}");
            let per_identity = mine
                .iter()
                .filter(|s| s.1 == *arn)
                .map(|s| s.3 as i64)
                .sum::<i64>();
            assert_eq!(
                line.usage.recipients, per_identity,
                "{arn} in {month} (seed {seed})"
            );
        }
        assert_eq!(lines, expected);
        // The CSV says the same.
        let csv = String::from_utf8(
            STANDARD
                .decode(bill.csv_href.strip_prefix("data:text/csv;base64,").unwrap())
                .unwrap(),
        )
        .unwrap();
        let total = csv.lines().last().unwrap();
        assert_eq!(
            total,
            format!(
                "{month},total,,{},{},{},{}",
                expected.messages, expected.recipients, expected.bytes, bill.amount
            )
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_send_is_billed_and_a_refused_one_is_not(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, account) = app.new_account("Owner").await;
    verified_domain(&owner, "owner.example").await;
    let key = ses_key(&owner).await;
    let (status, xml) = send(&app, &key, &send_email("shop@owner.example", SIMULATOR)).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    // Refused (unverified): no message, no charge.
    assert_eq!(
        send(&app, &key, &send_email("shop@nowhere.example", SIMULATOR))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let size: i64 =
        sqlx::query_scalar("select octet_length(raw)::bigint from message where message_id = $1")
            .bind(element(&xml, "MessageId").unwrap())
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let bill = owner.json("billing/statement", &[("month", "")]).await;
    assert_eq!(bill["totals"]["messages"], 1, "{bill}");
    assert_eq!(bill["totals"]["recipients"], 1);
    assert_eq!(bill["totals"]["bytes"], size);
    assert_eq!(
        bill["lines"][0]["identity_arn"],
        format!("arn:aws:ses:us-east-1:{account}:identity/owner.example")
    );
    owner
        .error(
            "billing/statement",
            &[("month", "2026-13")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
}

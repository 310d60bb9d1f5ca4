use sqlx::PgPool;

#[sqlx::test(migrations = false)]
async fn migrations_apply_to_an_empty_database_and_again_change_nothing(pool: PgPool) {
    assert!(!sesame::database::migrations_applied(&pool)
        .await
        .unwrap_or(false));

    sesame::database::migrate(&pool).await.unwrap();

    assert!(sesame::database::migrations_applied(&pool).await.unwrap());
    let tables: Vec<String> = sqlx::query_scalar(
        "select table_schema || '.' || table_name from information_schema.tables
         where table_schema in ('public', 'tower_sessions') order by 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for table in [
        "public.access_key",
        "public.account",
        "public.account_region",
        "public.account_user",
        "public.operator",
        "public.sign_in_throttle",
        "tower_sessions.session",
    ] {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} missing from {tables:?}"
        );
    }
    sesame::database::migrate(&pool).await.unwrap();
}

/// migrations/README.md names, for every function and trigger, the migration that holds its
/// current definition: a newcomer changing one starts from the body the database runs.
#[sqlx::test(migrations = "../migrations")]
async fn the_migrations_readme_names_the_definition_of_every_function_and_trigger(pool: PgPool) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
    let readme = std::fs::read_to_string(format!("{dir}/README.md")).unwrap();
    let migration = |file: &str| std::fs::read_to_string(format!("{dir}/{file}")).unwrap();

    let live: Vec<(String, String)> = sqlx::query_as(
        "select p.proname::text, p.prosrc from pg_proc p
         join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'public' order by 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let listed = table(&readme, "## Functions");
    let mut names: Vec<&str> = listed.iter().map(|row| row[0].as_str()).collect();
    names.sort_unstable();
    let live_names: Vec<&str> = live.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, live_names, "functions listed vs. in the database");
    for row in &listed {
        let (name, file) = (&row[0], &row[1]);
        let body = last_body(&migration(file), name)
            .unwrap_or_else(|| panic!("{file} does not define {name}"));
        let running = &live.iter().find(|(n, _)| n == name).unwrap().1;
        assert_eq!(
            &body, running,
            "{name}: the body in {file} is not the one running"
        );
    }

    let mut live_triggers: Vec<(String, String, String)> = sqlx::query_as(
        "select t.tgname::text, c.relname::text, p.proname::text || '()' from pg_trigger t
         join pg_class c on c.oid = t.tgrelid
         join pg_proc p on p.oid = t.tgfoid
         where not t.tgisinternal",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    live_triggers.sort();
    let listed = table(&readme, "## Triggers");
    let mut triggers: Vec<(String, String, String)> = listed
        .iter()
        .map(|row| (row[0].clone(), row[1].clone(), row[2].clone()))
        .collect();
    triggers.sort();
    assert_eq!(
        triggers, live_triggers,
        "triggers listed vs. in the database"
    );
    for row in &listed {
        let (name, table, file) = (&row[0], &row[1], &row[3]);
        let text = migration(file).to_lowercase();
        assert!(
            text.contains(&format!("create trigger {name} "))
                || text.contains(&format!("trigger_updated_at('{table}')")),
            "{file} does not create trigger {name} on {table}"
        );
    }
}

/// The rows of the first Markdown table after `heading`, without the header, each cell
/// trimmed of spaces and backticks.
fn table(markdown: &str, heading: &str) -> Vec<Vec<String>> {
    let section = &markdown[markdown.find(heading).expect(heading)..];
    section
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2)
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().trim_matches('`').to_owned())
                .collect()
        })
        .collect()
}

/// The body (between the `$$`s) of the last `create [or replace] function <name>(` in `sql`.
fn last_body(sql: &str, name: &str) -> Option<String> {
    let lower = sql.to_lowercase();
    let start = [
        format!("create function {name}("),
        format!("create or replace function {name}("),
    ]
    .iter()
    .filter_map(|head| lower.rfind(head.as_str()))
    .max()?;
    let open = start + sql[start..].find("$$")? + 2;
    let close = open + sql[open..].find("$$")?;
    Some(sql[open..close].to_owned())
}

/// The rules both SQL and Rust apply are one rule each: the database's function and its
/// Rust mirror give the same answers.
#[sqlx::test(migrations = "../migrations")]
async fn rules_stated_in_sql_and_rust_agree(pool: PgPool) {
    use app::identities::{coverage::is_verified, VerificationStatus};
    for address in [
        "success@simulator.amazonses.com",
        "Bounce+run1@SIMULATOR.amazonses.COM",
        "ooto@simulator.amazonses.com.evil.example",
        "simulator.amazonses.com@example.com",
        "jane@example.com",
        "nobody",
    ] {
        let sql: bool = sqlx::query_scalar("select is_simulator_address($1)")
            .bind(address)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(
            sql,
            app::sending::is_simulator_address(address),
            "{address}"
        );
    }
    for status in VerificationStatus::ALL {
        let sql: bool = sqlx::query_scalar("select counts_as_verified($1)")
            .bind(status.as_str())
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(sql, is_verified(status.as_str()), "{status:?}");
    }
}

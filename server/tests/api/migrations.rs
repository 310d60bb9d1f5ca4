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

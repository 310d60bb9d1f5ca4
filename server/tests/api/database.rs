//! The pool Sesame opens on an external database.

use sesame::{
    config::{Overrides, Settings},
    database::{Database, IfRunning},
};
use sqlx::PgPool;

use crate::helpers::database_url;

#[sqlx::test(migrations = "../migrations")]
async fn sessions_commit_synchronously_whatever_the_database_says(pool: PgPool) {
    let name = pool.connect_options().get_database().unwrap().to_owned();
    sqlx::query(&format!(
        r#"alter database "{name}" set synchronous_commit = off"#
    ))
    .execute(&pool)
    .await
    .unwrap();
    let url = database_url(&pool);
    let show = "show synchronous_commit";

    // What any other client of this database now gets...
    let plain = PgPool::connect(&url).await.unwrap();
    let default: String = sqlx::query_scalar(show).fetch_one(&plain).await.unwrap();
    assert_eq!(default, "off");

    // ...and what Sesame's sessions get.
    let data = tempfile::tempdir().unwrap();
    let mut settings = Settings::load(&Overrides {
        data_dir: Some(data.path().to_owned()),
        ..Overrides::default()
    })
    .unwrap();
    settings.database_url = Some(url.into());
    let database = Database::open(&settings, IfRunning::Refuse).await.unwrap();
    let ours: String = sqlx::query_scalar(show)
        .fetch_one(&database.pool)
        .await
        .unwrap();
    assert_eq!(ours, "on");
}

//! `sqlx::migrate!` and `#[sqlx::test(migrations = …)]` embed `migrations/` at compile time;
//! cargo does not know that, so without this a changed migration would leave the binary and
//! the tests running the old one.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}

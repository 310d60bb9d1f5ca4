//! Integration tests through the public HTTP surface, each against a fresh database
//! (`#[sqlx::test]` creates and migrates one per test from DATABASE_URL).

// In tests a panic is the failure report; `unwrap_used` guards production code.
#![allow(clippy::unwrap_used)]

mod abuse;
mod access_keys;
mod accounts;
mod admin_cli;
mod assets;
mod audit;
mod billing;
mod csrf;
mod database;
mod delegates;
mod delivery;
mod dev_zone;
mod email_change;
mod email_identities;
mod feedback;
mod helpers;
mod identities;
mod isolation;
mod key_scope;
mod migrations;
mod notifications;
mod operator;
mod operator_two_factor;
mod ownership;
mod partners;
mod password_reset;
mod policies;
mod reputation;
mod sending;
mod ses_api;
mod sessions;
mod sign_in;
pub mod smtp;
#[path = "../support/mod.rs"]
mod support;
mod two_factor;
mod user_sessions;
mod users;

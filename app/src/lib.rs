//! Sesame's product code, shared by the server (feature `ssr`) and the browser (feature
//! `hydrate`): domain types, pages and components, and server functions. Modules that touch
//! the database or secrets are compiled only with `ssr` (see CONTRIBUTING.md).

#![recursion_limit = "256"]

pub mod access_keys;
pub mod accounts;
mod app;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod components;
#[cfg(feature = "ssr")]
pub mod csv;
pub mod delegates;
pub mod delivery;
pub mod email;
pub mod error;
pub mod feedback;
pub mod identities;
pub mod ids;
pub mod landing;
pub mod mailbox;
pub mod notifications;
pub mod operator;
pub mod overview;
pub mod partners;
pub mod policies;
pub mod quote;
pub mod reputation;
pub mod security;
pub mod sending;
#[cfg(feature = "ssr")]
pub mod server;
pub mod smtp;
pub mod statistics;
#[cfg(feature = "ssr")]
pub mod system_mail;
#[cfg(feature = "ssr")]
pub mod templates;
pub mod text;
pub mod users;

pub use app::{shell, App};

//! Server-only plumbing shared by every feature: the context server functions run in, the
//! conversion of internal errors, and encryption of stored secrets.

pub mod context;
pub mod errors;
pub mod shown;
pub mod vault;

pub use context::{app_context, AppContext, AppSettings};
pub use shown::shown;

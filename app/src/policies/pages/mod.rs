//! The owner's Authorization tab (policies, editor, generator, simulator) and the delegate's
//! "Shared with me" page.

mod authorization;
mod draft;
mod editor;
mod generator;
mod shared;
mod simulator;

pub use authorization::AuthorizationTab;
pub use shared::SharedWithMePage;

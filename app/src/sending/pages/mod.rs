//! The delegate's (and owner's) sending pages.

mod delegate_activity;
mod messages;
mod send_test;

pub use delegate_activity::DelegateActivityTab;
pub use messages::MessagesPage;
pub use send_test::SendTestPage;

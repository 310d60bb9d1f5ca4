//! The delegate's (and owner's) sending pages.

mod messages;
mod send_as_picker;
mod send_test;

pub use messages::MessagesPage;
pub use send_as_picker::SendAsPicker;
pub use send_test::SendTestPage;

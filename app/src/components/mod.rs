//! The design system: layout and reusable pieces used by every feature's pages.

mod account_ref;
mod chart;
mod confirm;
mod form;
mod layout;
mod live;
mod loaded;

pub use account_ref::AccountRef;
pub use chart::{LineChart, Series};
pub use confirm::ConfirmSubmit;
pub use form::{
    field_error, CopyButton, CopyValue, Field, FormError, LoadError, NewPasswordField, Saved,
};
pub use layout::{Layout, NotFound};
pub use live::{every, reload_on_change};
pub use loaded::loaded;

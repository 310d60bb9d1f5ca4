//! The design system: layout and reusable pieces used by every feature's pages.

mod chart;
mod confirm;
mod form;
mod layout;
mod loaded;

pub use chart::{LineChart, Series};
pub use confirm::ConfirmSubmit;
pub use form::{field_error, CopyValue, Field, FormError, LoadError, NewPasswordField};
pub use layout::{Layout, NotFound};
pub use loaded::loaded;

//! The design system: layout and reusable pieces used by every feature's pages.

mod form;
mod layout;

pub use form::{field_error, CopyValue, Field, FormError, LoadError};
pub use layout::{Layout, NotFound};

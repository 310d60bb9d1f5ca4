//! Sign-up, sign-in (users and operators) and the app-wide authentication state.

mod confirm_sign_up;
mod sign_in;
mod sign_up;
mod state;

pub use confirm_sign_up::ConfirmSignUpPage;
pub use sign_in::{OperatorSignInPage, SignInPage};
pub use sign_up::SignUpPage;
pub use state::{AuthState, SignOutButton};

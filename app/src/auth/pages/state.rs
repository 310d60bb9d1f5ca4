use leptos::prelude::*;

use crate::{
    auth::{ConfirmSignUp, OperatorSignIn, Principal, SecondFactor, SignIn, SignOut, SignUp},
    error::AppError,
};

/// The actions that change who is signed in, and the signed-in principal, refetched
/// whenever one of those actions completes. Provided once by `App`.
#[derive(Clone, Copy)]
pub struct AuthState {
    pub sign_in: ServerAction<SignIn>,
    pub second_factor: ServerAction<SecondFactor>,
    pub sign_up: ServerAction<SignUp>,
    pub confirm_sign_up: ServerAction<ConfirmSignUp>,
    pub operator_sign_in: ServerAction<OperatorSignIn>,
    pub sign_out: ServerAction<SignOut>,
    pub principal: Resource<Result<Option<Principal>, AppError>>,
}

impl AuthState {
    pub fn provide() -> Self {
        let sign_in = ServerAction::<SignIn>::new();
        let second_factor = ServerAction::<SecondFactor>::new();
        let sign_up = ServerAction::<SignUp>::new();
        let confirm_sign_up = ServerAction::<ConfirmSignUp>::new();
        let operator_sign_in = ServerAction::<OperatorSignIn>::new();
        let sign_out = ServerAction::<SignOut>::new();
        let principal = Resource::new(
            move || {
                (
                    sign_in.version().get(),
                    second_factor.version().get(),
                    confirm_sign_up.version().get(),
                    operator_sign_in.version().get(),
                    sign_out.version().get(),
                )
            },
            |_| crate::auth::get_principal(),
        );
        let state = Self {
            sign_in,
            second_factor,
            sign_up,
            confirm_sign_up,
            operator_sign_in,
            sign_out,
            principal,
        };
        provide_context(state);
        state
    }

    pub fn get() -> Self {
        expect_context()
    }
}

/// A form with one button that signs out (a POST, like every state change).
#[component]
pub fn SignOutButton() -> impl IntoView {
    let auth = AuthState::get();
    view! {
        <ActionForm action=auth.sign_out>
            <button type="submit" class="secondary">"Sign out"</button>
        </ActionForm>
    }
}

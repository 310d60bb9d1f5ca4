-- Two-factor sign-in. A user's TOTP authenticator: the secret sealed by the vault (bound
-- to the user), unconfirmed until a code from it has been entered once.
create table user_totp (
    user_id           uuid primary key references account_user on delete cascade,
    secret_nonce      bytea not null,
    secret_ciphertext bytea not null,
    created_at        timestamptz not null default now(),
    confirmed_at      timestamptz,
    -- The time step of the last code accepted: only a later step's code is accepted next,
    -- so a code seen over a shoulder or in a log cannot sign in again.
    last_used_step    bigint not null default 0
);

-- One-time recovery codes, for a lost authenticator: only their SHA-256 is kept.
create table user_recovery_code (
    user_id   uuid not null references account_user on delete cascade,
    code_hash text not null,
    used_at   timestamptz,
    primary key (user_id, code_hash)
);

-- An account can require two-factor sign-in of every user: one without it sets it up at
-- their next sign-in, before anything else.
alter table account add column require_two_factor boolean not null default false;

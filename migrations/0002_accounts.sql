-- Accounts (tenants), their users, per-region sending limits, access keys, operators, and
-- sign-in throttling. Every tenant-owned row carries account_id; child tables reference
-- (account_id, <parent id>) so a row can never point into another account, even if the
-- application were wrong.

create table account (
    -- SES-style 12-digit id, random, so ids reveal nothing about size or order.
    account_id  text primary key constraint account_id_format check (account_id ~ '^[0-9]{12}$'),
    name        text not null,
    -- Set by an operator; a disabled account cannot sign in or send.
    disabled_at timestamptz,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
select trigger_updated_at('account');

create table account_user (
    user_id       uuid primary key,
    -- Deleting an account deletes its users (and, through them, their keys).
    account_id    text not null references account on delete cascade,
    name          text not null constraint account_user_name_format check (name ~ '^[A-Za-z0-9+=,.@_-]{1,64}$'),
    -- Stored lower-cased: sign-in is by email, case-insensitively, across all accounts.
    email         text not null constraint account_user_email_key unique,
    -- argon2id PHC string.
    password_hash text not null,
    role          text not null constraint account_user_role check (role in ('admin', 'sender', 'viewer')),
    disabled_at   timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint account_user_name_key unique (account_id, name),
    -- Target of composite foreign keys from child tables.
    constraint account_user_account_key unique (account_id, user_id)
);
select trigger_updated_at('account_user');

-- Sending limits per account and region; quotas count recipients (SES semantics).
create table account_region (
    account_id       text not null references account on delete cascade,
    region           text not null,
    sandbox          boolean not null default true,
    max_24_hour_send double precision not null default 200,
    max_send_rate    double precision not null default 1,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (account_id, region)
);
select trigger_updated_at('account_region');

create table access_key (
    access_key_id     text primary key
        constraint access_key_id_format check (access_key_id ~ '^AKIA[A-Z0-9]{16}$'),
    account_id        text not null,
    user_id           uuid not null,
    -- The secret is needed in clear to verify SigV4 and derive SMTP passwords, so it is
    -- stored encrypted (XChaCha20-Poly1305 under the server master key, with the key id as
    -- associated data), never hashed and never in clear.
    secret_nonce      bytea not null,
    secret_ciphertext bytea not null,
    status            text not null default 'Active' constraint access_key_status check (status in ('Active', 'Inactive')),
    last_used_at      timestamptz,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    constraint access_key_user_fkey foreign key (account_id, user_id)
        references account_user (account_id, user_id) on delete cascade
);
select trigger_updated_at('access_key');
-- Serves "keys of this user" (the access keys page and the two-active-keys rule).
create index access_key_user_idx on access_key (account_id, user_id);

-- Operators run the hosted service; they belong to no account.
create table operator (
    operator_id   uuid primary key,
    email         text not null constraint operator_email_key unique,
    password_hash text not null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
select trigger_updated_at('operator');

-- Failed sign-ins per client IP and per email, so floods are answered with 429 before any
-- password hashing. Kept in Postgres so every Sesame process shares the same counts.
create table sign_in_throttle (
    throttle_key      text primary key,
    failures          integer not null,
    window_started_at timestamptz not null,
    blocked_until     timestamptz
);

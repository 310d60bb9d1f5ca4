-- Resetting a forgotten password by mail: a link (its token's SHA-256 kept) that works
-- once, for an hour; a user has at most the latest one.
create table password_reset (
    token_hash  text primary key,
    user_id     uuid not null unique references account_user on delete cascade,
    created_at  timestamptz not null default now()
);

-- Sessions that signed in before this moment are over (a password reset ends them all).
alter table account_user add column sessions_valid_after timestamptz;

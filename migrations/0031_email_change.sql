-- A user's pending change of the address they sign in with, confirmed by the link mailed
-- to the new address (valid an hour, once; asking again replaces it). Only the token's
-- SHA-256 is kept.
create table email_change (
    user_id    uuid primary key references account_user on delete cascade,
    token_hash text not null unique,
    new_email  text not null,
    created_at timestamptz not null default now()
);

-- An address becomes someone's sign-in only once its mail has been read. Sign-up and
-- "create user" answered differently for an address that already signed in to Sesame — an
-- oracle, open to anyone on a hosted instance, for who has an account. Now both answer the
-- same whatever the address, and mail it: a link to finish, or word that it already has an
-- account. (Sesame's own mail goes through the delivery route: only whoever reads the
-- address's mail sees the link.) The password is chosen when the link is opened, never
-- before: whoever asks for a sign-up with someone else's address plants nothing.

create table sign_up_request (
    -- sha256 (hex) of the link's token: this table alone finishes no sign-up.
    token_hash    text primary key,
    email         text not null,
    -- As asked for; the link's page may change it.
    account_name  text not null,
    created_at    timestamptz not null default now()
);
create index sign_up_request_email_idx on sign_up_request (email);

create table user_invitation (
    invitation_id uuid primary key,
    token_hash    text not null unique,
    account_id    text not null references account on delete cascade,
    -- It holds only while the admin who sent it is an enabled admin of the account.
    invited_by    uuid not null references account_user (user_id) on delete cascade,
    name          text not null,
    email         text not null,
    role          text not null constraint user_invitation_role check (role in ('admin', 'sender', 'viewer')),
    created_at    timestamptz not null default now(),
    -- Inviting an address again replaces the earlier invitation (and its link).
    constraint user_invitation_email_key unique (account_id, email)
);

-- Sesame's mail about no account yet (a sign-up's link, an invitation) belongs to no
-- Mailbox; `requested_by` is the account whose action sent it (an invitation), so hourly
-- limits count mail sent — not rows, which re-inviting or cancelling replaces.
alter table system_mail alter column account_id drop not null;
alter table system_mail add column requested_by text references account on delete cascade;
create index system_mail_requested_by_idx on system_mail (requested_by, created_at)
    where requested_by is not null;

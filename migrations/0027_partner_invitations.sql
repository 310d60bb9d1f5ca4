-- A link an identity's owner gives a partner so that it can pick the partner's account in
-- the policy generator without typing its id. The partner accepting the link tells the
-- owner its account's id and name; the link grants nothing by itself. Only the token's
-- SHA-256 is kept: the link is shown once, when it is made.
create table partner_invitation (
    invitation_id  uuid primary key,
    token_hash     text not null unique,
    account_id     text not null references account on delete cascade,
    identity_id    uuid not null references identity on delete cascade,
    created_at     timestamptz not null default now(),
    expires_at     timestamptz not null,
    partner_id     text references account on delete cascade,
    accepted_at    timestamptz,
    constraint accepted_together check ((partner_id is null) = (accepted_at is null)),
    constraint not_own_partner check (partner_id <> account_id)
);
create index partner_invitation_identity on partner_invitation (identity_id, created_at desc);

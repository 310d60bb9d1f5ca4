-- Sending authorization policies: JSON documents attached to one identity that say which
-- other accounts (or their users) may send as it, and under which conditions.

create table identity_policy (
    account_id       text not null,
    identity_id      uuid not null,
    -- SES's rule for policy names.
    name             text not null constraint identity_policy_name check (name ~ '^[A-Za-z0-9_-]{1,64}$'),
    -- The document as the owner wrote it (validated before it is stored; SES's 4 KB limit).
    document         text not null constraint identity_policy_size check (octet_length(document) <= 4096),
    -- Accounts the document names, directly or through one of their users' ARNs: what a
    -- delegate's "Shared with me" page looks up. Principal "*" names nobody in particular.
    grantee_accounts text[] not null default '{}',
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (identity_id, name),
    -- Deleting an identity deletes its policies; the pair keeps a policy in its identity's
    -- account.
    constraint identity_policy_identity_fkey foreign key (account_id, identity_id)
        references identity (account_id, identity_id) on delete cascade
);
select trigger_updated_at('identity_policy');
-- Serves "Shared with me": the policies that name an account (array containment).
create index identity_policy_grantee_idx on identity_policy using gin (grantee_accounts);

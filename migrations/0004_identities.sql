-- Identities: domains and email addresses an account owns in a region, their verification
-- state, and the DKIM key Sesame signs their mail with. Plus the development DNS zone that
-- Sesame's built-in authoritative server answers from.

create table identity (
    identity_id             uuid primary key,
    -- Deleting an account deletes its identities (and, through them, policies and keys).
    account_id              text not null references account on delete cascade,
    region                  text not null,
    kind                    text not null constraint identity_kind check (kind in ('domain', 'email_address')),
    -- Lower case; domains in IDNA ASCII form, addresses as local@ascii-domain.
    name                    text not null,
    verification_status     text not null default 'Pending'
        constraint identity_status check (verification_status in ('Pending', 'Success', 'Failed', 'TemporaryFailure', 'NotStarted')),
    -- Domain: the value of the _amazonses TXT record. Address: the secret in the link.
    verification_token      text not null,
    -- Start of the current verification attempt (Pending turns Failed after the window).
    verification_started_at timestamptz not null default now(),
    -- When a verified domain's records were first found missing (TemporaryFailure's grace).
    problem_since           timestamptz,
    last_checked_at         timestamptz,
    next_check_at           timestamptz not null default now(),
    -- What the resolver answered at the last check, shown next to what was expected.
    last_answers            text[] not null default '{}',
    -- The owner published the records to the development zone: check them there.
    dev_zone                boolean not null default false,
    dkim_selector           text,
    dkim_algorithm          text constraint identity_dkim_algorithm check (dkim_algorithm in ('rsa-sha256', 'ed25519-sha256')),
    -- base64, as published in the p= tag.
    dkim_public_key         text,
    -- The private key, sealed under the master key with the identity id as associated data.
    dkim_private_nonce      bytea,
    dkim_private_ciphertext bytea,
    feedback_forwarding     boolean not null default true,
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now(),
    constraint identity_name_key unique (account_id, region, name),
    constraint identity_account_key unique (account_id, identity_id),
    constraint identity_region_fkey foreign key (account_id, region) references account_region (account_id, region)
);
select trigger_updated_at('identity');
-- Serves the verification worker's "which domains are due" scan.
create index identity_due_idx on identity (next_check_at) where kind = 'domain';

-- Records served by the built-in development DNS server (names lower case, no final dot).
create table dev_zone_record (
    name        text not null,
    record_type text not null constraint dev_zone_record_type check (record_type in ('TXT')),
    value       text not null,
    -- The identity that published the record; removing the identity removes its records.
    identity_id uuid not null references identity on delete cascade,
    primary key (name, record_type, value)
);
create index dev_zone_record_identity_idx on dev_zone_record (identity_id);

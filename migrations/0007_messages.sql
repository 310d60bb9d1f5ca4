-- Accepted messages: the outbound queue the delivery workers drain, one row per message and
-- one per recipient. A MessageId is returned only after both are committed.

create table message (
    -- The id returned to the client (SES style).
    message_id       text primary key,
    -- The sending account: for a delegated send, the delegate. Quota, billing and
    -- reputation are its.
    account_id       text not null references account on delete cascade,
    region           text not null,
    -- The envelope sender (MAIL FROM): the Return-Path if given, else the Source.
    envelope_from    text not null,
    from_address     text not null,
    -- The identities that authorized Source, From and Return-Path, and their owner account.
    source_arn       text not null,
    from_arn         text not null,
    return_path_arn  text not null,
    identity_owner   text not null,
    -- The message as it will be delivered, X-SES headers removed (DKIM signing happens on
    -- the way out).
    raw              bytea not null,
    recipient_count  integer not null constraint message_recipient_count check (recipient_count between 1 and 50),
    status           text not null default 'Queued' constraint message_status check (status in ('Queued', 'Sending', 'Delivered', 'Bounced', 'Failed')),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint message_region_fkey foreign key (account_id, region) references account_region (account_id, region)
);
select trigger_updated_at('message');
-- Serves the quota: recipients this account sent in a region over the last 24 hours.
create index message_quota_idx on message (account_id, region, created_at);
-- Serves the owner's view of delegate activity on its identities.
create index message_owner_idx on message (identity_owner, created_at);

create table message_recipient (
    message_id      text not null references message on delete cascade,
    -- Position in the message's recipient list (To, then Cc, then Bcc).
    position        smallint not null,
    address         text not null,
    status          text not null default 'Queued' constraint message_recipient_status check (status in ('Queued', 'Delivered', 'Bounced', 'Failed')),
    -- When a delivery worker may next try this recipient.
    next_attempt_at timestamptz not null default now(),
    primary key (message_id, position)
);
-- Serves the delivery workers' "what is due" scan.
create index message_recipient_due_idx on message_recipient (next_attempt_at) where status = 'Queued';

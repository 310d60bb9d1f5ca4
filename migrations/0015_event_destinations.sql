-- Where events go. A sender names one of its configuration sets on a send
-- (ConfigurationSetName, X-SES-CONFIGURATION-SET); the set's event destinations get that
-- message's events. Each event is fanned out, in the transaction that records it, into one
-- notification per matching destination (the outbox the webhook workers drain), so no
-- event is lost between being recorded and being sent.

create table configuration_set (
    account_id  text not null references account on delete cascade,
    region      text not null,
    name        text not null,
    created_at  timestamptz not null default now(),
    primary key (account_id, region, name)
);

create table event_destination (
    destination_id        uuid primary key,
    account_id            text not null,
    region                text not null,
    configuration_set     text not null,
    name                  text not null,
    -- https:// (http:// only where the operator allows it).
    url                   text not null,
    event_types           text[] not null,
    -- The HMAC-SHA256 key signing every payload, sealed under the master key.
    secret_nonce          bytea not null,
    secret_ciphertext     bytea not null,
    enabled               boolean not null default true,
    -- Failed attempts in a row; past the configured limit the destination is disabled.
    consecutive_failures  integer not null default 0,
    disabled_reason       text,
    created_at            timestamptz not null default now(),
    unique (account_id, region, configuration_set, name),
    foreign key (account_id, region, configuration_set)
        references configuration_set (account_id, region, name) on delete cascade
);

-- The configuration set a message was sent with (written with the message, atomically).
create table message_configuration_set (
    message_id  text primary key references message on delete cascade,
    account_id  text not null,
    region      text not null,
    name        text not null
);

-- One event for one destination: delivered at least once, with the event's id every time.
create table notification (
    notification_id  uuid primary key,
    event_id         uuid not null references message_event on delete cascade,
    destination_id   uuid not null references event_destination on delete cascade,
    status           text not null default 'Pending'
        constraint notification_status check (status in ('Pending', 'Delivered', 'Failed')),
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    -- While a worker calls the endpoint; a dead worker's lease simply runs out.
    leased_until     timestamptz,
    created_at       timestamptz not null default now(),
    finished_at      timestamptz,
    unique (event_id, destination_id)
);
create index notification_due_idx on notification (next_attempt_at) where status = 'Pending';
create index notification_destination_idx on notification (destination_id, created_at desc);

create table notification_attempt (
    attempt_id       bigint generated always as identity primary key,
    notification_id  uuid not null references notification on delete cascade,
    attempted_at     timestamptz not null default now(),
    -- The HTTP status, or none when no answer came (refused, timeout, blocked address).
    http_status      integer,
    latency_ms       integer not null,
    -- The first 512 bytes of the answer, or what went wrong.
    response         text not null
);
create index notification_attempt_idx on notification_attempt (notification_id, attempt_id);

-- The fan-out: every event of a message sent with a configuration set becomes a
-- notification for each enabled destination of that set that wants its type.
create function fan_out_event() returns trigger language plpgsql as $$
begin
    insert into notification (notification_id, event_id, destination_id)
    select gen_random_uuid(), new.event_id, d.destination_id
    from message_configuration_set c
    join event_destination d
      on d.account_id = c.account_id and d.region = c.region and d.configuration_set = c.name
    where c.message_id = new.message_id and new.event_type = any(d.event_types)
    on conflict (event_id, destination_id) do nothing;
    return null;
end
$$;
create trigger message_event_fan_out after insert on message_event
    for each row execute function fan_out_event();

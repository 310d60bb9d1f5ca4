-- Delivery: workers claim due recipients (FOR UPDATE SKIP LOCKED), hold them under a lease
-- (next_attempt_at pushed past the longest attempt, so a killed worker's recipients come
-- back by themselves), and record each attempt and its outcome per recipient.

alter table message_recipient
    add column attempts     integer not null default 0,
    -- The latest attempt: where it went and what was answered (an SMTP reply or an error).
    add column remote_host  text,
    add column last_reply   text,
    -- For Bounced recipients: Permanent (5xx, or the simulator) or Transient (still
    -- refused with 4xx when the message reached its maximum age).
    add column bounce_type  text constraint message_recipient_bounce_type check (bounce_type in ('Permanent', 'Transient')),
    add column finished_at  timestamptz;

-- A message is Queued until every recipient has an outcome; then Delivered (all were),
-- Bounced (none was) or PartiallyDelivered.
alter table message drop constraint message_status;
alter table message add constraint message_status
    check (status in ('Queued', 'Delivered', 'PartiallyDelivered', 'Bounced'));

create table delivery_attempt (
    delivery_attempt_id bigint generated always as identity primary key,
    message_id          text not null,
    position            smallint not null,
    started_at          timestamptz not null,
    finished_at         timestamptz not null default now(),
    -- `host:port` of the receiving server, or `sink` / `simulator`.
    remote_host         text not null,
    reply               text not null,
    outcome             text not null constraint delivery_attempt_outcome check (outcome in ('Delivered', 'Deferred', 'Bounced')),
    constraint delivery_attempt_recipient_fkey foreign key (message_id, position)
        references message_recipient (message_id, position) on delete cascade
);
create index delivery_attempt_message_idx on delivery_attempt (message_id, delivery_attempt_id);

-- What happened to a message, per recipient, in SES's vocabulary (the timeline; the
-- feedback work turns these into notifications).
create table message_event (
    event_id    uuid primary key,
    message_id  text not null references message on delete cascade,
    position    smallint,
    event_type  text not null constraint message_event_type check (event_type in ('Delivery', 'DeliveryDelay', 'Bounce')),
    detail      text not null,
    created_at  timestamptz not null default now()
);
create index message_event_message_idx on message_event (message_id, created_at);

-- Mail delivered in sink mode lands in the mailbox, visible to the account that sent it.
alter table mailbox_message add column message_id text references message on delete cascade;
create index mailbox_message_message_idx on mailbox_message (message_id);

-- Feedback: every event in SES's vocabulary with its details, one event per message,
-- recipient and kind however often the same news arrives (a DSN twice, a DSN after the
-- synchronous bounce), and each account's suppression list.

alter table message_event drop constraint message_event_type;
alter table message_event add constraint message_event_type
    check (event_type in ('Send', 'Reject', 'Delivery', 'DeliveryDelay', 'Bounce', 'Complaint'));
alter table message_event
    -- Bounce: Permanent | Transient | Undetermined, and SES's sub-type.
    add column bounce_type      text,
    add column bounce_sub_type  text,
    -- The enhanced status code (5.1.1) of a bounce or delay.
    add column status           text,
    -- Complaint: the ARF Feedback-Type (abuse, fraud, …), when a report said.
    add column feedback_type    text,
    -- Who reported it: a DSN's or ARF report's Reporting-MTA, or `simulator`.
    add column reporting_mta    text,
    -- recipient (a bad address), policy, infrastructure, … (see feedback::classify).
    add column bounce_class     text;

-- Final news about a recipient is recorded once; delays may repeat.
create unique index message_event_once_idx on message_event (message_id, position, event_type)
    where event_type in ('Delivery', 'Bounce', 'Complaint');

-- Addresses an account no longer sends to. Sends to them are not attempted: they bounce
-- (Permanent, OnAccountSuppressionList) without counting against reputation.
create table suppressed_destination (
    account_id     text not null references account on delete cascade,
    -- Lower-cased: suppression is per mailbox, whatever the case it was written in.
    email_address  text not null,
    reason         text not null constraint suppressed_destination_reason check (reason in ('BOUNCE', 'COMPLAINT')),
    -- The message whose bounce or complaint put it here (none when added by hand).
    message_id     text,
    last_update    timestamptz not null default now(),
    primary key (account_id, email_address)
);
create index suppressed_destination_recent_idx on suppressed_destination (account_id, last_update desc);

-- A bounce no reply explains is Undetermined (SES's third bounce type).
alter table message_recipient drop constraint message_recipient_bounce_type;
alter table message_recipient add constraint message_recipient_bounce_type
    check (bounce_type in ('Permanent', 'Transient', 'Undetermined'));

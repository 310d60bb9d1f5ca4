-- Sesame's own mail to people (address verification links, reputation notices) is real
-- mail: a durable outbox, written in the transaction of the change it reports and drained
-- by the system-mail workers through the configured delivery route, with retries and a
-- recorded outcome. Only the `sink` route keeps it, in the Mailbox of the account it is
-- about. Until now it was only put in the Mailbox, where any account that merely named an
-- address as an identity could read another's verification link.

create table system_mail (
    system_mail_id  uuid primary key,
    -- The account the mail is about: only its Mailbox may keep a sink copy.
    account_id      text not null references account on delete cascade,
    -- The address identity a verification mail is for (its page shows the outcome).
    identity_id     uuid references identity on delete cascade,
    sender          text not null,
    recipient       text not null,
    subject         text not null,
    raw             bytea not null,
    status          text not null default 'Pending'
                    check (status in ('Pending', 'Delivered', 'Failed')),
    -- Attempts so far; while one is in flight, next_attempt_at is its lease's end.
    attempts        integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    remote_host     text,
    last_reply      text,
    created_at      timestamptz not null default now(),
    finished_at     timestamptz
);
create index system_mail_due_idx on system_mail (next_attempt_at) where status = 'Pending';
create index system_mail_identity_idx on system_mail (identity_id, created_at desc)
    where identity_id is not null;
-- Verification mail is rate-limited per account and per address (it is mail anyone can
-- make Sesame send to anyone).
create index system_mail_account_idx on system_mail (account_id, created_at);
create index system_mail_recipient_idx on system_mail (recipient, created_at);

-- The Mailbox shows an account the copies its own sends delivered (`message_id`) and
-- Sesame's mail about it (`account_id`), nothing else. Sesame's mail written before this
-- migration was shown by recipient address (to whoever named the address as an identity);
-- it belongs to no account that can be proved, so it is dropped.
delete from mailbox_message where message_id is null and account_id is null;
drop index mailbox_message_recipient_idx;

-- What the old holes let through is undone, not kept:
-- * every address identity was "verified" through a link that only the Mailbox showed —
--   to any account that named the address — so none of them is proven: they go back to
--   Failed (their pages offer a new verification mail, which now really goes out);
update identity set verification_status = 'Failed'
where kind = 'email_address' and verification_status <> 'Failed';
-- * the development zone vouched for any name: identities it verified outside the names
--   reserved for testing start over against their real DNS (checked at once);
delete from dev_zone_record r using identity i
where r.identity_id = i.identity_id
  and i.name !~ '(^|\.)(test|example|invalid|localhost|example\.com|example\.net|example\.org)$';
update identity
set dev_zone = false, verification_status = 'Pending', verification_started_at = now(),
    problem_since = null, next_check_at = now()
where kind = 'domain' and dev_zone
  and name !~ '(^|\.)(test|example|invalid|localhost|example\.com|example\.net|example\.org)$';
-- * public suffixes were accepted as domains: every domain is checked again soon, and the
--   check fails those (it knows the Public Suffix List; SQL does not).
update identity set next_check_at = now() where kind = 'domain';

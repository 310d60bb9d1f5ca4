-- Idempotency keys (beyond SES): a send retried with the same `Idempotency-Key` header gets
-- the MessageId of the first, and nothing is sent twice. Keys are per account and count for
-- 24 hours.

create table idempotency_key (
    account_id   text not null references account on delete cascade,
    key          text not null constraint idempotency_key_length check (length(key) between 1 and 255),
    message_id   text not null references message on delete cascade,
    created_at   timestamptz not null default now(),
    primary key (account_id, key)
);

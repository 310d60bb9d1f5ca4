-- The quota, counted in O(1) per send. Summing the message table over 24 hours on every
-- send grows with the sender's volume (a 50,000-a-day sender would read 50,000 rows per
-- send) and kept the region row locked for six round trips. Instead:
--
-- * send_volume holds recipients per account, region and minute; a minute counts until all
--   of it has left the rolling 24-hour window (at most a minute late, never early, so the
--   quota is never exceeded);
-- * account_region.sent_24_hours is the running total of the minutes still counted, and
--   rate_window / rate_sent count the current second for MaxSendRate;
-- * accept_message() is the whole durable part of a send — lock the region row, retire
--   expired minutes, check the idempotency key and both quotas, store the message, its
--   recipients and the counters — in one statement, so one round trip (and one commit)
--   per send, and the lock is held only for that.

create table send_volume (
    account_id  text not null,
    region      text not null,
    minute      timestamptz not null,
    recipients  bigint not null,
    primary key (account_id, region, minute),
    constraint send_volume_region_fkey foreign key (account_id, region)
        references account_region (account_id, region) on delete cascade
);

alter table account_region
    add column sent_24_hours bigint not null default 0,
    add column rate_window   timestamptz,
    add column rate_sent     bigint not null default 0;

insert into send_volume (account_id, region, minute, recipients)
select account_id, region, date_trunc('minute', created_at), sum(recipient_count)
from message
where created_at > now() - interval '24 hours 1 minute'
group by 1, 2, 3;

update account_region r
set sent_24_hours = (select coalesce(sum(v.recipients), 0) from send_volume v
                     where v.account_id = r.account_id and v.region = r.region);

-- Recipients counted against the account's daily quota in a region now (for readers; the
-- send path keeps the same figure in account_region.sent_24_hours).
create function sent_last_24_hours(p_account_id text, p_region text) returns bigint
language sql stable as $$
    select coalesce(sum(recipients), 0)::bigint from send_volume
    where account_id = p_account_id and region = p_region
      and minute > now() - interval '24 hours 1 minute'
$$;

-- Accepts a message under the sending account's quota. outcome is one of Accepted,
-- Repeated (the idempotency key was used in the last 24 hours: message_id is the first
-- send's), DailyQuotaExceeded, MaxSendRateExceeded, or NoRegion. Volatile, so every
-- statement sees what earlier lock holders committed.
create function accept_message(
    p_account_id text, p_region text, p_message_id text, p_envelope_from text,
    p_from_address text, p_source_arn text, p_from_arn text, p_return_path_arn text,
    p_identity_owner text, p_raw bytea, p_recipients text[], p_idempotency_key text,
    out outcome text, out message_id text, out max_24_hour_send double precision,
    out max_send_rate double precision, out sent_24_hours bigint)
language plpgsql volatile as $$
declare
    limits  account_region%rowtype;
    stamp   timestamptz;
    this_second timestamptz;
    expired bigint;
    in_second bigint;
    wanted  bigint := cardinality(p_recipients);
begin
    select * into limits from account_region r
    where r.account_id = p_account_id and r.region = p_region for update;
    if not found then
        outcome := 'NoRegion';
        return;
    end if;
    -- Taken after the lock: the windows are measured when this send is decided.
    stamp := clock_timestamp();
    this_second := date_trunc('second', stamp);
    max_24_hour_send := limits.max_24_hour_send;
    max_send_rate := limits.max_send_rate;

    with retired as (
        delete from send_volume v
        where v.account_id = p_account_id and v.region = p_region
          and v.minute <= stamp - interval '24 hours 1 minute'
        returning v.recipients)
    select coalesce(sum(recipients), 0) into expired from retired;
    sent_24_hours := limits.sent_24_hours - expired;
    in_second := case when limits.rate_window = this_second then limits.rate_sent else 0 end;

    if p_idempotency_key is not null then
        select k.message_id into message_id from idempotency_key k
        where k.account_id = p_account_id and k.key = p_idempotency_key
          and k.created_at > stamp - interval '24 hours';
    end if;

    if message_id is not null then
        outcome := 'Repeated';
    -- A negative daily quota means unlimited (SES's -1).
    elsif limits.max_24_hour_send >= 0 and sent_24_hours + wanted > limits.max_24_hour_send then
        outcome := 'DailyQuotaExceeded';
    -- One message may carry more recipients than the per-second rate; it may not follow
    -- others within the same second past the rate.
    elsif in_second > 0 and in_second + wanted > limits.max_send_rate then
        outcome := 'MaxSendRateExceeded';
    else
        insert into message (message_id, account_id, region, envelope_from, from_address,
                             source_arn, from_arn, return_path_arn, identity_owner, raw,
                             recipient_count, created_at)
        values (p_message_id, p_account_id, p_region, p_envelope_from, p_from_address,
                p_source_arn, p_from_arn, p_return_path_arn, p_identity_owner, p_raw,
                wanted, stamp);
        insert into message_recipient (message_id, position, address)
        select p_message_id, (r.ordinality - 1)::smallint, r.address
        from unnest(p_recipients) with ordinality as r(address, ordinality);
        insert into send_volume as v (account_id, region, minute, recipients)
        values (p_account_id, p_region, date_trunc('minute', stamp), wanted)
        on conflict (account_id, region, minute)
        do update set recipients = v.recipients + excluded.recipients;
        if p_idempotency_key is not null then
            insert into idempotency_key (account_id, key, message_id, created_at)
            values (p_account_id, p_idempotency_key, p_message_id, stamp)
            on conflict (account_id, key)
            do update set message_id = excluded.message_id, created_at = excluded.created_at;
        end if;
        outcome := 'Accepted';
        message_id := p_message_id;
        sent_24_hours := sent_24_hours + wanted;
        in_second := in_second + wanted;
    end if;

    if outcome = 'Accepted' or expired > 0 then
        update account_region r
        set sent_24_hours = accept_message.sent_24_hours, rate_window = this_second, rate_sent = in_second
        where r.account_id = p_account_id and r.region = p_region;
    end if;
end
$$;

-- Per-grant caps are decided where the daily quota is, under the sending account's lock,
-- against a per-minute rollup:
-- * they were checked before the commit against a scan of 24 hours of the delegate's
--   messages, outside any lock, so concurrent sends (from one process or several) all saw
--   the same total and all passed the cap; and the scan grew with the delegate's volume.
-- * grant_volume counts, per minute, the recipients each delegate account sent using
--   another account's identity (as Source, From or Return-Path; a send counts once per
--   identity), whether or not a cap is set, so a cap set later sees the day behind it.
-- accept_message and accept_messages are restated in full, with the capped ARN and its cap
-- as new outputs (migration history keeps the earlier versions as they were).

create table grant_volume (
    identity_id         uuid not null references identity on delete cascade,
    delegate_account_id text not null,
    minute              timestamptz not null,
    recipients          bigint not null,
    primary key (identity_id, delegate_account_id, minute)
);

-- The last day of delegated sends, as the old scan counted them.
insert into grant_volume (identity_id, delegate_account_id, minute, recipients)
select i.identity_id, m.account_id, date_trunc('minute', m.created_at), sum(m.recipient_count)
from message m
cross join lateral (
    select distinct a.arn from unnest(array[m.source_arn, m.from_arn, m.return_path_arn]) as a(arn)) a
join identity i on i.account_id = split_part(a.arn, ':', 5) and i.region = m.region
               and i.name = substr(a.arn, strpos(a.arn, ':identity/') + 10)
where m.created_at > now() - interval '24 hours' and i.account_id <> m.account_id
group by 1, 2, 3;

drop function accept_messages(text[], text[], text[], text[], text[], text[], text[], text[],
                              text[], bytea[], integer[], text[], text[], text[]);
drop function accept_message(text, text, text, text, text, text, text, text, text, bytea,
                             text[], text, text);

create function accept_message(
    p_account_id text, p_region text, p_message_id text, p_envelope_from text,
    p_from_address text, p_source_arn text, p_from_arn text, p_return_path_arn text,
    p_identity_owner text, p_raw bytea, p_recipients text[], p_idempotency_key text,
    p_request_hash text,
    out outcome text, out message_id text, out max_24_hour_send double precision,
    out max_send_rate double precision, out sent_24_hours bigint,
    out capped_arn text, out grant_cap bigint)
language plpgsql volatile as $$
declare
    limits  account_region%rowtype;
    stamp   timestamptz;
    this_second timestamptz;
    expired bigint;
    in_second bigint;
    wanted  bigint := cardinality(p_recipients);
    -- The mailbox simulator's recipients count against the send rate, not the daily quota.
    counted bigint := 0;
    recipient text;
    earlier_hash text;
    -- Other accounts' identities this send uses (as Source, From or Return-Path), each once.
    granted uuid[];
    capped  record;
    used    bigint;
begin
    -- A loop of simple expressions, not a query: this runs for every send.
    foreach recipient in array p_recipients loop
        if lower(recipient) not like '%@simulator.amazonses.com' then
            counted := counted + 1;
        end if;
    end loop;
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

    -- Minutes leaving the window hand their sends over to send_statistic.
    with retired as (
        delete from send_volume v
        where v.account_id = p_account_id and v.region = p_region
          and v.minute <= stamp - interval '24 hours 1 minute'
        returning v.minute, v.recipients, v.attempts),
    handed_over as (
        insert into send_statistic as s (account_id, region, interval_start, stripe, delivery_attempts)
        select p_account_id, p_region, date_bin('15 minutes', r.minute, timestamptz 'epoch'), 0,
               sum(r.attempts)
        from retired r group by 3
        on conflict (account_id, region, interval_start, stripe)
        do update set delivery_attempts = s.delivery_attempts + excluded.delivery_attempts)
    select coalesce(sum(recipients), 0) into expired from retired;
    sent_24_hours := limits.sent_24_hours - expired;
    in_second := case when limits.rate_window = this_second then limits.rate_sent else 0 end;

    if p_idempotency_key is not null then
        select k.message_id, k.request_hash into message_id, earlier_hash from idempotency_key k
        where k.account_id = p_account_id and k.region = p_region and k.key = p_idempotency_key
          and k.created_at > stamp - interval '24 hours';
    end if;

    -- The ARNs are canonical (`arn:aws:ses:region:owner:identity/name`), so each identity
    -- is found by its unique name; the sender's own identities carry no grant.
    granted := array(
        select distinct i.identity_id
        from unnest(array[p_source_arn, p_from_arn, p_return_path_arn]) as a(arn)
        join identity i on i.account_id = split_part(a.arn, ':', 5) and i.region = p_region
                       and i.name = substr(a.arn, strpos(a.arn, ':identity/') + 10)
        where split_part(a.arn, ':', 5) <> p_account_id);
    -- Owners' caps on this delegate, against the rollup's last 24 hours, read under the
    -- lock above: every send by this account in this region takes it, and only those
    -- change these grants' volume, so concurrent sends cannot all pass a cap.
    for capped in
        select i.identity_id, c.max_24_hour_send as cap,
               'arn:aws:ses:' || i.region || ':' || i.account_id || ':identity/' || i.name as arn
        from identity i
        join grant_cap c on c.account_id = i.account_id and c.identity_id = i.identity_id
                        and c.delegate_account_id = p_account_id
        where i.identity_id = any(granted)
        order by i.name
    loop
        select coalesce(sum(v.recipients), 0) into used from grant_volume v
        where v.identity_id = capped.identity_id and v.delegate_account_id = p_account_id
          and v.minute > stamp - interval '24 hours';
        if used + wanted > capped.cap then
            capped_arn := capped.arn;
            grant_cap := capped.cap;
            exit;
        end if;
    end loop;

    -- The same key for another request is a client's mistake, never a repeat of it.
    if message_id is not null and earlier_hash is distinct from p_request_hash then
        outcome := 'IdempotencyKeyReused';
        message_id := null;
    elsif message_id is not null then
        outcome := 'Repeated';
    -- Paused by reputation (automatically or by an operator): nothing is accepted.
    elsif limits.enforcement_status = 'Paused' then
        outcome := 'SendingPaused';
    elsif capped_arn is not null then
        outcome := 'GrantCapExceeded';
    -- A negative daily quota means unlimited (SES's -1).
    elsif limits.max_24_hour_send >= 0 and sent_24_hours + counted > limits.max_24_hour_send then
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
        insert into send_volume as v (account_id, region, minute, recipients, attempts)
        values (p_account_id, p_region, date_trunc('minute', stamp), counted, wanted)
        on conflict (account_id, region, minute)
        do update set recipients = v.recipients + excluded.recipients,
                      attempts = v.attempts + excluded.attempts;
        -- Each grant's minute, and its minutes that have left the window gone.
        delete from grant_volume v
        where v.identity_id = any(granted) and v.delegate_account_id = p_account_id
          and v.minute <= stamp - interval '24 hours 1 minute';
        insert into grant_volume as v (identity_id, delegate_account_id, minute, recipients)
        select g.identity_id, p_account_id, date_trunc('minute', stamp), wanted
        from unnest(granted) as g(identity_id)
        on conflict (identity_id, delegate_account_id, minute)
        do update set recipients = v.recipients + excluded.recipients;
        if p_idempotency_key is not null then
            insert into idempotency_key (account_id, region, key, message_id, request_hash, created_at)
            values (p_account_id, p_region, p_idempotency_key, p_message_id, p_request_hash, stamp)
            on conflict (account_id, region, key)
            do update set message_id = excluded.message_id, request_hash = excluded.request_hash,
                          created_at = excluded.created_at;
        end if;
        outcome := 'Accepted';
        message_id := p_message_id;
        sent_24_hours := sent_24_hours + counted;
        in_second := in_second + wanted;
    end if;

    if outcome = 'Accepted' or expired > 0 then
        update account_region r
        set sent_24_hours = accept_message.sent_24_hours, rate_window = this_second, rate_sent = in_second
        where r.account_id = p_account_id and r.region = p_region;
    end if;
end
$$;

create function accept_messages(
    p_account_ids text[], p_regions text[], p_message_ids text[], p_envelope_froms text[],
    p_from_addresses text[], p_source_arns text[], p_from_arns text[],
    p_return_path_arns text[], p_identity_owners text[], p_raws bytea[],
    p_recipient_counts integer[], p_recipients text[], p_idempotency_keys text[],
    p_request_hashes text[])
returns table (item integer, outcome text, message_id text, max_24_hour_send double precision,
               max_send_rate double precision, sent_24_hours bigint, capped_arn text,
               grant_cap bigint)
language plpgsql volatile as $$
declare
    firsts  integer[];
    i       integer;
    decided record;
begin
    firsts := array(
        select (coalesce(sum(c.n) over (order by c.o rows between unbounded preceding and 1 preceding), 0) + 1)::integer
        from unnest(p_recipient_counts) with ordinality as c(n, o)
        order by c.o);
    for i in
        select t.o from unnest(p_account_ids, p_regions) with ordinality as t(a, r, o)
        order by t.a, t.r, t.o
    loop
        select * into decided from accept_message(
            p_account_ids[i], p_regions[i], p_message_ids[i], p_envelope_froms[i],
            p_from_addresses[i], p_source_arns[i], p_from_arns[i], p_return_path_arns[i],
            p_identity_owners[i], p_raws[i],
            p_recipients[firsts[i] : firsts[i] + p_recipient_counts[i] - 1],
            p_idempotency_keys[i], p_request_hashes[i]);
        item := i;
        outcome := decided.outcome;
        message_id := decided.message_id;
        max_24_hour_send := decided.max_24_hour_send;
        max_send_rate := decided.max_send_rate;
        sent_24_hours := decided.sent_24_hours;
        capped_arn := decided.capped_arn;
        grant_cap := decided.grant_cap;
        return next;
    end loop;
end
$$;

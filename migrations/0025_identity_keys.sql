-- Rules in one place, and messages that name their identities by key (#19).
--
-- * Rules that SQL and Rust both apply are stated once on each side: whether an address is
--   at the mailbox simulator (`is_simulator_address`, mirrored by
--   `app::sending::is_simulator_address`) and whether an identity counts as verified
--   (`counts_as_verified`, mirrored by `app::identities::coverage::is_verified`); a test
--   checks each pair agrees. How an address goes on the account's suppression list is one
--   function (`suppress_destination`).
-- * An event that puts its recipient on the suppression list says so (`suppresses`), and
--   one trigger writes the list: the delivery worker and the feedback readers no longer
--   each carry their own insert. A bounce already recorded without suppressing (a DSN
--   about a full mailbox, say) is marked when a later one suppresses, and the trigger
--   fires for that too.
-- * A message records the keys of the identities that authorized its Source, From and
--   Return-Path, so nothing finds them again by taking ARN strings apart. (The ARNs stay:
--   they are what SES's API and the billing show.) The keys are not foreign keys: a message
--   outlives a deleted identity, and then refers to nothing.
-- Functions restated here are copied whole from their last migration (see README.md).

-- ASCII case only (collation "C"), as Rust's eq_ignore_ascii_case.
create function is_simulator_address(p_address text) returns boolean
language sql immutable parallel safe as $$
    select lower(p_address collate "C") like '%@simulator.amazonses.com'
$$;

-- A verified domain whose records went missing keeps sending during its grace period.
create function counts_as_verified(p_status text) returns boolean
language sql immutable parallel safe as $$
    select p_status in ('Success', 'TemporaryFailure')
$$;

-- Puts an address on an account's suppression list (lower-cased: suppression is per
-- mailbox), or renews it with the latest reason; p_message_id is null when added by hand.
create function suppress_destination(p_account_id text, p_address text, p_reason text,
                                     p_message_id text) returns void
language sql volatile as $$
    insert into suppressed_destination (account_id, email_address, reason, message_id)
    values (p_account_id, lower(p_address), p_reason, p_message_id)
    on conflict (account_id, email_address)
    do update set reason = excluded.reason, message_id = excluded.message_id, last_update = now()
$$;

alter table message_event add column suppresses boolean not null default false;
alter table message_event add constraint message_event_suppression
    check (not suppresses or (event_type in ('Bounce', 'Complaint') and position is not null));

create function suppress_for_event() returns trigger language plpgsql as $$
begin
    perform suppress_destination(
        m.account_id, r.address,
        case new.event_type when 'Bounce' then 'BOUNCE' else 'COMPLAINT' end,
        m.message_id)
    from message m
    join message_recipient r on r.message_id = m.message_id and r.position = new.position
    where m.message_id = new.message_id;
    return null;
end
$$;
create trigger message_event_suppresses after insert or update of suppresses on message_event
    for each row when (new.suppresses) execute function suppress_for_event();

alter table message
    add column source_identity_id uuid,
    add column from_identity_id uuid,
    add column return_path_identity_id uuid;

-- The last time an ARN is taken apart: the messages stored before this migration. (Their
-- updated_at stays as it was, and no trigger compares every row's raw message.)
alter table message disable trigger set_updated_at;
update message m
set source_identity_id = (select i.identity_id from identity i
                          where i.account_id = split_part(m.source_arn, ':', 5) and i.region = m.region
                            and i.name = substr(m.source_arn, strpos(m.source_arn, ':identity/') + 10)),
    from_identity_id = (select i.identity_id from identity i
                        where i.account_id = split_part(m.from_arn, ':', 5) and i.region = m.region
                          and i.name = substr(m.from_arn, strpos(m.from_arn, ':identity/') + 10)),
    return_path_identity_id = (select i.identity_id from identity i
                               where i.account_id = split_part(m.return_path_arn, ':', 5) and i.region = m.region
                                 and i.name = substr(m.return_path_arn, strpos(m.return_path_arn, ':identity/') + 10));
alter table message enable trigger set_updated_at;

-- Which destinations get an event of a message: its configuration set's and the Source
-- identity's, each when enabled and wanting the event's type.
create or replace function destinations_for(p_message_id text, p_event_type text)
returns table (destination_id uuid) language sql stable as $$
    select d.destination_id
    from message_configuration_set c
    join event_destination d
      on d.account_id = c.account_id and d.region = c.region and d.configuration_set = c.name
    where c.message_id = p_message_id and p_event_type = any(d.event_types) and d.enabled
    union
    select d.destination_id
    from message m
    join event_destination d on d.identity_id = m.source_identity_id
    where m.message_id = p_message_id and p_event_type = any(d.event_types) and d.enabled
$$;

create or replace function fan_out_event() returns trigger language plpgsql as $$
begin
    insert into notification (notification_id, event_id, destination_id)
    select gen_random_uuid(), new.event_id, f.destination_id
    from destinations_for(new.message_id, new.event_type) f
    on conflict (event_id, destination_id) do nothing;

    -- Feedback forwarding (migration 0017): by email to the feedback address when the
    -- identity forwards, or when no destination takes the event.
    if new.event_type in ('Bounce', 'Complaint') then
        insert into notification (notification_id, event_id, email_to)
        select gen_random_uuid(), new.event_id, m.envelope_from
        from message m
        left join identity i on i.identity_id = m.source_identity_id
        where m.message_id = new.message_id
          and not is_simulator_address(m.envelope_from)
          and (coalesce(i.feedback_forwarding, true)
               or not exists (select 1 from destinations_for(new.message_id, new.event_type)))
        on conflict do nothing;
    end if;
    return null;
end
$$;

create or replace function judge_message_event() returns trigger
language plpgsql as $$
declare
    simulated boolean;
begin
    select is_simulator_address(r.address) into simulated
    from message_recipient r where r.message_id = new.message_id and r.position = new.position;
    simulated := coalesce(simulated, false);
    new.rated_outcome := new.event_type in ('Delivery', 'Bounce') and not simulated
        and new.bounce_sub_type is distinct from 'OnAccountSuppressionList'
        and not (new.event_type = 'Bounce' and exists (
            select 1 from message_event d
            where d.message_id = new.message_id and d.position = new.position
              and d.event_type = 'Delivery'));
    new.rated_against := not simulated and (
        (new.event_type = 'Bounce' and new.bounce_type = 'Permanent' and new.bounce_class = 'recipient')
        or (new.event_type = 'Complaint'
            and coalesce(new.feedback_type, '') not in ('not-spam', 'auth-failure')));
    return new;
end
$$;
drop function accept_messages(text[], text[], text[], text[], text[], text[], text[], text[],
                              text[], bytea[], integer[], text[], text[], text[]);
drop function accept_message(text, text, text, text, text, text, text, text, text, bytea,
                             text[], text, text);

create function accept_message(
    p_account_id text, p_region text, p_message_id text, p_envelope_from text,
    p_from_address text, p_source_arn text, p_from_arn text, p_return_path_arn text,
    p_identity_owner text, p_source_identity_id uuid, p_from_identity_id uuid,
    p_return_path_identity_id uuid, p_raw bytea, p_recipients text[], p_idempotency_key text,
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
        if not is_simulator_address(recipient) then
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

    -- The sender's own identities carry no grant.
    granted := array(
        select i.identity_id from identity i
        where i.identity_id in (p_source_identity_id, p_from_identity_id, p_return_path_identity_id)
          and i.account_id <> p_account_id);
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
                             source_arn, from_arn, return_path_arn, identity_owner,
                             source_identity_id, from_identity_id, return_path_identity_id,
                             raw, recipient_count, created_at)
        values (p_message_id, p_account_id, p_region, p_envelope_from, p_from_address,
                p_source_arn, p_from_arn, p_return_path_arn, p_identity_owner,
                p_source_identity_id, p_from_identity_id, p_return_path_identity_id,
                p_raw, wanted, stamp);
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
    p_return_path_arns text[], p_identity_owners text[], p_source_identity_ids uuid[],
    p_from_identity_ids uuid[], p_return_path_identity_ids uuid[], p_raws bytea[],
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
            p_identity_owners[i], p_source_identity_ids[i], p_from_identity_ids[i],
            p_return_path_identity_ids[i], p_raws[i],
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

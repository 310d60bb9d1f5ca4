-- Reputation, statistics, billing and per-grant caps.
--
-- * account_region gains SES's enforcement status (Healthy, UnderReview, Paused) and a
--   production-access request with its use case; enforcement_change is the history of every
--   status change (automatic or an operator's), which the account and the operator read.
-- * message_event rows are judged for reputation as they are recorded (rated_outcome,
--   rated_against: see judge_message_event).
-- * send_statistic counts, per account, region and 15-minute interval, what GetSendStatistics
--   reports and what the reputation rates are made of. Sends are counted by accept_message
--   (per minute in send_volume, handed over when the minute leaves the quota's window),
--   outcomes by a trigger on message_event (inside the statement that records them), so
--   the counts can never disagree with what happened, and reading two weeks is at most
--   1,344 intervals per account and region.
-- * accept_message refuses sends while the region is Paused, and no longer counts the
--   mailbox simulator's recipients against the daily quota (SES doesn't).
-- * message.size_bytes is what billing charges data for.
-- * grant_cap: an owner's daily cap on what one delegate account sends from one identity.

alter table account_region
    add column enforcement_status text not null default 'Healthy'
        constraint account_region_enforcement_status
        check (enforcement_status in ('Healthy', 'UnderReview', 'Paused')),
    add column status_changed_at timestamptz not null default now(),
    -- Rates are measured from the operator's last decision on the account, so reinstating
    -- an account starts it afresh (it is judged again once it has sent enough).
    add column rated_since timestamptz,
    add column production_access_use_case text,
    add column production_access_max_24_hour_send double precision,
    add column production_access_max_send_rate double precision;

create table enforcement_change (
    enforcement_change_id bigint generated always as identity primary key,
    account_id     text not null,
    region         text not null,
    from_status    text not null,
    to_status      text not null,
    -- `automatic`, or the operator's email.
    decided_by     text not null,
    reason         text not null,
    -- The rates when the change was decided (automatic changes).
    bounce_rate    double precision,
    complaint_rate double precision,
    rated_volume   bigint,
    created_at     timestamptz not null default now(),
    constraint enforcement_change_region_fkey foreign key (account_id, region)
        references account_region (account_id, region) on delete cascade
);
create index enforcement_change_region_idx on enforcement_change (account_id, region, created_at desc);

create table send_statistic (
    account_id        text not null,
    region            text not null,
    interval_start    timestamptz not null,
    -- Each interval is spread over four rows (by message id), so delivery workers recording
    -- outcomes for one busy account at once do not all wait for one row lock.
    stripe            smallint not null,
    -- Recipients accepted (SES's DeliveryAttempts).
    delivery_attempts bigint not null default 0,
    deliveries        bigint not null default 0,
    bounces           bigint not null default 0,
    complaints        bigint not null default 0,
    rejects           bigint not null default 0,
    -- What reputation is judged on (message_event.rated_outcome and rated_against): counted
    -- final outcomes, hard bounces and complaints.
    rated_outcomes    bigint not null default 0,
    hard_bounces      bigint not null default 0,
    rated_complaints  bigint not null default 0,
    primary key (account_id, region, interval_start, stripe),
    constraint send_statistic_region_fkey foreign key (account_id, region)
        references account_region (account_id, region) on delete cascade
);

-- Serves forgetting intervals older than anything read (two weeks).
create index send_statistic_interval_idx on send_statistic (interval_start);

create function statistic_stripe(p_message_id text) returns smallint
language sql immutable as $$ select (hashtext(p_message_id) & 3)::smallint $$;

-- What an event means for reputation, decided once as it is recorded and kept with it, so
-- the counters and the owner's per-delegate view judge alike:
-- * rated_outcome: a recipient's first final outcome (delivered, or bounced without an
--   earlier delivery: a DSN after a delivery is the same recipient), not at the mailbox
--   simulator (judged by the address, not by what a report claims) and not skipped for
--   the suppression list;
-- * rated_against: a hard bounce (Permanent, the address does not exist) or a complaint
--   about the mail (not an ARF not-spam or auth-failure report), not at the simulator.
alter table message_event
    add column rated_outcome boolean not null default false,
    add column rated_against boolean not null default false;

create function judge_message_event() returns trigger
language plpgsql as $$
declare
    simulated boolean;
begin
    select lower(r.address) like '%@simulator.amazonses.com' into simulated
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
create trigger message_event_judged before insert on message_event
    for each row execute function judge_message_event();

create function count_message_event() returns trigger
language plpgsql as $$
begin
    if new.event_type not in ('Delivery', 'Bounce', 'Complaint', 'Reject') then
        return null;
    end if;
    insert into send_statistic as s (account_id, region, interval_start, stripe, deliveries,
                                     bounces, complaints, rejects, rated_outcomes,
                                     hard_bounces, rated_complaints)
    select m.account_id, m.region, date_bin('15 minutes', new.created_at, timestamptz 'epoch'),
           statistic_stripe(new.message_id),
           (new.event_type = 'Delivery')::int,
           (new.event_type = 'Bounce')::int,
           (new.event_type = 'Complaint')::int,
           (new.event_type = 'Reject')::int,
           new.rated_outcome::int,
           (new.event_type = 'Bounce' and new.rated_against)::int,
           (new.event_type = 'Complaint' and new.rated_against)::int
    from message m where m.message_id = new.message_id
    on conflict (account_id, region, interval_start, stripe) do update
    set deliveries = s.deliveries + excluded.deliveries,
        bounces = s.bounces + excluded.bounces,
        complaints = s.complaints + excluded.complaints,
        rejects = s.rejects + excluded.rejects,
        rated_outcomes = s.rated_outcomes + excluded.rated_outcomes,
        hard_bounces = s.hard_bounces + excluded.hard_bounces,
        rated_complaints = s.rated_complaints + excluded.rated_complaints;
    return null;
end
$$;
-- Rows skipped by `on conflict do nothing` (news already recorded) fire no after trigger.
create trigger message_event_counted after insert on message_event
    for each row execute function count_message_event();

-- Sends are counted per minute in send_volume while they count against the daily quota
-- (the mailbox simulator's recipients are attempts but not quota) and handed over to
-- send_statistic as their minute leaves the window, so a send costs no more writes than
-- before; readers of DeliveryAttempts add the two.
alter table send_volume add column attempts bigint not null default 0;
update send_volume v
set attempts = (select coalesce(sum(m.recipient_count), 0) from message m
                where m.account_id = v.account_id and m.region = v.region
                  and date_trunc('minute', m.created_at) = v.minute);

-- What has happened so far, judged and counted once.
update message_event e
set rated_outcome = e.event_type in ('Delivery', 'Bounce') and not j.simulated
        and e.bounce_sub_type is distinct from 'OnAccountSuppressionList'
        and not (e.event_type = 'Bounce' and exists (
            select 1 from message_event d
            where d.message_id = e.message_id and d.position = e.position and d.event_type = 'Delivery')),
    rated_against = not j.simulated and (
        (e.event_type = 'Bounce' and e.bounce_type = 'Permanent' and e.bounce_class = 'recipient')
        or (e.event_type = 'Complaint' and coalesce(e.feedback_type, '') not in ('not-spam', 'auth-failure')))
from (select r.message_id, r.position, lower(r.address) like '%@simulator.amazonses.com' as simulated
      from message_recipient r) j
where j.message_id = e.message_id and j.position = e.position;
insert into send_statistic (account_id, region, interval_start, stripe, delivery_attempts)
select m.account_id, m.region, date_bin('15 minutes', m.created_at, timestamptz 'epoch'), 0,
       sum(m.recipient_count)
from message m
where not exists (select 1 from send_volume v
                  where v.account_id = m.account_id and v.region = m.region
                    and v.minute = date_trunc('minute', m.created_at))
group by 1, 2, 3;
insert into send_statistic as s (account_id, region, interval_start, stripe, deliveries, bounces,
                                 complaints, rejects, rated_outcomes, hard_bounces, rated_complaints)
select m.account_id, m.region, date_bin('15 minutes', e.created_at, timestamptz 'epoch'),
       statistic_stripe(e.message_id),
       count(*) filter (where e.event_type = 'Delivery'),
       count(*) filter (where e.event_type = 'Bounce'),
       count(*) filter (where e.event_type = 'Complaint'),
       count(*) filter (where e.event_type = 'Reject'),
       count(*) filter (where e.rated_outcome),
       count(*) filter (where e.event_type = 'Bounce' and e.rated_against),
       count(*) filter (where e.event_type = 'Complaint' and e.rated_against)
from message_event e join message m using (message_id)
group by 1, 2, 3, 4
on conflict (account_id, region, interval_start, stripe) do update
set deliveries = excluded.deliveries, bounces = excluded.bounces, complaints = excluded.complaints,
    rejects = excluded.rejects, rated_outcomes = excluded.rated_outcomes,
    hard_bounces = excluded.hard_bounces, rated_complaints = excluded.rated_complaints;

-- Billing charges the message as stored (attachments included).
alter table message add column size_bytes bigint generated always as (octet_length(raw)) stored;

-- Sesame's own mail to an account (status changes) shows in that account's mailbox.
alter table mailbox_message add column account_id text references account on delete cascade;
create index mailbox_message_account_idx on mailbox_message (account_id, received_at desc)
    where account_id is not null;

create table grant_cap (
    -- The identity's owner, who sets the cap.
    account_id          text not null,
    identity_id         uuid not null,
    delegate_account_id text not null constraint grant_cap_delegate_format check (delegate_account_id ~ '^[0-9]{12}$'),
    max_24_hour_send    bigint not null constraint grant_cap_positive check (max_24_hour_send > 0),
    updated_at          timestamptz not null default now(),
    primary key (account_id, identity_id, delegate_account_id),
    constraint grant_cap_identity_fkey foreign key (account_id, identity_id)
        references identity (account_id, identity_id) on delete cascade
);

create or replace function accept_message(
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
    -- The mailbox simulator's recipients count against the send rate, not the daily quota.
    counted bigint := 0;
    recipient text;
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
        select k.message_id into message_id from idempotency_key k
        where k.account_id = p_account_id and k.key = p_idempotency_key
          and k.created_at > stamp - interval '24 hours';
    end if;

    if message_id is not null then
        outcome := 'Repeated';
    -- Paused by reputation (automatically or by an operator): nothing is accepted.
    elsif limits.enforcement_status = 'Paused' then
        outcome := 'SendingPaused';
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
        if p_idempotency_key is not null then
            insert into idempotency_key (account_id, key, message_id, created_at)
            values (p_account_id, p_idempotency_key, p_message_id, stamp)
            on conflict (account_id, key)
            do update set message_id = excluded.message_id, created_at = excluded.created_at;
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

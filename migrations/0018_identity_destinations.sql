-- Destinations of two more kinds. An identity's owner may attach destinations to the
-- identity itself (SES's identity notification topics: bounces, complaints, deliveries of
-- every send that uses the identity, delegates' included — the owner may point them at a
-- delegate's endpoint); and a destination may be an email address instead of a webhook.

alter table event_destination alter column configuration_set drop not null;
alter table event_destination alter column url drop not null;
alter table event_destination
    add column identity_id uuid references identity on delete cascade,
    add column email text;
alter table event_destination add constraint event_destination_scope
    check ((configuration_set is null) <> (identity_id is null));
alter table event_destination add constraint event_destination_target
    check ((url is null) <> (email is null));
create unique index event_destination_identity_name_idx on event_destination (identity_id, name)
    where identity_id is not null;

-- Which destinations get an event of a message: its configuration set's and the Source
-- identity's, each when enabled and wanting the event's type. (A disabled destination
-- takes nothing, so the forwarding fallback below mails what it would have had.)
create function destinations_for(p_message_id text, p_event_type text)
returns table (destination_id uuid) language sql stable as $$
    select d.destination_id
    from message_configuration_set c
    join event_destination d
      on d.account_id = c.account_id and d.region = c.region and d.configuration_set = c.name
    where c.message_id = p_message_id and p_event_type = any(d.event_types) and d.enabled
    union
    select d.destination_id
    from message m
    join identity i
      on i.account_id = split_part(m.source_arn, ':', 5)
     and i.region = split_part(m.source_arn, ':', 4)
     and i.name = substr(split_part(m.source_arn, ':', 6), length('identity/') + 1)
    join event_destination d on d.identity_id = i.identity_id
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
        left join identity i
          on i.account_id = split_part(m.source_arn, ':', 5)
         and i.region = split_part(m.source_arn, ':', 4)
         and i.name = substr(split_part(m.source_arn, ':', 6), length('identity/') + 1)
        where m.message_id = new.message_id
          and m.envelope_from not like '%@simulator.amazonses.com'
          and (coalesce(i.feedback_forwarding, true)
               or not exists (select 1 from destinations_for(new.message_id, new.event_type)))
        on conflict do nothing;
    end if;
    return null;
end
$$;

-- The message tags of a send with a configuration set, for its events (`mail.tags`).
alter table message_configuration_set add column tags jsonb not null default '{}';

-- Due notifications per destination, for the claim (which runs every poll).
create index notification_pending_idx on notification (destination_id, next_attempt_at)
    where status = 'Pending';

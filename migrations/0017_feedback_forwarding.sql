-- Feedback forwarding: a bounce or complaint is also emailed to the message's feedback
-- address (its Return-Path, else its Source) when the identity used has forwarding on —
-- or, whatever that setting, when no destination of the sender's configuration set wants
-- the event (SES: "if neither the identity owner nor the delegate sender sets up a method
-- of sending notifications … Amazon SES automatically sends event notifications by email
-- to the address in the Return-Path"). Such a notification has an address instead of a
-- destination, and goes through the same outbox, retries and attempt log as webhooks.

alter table notification alter column destination_id drop not null;
alter table notification add column email_to text;
alter table notification add constraint notification_target
    check ((destination_id is null) <> (email_to is null));
create unique index notification_email_once_idx on notification (event_id) where email_to is not null;

create or replace function fan_out_event() returns trigger language plpgsql as $$
begin
    insert into notification (notification_id, event_id, destination_id)
    select gen_random_uuid(), new.event_id, d.destination_id
    from message_configuration_set c
    join event_destination d
      on d.account_id = c.account_id and d.region = c.region and d.configuration_set = c.name
    where c.message_id = new.message_id and new.event_type = any(d.event_types)
    on conflict (event_id, destination_id) do nothing;

    if new.event_type in ('Bounce', 'Complaint') then
        insert into notification (notification_id, event_id, email_to)
        select gen_random_uuid(), new.event_id, m.envelope_from
        from message m
        left join identity i
          on i.account_id = split_part(m.source_arn, ':', 5)
         and i.region = split_part(m.source_arn, ':', 4)
         and i.name = substr(split_part(m.source_arn, ':', 6), length('identity/') + 1)
        where m.message_id = new.message_id
          -- Feedback about feedback would loop; the simulator has no mailbox.
          and m.envelope_from not like '%@simulator.amazonses.com'
          and (coalesce(i.feedback_forwarding, true)
               or not exists (
                   select 1 from message_configuration_set c
                   join event_destination d
                     on d.account_id = c.account_id and d.region = c.region
                    and d.configuration_set = c.name
                   where c.message_id = new.message_id and new.event_type = any(d.event_types)))
        on conflict do nothing;
    end if;
    return null;
end
$$;

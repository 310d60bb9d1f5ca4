-- Group commit: the sends waiting at one moment are decided and committed together, one
-- call and one transaction (one WAL flush) for all of them, each exactly as
-- accept_message decides it alone. Items are taken in (account, region) order, so two
-- batches lock region rows in the same order and cannot deadlock; an account's items keep
-- their arrival order. Recipients come flattened: item i's are the next
-- p_recipient_counts[i] entries of p_recipients.
create function accept_messages(
    p_account_ids text[], p_regions text[], p_message_ids text[], p_envelope_froms text[],
    p_from_addresses text[], p_source_arns text[], p_from_arns text[],
    p_return_path_arns text[], p_identity_owners text[], p_raws bytea[],
    p_recipient_counts integer[], p_recipients text[], p_idempotency_keys text[])
returns table (item integer, outcome text, message_id text, max_24_hour_send double precision,
               max_send_rate double precision, sent_24_hours bigint)
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
            p_idempotency_keys[i]);
        item := i;
        outcome := decided.outcome;
        message_id := decided.message_id;
        max_24_hour_send := decided.max_24_hour_send;
        max_send_rate := decided.max_send_rate;
        sent_24_hours := decided.sent_24_hours;
        return next;
    end loop;
end
$$;

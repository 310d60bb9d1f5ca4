-- Delegates are told when a policy stops naming them (as "Shared with me" lists the
-- policies that do: `grantee_accounts`): it is deleted, rewritten without them (a revoke),
-- or its identity is deleted. Written by triggers, so that every way of doing it (console,
-- API v1 and v2, the revoke button, deleting the identity or the owner's account) counts
-- the same. One row per account, identity and policy: the latest time replaces an earlier
-- one, so an owner that names and drops an account over and over fills nothing. The
-- delegate's "Shared with me" lists them; the owner's own details (the document, who
-- changed it) stay the owner's.
create table grant_withdrawal (
    id                 bigserial primary key,
    grantee_account_id text not null references account on delete cascade,
    -- No foreign key: the owner's account may be what is being deleted.
    owner_account_id   text not null,
    owner_name         text not null,
    region             text not null,
    identity_name      text not null,
    policy_name        text not null,
    -- 'policy_deleted', 'policy_changed' (no longer names the account), 'identity_deleted'.
    reason             text not null,
    withdrawn_at       timestamptz not null default now(),
    constraint grant_withdrawal_once
        unique (grantee_account_id, owner_account_id, region, identity_name, policy_name)
);
create index grant_withdrawal_grantee on grant_withdrawal (grantee_account_id, withdrawn_at desc);
create index grant_withdrawal_at on grant_withdrawal (withdrawn_at);

-- Records, for policy `policy_name` of identity `ident`, each account of `before` that is
-- not in `after` (and is not the owner, and has an account here).
create function record_grant_withdrawals(ident identity, policy_name text, before text[],
                                         after text[], reason text) returns void
language sql as $$
    insert into grant_withdrawal (grantee_account_id, owner_account_id, owner_name, region,
                                  identity_name, policy_name, reason)
    select g.account_id, ident.account_id,
           -- '' when the owner's account is what is being deleted.
           coalesce((select o.name from account o where o.account_id = ident.account_id), ''),
           ident.region, ident.name, policy_name, reason
    from account g
    where g.account_id = any (before) and not (g.account_id = any (after))
      and g.account_id <> ident.account_id
    on conflict on constraint grant_withdrawal_once do update
        set owner_name = excluded.owner_name, reason = excluded.reason,
            withdrawn_at = excluded.withdrawn_at;
$$;

-- A policy deleted or rewritten. When its identity is being deleted the identity row is
-- gone already, and `identity_withdraws_grants` has recorded it.
create function policy_withdraws_grants() returns trigger language plpgsql as $$
declare
    ident identity;
begin
    select * into ident from identity
    where account_id = old.account_id and identity_id = old.identity_id;
    if found then
        if tg_op = 'DELETE' then
            perform record_grant_withdrawals(ident, old.name, old.grantee_accounts, '{}',
                                             'policy_deleted');
        else
            perform record_grant_withdrawals(ident, old.name, old.grantee_accounts,
                                             new.grantee_accounts, 'policy_changed');
        end if;
    end if;
    return null;
end;
$$;

create trigger identity_policy_withdraws after delete or update of grantee_accounts
    on identity_policy for each row execute function policy_withdraws_grants();

-- An identity deleted: every grant of its policies goes with it.
create function identity_withdraws_grants() returns trigger language plpgsql as $$
declare
    policy identity_policy;
begin
    for policy in select * from identity_policy
                  where account_id = old.account_id and identity_id = old.identity_id loop
        perform record_grant_withdrawals(old, policy.name, policy.grantee_accounts, '{}',
                                         'identity_deleted');
    end loop;
    return old;
end;
$$;

create trigger identity_withdraws_grants before delete on identity
    for each row execute function identity_withdraws_grants();

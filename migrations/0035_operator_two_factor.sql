-- Operators sign in with a second factor too. The authenticator and recovery-code tables
-- hold a user's or an operator's: exactly one of the two ids is set (each cascading from
-- its owner), and `holder_id` is whichever it is, so every query keys on one column.
alter table user_totp rename to authenticator;
alter table authenticator
    drop constraint user_totp_pkey,
    alter column user_id drop not null,
    add column operator_id uuid references operator on delete cascade,
    add column holder_id uuid not null generated always as (coalesce(user_id, operator_id)) stored,
    add constraint authenticator_one_holder check (num_nonnulls(user_id, operator_id) = 1);
alter table authenticator add constraint authenticator_pkey primary key (holder_id);
-- Deleting a user or an operator finds theirs (the foreign keys' cascades).
create index authenticator_user on authenticator (user_id) where user_id is not null;
create index authenticator_operator on authenticator (operator_id) where operator_id is not null;

alter table user_recovery_code rename to recovery_code;
alter table recovery_code
    drop constraint user_recovery_code_pkey,
    alter column user_id drop not null,
    add column operator_id uuid references operator on delete cascade,
    add column holder_id uuid not null generated always as (coalesce(user_id, operator_id)) stored,
    add constraint recovery_code_one_holder check (num_nonnulls(user_id, operator_id) = 1);
alter table recovery_code add constraint recovery_code_pkey primary key (holder_id, code_hash);
create index recovery_code_user on recovery_code (user_id) where user_id is not null;
create index recovery_code_operator on recovery_code (operator_id) where operator_id is not null;

-- Settings of the platform as a whole, changed in the operator console: one row.
create table platform_setting (
    only_row                    boolean primary key default true constraint platform_setting_one_row check (only_row),
    -- Every operator signs in with a second factor; one without sets it up at their next
    -- sign-in, and sessions signed in without it end.
    require_operator_two_factor boolean not null default false,
    updated_at                  timestamptz not null default now()
);
select trigger_updated_at('platform_setting');
insert into platform_setting default values;

-- The platform's own log: operators' sign-ins and sign-in security, which belong to no
-- account, are entries without one (read in the operator console only).
alter table audit_entry alter column account_id drop not null;
-- The platform's log, newest first (an account's is read by `audit_entry_account`).
create index audit_entry_platform on audit_entry (id desc) where account_id is null;

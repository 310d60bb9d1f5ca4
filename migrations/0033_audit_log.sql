-- The audit log: every change to an account's identities, policies, keys, users and
-- security, and every sign-in, with who made it, through what, from where. Entries are
-- written in the same transaction as the change they describe, so a change that fails
-- leaves none. Append-only: no entry is ever updated, and only the retention sweep (and the
-- deletion of its account) removes one.
create table audit_entry (
    id             bigserial primary key,
    account_id     text not null references account on delete cascade,
    at             timestamptz not null default now(),
    -- 'user' (the console), 'access_key' (the API or SMTP), 'operator', 'sesame' (its
    -- workers and the admin command), 'anonymous' (a sign-in that failed, a link followed:
    -- actor is then who they claimed to be).
    actor_kind     text not null,
    -- The user's ARN, the operator's email, or 'Sesame'.
    actor          text not null,
    -- The access key, for actor_kind 'access_key'.
    access_key_id  text,
    -- 'console', 'api:<Action>', 'operator console', 'admin command', or a worker.
    source         text not null,
    client_address text,
    user_agent     text,
    -- What happened, as `audit::AuditKind` names it ('policy.updated').
    kind           text not null,
    -- The identity it happened to, if any.
    identity       text,
    -- What it happened to within that (a policy's name, a user's, a key's id).
    subject        text not null default '',
    -- A document's text before and after the change (policies), for the diff.
    before_text    text,
    after_text     text
);

create index audit_entry_account on audit_entry (account_id, id desc);
-- The failed sign-ins cap counts an actor's recent entries of a kind.
create index audit_entry_actor on audit_entry (account_id, actor, kind, at);
create index audit_entry_identity on audit_entry (account_id, identity, id desc)
    where identity is not null;
create index audit_entry_at on audit_entry (at);

create function refuse_audit_update() returns trigger language plpgsql as $$
begin
    raise exception 'audit entries are append-only';
end;
$$;

create trigger audit_entry_append_only before update on audit_entry
    for each row execute function refuse_audit_update();

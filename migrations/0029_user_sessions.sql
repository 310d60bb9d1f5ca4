-- Every signed-in session of an account user, so the user can see where they are signed
-- in and end any of it: a session is live only while its row is here (the session cookie
-- carries the row's handle, never the other way round). Ending a session, changing or
-- resetting a password delete rows; the sweeper deletes those past their lifetime.
create table user_session (
    handle          uuid primary key,
    user_id         uuid not null references account_user on delete cascade,
    signed_in_at    timestamptz not null default now(),
    -- Updated at most once a minute by the session's requests, with the address they came from.
    last_seen_at    timestamptz not null default now(),
    client_address  text not null,
    user_agent      text not null
);
create index user_session_user on user_session (user_id);

-- Replaced by the registry: a reset deletes the user's sessions instead.
alter table account_user drop column sessions_valid_after;

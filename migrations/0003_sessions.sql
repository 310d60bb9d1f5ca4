-- Browser sessions, in the layout tower-sessions' Postgres store reads and writes
-- (tower-sessions-sqlx-store 0.15). Created here rather than by the store at startup, so
-- this directory stays the only source of the schema.

create schema if not exists tower_sessions;

create table if not exists tower_sessions.session (
    id          text primary key not null,
    -- MessagePack of the session's key/value record (the store's format).
    data        bytea not null,
    expiry_date timestamptz not null
);

-- Serves the periodic sweep of expired sessions.
create index if not exists session_expiry_idx on tower_sessions.session (expiry_date);

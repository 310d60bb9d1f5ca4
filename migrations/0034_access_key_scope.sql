-- A key's scope: what it may do beyond its user's role, chosen when it is created and
-- fixed after (a different scope is a different key). Empty lists mean "no limit".
alter table access_key
    -- Addresses or CIDR blocks the key may be used from (the client, as `client_address`
    -- sees it behind trusted proxies).
    add column allowed_sources    text[] not null default '{}',
    -- SES action names (`SendRawEmail`, `Send*`); an SMTP message is `SendRawEmail`.
    add column allowed_actions    text[] not null default '{}',
    -- Identities (names or ARNs, the account's own or shared with it) the key may send as.
    add column allowed_identities text[] not null default '{}',
    -- After this the key answers as a deleted one would.
    add column expires_at         timestamptz,
    -- Where and for what the key was last used (with last_used_at; at most a minute stale):
    -- an SES action, or `SMTP` for an SMTP login.
    add column last_used_region   text,
    add column last_used_action   text;

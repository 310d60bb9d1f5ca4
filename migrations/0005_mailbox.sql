-- Sesame's built-in mailbox: where mail "delivered" in sink mode lands, and (until the
-- delivery workers arrive) the verification emails Sesame sends to email-address identities.

create table mailbox_message (
    mailbox_message_id uuid primary key,
    -- Lower case; the page shows an account the mail sent to its own email identities.
    recipient          text not null,
    sender             text not null,
    subject            text not null,
    -- The complete RFC 5322 message, as it would have gone over the wire.
    raw                bytea not null,
    received_at        timestamptz not null default now()
);
-- Serves "messages to these addresses, newest first".
create index mailbox_message_recipient_idx on mailbox_message (recipient, received_at desc);

-- Email verification links carry the token; this finds the identity from it (and keeps
-- tokens unique).
create unique index identity_verification_token_key on identity (verification_token);

-- With a feedback domain configured, delivered mail leaves with a Sesame-owned bounce
-- address (MAIL FROM bounce+<token>@<feedback domain>, VERP) so that DSNs and complaint
-- reports come back to Sesame's feedback listener; the token names the message.
create table feedback_address (
    token       text primary key,
    message_id  text not null unique references message on delete cascade
);

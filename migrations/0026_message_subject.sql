-- A message's Subject as the Messages list shows it, decoded once when the message is
-- accepted (written in the same statement as the message, by the group commit) so a page
-- of the list never reads the raw messages.
create table message_subject (
    message_id  text primary key references message on delete cascade,
    subject     text not null
);

-- An audit entry names the identity it is about by id as well as by name: the same name in
-- two regions (or deleted and added again) is another identity, with a History of its own.
-- Entries written before this have no id and show in the History of every identity of
-- their name.
alter table audit_entry add column identity_id uuid;
create index audit_entry_identity_id on audit_entry (account_id, identity_id, id desc)
    where identity_id is not null;

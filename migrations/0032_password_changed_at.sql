-- When the user's password last changed (a change or a reset). A sign-in registers its
-- session only if the password it checked is still the user's: one that checked the old
-- password just before a reset (or waited at its second step through one) is refused.
alter table account_user add column password_changed_at timestamptz;

-- Throttle admission is decided on the row the upsert locked (always its newest version),
-- not on a snapshot read beside it: under READ COMMITTED a read in the same statement does
-- not see a row another statement inserted meanwhile, so a burst on a fresh key was all
-- admitted. The upsert now records whether the attempt it counted was admitted.
alter table sign_in_throttle add column admitted boolean not null default true;

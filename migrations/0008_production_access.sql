-- An account admin's request to leave the sandbox in a region, for an operator to approve
-- in the console (or with `sesame admin set-production-access`).
alter table account_region add column production_access_requested_at timestamptz;

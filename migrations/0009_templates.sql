-- Email templates (SES's CreateTemplate): Handlebars parts an account renders with
-- per-send data in SendTemplatedEmail.

create table template (
    account_id  text not null,
    region      text not null,
    -- SES's rule for template names.
    name        text not null constraint template_name check (name ~ '^[A-Za-z0-9_-]{1,64}$'),
    subject     text not null,
    text_part   text,
    html_part   text,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (account_id, region, name),
    -- Templates live in one of the account's regions; deleting the account deletes them.
    constraint template_region_fkey foreign key (account_id, region)
        references account_region (account_id, region) on delete cascade
);
select trigger_updated_at('template');

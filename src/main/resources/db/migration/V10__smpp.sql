-- Delivery reports for SMPP and web SMS. Portable between H2 2.x and PostgreSQL 14+.

-- One row per message the provider accepted for an SMS: a long SMS sent over SMPP is several submit_sm,
-- each with its own SMSC message id, and is DELIVERED only when every part is. status is null until the
-- part's final report (DELIVERED or FAILED) arrives.
create table sms_part (
    channel     varchar(64)   not null,
    provider_id varchar(128)  not null,
    sms_id      bigint        not null,
    part_no     int           not null,
    parts       int           not null,
    status      varchar(16),
    error       varchar(1000),
    reported_at timestamp
);
create index sms_part_provider on sms_part (channel, provider_id);
create index sms_part_sms on sms_part (sms_id);

-- Reports that arrived before the submit response was stored (the SMSC is faster than our database):
-- kept here and applied when the part is recorded.
create table pending_report (
    channel     varchar(64)   not null,
    provider_id varchar(128)  not null,
    status      varchar(16)   not null,
    error       varchar(1000),
    received_at timestamp     not null,
    constraint pending_report_pk primary key (channel, provider_id)
);

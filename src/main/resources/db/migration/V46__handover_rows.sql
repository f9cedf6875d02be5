-- SMS handed over are recorded one row per chunk of a claim (',12,13,14,') instead of a flag updated on every SMS
-- row: a broadcast of 10,000 wrote 10,000 extra row versions of the wide sms table. Rows go when the claim's batch
-- is stored; recovery reads them for claims of processes that stopped renewing their lease.
create table sms_handover (
    claim varchar(120)  not null,
    ids   varchar(4000) not null
);
create index sms_handover_claim on sms_handover (claim);
alter table sms drop column handed;

-- A claim is a lease: each running process renews its row here, and only SMS claimed by a process whose lease
-- ran out (it died, or lost the database for longer than the claim timeout) are recovered as in doubt. A live
-- process with a slow or hung channel keeps its claims however long the channel takes.
create table outbox_owner (
    instance_id varchar(80) primary key,
    started_at  timestamp not null,
    renewed_at  timestamp not null
);
-- the process that made the SMS's current (or last) claim
alter table sms add column claim_owner varchar(80);

-- What went wrong on the way, one row per attempt that did not simply succeed (a retry, a failure, an SMS that
-- never left, one in doubt), so an SMS that is sent or delivered in the end shows no stale error of its own
-- while its history still explains the delay. A first attempt that succeeds writes nothing here.
create table sms_attempt (
    sms_id  bigint        not null,
    attempt int           not null,
    at      timestamp     not null,
    channel varchar(64),
    outcome varchar(16)   not null,
    error   varchar(1000)
);
create index sms_attempt_sms on sms_attempt (sms_id);

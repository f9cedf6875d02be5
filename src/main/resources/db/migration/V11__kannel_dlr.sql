-- Delivery report callbacks asked for through Kannel's sendsms (dlr-url, dlr-mask), one row per SMS.
create table kannel_dlr (
    sms_id     bigint        primary key,
    url        varchar(2000) not null,
    mask       int           not null,
    reported   int           not null default 0,   -- the dlr-mask bits already called back
    attempts   int           not null default 0,
    last_error varchar(1000),
    done       boolean       not null default false
);
create index kannel_dlr_open on kannel_dlr (done);

-- A welcome SMS that cannot be queued now (the directory of record refuses, the number is not valid) is retried
-- with a growing delay, so users that keep failing do not hold up the ones behind them (docs/SIS.md).
alter table dir_user add column welcome_attempts int not null default 0;
alter table dir_user add column welcome_next_at timestamp;

-- The claim reads due SMS "order by priority, next_attempt_at, id limit n". The SMS of one broadcast share their
-- priority and next_attempt_at, so with an index ending at next_attempt_at the database fetched and sorted every
-- queued SMS of the broadcast on each claim (10,000 rows read to take 1,000). With id as the last column the index
-- gives the claim's order and the scan stops after n rows.
drop index sms_claim;
create index sms_claim on sms (status, channel, priority, next_attempt_at, id);

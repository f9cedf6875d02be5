-- Delivery reports are matched by channel, message id and recipient, as Kannel does: SMSC message ids repeat
-- (after an SMSC restart, across SMSCs). Digits only; '' when unknown (parts recorded before this migration,
-- reports that carry no address), which matches any recipient.
alter table sms_part add column recipient varchar(32) default '' not null;
alter table pending_report add column recipient varchar(32) default '' not null;
alter table pending_report drop constraint pending_report_pk;
alter table pending_report add constraint pending_report_pk primary key (channel, provider_id, recipient);

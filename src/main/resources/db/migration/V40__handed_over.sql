-- Set just before a channel puts the SMS on the wire (an SMPP channel marks a window at a time), cleared when its
-- outcome is stored. After a crash only SENDING SMS with handed = true are in doubt; the rest of a claimed batch
-- had not left and is queued again.
alter table sms add column handed boolean default false not null;

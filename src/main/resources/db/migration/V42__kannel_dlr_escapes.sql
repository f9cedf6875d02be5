-- What Kannel's dlr-url escapes need beyond the SMS itself: the sender the client gave (%P, %Q) and the text of
-- the SMSC's final delivery receipt (%A), as Kannel gives them.
alter table kannel_dlr add column sender varchar(32);
alter table kannel_dlr add column receipt varchar(500);

-- The parts of concatenated inbound SMS are kept per channel for every channel (the modem's table, shared now).
alter table modem_inbound_part rename to inbound_part;
alter table inbound_part rename column modem to channel;
-- done: the part's message was completed and received; kept until the concat timeout so a redelivered part
-- (same sender, reference, sequence and text) is recognised instead of starting a new message.
alter table inbound_part add column done boolean default false not null;

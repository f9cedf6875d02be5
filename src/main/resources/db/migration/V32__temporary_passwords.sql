-- Welcome SMS and SMS password reset (issue 5, docs/SIS.md). Portable between H2 2.x and PostgreSQL 14+.

-- The reset audit keeps the sender only masked (sender, +45*****201); rate limits per number use its SHA-256.
alter table password_reset add column sender_hash varchar(64);
create index password_reset_sender_hash on password_reset (sender_hash, at);

-- The welcome job looks for users still due.
create index dir_user_welcome_due on dir_user (welcome_due);

-- Texts of SMS whose password is not masked yet (queued or sending).
create index sms_secret_open on sms_secret (masked_at);

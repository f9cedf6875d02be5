-- API tokens expire and can be listed and revoked by a public id (the first 16 hex digits of the token's digest;
-- the token itself is never stored). Tokens made before this migration expire 90 days after it.
alter table api_token add column id varchar(16);
update api_token set id = substring(token_hash, 1, 16);
alter table api_token add column expires_at timestamp;
update api_token set expires_at = localtimestamp + interval '90' day;
create unique index api_token_id on api_token (id);

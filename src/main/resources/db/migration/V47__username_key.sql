-- User names are unique regardless of case (a tenant's "ADMIN" beside the operator "admin"): ApiUsers checked it
-- before inserting, which two concurrent requests could both pass. The lower-cased name, kept by ApiUsers on every
-- insert, gets a unique index, portable to H2 and PostgreSQL (H2 has no index on an expression).
alter table api_user add column username_key varchar(128);
-- Names that already differ only in case (made before the check existed) keep working; the first of them by
-- name takes the key, the others keep none (an index allows many nulls) and cannot be made again.
update api_user set username_key = lower(username)
 where username = (select min(o.username) from api_user o where lower(o.username) = lower(api_user.username));
create unique index api_user_username_key on api_user (username_key);

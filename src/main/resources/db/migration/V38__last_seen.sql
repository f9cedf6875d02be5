-- When each directory record was last seen by its source (docs/SIS.md, "Last seen"). An import writes only the
-- rows that changed, so the time a full import listed an unchanged row is kept once per source, not per row:
-- a record its source still lists was seen at that source's last full import; one its source stopped listing
-- (missing_since) was last seen at its own last_seen_at.
create table dir_source (
    tenant_id varchar(64) not null references tenant(id),
    source    varchar(64) not null,
    seen_at   timestamp   not null,   -- start of the last full import of this source that was applied
    primary key (tenant_id, source)
);
alter table dir_user add column missing_since timestamp;
alter table dir_group add column missing_since timestamp;

create view dir_user_seen as
select u.id, u.tenant_id, u.sis_id, u.source, u.missing_since,
       case when u.missing_since is null then greatest(u.last_seen_at, s.seen_at) else u.last_seen_at end as last_seen_at
from dir_user u left join dir_source s on s.tenant_id = u.tenant_id and s.source = u.source;

create view dir_group_seen as
select g.id, g.tenant_id, g.sis_id, g.source, g.missing_since,
       case when g.missing_since is null then greatest(g.last_seen_at, s.seen_at) else g.last_seen_at end as last_seen_at
from dir_group g left join dir_source s on s.tenant_id = g.tenant_id and s.source = g.source;

-- Memberships (group_id, user_id) and groups (user_id = -1) seen by a running full import, cleared in the same
-- transaction: memberships of this source's groups that the export no longer contains are removed, and groups of
-- this source that are neither in the export nor have members left are deleted (docs/SIS.md). No primary key: an
-- export may list a membership twice. No index: the final anti-joins hash it, and COPY into it stays cheap.
create table sis_import_seen_member (
    import_id bigint not null,
    group_id  bigint not null,
    user_id   bigint not null
);

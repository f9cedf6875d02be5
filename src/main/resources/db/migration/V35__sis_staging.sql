-- The SIS import now stages each file in temporary tables of its own transaction (sis_stage_*, created by
-- DirectoryWriter, dropped at commit or rollback): the permanent "seen" tables of the earlier writer are unused.
drop table sis_import_seen;
drop table sis_import_seen_member;

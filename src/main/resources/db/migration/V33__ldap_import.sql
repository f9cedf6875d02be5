-- LDAP import (issue 5, docs/SIS.md "LDAP import"). Portable between H2 2.x and PostgreSQL 14+.
-- One row per configured directory (hermod.ldap.imports[i].name), written in each run's own transaction:
-- high_water is the highest modifyTimestamp the run saw, as the server wrote it (GeneralizedTime); a delta run
-- reads only entries with modifyTimestamp >= it. Null: no run yet, or the server returns no modifyTimestamp.
create table ldap_import_state (
    name        varchar(64)  primary key,
    tenant_id   varchar(64)  not null,
    high_water  varchar(64),
    last_run_at timestamp    not null
);

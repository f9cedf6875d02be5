package org.hermod.api;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.hermod.Problem;
import org.hermod.api.auth.ApiUsers;
import org.hermod.api.auth.Permission;
import org.hermod.api.auth.Principal;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;

/** SIS imports: their status and progress, and the bad rows of each (docs/SIS.md). Permission directory.edit. */
public final class SisApi extends Api {

    private static final String COLUMNS = "id, tenant_id, source, file_name, checksum, format, mode, status, started_at, "
            + "finished_at, rows_read, users_inserted, users_updated, users_ended, groups_written, memberships_written, "
            + "error_count, message";

    private final Jdbc jdbc;
    private final org.hermod.sis.SisImporter importer;

    public SisApi(ApiUsers users, Jdbc jdbc, org.hermod.sis.SisImporter importer) {
        super(users);
        this.jdbc = jdbc;
        this.importer = importer;
    }

    /**
     * POST /api/imports/{id}/confirm : a full import held by the deletion threshold is imported again, ending the
     * users its export lacks. The caller's tenant must be the import's.
     */
    public String confirm(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.DIRECTORY_EDIT);
        long id = id(exchange, "id");
        String tenant = jdbc.query("select tenant_id from sis_import where id = ?", rs -> rs.getString(1), id).stream()
                .filter(t -> caller.operator() || caller.tenant().equals(t)).findFirst()
                .orElseThrow(() -> new Problem(Problem.Kind.NOT_FOUND, "id", "no import " + id));
        org.hermod.sis.SisImporter.Confirmation done = importer.confirm(id, caller.username());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", done.importId());
        body.put("tenant", tenant);
        body.put("status", "CONFIRMED");
        if (done.requeued() != null) {
            body.put("requeued", done.requeued().getFileName().toString());
        } else {
            body.put("next", "the next full run of the LDAP import applies it");
        }
        return Json.respond(exchange, 202, body);
    }

    /** GET /api/imports?tenant=&limit= : newest first. */
    public String list(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.DIRECTORY_EDIT);
        String tenant = caller.tenantFilter(param(exchange, "tenant"));
        int limit = intParam(exchange, "limit", 50, 1000);
        List<Map<String, Object>> rows = tenant == null
                ? jdbc.query("select " + COLUMNS + " from sis_import order by id desc limit " + limit, SisApi::map)
                : jdbc.query("select " + COLUMNS + " from sis_import where tenant_id = ? order by id desc limit " + limit,
                        SisApi::map, tenant);
        return Json.respond(exchange, 200, rows);
    }

    /** GET /api/imports/{id}?errors= : one import with its first row errors (default 1000). */
    public String get(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.DIRECTORY_EDIT);
        long id = id(exchange, "id");
        int max = intParam(exchange, "errors", 1000, 100_000);
        Map<String, Object> row = jdbc.query("select " + COLUMNS + " from sis_import where id = ?", SisApi::map, id).stream()
                .filter(r -> caller.operator() || caller.tenant().equals(r.get("tenant")))
                .findFirst().orElseThrow(() -> new Problem(Problem.Kind.NOT_FOUND, "id", "no import " + id));
        row.put("rowErrors", jdbc.query("select file_name, line, column_name, reason from sis_import_error where import_id = ? "
                + "order by id limit " + max, rs -> {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("file", rs.getString(1));
                    e.put("line", rs.getInt(2));
                    e.put("column", rs.getString(3));
                    e.put("reason", rs.getString(4));
                    return e;
                }, id));
        return Json.respond(exchange, 200, row);
    }

    private static Map<String, Object> map(ResultSet rs) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", rs.getLong("id"));
        m.put("tenant", rs.getString("tenant_id"));
        m.put("source", rs.getString("source"));
        m.put("file", rs.getString("file_name"));
        m.put("checksum", rs.getString("checksum"));
        m.put("format", rs.getString("format"));
        m.put("mode", rs.getString("mode"));
        m.put("status", rs.getString("status"));
        m.put("startedAt", Database.instant(rs, "started_at"));
        m.put("finishedAt", Database.instant(rs, "finished_at"));
        m.put("rows", rs.getLong("rows_read"));
        m.put("usersInserted", rs.getLong("users_inserted"));
        m.put("usersUpdated", rs.getLong("users_updated"));
        m.put("usersEnded", rs.getLong("users_ended"));
        m.put("groupsWritten", rs.getLong("groups_written"));
        m.put("membershipsWritten", rs.getLong("memberships_written"));
        m.put("errors", rs.getLong("error_count"));
        m.put("message", rs.getString("message"));
        return m;
    }
}

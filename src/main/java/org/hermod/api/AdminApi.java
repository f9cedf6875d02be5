package org.hermod.api;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.hermod.Problem;
import org.hermod.api.auth.ApiUsers;
import org.hermod.api.auth.Permission;
import org.hermod.api.auth.Principal;
import org.hermod.db.Jdbc;
import org.hermod.directory.Directory;
import org.hermod.outbox.MobilePrefixes;
import org.hermod.outbox.PhoneNumbers;
import org.hermod.sis.Role;
import org.hermod.tenant.Tenants;

/** Mobile prefixes, SMS text templates, API users and tokens, tenants and directory seeding. */
public final class AdminApi extends Api {

    private final ApiUsers users;
    private final MobilePrefixes prefixes;
    private final Jdbc jdbc;
    private final Tenants tenants;
    private final Directory directory;

    public AdminApi(ApiUsers users, MobilePrefixes prefixes, Jdbc jdbc, Tenants tenants, Directory directory) {
        super(users);
        this.users = users;
        this.prefixes = prefixes;
        this.jdbc = jdbc;
        this.tenants = tenants;
        this.directory = directory;
    }

    public String listPrefixes(Exchange exchange) {
        caller(exchange);
        return Json.respond(exchange, 200, prefixes.list());
    }

    public String addPrefix(Exchange exchange) {
        caller(exchange).requireOperator().require(Permission.PREFIXES_EDIT);
        Json.Body b = Json.body(exchange);
        Integer min = b.integer("minDigits");
        Integer max = b.integer("maxDigits");
        long id = prefixes.add(new PhoneNumbers.Prefix(b.requiredString("country", Limits.COUNTRY),
                b.requiredString("countryCode", Limits.COUNTRY_CODE), b.requiredString("prefix", Limits.PREFIX),
                min == null ? 0 : min, max == null ? 0 : max), b.string("description", Limits.DESCRIPTION));
        return Json.respond(exchange, 201, Map.of("id", id));
    }

    public String deletePrefix(Exchange exchange) {
        caller(exchange).requireOperator().require(Permission.PREFIXES_EDIT);
        prefixes.delete(id(exchange, "id"));
        return Json.respond(exchange, 200, Map.of("deleted", true));
    }

    public String listTemplates(Exchange exchange) {
        Principal caller = caller(exchange);
        String tenant = caller.tenantFor(param(exchange, "tenant"));
        return Json.respond(exchange, 200, jdbc.query("select name, text from sms_template where tenant_id = ? order by name",
                rs -> Map.of("name", rs.getString(1), "text", rs.getString(2)), tenant));
    }

    public String putTemplate(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.TEXTS_EDIT);
        Json.Body b = Json.body(exchange);
        String tenant = knownTenant(caller, b.string("tenant"));
        String name = Limits.check("name", param(exchange, "name"), Limits.TEMPLATE_NAME);
        String text = b.requiredString("text", Limits.TEXT);
        jdbc.tx(c -> {
            if (Jdbc.update(c, "update sms_template set text = ? where tenant_id = ? and name = ?", text, tenant, name) == 0) {
                Jdbc.update(c, "insert into sms_template (tenant_id, name, text) values (?, ?, ?)", tenant, name, text);
            }
            return null;
        });
        return Json.respond(exchange, 200, Map.of("name", name, "text", text));
    }

    public String deleteTemplate(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.TEXTS_EDIT);
        String tenant = caller.tenantFor(param(exchange, "tenant"));
        if (jdbc.update("delete from sms_template where tenant_id = ? and name = ?", tenant, param(exchange, "name")) == 0) {
            throw Problem.notFound("template " + param(exchange, "name"));
        }
        return Json.respond(exchange, 200, Map.of("deleted", true));
    }

    public String listUsers(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.USERS_EDIT);
        return Json.respond(exchange, 200, users.list(caller.tenantFilter(param(exchange, "tenant"))));
    }

    public String createUser(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.USERS_EDIT);
        Json.Body b = Json.body(exchange);
        String tenant = caller.operator() ? b.string("tenant") : caller.tenantFor(b.string("tenant"));
        if (tenant != null && tenants.find(tenant).isEmpty()) {
            throw Problem.badRequest("tenant", "unknown tenant '" + tenant + "'");
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        List<String> asked = b.strings("permissions");
        for (int i = 0; i < asked.size(); i++) {
            try {
                Permission p = Permission.of(asked.get(i));
                if (!caller.permissions().contains(p)) {
                    throw new Problem(Problem.Kind.FORBIDDEN, "permissions[" + i + "]", "cannot grant " + p.key
                            + " which you do not have");
                }
                permissions.add(p);
            } catch (IllegalArgumentException e) {
                throw Problem.badRequest("permissions[" + i + "]", e.getMessage());
            }
        }
        String username = b.requiredString("username");
        users.create(username, tenant, b.requiredString("password"), permissions);
        return Json.respond(exchange, 201, users.find(username));
    }

    /**
     * Creates an API token for the caller, valid for {@code expiresInDays} (default 90, at most 366); the token is
     * shown once and stored only as a digest. Answers its id too, to list and revoke it by.
     */
    public String createToken(Exchange exchange) {
        Principal caller = caller(exchange);
        Json.Body b = Json.body(exchange);
        String name = b.requiredString("name", Limits.TOKEN_NAME);
        Integer days = b.integer("expiresInDays");
        ApiUsers.NewToken created = users.createToken(caller.username(), name,
                java.time.Duration.ofDays(days == null ? 90 : days));
        return Json.respond(exchange, 201, Map.of("token", created.token(), "id", created.info().id(), "name", name,
                "expiresAt", created.info().expiresAt()));
    }

    /** The caller's tokens (an operator with users.edit: everyone's), without the tokens themselves. */
    public String listTokens(Exchange exchange) {
        Principal caller = caller(exchange);
        boolean all = caller.operator() && caller.permissions().contains(Permission.USERS_EDIT);
        return Json.respond(exchange, 200, users.tokens(all ? null : caller.username()));
    }

    /** Revokes one of the caller's tokens (an operator with users.edit: anyone's), at once. */
    public String revokeToken(Exchange exchange) {
        Principal caller = caller(exchange);
        boolean any = caller.operator() && caller.permissions().contains(Permission.USERS_EDIT);
        String id = param(exchange, "id");
        if (id == null || !users.revokeToken(id, any ? null : caller.username())) {
            throw Problem.notFound("token " + id);
        }
        return Json.respond(exchange, 200, Map.of("revoked", id));
    }

    /** Deletes an API user of the caller's tenant (an operator: of any), with its tokens, at once. */
    public String deleteUser(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.USERS_EDIT);
        String username = param(exchange, "username");
        if (username != null && username.equals(caller.username())) {
            throw Problem.badRequest("username", "you cannot delete yourself");
        }
        if (username == null || !users.delete(username, caller.operator() ? null : caller.tenant())) {
            throw Problem.notFound("user " + username);
        }
        return Json.respond(exchange, 200, Map.of("deleted", username));
    }

    public String createTenant(Exchange exchange) {
        caller(exchange).requireOperator().require(Permission.USERS_EDIT);
        Json.Body b = Json.body(exchange);
        String id = b.requiredString("id");
        if (!id.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw Problem.badRequest("id", "lower-case letters, digits and -, at most 64");
        }
        String zone = b.string("timeZone") == null ? "UTC" : b.string("timeZone");
        try {
            java.time.ZoneId.of(zone);
        } catch (RuntimeException e) {
            throw Problem.badRequest("timeZone", "unknown time zone '" + zone + "'");
        }
        String name = b.string("name", Limits.TENANT_NAME);
        tenants.ensure(id, name == null ? id : name, zone);
        String start = b.string("quietStart");
        String end = b.string("quietEnd");
        if (start != null || end != null) {
            try {
                tenants.setQuietHours(id, java.time.LocalTime.parse(start), java.time.LocalTime.parse(end));
            } catch (RuntimeException e) {
                throw Problem.badRequest("quietStart", "quietStart and quietEnd must both be times like 21:00");
            }
        }
        return Json.respond(exchange, 201, tenants.find(id).orElseThrow());
    }

    public String saveDirectoryUsers(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.DIRECTORY_EDIT);
        Json.Body b = Json.body(exchange);
        String tenant = knownTenant(caller, b.string("tenant"));
        var array = b.node().get("users");
        if (array == null || !array.isArray()) {
            throw Problem.badRequest("users", "must be an array of users");
        }
        List<Directory.User> list = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Json.Body u = new Json.Body(array.get(i));
            String f = "users[" + i + "].";
            try {
                list.add(new Directory.User(u.requiredString("sisId", Limits.SIS_ID), u.string("account", Limits.ACCOUNT),
                        u.string("givenName", Limits.NAME), u.string("familyName", Limits.NAME), role(u.string("role")),
                        u.string("mobile", Limits.MOBILE), u.string("email", Limits.EMAIL),
                        date("startDate", u.string("startDate")), date("endDate", u.string("endDate"))));
            } catch (Problem p) {
                throw Problem.badRequest(f + p.field(), p.getMessage().substring(p.field().length() + 2));
            }
        }
        directory.saveUsers(tenant, "api", list);
        return Json.respond(exchange, 200, Map.of("saved", list.size()));
    }

    public String saveDirectoryGroup(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.DIRECTORY_EDIT);
        Json.Body b = Json.body(exchange);
        String tenant = knownTenant(caller, b.string("tenant"));
        String kind = b.string("kind") == null ? "CLASS" : b.string("kind").toUpperCase();
        if (!List.of("CLASS", "TEAM", "OTHER").contains(kind)) {
            throw Problem.badRequest("kind", "must be CLASS, TEAM or OTHER");
        }
        directory.saveGroup(tenant, "api", new Directory.Group(b.requiredString("sisId", Limits.SIS_ID),
                b.requiredString("name", Limits.NAME), kind, b.string("school", Limits.NAME),
                b.string("session", Limits.NAME), b.strings("members", Limits.SIS_ID)));
        return Json.respond(exchange, 200, Map.of("saved", b.string("sisId")));
    }

    /**
     * The tenant a write is for ({@link Principal#tenantFor}), which must exist: an operator naming an unknown one
     * gets a 400 for {@code tenant}, not the database's foreign-key error.
     */
    private String knownTenant(Principal caller, String asked) {
        String tenant = caller.tenantFor(Limits.check("tenant", asked, Limits.TENANT_ID));
        if (tenants.find(tenant).isEmpty()) {
            throw Problem.badRequest("tenant", "unknown tenant '" + tenant + "'; create it with POST /api/tenants");
        }
        return tenant;
    }

    /** A directory user's role: one of {@link Role}'s names, any case, stored as the SIS import stores it. */
    private static String role(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Role.valueOf(raw.trim().toUpperCase(java.util.Locale.ROOT)).name();
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("role", "must be one of " + java.util.Arrays.toString(Role.values()));
        }
    }

    private static LocalDate date(String field, String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return LocalDate.parse(raw);
        } catch (RuntimeException e) {
            throw Problem.badRequest(field, "must be a date like 2026-07-31, was '" + raw + "'");
        }
    }
}

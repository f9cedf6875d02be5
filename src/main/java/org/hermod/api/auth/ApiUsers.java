package org.hermod.api.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hermod.Problem;
import org.hermod.db.Jdbc;

/**
 * API accounts and their authentication: HTTP Basic (password checked against its PBKDF2 hash) or
 * Bearer tokens (looked up by SHA-256). A successful Basic check is remembered for a minute
 * ({@link VerifiedPasswords}: only while the user's stored hash is unchanged, bounded), so a client does not pay
 * the deliberate cost of PBKDF2 on every call; the user's row is read on every call, so permissions are current.
 * An unknown user name costs a PBKDF2 run too, so the answer's timing does not tell which user names exist.
 */
public final class ApiUsers {

    private static final String UNKNOWN_USER_HASH = Passwords.hash(Passwords.random(24));

    private final Jdbc jdbc;
    private final Clock clock;
    private final VerifiedPasswords verified;

    public ApiUsers(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.verified = new VerifiedPasswords(clock, java.time.Duration.ofMinutes(1), 10_000);
    }

    public Principal authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw unauthenticated("credentials required (HTTP Basic or Bearer token)");
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            return jdbc.query("select u.* from api_token t join api_user u on u.username = t.username "
                    + "where t.token_hash = ?", ApiUsers::map, Passwords.sha256(token)).stream().findFirst()
                    .orElseThrow(() -> unauthenticated("unknown token"));
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw unauthenticated("malformed Basic credentials");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw unauthenticated("malformed Basic credentials");
            }
            String username = decoded.substring(0, colon);
            String password = decoded.substring(colon + 1);
            record Row(String hash, Principal principal) {
            }
            List<Row> rows = jdbc.query("select * from api_user where username = ?",
                    rs -> new Row(rs.getString("password_hash"), map(rs)), username);
            if (rows.isEmpty()) {
                Passwords.matches(password, UNKNOWN_USER_HASH);
                throw unauthenticated("wrong user name or password");
            }
            if (!verified.matches(username, password, rows.get(0).hash())) {
                throw unauthenticated("wrong user name or password");
            }
            return rows.get(0).principal();
        }
        throw unauthenticated("unsupported authorization scheme");
    }

    private static Problem unauthenticated(String why) {
        return new Problem(Problem.Kind.UNAUTHENTICATED, null, why);
    }

    public boolean any() {
        return !jdbc.query("select username from api_user", rs -> rs.getString(1)).isEmpty();
    }

    public Principal find(String username) {
        return jdbc.query("select * from api_user where username = ?", ApiUsers::map, username).stream().findFirst()
                .orElseThrow(() -> Problem.notFound("user " + username));
    }

    public List<Principal> list(String tenant) {
        return tenant == null ? jdbc.query("select * from api_user order by username", ApiUsers::map)
                : jdbc.query("select * from api_user where tenant_id = ? order by username", ApiUsers::map, tenant);
    }

    public void create(String username, String tenant, String password, Set<Permission> permissions) {
        if (!username.matches("[A-Za-z0-9._@-]{2,128}")) {
            throw Problem.badRequest("username", "2 to 128 letters, digits or . _ @ -");
        }
        if (password.length() < 12) {
            throw Problem.badRequest("password", "must have at least 12 characters");
        }
        // unique regardless of case: a tenant's "ADMIN" or "Admin" would pass for the operator "admin" in a list or log
        if (!jdbc.query("select username from api_user where lower(username) = lower(?)", rs -> rs.getString(1),
                username).isEmpty()) {
            throw new Problem(Problem.Kind.CONFLICT, "username", "user " + username + " exists already");
        }
        String hash = Passwords.hash(password); // slow on purpose: another request may create the user meanwhile
        try {
            jdbc.update("insert into api_user (username, tenant_id, password_hash, permissions, created_at) values (?, ?, ?, ?, ?)",
                    username, tenant, hash, permissions.stream().map(p -> p.key).sorted().collect(Collectors.joining(",")),
                    clock.instant());
        } catch (org.hermod.db.Jdbc.DataException e) {
            if (e.isUniqueViolation()) {
                throw new Problem(Problem.Kind.CONFLICT, "username", "user " + username + " exists already");
            }
            throw e;
        }
        verified.clear();
    }

    /** Creates a token for the user and returns it; only its digest is stored. */
    public String createToken(String username, String name) {
        String token = "hmd_" + Passwords.random(40);
        jdbc.update("insert into api_token (token_hash, username, name, created_at) values (?, ?, ?, ?)",
                Passwords.sha256(token), username, name, clock.instant());
        return token;
    }

    private static Principal map(java.sql.ResultSet rs) throws java.sql.SQLException {
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        Arrays.stream(rs.getString("permissions").split(",")).filter(s -> !s.isBlank())
                .forEach(p -> permissions.add(Permission.of(p)));
        return new Principal(rs.getString("username"), rs.getString("tenant_id"), permissions);
    }
}

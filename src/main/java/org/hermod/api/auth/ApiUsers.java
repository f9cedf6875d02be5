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
import org.hermod.db.SharedReads;

/**
 * API accounts and their authentication: HTTP Basic (password checked against its PBKDF2 hash) or
 * Bearer tokens (looked up by SHA-256). A successful Basic check is remembered for a minute
 * ({@link VerifiedPasswords}: only while the user's stored hash is unchanged, bounded), so a client does not pay
 * the deliberate cost of PBKDF2 on every call; the user's row is read after every call arrived, so permissions are
 * current (concurrent calls of one user share a read: {@link SharedReads}).
 * An unknown user name costs a PBKDF2 run too, so the answer's timing does not tell which user names exist.
 */
public final class ApiUsers {

    private static final String UNKNOWN_USER_HASH = Passwords.hash(Passwords.random(24));

    private final Jdbc jdbc;
    private final Clock clock;
    private final VerifiedPasswords verified;
    private final LoginThrottle throttle;
    /** The row a Basic login is checked against, read after each request arrived, shared by concurrent ones. */
    private final SharedReads<String, List<UserRow>> userRows;

    private record UserRow(String hash, Principal principal) {
    }

    public ApiUsers(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.userRows = new SharedReads<>(username -> jdbc.query("select * from api_user where username = ?",
                rs -> new UserRow(rs.getString("password_hash"), map(rs)), username));
        this.clock = clock;
        this.verified = new VerifiedPasswords(clock, java.time.Duration.ofMinutes(1), 10_000);
        this.throttle = new LoginThrottle(clock);
    }

    /** {@link #authenticate(String, String)} for callers that cannot tell the source address: not throttled. */
    public Principal authenticate(String authorization) {
        return authenticate(authorization, null);
    }

    /**
     * The user these credentials belong to, or a 401. {@code source} is the request's TCP peer address: wrong
     * passwords from it are counted ({@link LoginThrottle}), and a 429 answers a user and address that failed too
     * often.
     */
    public Principal authenticate(String authorization, String source) {
        if (authorization == null || authorization.isBlank()) {
            throw unauthenticated("credentials required (HTTP Basic or Bearer token)");
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            record Row(java.time.Instant expiresAt, Principal principal) {
            }
            Row row = jdbc.query("select t.expires_at, u.* from api_token t join api_user u on u.username = t.username "
                    + "where t.token_hash = ?", rs -> new Row(org.hermod.db.Database.instant(rs, "expires_at"), map(rs)),
                    Passwords.sha256(token)).stream().findFirst().orElseThrow(() -> unauthenticated("unknown token"));
            if (row.expiresAt() != null && !clock.instant().isBefore(row.expiresAt())) {
                throw unauthenticated("token expired at " + row.expiresAt() + "; create a new one");
            }
            return row.principal();
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
            if (source != null) {
                throttle.check(username, source);
            }
            List<UserRow> rows = userRows.get(username);
            if (rows.isEmpty() || !verified.matches(username, password, rows.get(0).hash())) {
                if (rows.isEmpty()) {
                    Passwords.matches(password, UNKNOWN_USER_HASH); // as slow as a known user: names do not leak
                }
                if (source != null) {
                    throttle.failed(username, source);
                }
                throw unauthenticated("wrong user name or password");
            }
            if (source != null) {
                throttle.succeeded(username, source);
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
        // unique regardless of case: a tenant's "ADMIN" or "Admin" would pass for the operator "admin" in a list or
        // log. The unique index on username_key (V47) decides under concurrency; this check only saves the hashing.
        String key = username.toLowerCase(java.util.Locale.ROOT);
        if (!jdbc.query("select username from api_user where lower(username) = ?", rs -> rs.getString(1), key).isEmpty()) {
            throw new Problem(Problem.Kind.CONFLICT, "username", "user " + username + " exists already");
        }
        String hash = Passwords.hash(password); // slow on purpose: another request may create the user meanwhile
        try {
            jdbc.update("insert into api_user (username, username_key, tenant_id, password_hash, permissions, created_at) "
                    + "values (?, ?, ?, ?, ?, ?)", username, key, tenant, hash,
                    permissions.stream().map(p -> p.key).sorted().collect(Collectors.joining(",")), clock.instant());
        } catch (org.hermod.db.Jdbc.DataException e) {
            if (e.isUniqueViolation()) {
                throw new Problem(Problem.Kind.CONFLICT, "username", "user " + username + " exists already");
            }
            throw e;
        }
        verified.clear();
    }

    /** Creates a token for the user and returns it; only its digest is stored. */
    /** An API token as it is listed: never the token itself. */
    public record Token(String id, String username, String name, java.time.Instant createdAt, java.time.Instant expiresAt) {
    }

    /** The longest lifetime a token may be given. */
    public static final java.time.Duration MAX_TOKEN_LIFETIME = java.time.Duration.ofDays(366);

    /** A token just made: {@code token} is shown this once, it is stored only as a digest. */
    public record NewToken(String token, Token info) {
    }

    /** Creates a token for {@code username} valid for {@code lifetime}. */
    public NewToken createToken(String username, String name, java.time.Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_TOKEN_LIFETIME) > 0) {
            throw Problem.badRequest("expiresInDays", "must be 1 to " + MAX_TOKEN_LIFETIME.toDays() + " days");
        }
        String token = "hmd_" + Passwords.random(40);
        String hash = Passwords.sha256(token);
        java.time.Instant now = clock.instant();
        Token info = new Token(hash.substring(0, 16), username, name, now, now.plus(lifetime));
        jdbc.update("insert into api_token (token_hash, id, username, name, created_at, expires_at) values (?, ?, ?, ?, ?, ?)",
                hash, info.id(), username, name, now, info.expiresAt());
        return new NewToken(token, info);
    }

    /** The tokens of {@code username}, or of every user when it is null (operators), newest first. */
    public List<Token> tokens(String username) {
        String sql = "select id, username, name, created_at, expires_at from api_token"
                + (username == null ? "" : " where username = ?") + " order by created_at desc, id";
        return jdbc.query(sql, rs -> new Token(rs.getString("id"), rs.getString("username"), rs.getString("name"),
                org.hermod.db.Database.instant(rs, "created_at"), org.hermod.db.Database.instant(rs, "expires_at")),
                username == null ? new Object[0] : new Object[] {username});
    }

    /**
     * Revokes token {@code id}: of {@code username} only, or any user's when it is null (operators). Takes effect
     * at once: every request looks its token up. False when there is no such token for that user.
     */
    public boolean revokeToken(String id, String username) {
        return username == null ? jdbc.update("delete from api_token where id = ?", id) == 1
                : jdbc.update("delete from api_token where id = ? and username = ?", id, username) == 1;
    }

    /**
     * Deletes an API user and its tokens (of {@code tenant} only, unless null). Its Basic login and tokens stop at
     * once: credentials are checked against the stored user on every request.
     */
    public boolean delete(String username, String tenant) {
        return jdbc.tx(c -> {
            List<String> found = Jdbc.query(c, "select username from api_user where username = ?"
                    + (tenant == null ? "" : " and tenant_id = ?"), rs -> rs.getString(1),
                    tenant == null ? new Object[] {username} : new Object[] {username, tenant});
            if (found.isEmpty()) {
                return false;
            }
            Jdbc.update(c, "delete from api_token where username = ?", username);
            Jdbc.update(c, "delete from api_user where username = ?", username);
            return true;
        });
    }

    private static Principal map(java.sql.ResultSet rs) throws java.sql.SQLException {
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        Arrays.stream(rs.getString("permissions").split(",")).filter(s -> !s.isBlank())
                .forEach(p -> permissions.add(Permission.of(p)));
        return new Principal(rs.getString("username"), rs.getString("tenant_id"), permissions);
    }
}

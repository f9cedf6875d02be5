package org.hermod.tenant;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hermod.db.Jdbc;
import org.hermod.outbox.QuietHours;

/**
 * The tenants (schools, organisations) and their settings. A tenant found is remembered for {@link #REMEMBER}
 * (every send request looks its tenant up; one read per SMS is what Kannel's sendsms costs most): a change made
 * here is seen at once, one made by another Hermod process on the same database within that time. A tenant
 * not found is not remembered.
 */
public final class Tenants {

    public record Tenant(String id, String name, ZoneId zone, QuietHours quietHours) {
    }

    public static final Duration REMEMBER = Duration.ofSeconds(5);

    private record Found(Tenant tenant, Instant at) {
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final Map<String, Found> found = new ConcurrentHashMap<>();

    public Tenants(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Optional<Tenant> find(String id) {
        Instant now = clock.instant();
        Found f = found.get(id);
        if (f != null && now.isBefore(f.at().plus(REMEMBER)) && !now.isBefore(f.at())) {
            return Optional.of(f.tenant());
        }
        Optional<Tenant> tenant = jdbc.query("select * from tenant where id = ?", rs -> map(rs), id).stream().findFirst();
        if (tenant.isPresent() && found.size() < 10_000) {
            found.put(id, new Found(tenant.get(), now));
        } else {
            found.remove(id);
        }
        return tenant;
    }

    public Map<String, Tenant> all() {
        return jdbc.query("select * from tenant", Tenants::map).stream()
                .collect(Collectors.toMap(Tenant::id, Function.identity()));
    }

    /** Creates the tenant unless it exists; another process creating it at the same moment is no error. */
    public void ensure(String id, String name, String zone) {
        try {
            jdbc.tx(c -> {
                if (Jdbc.query(c, "select id from tenant where id = ?", rs -> rs.getString(1), id).isEmpty()) {
                    Jdbc.update(c, "insert into tenant (id, name, time_zone, created_at) values (?, ?, ?, ?)",
                            id, name, zone, clock.instant());
                }
                return null;
            });
        } catch (Jdbc.DataException e) {
            if (!e.isUniqueViolation()) {
                throw e;
            }
        }
    }

    public void setQuietHours(String id, LocalTime start, LocalTime end) {
        jdbc.update("update tenant set quiet_start = ?, quiet_end = ? where id = ?", start, end, id);
        found.remove(id);
    }

    private static Tenant map(java.sql.ResultSet rs) throws java.sql.SQLException {
        ZoneId zone = ZoneId.of(rs.getString("time_zone"));
        LocalTime start = rs.getObject("quiet_start", LocalTime.class);
        LocalTime end = rs.getObject("quiet_end", LocalTime.class);
        return new Tenant(rs.getString("id"), rs.getString("name"), zone, new QuietHours(zone, start, end));
    }
}

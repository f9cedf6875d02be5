package org.hermod.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.hermod.Hermod;
import org.hermod.db.Jdbc;

/**
 * The real Hermod application (real main, real YAML routes, real HTTP port) started inside the test JVM
 * on a database of the test's choosing.
 */
public final class HermodApp implements AutoCloseable {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "test-admin-password";

    private final Main main;
    private final int port;
    private final Path spool;
    private final String dbUrl;

    private HermodApp(Main main, int port, Path spool, String dbUrl) {
        this.main = main;
        this.port = port;
        this.spool = spool;
        this.dbUrl = dbUrl;
    }

    public static Builder on(String dbUrl) {
        return new Builder(dbUrl);
    }

    public static final class Builder {
        private final String dbUrl;
        private final Map<String, String> properties = new HashMap<>();
        private final Map<String, Object> beans = new HashMap<>();

        private Builder(String dbUrl) {
            this.dbUrl = dbUrl;
        }

        public Builder with(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder bean(String name, Object bean) {
            beans.put(name, bean);
            return this;
        }

        public HermodApp start() {
            try {
                int port = freePort();
                Path spool = Files.createTempDirectory("hermod-spool");
                Properties p = new Properties();
                p.put("hermod.db.url", dbUrl);
                p.put("hermod.db.user", dbUrl.startsWith("jdbc:postgresql") ? "postgres" : "sa");
                p.put("hermod.api.port", Integer.toString(port));
                p.put("hermod.spool.dir", spool.toString());
                p.put("hermod.admin.password", ADMIN_PASSWORD);
                p.put("hermod.outbox.poll-interval", "50ms");
                p.putAll(properties);
                Main main = Hermod.create(p);
                beans.forEach(main::bind);
                main.start();
                return new HermodApp(main, port, spool, dbUrl);
            } catch (Exception e) {
                throw new IllegalStateException("Hermod did not start: " + e.getMessage(), e);
            }
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public Path spool() {
        return spool.resolve("outgoing");
    }

    public String dbUrl() {
        return dbUrl;
    }

    public Http admin() {
        return Http.basic(port, ADMIN, ADMIN_PASSWORD);
    }

    public Http anonymous() {
        return Http.anonymous(port);
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public Jdbc jdbc() {
        return new Jdbc(camel().getRegistry().lookupByNameAndType("dataSource", javax.sql.DataSource.class));
    }

    public long count(String sql, Object... args) {
        return jdbc().query(sql, rs -> rs.getLong(1), args).get(0);
    }

    /**
     * Adds {@code n} users with mobile numbers {@code mobilePrefix} + a six-digit counter to the default
     * tenant's directory, by SQL (the SIS import is not what these tests measure).
     */
    public void seedUsers(int n, String mobilePrefix) {
        jdbc().tx(c -> {
            try (var ps = c.prepareStatement("insert into dir_user (tenant_id, sis_id, account, mobile, source) "
                    + "values ('default', ?, ?, ?, 'test')")) {
                for (int i = 0; i < n; i++) {
                    ps.setString(1, "seed" + i);
                    ps.setString(2, "user" + i);
                    ps.setString(3, mobilePrefix + String.format("%06d", i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void close() {
        main.stop();
    }
}

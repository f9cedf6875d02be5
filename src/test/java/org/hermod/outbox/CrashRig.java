package org.hermod.outbox;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;

/** What the kill -9 tests share: Hermod as a child JVM on a PostgreSQL database, queued SMS, counts. */
final class CrashRig {

    record Child(Process process, int port) {
    }

    /** SQL: SMS row {@code sms} was handed to the channel under its current claim (as the dispatcher's recovery asks). */
    static final String HANDED = "exists (select 1 from sms_handover h where h.claim = sms.claimed_by and h.ids like '%,' || cast(sms.id as varchar(20)) || ',%')";

    private CrashRig() {
    }

    /** Starts {@code org.hermod.Hermod} in its own JVM with these extra -D options and waits for its API. */
    static Child start(String db, String name, List<String> options) throws IOException {
        int port = HermodApp.freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                "-Dhermod.db.url=" + db, "-Dhermod.db.user=postgres", "-Dhermod.api.port=" + port,
                "-Dhermod.admin.password=" + HermodApp.ADMIN_PASSWORD));
        cmd.addAll(options);
        cmd.add("org.hermod.Hermod");
        File log = new File("target/crash-" + name + ".log");
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            try {
                return Http.anonymous(port).get("/observe/health").status() == 200;
            } catch (IllegalStateException notYet) {
                return false;
            }
        });
        return new Child(process, port);
    }

    /** Queues {@code n} SMS on {@code channel} directly in the database, to +4523000000, +4523000001, … */
    static void insertQueued(String db, int n, String channel) throws Exception {
        try (Connection c = DriverManager.getConnection(db, "postgres", "")) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into sms (tenant_id, recipient, text, encoding, segments,"
                    + " status, priority, channel, next_attempt_at, created_at) values ('default', ?, 'Crash test', 'GSM7',"
                    + " 1, 'QUEUED', 0, ?, ?, ?)")) {
                var now = java.time.LocalDateTime.ofInstant(Instant.now(), java.time.ZoneOffset.UTC);
                for (int i = 0; i < n; i++) {
                    ps.setString(1, "+4523" + String.format("%06d", i));
                    ps.setString(2, channel);
                    ps.setObject(3, now);
                    ps.setObject(4, now);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    static long count(String db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db, "postgres", ""); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package org.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hermod.api.auth.ApiUsers;
import org.hermod.config.Settings;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;
import org.hermod.tenant.Tenants;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * Two processes starting at once on an empty database run the same first-start steps side by side: both find no
 * operator and no default tenant and both create them. Here two threads do it, on PostgreSQL, released together;
 * the slow password hash between "no user yet" and the insert makes them collide every time. Before the fix the
 * second one's start-up died on the duplicate key.
 */
class StartupRaceTest {

    @Test
    void twoProcessesCreatingTheFirstOperatorAndTenantAtOnceBothStart() throws Exception {
        String url = TestDatabases.postgres();
        String data = java.nio.file.Files.createTempDirectory("hermod-race").resolve("data").toString();
        Settings settings = new Settings(key -> Optional.ofNullable(Map.of("hermod.db.url", url, "hermod.db.user",
                "postgres", "hermod.db.pool-size", "4", "hermod.admin.user", "admin", "hermod.data.dir", data).get(key)));
        Jdbc jdbc = new Jdbc(Database.open(settings));
        ApiUsers users = new ApiUsers(jdbc, Clock.systemUTC());
        Tenants tenants = new Tenants(jdbc, Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                jdbc.update("delete from api_user");
                String tenant = "school-" + round;
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<java.nio.file.Path>> starts = new ArrayList<>();
                for (int process = 0; process < 2; process++) {
                    starts.add(pool.submit(() -> {
                        together.await();
                        tenants.ensure(tenant, "School", "Europe/Copenhagen");
                        return HermodConfiguration.ensureAdmin(settings, users);
                    }));
                }
                List<String> printed = new ArrayList<>();
                for (Future<java.nio.file.Path> start : starts) {
                    java.nio.file.Path passwordFile = start.get(); // throws if that "process" failed to start
                    if (passwordFile != null) {
                        printed.add(java.nio.file.Files.readString(passwordFile).trim());
                    }
                }
                assertThat(printed).as("exactly one generated password is written, the one stored").hasSize(1);
                users.authenticate("Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + printed.get(0))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                assertThat(jdbc.query("select count(*) from api_user", rs -> rs.getLong(1)).get(0)).isEqualTo(1);
                assertThat(jdbc.query("select count(*) from tenant where id = ?", rs -> rs.getLong(1), tenant).get(0))
                        .isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

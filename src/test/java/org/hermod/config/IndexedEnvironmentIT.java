package org.hermod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hermod.testing.HermodApp;
import org.junit.jupiter.api.Test;

/**
 * Indexed keys from the environment, in a real child JVM: {@code HERMOD_WEBSMS_CHANNELS_0__CALLBACK_SECRET} is
 * {@code hermod.websms.channels[0].callback-secret}, so websms callbacks with that secret are taken (Camel's own
 * mapping leaves {@code [0]} alone and found nothing).
 */
class IndexedEnvironmentIT {

    private static final String SECRET = "secret-from-the-environment-0123";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void anIndexedKeyIsReadFromItsEnvironmentVariable() throws Exception {
        assertThat(Settings.environmentVariable("hermod.websms.channels[0].callback-secret"))
                .isEqualTo("HERMOD_WEBSMS_CHANNELS_0__CALLBACK_SECRET");
        int port = HermodApp.freePort();
        Path dir = Files.createTempDirectory("hermod-env");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dhermod.db.url=jdbc:h2:mem:env;DB_CLOSE_DELAY=-1",
                "-Dhermod.api.port=" + port,
                "-Dhermod.admin.password=" + HermodApp.ADMIN_PASSWORD,
                "-Dhermod.spool.dir=" + dir.resolve("spool"),
                "-Dhermod.websms.channels[0].name=web-env",
                "-Dhermod.websms.channels[0].token=tok",
                "org.hermod.Hermod"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File("target/indexed-env-hermod.log"));
        builder.environment().put("HERMOD_WEBSMS_CHANNELS_0__CALLBACK_SECRET", SECRET);
        builder.environment().put("HERMOD_ROUTES", new File("routes").getAbsolutePath());
        builder.environment().put("HERMOD_CONFIG", dir.resolve("none.properties").toString());
        Process hermod = builder.start();
        try {
            URI callback = URI.create("http://127.0.0.1:" + port + "/websms/web-env/callback?secret=" + SECRET);
            String text = "{\"messageType\":\"text\",\"messageId\":\"env-1\",\"senderAddress\":\"4521000009\","
                    + "\"textMessageContent\":\"hello\"}";
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .failFast(() -> !hermod.isAlive())
                        .ignoreExceptionsInstanceOf(ConnectException.class)
                        .until(() -> CLIENT.send(HttpRequest.newBuilder(callback).timeout(Duration.ofSeconds(10))
                                .POST(HttpRequest.BodyPublishers.ofString(text)).build(),
                                HttpResponse.BodyHandlers.ofString()).body().contains("statusCode")); // the route answers
            } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
                throw new AssertionError("Hermod did not answer on port " + port + "; its log:\n"
                        + Files.readString(Path.of("target/indexed-env-hermod.log")), e);
            }
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(callback)
                    .POST(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body() + "\n" + Files.readString(Path.of("target/indexed-env-hermod.log"))).isEqualTo(200);
            URI wrong = URI.create("http://127.0.0.1:" + port + "/websms/web-env/callback?secret=not-" + SECRET);
            assertThat(CLIENT.send(HttpRequest.newBuilder(wrong).POST(HttpRequest.BodyPublishers.ofString(text)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(403);
        } finally {
            hermod.destroy();
            hermod.waitFor();
        }
    }
}

package org.hermod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hermod.Hermod;
import org.hermod.testing.HermodApp;
import org.hermod.testing.ModemEmulator;
import org.hermod.testing.TcpModemServer;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * Hermod's real main in a child JVM, every secret set to a value found nowhere else, from the three places an
 * operator puts secrets (the environment, the hermod.properties file, -D): nothing the process writes while it
 * starts and stops, on stdout or stderr, from any logger, may contain one of them.
 */
class StartupSecretsTest {

    @Test
    void noSecretAppearsInTheStartupOutput() throws Exception {
        Path dir = Files.createTempDirectory("hermod-secrets");
        ModemEmulator emulator = new ModemEmulator();
        emulator.pin = "914273";
        int port = HermodApp.freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HERMOD_LDAP_BIND_PASSWORD", "S3cr3t-ldap-XYZ");
        env.put("HERMOD_ADMIN_PASSWORD", "S3cr3t-admin-XYZ");
        Map<String, String> file = new LinkedHashMap<>();
        file.put("hermod.db.url", TestDatabases.postgres() + "&password=S3cr3t-dburl-XYZ");
        file.put("hermod.db.password", "S3cr3t-dbpass-XYZ");
        file.put("hermod.mail.user", "hermod");
        file.put("hermod.mail.password", "S3cr3t-mail-XYZ");
        file.put("hermod.websms.channels[0].name", "websms");
        file.put("hermod.websms.channels[0].url", "http://127.0.0.1:9");
        file.put("hermod.websms.channels[0].token", "S3cr3t-wstoken-XYZ");
        file.put("hermod.websms.channels[0].callback-url",
                "https://hermod.example.org/websms/websms/callback?secret=S3cr3t-callback-XYZ");
        file.put("hermod.websms.channels[0].callback-secret", "S3cr3t-callback-XYZ");
        file.put("hermod.smpp.channels[0].password", "Smpp9x7q");
        file.put("hermod.websms.channels[1].name", "websms2");
        file.put("hermod.websms.channels[1].url", "http://127.0.0.1:9");
        file.put("hermod.websms.channels[1].username", "school");
        file.put("hermod.websms.channels[1].password", "S3cr3t-wspass-XYZ");
        file.put("hermod.smpp.channels[0].name", "smpp1");
        file.put("hermod.smpp.channels[0].host", "127.0.0.1");
        file.put("hermod.smpp.channels[0].port", "9");
        file.put("hermod.smpp.channels[0].system-id", "school");
        file.put("hermod.ldap.url", "ldap://127.0.0.1:9");
        file.put("hermod.ldap.bind-dn", "cn=hermod");
        file.put("hermod.ldap.user-base-dn", "ou=people");
        file.put("hermod.ldap.trust-store-password", "S3cr3t-ldaptrust-XYZ");
        file.put("hermod.ldap.imports[0].name", "school");
        file.put("hermod.ldap.imports[0].url", "ldap://127.0.0.1:9");
        file.put("hermod.ldap.imports[0].bind-dn", "cn=hermod");
        file.put("hermod.ldap.imports[0].bind-password", "S3cr3t-ldapimport-XYZ");
        file.put("hermod.ldap.imports[0].base-dn", "ou=people");
        file.put("hermod.ldap.imports[0].mapping", Path.of("mappings/ldap-inetorgperson.properties").toAbsolutePath().toString());
        file.put("hermod.modem.enabled", "true");
        file.put("hermod.modem.devices[0].name", "gsm1");
        file.put("hermod.modem.devices[0].link", "tcp");
        file.put("hermod.modem.devices[0].tcp.host", "127.0.0.1");
        file.put("hermod.api.port", Integer.toString(port));
        String sealingKey = java.util.Base64.getEncoder().encodeToString("S3cr3t-sealing-key-XYZ-0123456789".substring(0, 32)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        file.put("hermod.secrets.key", sealingKey);
        List<String> secrets = List.of(sealingKey, "S3cr3t-ldap-XYZ", "Smpp9x7q", "S3cr3t-callback-XYZ", "S3cr3t-admin-XYZ",
                "S3cr3t-dburl-XYZ", "S3cr3t-dbpass-XYZ", "S3cr3t-mail-XYZ", "S3cr3t-wstoken-XYZ", "S3cr3t-wspass-XYZ",
                "S3cr3t-ldaptrust-XYZ", "S3cr3t-ldapimport-XYZ", emulator.pin);

        try (TcpModemServer modem = new TcpModemServer(emulator)) {
            file.put("hermod.modem.devices[0].tcp.port", Integer.toString(modem.port()));
            StringBuilder props = new StringBuilder();
            file.forEach((k, v) -> props.append(k).append(" = ").append(v).append('\n'));
            Files.writeString(dir.resolve("hermod.properties"), props);
            env.put("HERMOD_CONFIG", dir.resolve("hermod.properties").toString());
            env.put("HERMOD_ROUTES", Path.of("routes").toAbsolutePath().toString());

            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    // a -D system property is the third way in; the modem's PIN comes this way
                    "-Dhermod.modem.devices[0].pin=" + emulator.pin,
                    Hermod.class.getName()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
            builder.environment().putAll(env);
            Process hermod = builder.start();
            Output out = new Output(hermod.getInputStream());
            Output err = new Output(hermod.getErrorStream());
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> out.text().contains("=== Hermod is running ===")
                        && out.text().contains("Modem gsm1 connected") || !hermod.isAlive());
                assertThat(hermod.isAlive()).as("Hermod started:\n" + out.text() + err.text()).isTrue();
            } finally {
                hermod.destroy();
                hermod.waitFor(60, TimeUnit.SECONDS);
                hermod.destroyForcibly();
            }
            out.join();
            err.join();
            String all = out.text() + err.text();
            assertThat(all).contains("Configuration summary", "hermod.ldap.imports[0].bind-password = xxxxxx",
                    "hermod.db.url = jdbc:postgresql://", "Modem gsm1 connected");
            for (String secret : secrets) {
                assertThat(all).as(secret).doesNotContain(secret);
            }
        }
    }

    /** Everything a child process writes to one stream, read by a thread of its own. */
    private static final class Output extends Thread {
        private final InputStream in;
        private final StringBuffer text = new StringBuffer();

        Output(InputStream in) {
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                text.append("\n(read failed: ").append(e).append(')');
            }
        }

        String text() {
            return text.toString();
        }
    }
}

package org.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.MutableClock;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Guessing passwords: after 5 wrong ones for a user from one address, that user is refused from that address for
 * 15 minutes, right password or not; the same user from another address (127.0.0.2 here, a real TCP peer) and other
 * users from the same address still log in. Before, 200 wrong passwords in a row met no resistance.
 */
class LoginThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
    private HermodApp app;

    @BeforeEach
    void start() {
        app = HermodApp.on(TestDatabases.h2()).bean("clock", clock).start();
        assertThat(app.admin().post("/api/users", """
                {"username": "teacher", "tenant": "default", "password": "teacher-password",
                 "permissions": ["sms.view"]}""").status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void aGuesserIsStoppedWithoutLockingTheUserOutElsewhere() throws IOException {
        Http guesser = Http.basic(app.port(), HermodApp.ADMIN, "wrong-password-1");
        for (int i = 0; i < 5; i++) {
            assertThat(guesser.get("/api/sms").status()).isEqualTo(401);
        }
        Http.Response refused = app.admin().get("/api/sms");
        assertThat(refused.status()).as("the right password from the guessing address").isEqualTo(429);
        assertThat(refused.json().get("error").asText()).contains("too many failed logins");

        assertThat(getFrom("127.0.0.2", HermodApp.ADMIN, HermodApp.ADMIN_PASSWORD))
                .as("the operator from another address").isEqualTo(200);
        assertThat(Http.basic(app.port(), "teacher", "teacher-password").get("/api/sms").status())
                .as("another user from the guessing address").isEqualTo(200);

        assertThat(kannelStatus("teacher", "wrong-password-2")).isEqualTo(403);
        for (int i = 0; i < 4; i++) {
            kannelStatus("teacher", "wrong-password-2");
        }
        assertThat(Http.basic(app.port(), "teacher", "teacher-password").get("/api/sms").status())
                .as("Kannel's sendsms counts towards the same limit").isEqualTo(429);

        clock.advance(Duration.ofMinutes(15));
        assertThat(app.admin().get("/api/sms").status()).as("after the window").isEqualTo(200);
    }

    private int kannelStatus(String user, String password) {
        return Http.anonymous(app.port()).get("/cgi-bin/sendsms?username=" + user + "&password=" + password
                + "&to=4520112233&text=x").status();
    }

    /** A GET /api/sms over a socket bound to {@code source}, so Hermod sees that peer address. */
    private int getFrom(String source, String user, String password) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress("127.0.0.1", app.port()), 5_000);
            s.setSoTimeout(10_000);
            String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/sms HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " + auth
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII); // "HTTP/1.1 200"
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}

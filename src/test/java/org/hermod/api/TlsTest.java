package org.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.hermod.testing.HermodApp;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the API: with {@code hermod.api.tls.*} Hermod serves the API and /observe/* over TLS with the given key
 * store (a certificate made here with the JDK's keytool), and no longer answers plain HTTP on that port.
 */
class TlsTest {

    private static final String PASSWORD = "tls-store-password";

    @TempDir
    Path temp;

    @Test
    void theApiAndHealthAreServedOverTlsOnly() throws Exception {
        Path store = keyStore();
        try (HermodApp app = HermodApp.on(TestDatabases.h2())
                .with("hermod.api.tls.enabled", "true")
                .with("hermod.api.tls.key-store", "file:" + store)
                .with("hermod.api.tls.key-store-password", PASSWORD)
                .start()) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(store)).connectTimeout(Duration.ofSeconds(5))
                    .build();
            String auth = basicAdmin();
            HttpResponse<String> api = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + app.port()
                    + "/api/sms")).header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + app.port()
                    + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + app.port() + "/api/sms")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString())).as("plain HTTP on the TLS port").isInstanceOf(Exception.class);
        }
    }

    /**
     * deploy/hermod.properties.example as it is (its hermod.api.* and hermod.observe.* keys; only the ports and the
     * key store's path changed): the API over TLS only, health and metrics over plain HTTP on loopback only.
     */
    @Test
    void theProductionExampleKeepsObserveOffTheApisListener() throws Exception {
        Path store = keyStore();
        java.util.Properties example = new java.util.Properties();
        try (var in = Files.newBufferedReader(Path.of("deploy/hermod.properties.example"), StandardCharsets.UTF_8)) {
            example.load(in);
        }
        int observe = HermodApp.freePort();
        HermodApp.Builder builder = HermodApp.on(TestDatabases.h2());
        example.stringPropertyNames().stream().filter(k -> k.startsWith("hermod.api.") || k.startsWith("hermod.observe."))
                .filter(k -> !k.equals("hermod.api.port")) // HermodApp picks a free one
                .forEach(k -> builder.with(k, example.getProperty(k)));
        assertThat(example.getProperty("hermod.api.tls.enabled")).isEqualTo("true");
        assertThat(example.getProperty("hermod.observe.host")).isEqualTo("127.0.0.1");
        builder.with("hermod.observe.port", Integer.toString(observe))
                .with("hermod.api.tls.key-store", "file:" + store)
                .with("hermod.api.tls.key-store-password", PASSWORD);
        try (HermodApp app = builder.start()) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(store)).connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> api = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + app.port()
                    + "/api/sms")).header("Authorization", basicAdmin()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
            HttpResponse<String> healthOnApi = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                    + app.port() + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(healthOnApi.statusCode()).as("health on the public listener").isEqualTo(404);
            assertThat(org.hermod.testing.Http.anonymous(observe).get("/observe/health").status()).isEqualTo(200);
            assertThat(org.hermod.testing.Http.anonymous(observe).get("/observe/metrics").status()).isEqualTo(200);
        }
    }

    private static String basicAdmin() {
        return "Basic " + Base64.getEncoder().encodeToString((HermodApp.ADMIN + ":" + HermodApp.ADMIN_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }

    private Path keyStore() throws Exception {
        Path store = temp.resolve("api.p12");
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "hermod", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD))
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        return store;
    }

    private static SSLContext trusting(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}

package org.hermod.kannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hermod.config.ConfigException;
import org.hermod.testing.HermodApp;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * A Kannel client's dlr-url is a URL Hermod fetches: by default it may not point at loopback, link-local, private,
 * multicast or unspecified addresses, neither when sendsms takes it nor when the callback is made.
 */
class DlrUrlPolicyTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @Test
    void byDefaultSendsmsRefusesDlrUrlsToInternalAddressesAndCallsNoneBack() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        HttpServer receiver = receiver(calls);
        try (HermodApp app = HermodApp.on(TestDatabases.h2()).start()) {
            String local = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/dlr?d=%d";
            for (String url : List.of(local, "http://localhost:" + receiver.getAddress().getPort() + "/dlr",
                    "http://[::1]:8080/dlr", "http://10.1.2.3/dlr", "http://172.16.0.1/dlr", "http://192.168.1.1/dlr",
                    "http://169.254.169.254/latest/meta-data", "http://[fd00::1]/dlr", "http://0.0.0.0:8080/dlr",
                    "http://224.0.0.1/dlr", "http://[::ffff:127.0.0.1]/dlr")) {
                HttpResponse<String> r = sendsms(app, "+4521444001", url);
                assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(400);
                assertThat(r.body()).as(url).startsWith("dlr-url: ");
            }
            assertThat(app.count("select count(*) from sms where recipient = '+4521444001'")).isZero();

            // a callback stored while its host resolved to a public address is checked again when it is made
            assertThat(sendsms(app, "+4521444002", null).statusCode()).isEqualTo(202);
            long id = app.count("select id from sms where recipient = '+4521444002'");
            app.jdbc().update("insert into kannel_dlr (sms_id, url, mask) values (?, ?, 8)", id, local);
            await().atMost(Duration.ofSeconds(15)).until(() -> app.count("select count(*) from kannel_dlr "
                    + "where sms_id = ? and last_error like 'refused: host 127.0.0.1 is not a public address%'", id) == 1);
            assertThat(calls).isEmpty();
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aNameIsCheckedForEveryAddressItResolvesToAtEachCheck() throws Exception {
        Map<String, String[]> dns = new java.util.concurrent.ConcurrentHashMap<>();
        DlrUrlPolicy.Resolver resolver = host -> {
            String[] a = dns.get(host);
            if (a == null && (host.contains(":") || host.matches("[0-9.]+"))) {
                return InetAddress.getAllByName(host); // a literal address, no lookup
            }
            if (a == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = InetAddress.getByName(a[i]);
            }
            return out;
        };
        DlrUrlPolicy anyPublic = DlrUrlPolicy.parse("", resolver);
        URI url = URI.create("https://callbacks.example.org/dlr");
        dns.put("callbacks.example.org", new String[] {"93.184.216.34"});
        assertThat(anyPublic.refusal(url)).isEmpty();
        dns.put("callbacks.example.org", new String[] {"93.184.216.34", "10.0.0.7"});
        assertThat(anyPublic.refusal(url)).hasValueSatisfying(why -> assertThat(why).contains("10.0.0.7"));
        dns.put("callbacks.example.org", new String[] {"100.64.0.1"});
        assertThat(anyPublic.refusal(url)).isPresent();
        dns.remove("callbacks.example.org");
        assertThat(anyPublic.refusal(url)).hasValueSatisfying(why -> assertThat(why).contains("does not resolve"));

        DlrUrlPolicy listed = DlrUrlPolicy.parse(" intranet.school.local , 10.1.2.0/24, fd12::/16", resolver);
        assertThat(listed.refusal(URI.create("http://INTRANET.school.local/dlr"))).isEmpty();
        assertThat(listed.refusal(URI.create("http://10.1.2.200/dlr"))).isEmpty();
        assertThat(listed.refusal(URI.create("http://10.1.3.1/dlr"))).isPresent();
        assertThat(listed.refusal(URI.create("http://[fd12::5]/dlr"))).isEmpty();
        dns.put("callbacks.example.org", new String[] {"93.184.216.34"});
        assertThat(listed.refusal(url)).as("a list allows only what it lists").isPresent();

        assertThatThrownBy(() -> DlrUrlPolicy.parse("10.1.2.0/33")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hermod.kannel.dlr-allowed-hosts");
    }

    /**
     * One school's own callback host on its network: {@code hermod.kannel.tenant.<tenant>.dlr-allowed-hosts} lets
     * that tenant's sendsms users call it back, while every other tenant keeps the common rule (public hosts only).
     */
    @Test
    void aTenantsOwnListAllowsItsHostForItsUsersOnly() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        HttpServer receiver = receiver(calls);
        try (HermodApp app = HermodApp.on(TestDatabases.h2())
                .with("hermod.kannel.tenant.school-b.dlr-allowed-hosts", "127.0.0.1").start()) {
            assertThat(app.admin().post("/api/tenants", "{\"id\":\"school-b\",\"name\":\"School B\","
                    + "\"timeZone\":\"Europe/Copenhagen\"}").status()).isEqualTo(201);
            assertThat(app.admin().post("/api/users", "{\"username\":\"b-app\",\"tenant\":\"school-b\","
                    + "\"password\":\"b-app-password\",\"permissions\":[\"sms.send\"]}").status()).isEqualTo(201);
            String local = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/dlr?id=%I";

            HttpResponse<String> refused = sendsms(app, HermodApp.ADMIN, HermodApp.ADMIN_PASSWORD, "+4521444011", local);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            HttpResponse<String> accepted = sendsms(app, "b-app", "b-app-password", "+4521444012", local);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            long id = app.count("select id from sms where recipient = '+4521444012'");
            await().atMost(Duration.ofSeconds(15)).until(() -> calls.contains("/dlr?id=" + id));
            // a default tenant's callback to that host that got stored is refused when it is made (SENT by the spool)
            assertThat(sendsms(app, HermodApp.ADMIN, HermodApp.ADMIN_PASSWORD, "+4521444013", null).statusCode())
                    .isEqualTo(202);
            long other = app.count("select id from sms where recipient = '+4521444013'");
            app.jdbc().update("insert into kannel_dlr (sms_id, url, mask) values (?, ?, 8)", other, local);
            await().atMost(Duration.ofSeconds(15)).until(() -> app.count("select count(*) from kannel_dlr "
                    + "where sms_id = ? and last_error like 'refused: %'", other) == 1);
            assertThat(calls).containsExactly("/dlr?id=" + id);
        } finally {
            receiver.stop(0);
        }
    }

    /** A callback receiver on loopback that records each request's path and query. */
    private static HttpServer receiver(List<String> calls) throws java.io.IOException {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            calls.add(ex.getRequestURI().toString());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        return receiver;
    }

    private static HttpResponse<String> sendsms(HermodApp app, String to, String dlrUrl) throws Exception {
        return sendsms(app, HermodApp.ADMIN, HermodApp.ADMIN_PASSWORD, to, dlrUrl);
    }

    private static HttpResponse<String> sendsms(HermodApp app, String user, String password, String to, String dlrUrl)
            throws Exception {
        String query = "username=" + user + "&password=" + q(password) + "&to=" + q(to)
                + "&text=x" + (dlrUrl == null ? "" : "&dlr-mask=8&dlr-url=" + q(dlrUrl));
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/cgi-bin/sendsms?"
                + query)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

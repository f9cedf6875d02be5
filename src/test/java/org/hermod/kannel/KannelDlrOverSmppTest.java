package org.hermod.kannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import com.sun.net.httpserver.HttpServer;
import org.hermod.testing.HermodApp;
import org.hermod.testing.TestDatabases;
import org.hermod.testing.TestSmsc;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Kannel's delivery report callbacks for SMS sent over SMPP to the test SMSC, with real receipts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KannelDlrOverSmppTest {

    private static final String CH = "hermod.smpp.channels[0].";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private TestSmsc smsc;
    private HermodApp app;
    private HttpServer receiver;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        smsc = new TestSmsc("school", "s3cretpw");
        app = HermodApp.on(TestDatabases.h2())
                .with(CH + "name", "smpp1").with(CH + "host", "127.0.0.1").with(CH + "port", Integer.toString(smsc.port()))
                .with(CH + "system-id", "school").with(CH + "password", "s3cretpw").with(CH + "source-address", "Skolen")
                .with(CH + "reconnect-delay", "100ms").with("hermod.kannel.dlr-allowed-hosts", "127.0.0.1").start();
        assertThat(app.admin().post("/api/users", """
                {"username": "legacy", "password": "legacy-password-1", "permissions": ["sms.send"]}""")
                .status()).isIn(200, 201);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            calls.add(ex.getRequestURI().getRawPath() + "?" + ex.getRequestURI().getRawQuery());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> smsc.bound() == 1);
    }

    @AfterAll
    void stop() throws Exception {
        receiver.stop(0);
        app.close();
        smsc.close();
    }

    private String send(String to, String mask, String path) throws Exception {
        String dlrUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + path + "?d=%d&A=%A&F=%F";
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/cgi-bin/sendsms?username=legacy&password=legacy-password-1&smsc=smpp1&text=Kvittering&to="
                + URLEncoder.encode(to, StandardCharsets.UTF_8) + "&dlr-mask=" + mask + "&dlr-url="
                + URLEncoder.encode(dlrUrl, StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String destination = to.substring(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> smsc.to(destination).size() == 1);
        return smsc.to(destination).get(0).messageId();
    }

    private List<String> to(String path) {
        return calls.stream().filter(c -> c.startsWith(path + "?")).toList();
    }

    /** %A of a delivery report is the receipt as the SMSC sent it (before: the word DELIVRD). */
    @Test
    void theAnswerOfADeliveryReportIsTheReceiptText() throws Exception {
        String id = send("+4521333030", "9", "/delivered");
        await().atMost(Duration.ofSeconds(10)).until(() -> to("/delivered").size() == 1);
        assertThat(to("/delivered").get(0)).isEqualTo("/delivered?d=8&A=ACK%2F&F=" + id);
        String receipt = smsc.receipt(id, "4521333030", DeliveryReceiptState.DELIVRD);
        assertThat(receipt).startsWith("id:" + id + " sub:001 dlvrd:001 submit date:").contains(" stat:DELIVRD err:000");
        await().atMost(Duration.ofSeconds(10)).until(() -> to("/delivered").size() == 2);
        assertThat(to("/delivered").get(1)).isEqualTo("/delivered?d=1&A=" + KannelEscapes.encode(receipt) + "&F=" + id);
    }

    /** Only the events the mask names are called back: a mask of 2 (failed) hears nothing of a delivered SMS. */
    @Test
    void onlyTheEventsOfTheMaskAreCalledBack() throws Exception {
        String failedOnly = send("+4521333031", "2", "/failedonly");
        String failed = send("+4521333032", "2", "/failed");
        smsc.receipt(failedOnly, "4521333031", DeliveryReceiptState.DELIVRD);
        String receipt = smsc.receipt(failed, "4521333032", DeliveryReceiptState.UNDELIV);
        await().atMost(Duration.ofSeconds(10)).until(() -> to("/failed").size() == 1);
        assertThat(to("/failed").get(0)).isEqualTo("/failed?d=2&A=" + KannelEscapes.encode(receipt) + "&F=" + failed);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.count("select count(*) from kannel_dlr d join sms s "
                + "on s.id = d.sms_id where s.recipient = '+4521333031' and d.done = true") == 1);
        assertThat(to("/failedonly")).isEmpty();
    }
}

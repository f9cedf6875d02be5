package org.hermod.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.hermod.testing.TestSmsc;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The real app sending through an SMPP channel to a real (jSMPP) SMSC in the test JVM, on H2. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmppChannelTest {

    private static final String CH = "hermod.smpp.channels[0].";
    private TestSmsc smsc;
    private HermodApp app;
    private Http admin;
    private int nextNumber = 100;

    @BeforeAll
    void start() throws Exception {
        smsc = new TestSmsc("school", "s3cretpw");
        app = HermodApp.on(TestDatabases.h2())
                .with(CH + "name", "smpp1")
                .with(CH + "host", "127.0.0.1")
                .with(CH + "port", Integer.toString(smsc.port()))
                .with(CH + "system-id", "school")
                .with(CH + "password", "s3cretpw")
                .with(CH + "source-address", "Skolen")
                .with(CH + "window", "10")
                .with(CH + "enquire-link-interval", "200ms")
                .with(CH + "response-timeout", "2s")
                .with(CH + "reconnect-delay", "100ms")
                .with(CH + "throttle-pause", "50ms")
                .with("hermod.outbox.retry-backoff", "100ms")
                .with("hermod.outbox.retry-backoff-max", "200ms")
                .start();
        admin = app.admin();
        await().atMost(Duration.ofSeconds(10)).until(() -> smsc.bound() == 1);
    }

    @AfterAll
    void stop() throws Exception {
        app.close();
        smsc.close();
    }

    @BeforeEach
    void reset() {
        smsc.reset();
    }

    private String number() {
        return "+45210" + String.format("%05d", nextNumber++);
    }

    private long send(String text, String... to) {
        String list = java.util.Arrays.stream(to).map(n -> "\"" + n + "\"").collect(Collectors.joining(","));
        Http.Response r = admin.post("/api/sms", """
                {"tenant": "default", "channel": "smpp1", "to": [%s], "text": "%s"}""".formatted(list, text));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("requestId").asLong();
    }

    private JsonNode sms(String recipient) {
        Http.Response r = admin.get("/api/sms?recipient=" + recipient.substring(1));
        assertThat(r.status()).isEqualTo(200);
        return r.json().get(0);
    }

    private JsonNode awaitStatus(String recipient, String status) {
        await().atMost(Duration.ofSeconds(15)).until(() -> sms(recipient).get("status").asText().equals(status));
        return sms(recipient);
    }

    @Test
    void shortGsmTextIsOneSubmitWithDataCoding0AndTheSmscIdIsStored() {
        String to = number();
        send("Skolen er lukket i morgen", to);
        JsonNode sms = awaitStatus(to, "SENT");
        List<TestSmsc.Submitted> got = smsc.to(to.substring(1));
        assertThat(got).hasSize(1);
        TestSmsc.Submitted s = got.get(0);
        assertThat(s.dataCoding()).isEqualTo((byte) 0);
        assertThat(s.esmClass()).isEqualTo((byte) 0);
        assertThat(s.registeredDelivery()).isEqualTo((byte) 1);
        assertThat(s.source()).isEqualTo("Skolen");
        assertThat(new String(s.shortMessage(), StandardCharsets.US_ASCII)).isEqualTo("Skolen er lukket i morgen");
        assertThat(sms.get("providerId").asText()).isEqualTo(s.messageId());
    }

    @Test
    void longAndUcs2TextsAreConcatenatedPartsWithUdh() {
        String gsm = number();
        String ucs2 = number();
        String longGsm = "Kære forældre, ".repeat(14); // 210 septets: 2 parts
        String longUcs2 = "Zażółć gęślą jaźń. ".repeat(5); // 95 UCS-2 chars: 2 parts
        send(longGsm, gsm);
        send(longUcs2, ucs2);
        awaitStatus(gsm, "SENT");
        awaitStatus(ucs2, "SENT");

        List<TestSmsc.Submitted> g = smsc.to(gsm.substring(1));
        assertThat(g).hasSize(2);
        assertThat(g).allSatisfy(p -> {
            assertThat(p.esmClass() & 0x40).isEqualTo(0x40);
            assertThat(p.dataCoding()).isEqualTo((byte) 0);
            assertThat(p.shortMessage()[0]).isEqualTo((byte) 5);
            assertThat(p.shortMessage()[4]).isEqualTo((byte) 2);
        });
        assertThat(g.stream().map(p -> (int) p.shortMessage()[5]).sorted().toList()).containsExactly(1, 2);
        assertThat(g.get(0).shortMessage()[3]).isEqualTo(g.get(1).shortMessage()[3]);
        assertThat(g.stream().mapToInt(p -> p.shortMessage().length - 6).sum()).isEqualTo(210);

        List<TestSmsc.Submitted> u = smsc.to(ucs2.substring(1));
        assertThat(u).hasSize(2);
        assertThat(u).allSatisfy(p -> assertThat(p.dataCoding()).isEqualTo((byte) 8));
        byte[] first = u.stream().filter(p -> p.shortMessage()[5] == 1).findFirst().orElseThrow().shortMessage();
        assertThat(first).hasSize(6 + 134);
        assertThat(new String(first, 6, 134, StandardCharsets.UTF_16BE)).isEqualTo(longUcs2.substring(0, 67));
        assertThat(sms(gsm).get("providerId").asText().split(" ")).hasSize(2);
    }

    @Test
    void receiptsOfEveryPartMakeTheSmsDeliveredAndAFailedReceiptFailsIt() {
        String longTo = number();
        String failTo = number();
        send("x".repeat(200), longTo);
        send("Hej", failTo);
        awaitStatus(longTo, "SENT");
        awaitStatus(failTo, "SENT");
        List<TestSmsc.Submitted> parts = smsc.to(longTo.substring(1));
        assertThat(parts).hasSize(2);
        smsc.receipt(parts.get(0).messageId(), longTo.substring(1), DeliveryReceiptState.DELIVRD);
        await().atMost(Duration.ofSeconds(5)).until(() -> app.count(
                "select count(*) from sms_part where provider_id = ? and status = 'DELIVERED'", parts.get(0).messageId()) == 1);
        assertThat(sms(longTo).get("status").asText()).isEqualTo("SENT");
        smsc.receipt(parts.get(1).messageId(), longTo.substring(1), DeliveryReceiptState.DELIVRD);
        assertThat(awaitStatus(longTo, "DELIVERED").get("doneAt")).isNotNull();

        smsc.receipt(smsc.to(failTo.substring(1)).get(0).messageId(), failTo.substring(1), DeliveryReceiptState.UNDELIV);
        assertThat(awaitStatus(failTo, "FAILED").get("error").asText()).contains("stat:UNDELIV").contains("err:034");
        // a repeated receipt changes nothing
        smsc.receipt(smsc.to(failTo.substring(1)).get(0).messageId(), failTo.substring(1), DeliveryReceiptState.DELIVRD);
        assertThat(sms(failTo).get("status").asText()).isEqualTo("FAILED");
    }

    @Test
    void aRepeatedMessageIdIsMatchedByItsRecipient() {
        String first = number();
        String second = number();
        smsc.restartIds();
        send("Før genstart", first);
        awaitStatus(first, "SENT");
        smsc.restartIds(); // the SMSC restarted: the next SMS gets the same message id
        send("Efter genstart", second);
        awaitStatus(second, "SENT");
        String id = smsc.to(first.substring(1)).get(0).messageId();
        assertThat(smsc.to(second.substring(1)).get(0).messageId()).isEqualTo(id);

        smsc.receipt(id, second.substring(1), DeliveryReceiptState.UNDELIV);
        awaitStatus(second, "FAILED");
        assertThat(sms(first).get("status").asText()).as("the other SMS with that id is untouched").isEqualTo("SENT");
        smsc.receipt(id, first.substring(1), DeliveryReceiptState.DELIVRD);
        awaitStatus(first, "DELIVERED");
        assertThat(sms(second).get("status").asText()).isEqualTo("FAILED");
    }

    @Test
    void aReceiptArrivingBeforeTheSubmitResponseIsNotLost() {
        smsc.receiptBeforeResponse(true);
        String to = number();
        send("Hurtig kvittering", to);
        awaitStatus(to, "DELIVERED");
        assertThat(app.count("select count(*) from pending_report")).isZero();
    }

    @Test
    void throttlingSlowsDownAndRetriesAndPermanentErrorsFail() {
        String throttled = number();
        String invalid = number();
        int[] throttles = {0};
        smsc.respond((submit, n) -> {
            if (submit.getDestAddress().equals(invalid.substring(1))) {
                throw new ProcessRequestException("invalid destination", 0x0B);
            }
            if (submit.getDestAddress().equals(throttled.substring(1)) && throttles[0]++ < 4) {
                throw new ProcessRequestException("throttled", throttles[0] % 2 == 0 ? 0x58 : 0x14);
            }
        });
        send("Langsomt", throttled);
        send("Forkert", invalid);
        JsonNode ok = awaitStatus(throttled, "SENT");
        assertThat(throttles[0]).isEqualTo(5);
        assertThat(smsc.to(throttled.substring(1))).hasSize(1);
        assertThat(ok.get("attempts").asInt()).isBetween(1, 2);
        JsonNode failed = awaitStatus(invalid, "FAILED");
        assertThat(failed.get("error").asText()).contains("ESME_RINVDSTADR (0x0B)");
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void aDroppedConnectionMidBatchReconnectsAndLosesNothing() {
        int before = smsc.binds();
        List<String> to = IntStream.range(0, 300).mapToObj(i -> number()).toList();
        smsc.dropAt(100);
        for (int i = 0; i < to.size(); i += 100) {
            send("Beredskab", to.subList(i, i + 100).toArray(String[]::new));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> to.stream().allMatch(n -> !smsc.to(n.substring(1)).isEmpty())
                && app.count("select count(*) from sms where channel = 'smpp1' and status in ('QUEUED','SENDING')") == 0);
        assertThat(smsc.binds()).isGreaterThan(before);
        Map<String, Long> perNumber = smsc.submitted().stream().filter(s -> to.contains("+" + s.destination()))
                .collect(Collectors.groupingBy(TestSmsc.Submitted::destination, Collectors.counting()));
        assertThat(perNumber).hasSize(300);
        long duplicates = perNumber.values().stream().mapToLong(c -> c - 1).sum();
        assertThat(duplicates).isLessThanOrEqualTo(10); // the window
        assertThat(to).allSatisfy(n -> assertThat(sms(n).get("status").asText()).isEqualTo("SENT"));
    }

    @Test
    void inboundSmsReachesTheInboundTableOnceAndEnquireLinkKeepsTheBind() {
        await().atMost(Duration.ofSeconds(5)).until(() -> smsc.enquireLinks() >= 2);
        byte[] text = "Hej skole, Ida er syg".getBytes(StandardCharsets.US_ASCII);
        smsc.inbound("4521000999", "1234", (byte) 0, text);
        smsc.inbound("4521000999", "1234", (byte) 0, text); // redelivered
        smsc.inbound("4521000998", "1234", (byte) 8, "Дочь больна".getBytes(StandardCharsets.UTF_16BE));
        await().atMost(Duration.ofSeconds(5)).until(() -> app.count("select count(*) from inbound_sms "
                + "where sender in ('+4521000999', '+4521000998')") == 2);
        Http.Response list = admin.get("/api/inbound");
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.raw()).contains("Hej skole, Ida er syg").contains("+4521000999").contains("Дочь больна")
                .contains("smpp1");
        assertThat(app.anonymous().get("/api/inbound").status()).isEqualTo(401);
    }

    @Test
    void concatenatedInboundSmsIsJoinedOnceWhatEverTheOrderOfItsParts() {
        byte[] udh1 = {0x05, 0x00, 0x03, 0x7A, 0x02, 0x01};
        byte[] udh2 = {0x05, 0x00, 0x03, 0x7A, 0x02, 0x02};
        smsc.inboundPart("4521000997", "1234", (byte) 0, concat(udh2, "hun kommer i morgen."));
        smsc.inboundPart("4521000997", "1234", (byte) 0, concat(udh1, "Ida er syg i dag, "));
        smsc.inboundPart("4521000997", "1234", (byte) 0, concat(udh1, "Ida er syg i dag, ")); // redelivered
        await().atMost(Duration.ofSeconds(5)).until(() -> app.count(
                "select count(*) from inbound_sms where sender = '+4521000997'") == 1);
        assertThat(app.jdbc().query("select text from inbound_sms where sender = '+4521000997'", rs -> rs.getString(1)))
                .containsExactly("Ida er syg i dag, hun kommer i morgen.");
        assertThat(app.count("select count(*) from inbound_part where done = false")).isZero();
    }

    private static byte[] concat(byte[] udh, String text) {
        byte[] body = text.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[udh.length + body.length];
        System.arraycopy(udh, 0, all, 0, udh.length);
        System.arraycopy(body, 0, all, udh.length, body.length);
        return all;
    }
}

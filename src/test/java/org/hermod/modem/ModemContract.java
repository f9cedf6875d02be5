package org.hermod.modem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.hermod.channel.Handover;
import org.hermod.channel.OutgoingSms;
import org.hermod.channel.SendOutcome;
import org.hermod.channel.SendOutcome.Result;
import org.hermod.config.Settings;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;
import org.hermod.inbound.Inbound;
import org.hermod.mail.Mailer;
import org.hermod.sms.Deliver;
import org.hermod.sms.SmsText;
import org.hermod.testing.ModemEmulator;
import org.hermod.testing.MutableClock;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One modem (connection, channel, inbox) against the {@link ModemEmulator} over a real link, on a real H2
 * database; run over a pty pair ({@link ModemSerialIT}) and over TCP ({@link ModemTcpTest}).
 */
abstract class ModemContract {

    protected ModemEmulator emulator;
    protected Modem modem;
    protected Jdbc jdbc;
    private ModemLink link;
    private Inbound inbound;
    private HikariDataSource dataSource;
    private long nextId = 1;

    /** Starts the peer for {@code emulator} and returns the link Hermod opens to it. */
    abstract ModemLink startPeer(ModemEmulator emulator) throws Exception;

    abstract void stopPeer() throws Exception;

    @BeforeEach
    void start() throws Exception {
        emulator = new ModemEmulator();
        link = startPeer(emulator);
        Map<String, String> db = Map.of("hermod.db.url", TestDatabases.h2(), "hermod.db.user", "sa", "hermod.db.pool-size", "4");
        dataSource = Database.open(new Settings(k -> Optional.ofNullable(db.get(k))));
        jdbc = new Jdbc(dataSource);
        inbound = new Inbound(jdbc, Clock.systemUTC(), new Mailer(null, false), "", List.of());
        modem = new Modem(settings(Optional.empty()), new ModemStore(jdbc, Clock.systemUTC()), () -> inbound,
                Clock.systemUTC());
    }

    private ModemSettings settings(Optional<String> pin) {
        return new ModemSettings("gsm1", link, pin, Optional.empty(), 5, true, "2,1,0,1,0",
                Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMillis(300),
                Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofHours(24), Duration.ofHours(48), "AT+CFUN=1,1");
    }

    /** Hermod restarted with this PIN (the database, and the modem's state, survive), on {@code clock}. */
    protected void restart(Optional<String> pin, Clock clock) {
        modem.close();
        modem = new Modem(settings(pin), new ModemStore(jdbc, clock), () -> inbound, clock);
    }

    /** The modem's job runs {@code n} times, each after {@code clock} has moved past any reconnect backoff. */
    protected void ticks(int n, MutableClock clock) {
        for (int i = 0; i < n; i++) {
            clock.advance(Duration.ofMinutes(10));
            modem.tick();
        }
    }

    @AfterEach
    void stop() throws Exception {
        // start() may have been cut short by an assumption (ModemSerialIT without socat): close what exists
        if (modem != null) {
            modem.close();
        }
        stopPeer();
        if (dataSource != null) {
            dataSource.close();
        }
    }

    protected OutgoingSms sms(String recipient, String text) {
        return new OutgoingSms(nextId++, "default", recipient, SmsText.of(text), 1);
    }

    protected List<SendOutcome> send(OutgoingSms... batch) {
        return modem.channel().send(List.of(batch));
    }

    @Test
    void startUpDialogueThenGsm7SmsWithStatusReportRequested() {
        List<SendOutcome> out = send(sms("+4520000001", "Skolen er lukket i morgen @ 8:00 {ekstra}"));
        assertThat(out).extracting(SendOutcome::result).containsExactly(Result.SENT);
        assertThat(out.get(0).providerId()).isEqualTo("mr:1");
        assertThat(emulator.commands).startsWith("AT", "ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CMGF=0", "AT+CNMI=2,1,0,1,0",
                "AT+CREG?", "AT+CSQ", "AT+CMGL=4");
        ModemEmulator.Sent sent = emulator.sent.get(0);
        assertThat(sent.recipient()).isEqualTo("+4520000001");
        assertThat(sent.text()).isEqualTo("Skolen er lukket i morgen @ 8:00 {ekstra}");
        assertThat(sent.alphabet()).isEqualTo(Deliver.Alphabet.GSM7);
        assertThat(sent.statusReportRequested()).isTrue();
        ModemConnection.Status status = modem.connection().status();
        assertThat(status.state()).isEqualTo(ModemConnection.State.READY);
        assertThat(status.rssi()).isEqualTo(21);
        assertThat(status.dbm()).isEqualTo(-71);
    }

    @Test
    void ucs2Sms() {
        assertThat(send(sms("+4820000001", "Zażółć gęślą jaźń"))).extracting(SendOutcome::result).containsExactly(Result.SENT);
        assertThat(emulator.sent.get(0).alphabet()).isEqualTo(Deliver.Alphabet.UCS2);
        assertThat(emulator.sent.get(0).text()).isEqualTo("Zażółć gęślą jaźń");
    }

    @Test
    void longSmsGoesAsConcatenatedParts() {
        String text = "Lorem ipsum dolor sit amet. ".repeat(14);
        List<SendOutcome> out = send(sms("+4520000002", text));
        assertThat(out.get(0).result()).isEqualTo(Result.SENT);
        assertThat(emulator.sent).hasSize(3);
        assertThat(out.get(0).providerId()).isEqualTo("mr:1,2,3");
        assertThat(emulator.sent).extracting(s -> s.concat().total()).containsOnly(3);
        assertThat(emulator.sent).extracting(s -> s.concat().reference()).containsOnly(emulator.sent.get(0).concat().reference());
        assertThat(String.join("", emulator.sent.stream().map(ModemEmulator.Sent::text).toList())).isEqualTo(text);
    }

    @Test
    void slowPromptIsWaitedForAndAMissingOneIsNotSent() {
        emulator.promptDelayMillis = 800;
        assertThat(send(sms("+4520000003", "slow"))).extracting(SendOutcome::result).containsExactly(Result.SENT);
        emulator.promptDelayMillis = 3000;
        SendOutcome late = send(sms("+4520000004", "too slow")).get(0);
        assertThat(late.result()).isEqualTo(Result.NOT_SENT); // cancelled with ESC before the PDU
        assertThat(late.error()).contains("no '> ' prompt");
        emulator.promptDelayMillis = 0;
        await().atMost(Duration.ofSeconds(15)).until(() -> send(sms("+4520000004", "again")).get(0).result() == Result.SENT);
    }

    @Test
    void cmsErrorsArePermanentOrTransientAndDoNotBlockTheRest() {
        emulator.cmsErrors.add(21);
        emulator.cmsErrors.add(42);
        List<SendOutcome> out = send(sms("+4520000005", "rejected"), sms("+4520000006", "congested"),
                sms("+4520000007", "fine"));
        assertThat(out).extracting(SendOutcome::result).containsExactly(Result.FAILED, Result.RETRY, Result.SENT);
        assertThat(out.get(0).error()).contains("+CMS ERROR: 21 (short message transfer rejected)");
        assertThat(out.get(1).error()).contains("+CMS ERROR: 42 (congestion)");
        assertThat(emulator.sent).extracting(ModemEmulator.Sent::text).containsExactly("fine");
    }

    @Test
    void unsolicitedCodesInsideAnswersDoNotBreakTheDialogue() {
        send(sms("+4520000008", "connect"));
        int slot = emulator.deliver("+4520000099", "Hej fra mor", false).get(0);
        emulator.urcInNextAnswer = "+CMTI: \"SM\"," + slot;
        assertThat(send(sms("+4520000009", "while a URC arrives"))).extracting(SendOutcome::result)
                .containsExactly(Result.SENT);
        emulator.urcInNextAnswer = "RING";
        assertThat(send(sms("+4520000010", "and a RING"))).extracting(SendOutcome::result).containsExactly(Result.SENT);
        await().atMost(Duration.ofSeconds(10)).until(() -> inboundTexts().contains("Hej fra mor"));
        await().atMost(Duration.ofSeconds(5)).until(() -> emulator.storedOnSim() == 0);
    }

    @Test
    void inboundSmsAndConcatenatedInboundAreStoredAndDeletedFromTheSim() {
        send(sms("+4520000011", "connect"));
        emulator.deliver("+4520000098", "Kort besked");
        String longText = "Min datter er syg i dag og kommer ikke i skole. ".repeat(5);
        emulator.deliver("+4520000097", longText);
        await().atMost(Duration.ofSeconds(10)).until(() -> inboundTexts().containsAll(List.of("Kort besked", longText)));
        assertThat(jdbc.query("select sender from inbound_sms where text = ?", rs -> rs.getString(1), longText))
                .containsExactly("+4520000097");
        assertThat(jdbc.query("select count(*) from inbound_part where done = false", rs -> rs.getLong(1))).containsExactly(0L);
        await().atMost(Duration.ofSeconds(5)).until(() -> emulator.storedOnSim() == 0);
    }

    @Test
    void smsLeftOnTheSimWhileDisconnectedAreSweptOnConnect() {
        emulator.deliver("+4520000096", "sent while Hermod was away", false);
        send(sms("+4520000012", "connect"));
        await().atMost(Duration.ofSeconds(10)).until(() -> inboundTexts().contains("sent while Hermod was away"));
        assertThat(emulator.storedOnSim()).isZero();
    }

    @Test
    void statusReportsAreMatchedByMessageReferenceAndNumber() {
        emulator.reportStatus = 0x00;
        send(sms("+4520000013", "report me"));
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.query(
                "select report_status from modem_submit where recipient = '+4520000013' and report_status is not null",
                rs -> rs.getInt(1)).equals(List.of(0)));
        emulator.reportStatus = 0x41;
        send(sms("+4520000014", "report failure"));
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.query(
                "select report_status from modem_submit where recipient = '+4520000014' and report_status is not null",
                rs -> rs.getInt(1)).equals(List.of(0x41)));
    }

    @Test
    void eachSmsIsHandedOverJustBeforeItIsWrittenAndAFailedMarkStopsTheBatch() {
        OutgoingSms a = sms("+4520000041", "one");
        OutgoingSms invalid = sms("not a number", "never written");
        OutgoingSms b = sms("+4520000042", "two");
        OutgoingSms c = sms("+4520000043", "mark fails");
        OutgoingSms d = sms("+4520000044", "behind it");
        List<String> marks = new CopyOnWriteArrayList<>();
        Handover handover = (handing, answered) -> {
            marks.add(handing + " after " + emulator.sent.size() + " sent, storing "
                    + answered.stream().map(o -> o.id() + " " + o.result()).toList());
            if (handing.contains(c.id())) {
                throw new Handover.Failed("database gone", null);
            }
        };
        List<SendOutcome> out = modem.channel().send(List.of(a, invalid, b, c, d), handover);
        assertThat(out).extracting(SendOutcome::result)
                .containsExactly(Result.SENT, Result.FAILED, Result.SENT, Result.NOT_SENT, Result.NOT_SENT);
        // each mark comes just before its SMS is written and stores what was answered since the last one
        assertThat(marks).containsExactly("[" + a.id() + "] after 0 sent, storing []",
                "[" + b.id() + "] after 1 sent, storing [" + a.id() + " SENT, " + invalid.id() + " FAILED]",
                "[" + c.id() + "] after 2 sent, storing [" + b.id() + " SENT]"); // and no more once a mark failed
        assertThat(out.get(3).error()).contains("not handed over", "database gone");
        assertThat(out.get(4).error()).contains("not handed over");
        assertThat(emulator.sent).extracting(ModemEmulator.Sent::text).containsExactly("one", "two");

        // the last outcome is stored when the batch ends, not left for the dispatcher's store
        marks.clear();
        OutgoingSms e = sms("+4520000047", "last of its batch");
        assertThat(modem.channel().send(List.of(e), handover)).extracting(SendOutcome::result).containsExactly(Result.SENT);
        assertThat(marks).containsExactly("[" + e.id() + "] after 2 sent, storing []",
                "[] after 3 sent, storing [" + e.id() + " SENT]");
    }

    @Test
    void unsolicitedLinesBeforeTheCmgrAnswerLoseNoSms() {
        send(sms("+4520000015", "connect"));
        for (String urc : List.of("+CSQ: 17,99", "^RSSI:17", "RING", "+CREG: 1")) {
            emulator.urcBeforeAnswerTo("AT+CMGR=", urc);
            emulator.deliver("+4520000095", "after " + urc);
            await().atMost(Duration.ofSeconds(10)).until(() -> inboundTexts().contains("after " + urc));
        }
        assertThat(jdbc.query("select count(*) from inbound_sms where sender = 'unknown'", rs -> rs.getLong(1)))
                .containsExactly(0L);
        await().atMost(Duration.ofSeconds(5)).until(() -> emulator.storedOnSim() == 0);
    }

    @Test
    void anUnreadablePduIsStoredOnceAndLeftOnTheSim() throws Exception {
        send(sms("+4520000016", "connect"));
        int slot = emulator.store("07FFFF");
        emulator.urc("+CMTI: \"SM\"," + slot);
        await().atMost(Duration.ofSeconds(10)).until(() -> unreadable() == 1);
        modem.connection().call(at -> {
            modem.inbox().sweep(at); // runs after the +CMTI's read, on the same thread
            return null;
        });
        assertThat(unreadable()).isEqualTo(1);
        assertThat(emulator.storedOnSim()).isEqualTo(1);
        assertThat(emulator.commands).noneMatch(c -> c.startsWith("AT+CMGD"));
    }

    private long unreadable() {
        return jdbc.query("select count(*) from inbound_sms where sender = 'unknown' and text like '[unreadable PDU:%07FFFF'",
                rs -> rs.getLong(1)).get(0);
    }

    @Test
    void anSmsWhoseStatusReportNeverComesEndsAsNoReport() {
        MutableClock clock = new MutableClock(Instant.now());
        restart(Optional.empty(), clock);
        jdbc.update("insert into tenant (id, name, created_at) values ('t', 't', ?)", clock.instant());
        OutgoingSms reported = sentSms(9001, "+4520000051", "reported", clock);
        emulator.autoStatusReport = false;
        OutgoingSms unreported = sentSms(9002, "+4520000052", "no report comes", clock);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(reported.id()).equals("DELIVERED"));

        clock.advance(Duration.ofHours(47));
        assertThat(modem.expireReports()).isZero();
        assertThat(status(unreported.id())).isEqualTo("SENT");
        clock.advance(Duration.ofHours(2));
        assertThat(modem.expireReports()).isEqualTo(1);
        assertThat(status(unreported.id())).isEqualTo("NO_REPORT");
        assertThat(jdbc.query("select error from sms where id = ?", rs -> rs.getString(1), unreported.id()))
                .containsExactly("sent, but no status report came within 48h (report-timeout of modem gsm1)");
        assertThat(jdbc.query("select count(*) from modem_submit where sms_id = ?", rs -> rs.getLong(1), unreported.id()))
                .containsExactly(0L);
        assertThat(status(reported.id())).isEqualTo("DELIVERED");
        assertThat(modem.expireReports()).isZero();
    }

    /** An outbox row in SENT for an SMS the modem sent, as the dispatcher would leave it. */
    private OutgoingSms sentSms(long id, String to, String text, Clock clock) {
        jdbc.update("insert into sms (id, tenant_id, recipient, text, encoding, segments, status, priority, channel, "
                + "next_attempt_at, created_at) values (?, 't', ?, ?, 'GSM7', 1, 'SENDING', 1, 'gsm1', ?, ?)", id, to, text,
                clock.instant(), clock.instant());
        OutgoingSms sms = new OutgoingSms(id, "t", to, SmsText.of(text), 1);
        assertThat(send(sms)).extracting(SendOutcome::result).containsExactly(Result.SENT);
        jdbc.update("update sms set status = 'SENT', sent_at = ? where id = ?", clock.instant(), id);
        return sms;
    }

    private String status(long smsId) {
        new ModemStore(jdbc, Clock.systemUTC()).applyReports("gsm1"); // as the modem's tick does
        return jdbc.query("select status from sms where id = ?", rs -> rs.getString(1), smsId).get(0);
    }

    @Test
    void aPinTheSimRefusedIsNeverSentAgainAlsoAfterARestart() {
        emulator.pin = "1234";
        MutableClock clock = new MutableClock(Instant.now());
        restart(Optional.of("4321"), clock);
        assertThat(send(sms("+4520000030", "no PIN, no SMS"))).extracting(SendOutcome::result).doesNotContain(Result.SENT);
        ticks(5, clock);
        assertThat(emulator.pinAttempts).hasValue(1);
        assertThat(emulator.simLocked()).isFalse();
        ModemConnection.Status status = modem.connection().status();
        assertThat(status.state()).isEqualTo(ModemConnection.State.SIM_BLOCKED);
        assertThat(status.lastError()).contains("refused the configured PIN (+CME ERROR: 16 (incorrect password))",
                "not sent again", "hermod.modem.devices[..].pin of modem gsm1", "restart").doesNotContain("4321");
        HealthCheck.Result health = health();
        assertThat(health.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(health.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("modem gsm1", "SIM_BLOCKED",
                "Set the right hermod.modem.devices[..].pin").doesNotContain("4321"));

        restart(Optional.of("4321"), clock); // the same wrong PIN: not sent
        send(sms("+4520000031", "still no PIN"));
        ticks(3, clock);
        assertThat(emulator.pinAttempts).hasValue(1);
        assertThat(modem.connection().status().state()).isEqualTo(ModemConnection.State.SIM_BLOCKED);
        assertThat(modem.connection().status().lastError()).contains("refused the configured PIN before");

        restart(Optional.of("1234"), clock); // the right one: sent once, and the modem works
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            clock.advance(Duration.ofMinutes(10));
            return send(sms("+4520000032", "right PIN")).get(0).result() == Result.SENT;
        });
        assertThat(emulator.pinAttempts).hasValue(2);
    }

    @Test
    void aSimThatAsksForItsPukIsLeftAlone() {
        emulator.pin = "1234";
        emulator.lockSim();
        MutableClock clock = new MutableClock(Instant.now());
        restart(Optional.of("1234"), clock);
        assertThat(send(sms("+4520000033", "locked SIM"))).extracting(SendOutcome::result).doesNotContain(Result.SENT);
        ticks(5, clock);
        assertThat(emulator.pinAttempts).hasValue(0);
        assertThat(emulator.commands).filteredOn("AT+CPIN?"::equals).hasSize(1); // no reconnects
        assertThat(health().getMessage()).hasValueSatisfying(m -> assertThat(m).contains("modem gsm1", "SIM_BLOCKED",
                "asks for its PUK", "Unlock it with the PUK"));
    }

    private HealthCheck.Result health() {
        ModemHealthCheck check = new ModemHealthCheck(modem.connection());
        check.setCamelContext(new DefaultCamelContext());
        return check.call();
    }

    protected List<String> inboundTexts() {
        return jdbc.query("select text from inbound_sms", rs -> rs.getString(1));
    }
}

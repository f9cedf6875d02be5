package org.hermod.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hermod.channel.OutgoingSms;
import org.hermod.channel.SendOutcome;
import org.hermod.config.Settings;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;
import org.hermod.inbound.Inbound;
import org.hermod.mail.Mailer;
import org.hermod.modem.Modem;
import org.hermod.modem.ModemSettings;
import org.hermod.modem.ModemStore;
import org.hermod.modem.TcpLink;
import org.hermod.sms.SmsText;
import org.hermod.testing.ModemEmulator;
import org.hermod.testing.TcpModemServer;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SMS per second through the modem channel and the TCP link against the emulator: once with no delay (what the
 * driver, the PDU encoder and the H2 writes of the message references cost), once with the emulator throttled
 * to 115200 baud (11520 bytes/s each way), compared with the line-rate limit: the bytes on the wire per SMS
 * (command, PDU, prompt, answers, status report) divided by the line rate. Status reports are on, as in
 * production. Run: {@code mvn -q -B -o test -Dtest=ModemBench -Dsurefire.excludedGroups=none}; figures go to
 * stdout (and target/surefire-reports/org.hermod.bench.ModemBench-output.txt).
 */
@Tag("bench")
class ModemBench {

    private static final BenchReport REPORT = new BenchReport("modem");

    private static final String TEXT = "Kære forældre, skolen holder lukket fredag på grund af personalemøde. Mvh skolen";

    @Test
    void smsPerSecondOverTcp() throws Exception {
        Result free = run(0, 2000);
        Result line = run(11520, 300);
        REPORT.printf("%nModemBench (%d cores, %s)%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        REPORT.printf("  no delay    : %5d SMS in %6.2f s = %7.1f SMS/s  (per SMS %d bytes to the modem, %d from it)%n",
                free.sms, free.seconds, free.sms / free.seconds, free.toModem, free.fromModem);
        double rate = line.sms / line.seconds;
        double limit = 11520.0 / line.bytesPerSms;
        double alternating = 11520.0 / (line.toModem + line.fromModem);
        REPORT.printf("  115200 baud : %5d SMS in %6.2f s = %7.1f SMS/s%n", line.sms, line.seconds, rate);
        REPORT.printf("    line-rate limit, busier direction (%d B/SMS): %.1f SMS/s -> reached %.0f%%%n",
                line.bytesPerSms, limit, 100 * rate / limit);
        REPORT.printf("    limit when the two directions take turns (%d B/SMS), as AT+CMGS does: %.1f SMS/s -> reached %.0f%%%n",
                line.toModem + line.fromModem, alternating, 100 * rate / alternating);
    }

    /** bytesPerSms: the busier direction; toModem / fromModem: each direction per SMS. */
    private record Result(int sms, double seconds, long bytesPerSms, long toModem, long fromModem) {
    }

    private static Result run(int bytesPerSecond, int count) throws Exception {
        ModemEmulator emulator = new ModemEmulator().throttle(bytesPerSecond);
        Map<String, String> db = Map.of("hermod.db.url", TestDatabases.h2(), "hermod.db.user", "sa", "hermod.db.pool-size", "4");
        try (TcpModemServer server = new TcpModemServer(emulator);
             HikariDataSource ds = Database.open(new Settings(k -> Optional.ofNullable(db.get(k))))) {
            Jdbc jdbc = new Jdbc(ds);
            Inbound inbound = new Inbound(jdbc, Clock.systemUTC(), new Mailer(null, false), "", List.of());
            ModemSettings settings = new ModemSettings("bench", new TcpLink("127.0.0.1", server.port(), Duration.ofSeconds(2)),
                    Optional.empty(), Optional.empty(), 5, true, "2,1,0,1,0", Duration.ofSeconds(10),
                    Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(5),
                    Duration.ofHours(1), Duration.ofHours(24), Duration.ofHours(48), "");
            try (Modem modem = new Modem(settings, new ModemStore(jdbc, Clock.systemUTC()), () -> inbound, Clock.systemUTC())) {
                send(modem, 0, 20); // connect, start-up dialogue, JIT warm-up
                int in0 = emulator.bytesIn.get();
                int out0 = emulator.bytesOut.get();
                long start = System.nanoTime();
                int sent = send(modem, 1000, count);
                double seconds = (System.nanoTime() - start) / 1e9;
                long toModem = (emulator.bytesIn.get() - in0) / sent;
                long fromModem = (emulator.bytesOut.get() - out0) / sent;
                return new Result(sent, seconds, Math.max(toModem, fromModem), toModem, fromModem);
            }
        }
    }

    private static int send(Modem modem, long firstId, int count) {
        int sent = 0;
        for (long id = firstId; id < firstId + count; id += 5) {
            List<OutgoingSms> batch = new ArrayList<>();
            for (long i = id; i < Math.min(id + 5, firstId + count); i++) {
                batch.add(new OutgoingSms(i, "default", "+4521" + String.format("%06d", i), SmsText.of(TEXT), 1));
            }
            for (SendOutcome o : modem.channel().send(batch)) {
                if (o.result() != SendOutcome.Result.SENT) {
                    throw new IllegalStateException("not sent: " + o);
                }
                sent++;
            }
        }
        return sent;
    }
}

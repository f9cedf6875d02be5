package org.hermod.modem;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Duration;
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
import org.hermod.sms.SmsText;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Against a REAL modem with a SIM that can send SMS (it costs money and sends a real SMS). Remove
 * {@code @Disabled} locally and run, for a serial/USB modem:
 * <pre>
 * mvn -B test -Dtest=ModemManualIT -Dmodem.serial=/dev/ttyUSB0 -Dmodem.baud=115200 -Dmodem.to=+4520000000 [-Dmodem.pin=1234]
 * </pre>
 * or for a modem behind a Moxa NPort in TCP server mode:
 * <pre>
 * mvn -B test -Dtest=ModemManualIT -Dmodem.host=nport1 -Dmodem.port=4001 -Dmodem.to=+4520000000
 * </pre>
 * It connects, prints signal and registration, sends one GSM 7-bit and one UCS-2 SMS to {@code modem.to}, then
 * waits up to two minutes for their status reports and lists what it read from the SIM.
 */
@Disabled("needs a real GSM modem with a SIM and a phone to receive the SMS; see the Javadoc for how to run it")
class ModemManualIT {

    @Test
    void sendsToARealModem() throws Exception {
        ModemLink link = System.getProperty("modem.serial") != null
                ? new SerialLink(System.getProperty("modem.serial"), Integer.getInteger("modem.baud", 115200), 8,
                        SerialLink.Parity.NONE, 1, SerialLink.FlowControl.NONE)
                : new TcpLink(System.getProperty("modem.host"), Integer.getInteger("modem.port", 4001), Duration.ofSeconds(5));
        String to = System.getProperty("modem.to");
        Map<String, String> db = Map.of("hermod.db.url", TestDatabases.h2(), "hermod.db.user", "sa", "hermod.db.pool-size", "2");
        try (HikariDataSource ds = Database.open(new Settings(k -> Optional.ofNullable(db.get(k))))) {
            Jdbc jdbc = new Jdbc(ds);
            Inbound inbound = new Inbound(jdbc, Clock.systemUTC(), new Mailer(null, false), "", List.of());
            ModemSettings settings = new ModemSettings("manual", link, Optional.ofNullable(System.getProperty("modem.pin")),
                    Optional.empty(), 5, true, "2,1,0,1,0", Duration.ofSeconds(10), Duration.ofSeconds(10),
                    Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofMinutes(5),
                    Duration.ofHours(24), Duration.ofHours(48), "");
            try (Modem modem = new Modem(settings, new ModemStore(jdbc, Clock.systemUTC()), () -> inbound, Clock.systemUTC())) {
                List<SendOutcome> out = modem.channel().send(List.of(
                        new OutgoingSms(1, "default", to, SmsText.of("Hermod manual test"), 1),
                        new OutgoingSms(2, "default", to, SmsText.of("Hermod – test ☺"), 1)));
                System.out.println("status: " + modem.connection().status());
                System.out.println("outcomes: " + out);
                assertThat(out).allMatch(o -> o.result() == SendOutcome.Result.SENT);
                long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (System.nanoTime() < until && jdbc.query("select count(*) from modem_submit where report_status is not null",
                        rs -> rs.getLong(1)).get(0) < 2) {
                    Thread.sleep(1000); // a person is watching a phone: no route to wait for here
                }
                System.out.println("reports: " + jdbc.query("select sms_id, mr, report_status from modem_submit",
                        rs -> rs.getLong(1) + " mr " + rs.getInt(2) + " TP-ST " + rs.getObject(3)));
                System.out.println("inbound: " + inbound.recent(20));
            }
        }
    }
}

package org.hermod.modem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.hermod.channel.OutgoingSms;
import org.hermod.channel.SendOutcome;
import org.hermod.channel.SendOutcome.Result;
import org.hermod.testing.ModemEmulator;
import org.hermod.testing.TcpModemServer;
import org.junit.jupiter.api.Test;

/** The modem contract over TCP, to an emulated Moxa NPort; plus what only a TCP link does: drops and refusals. */
class ModemTcpTest extends ModemContract {

    private TcpModemServer server;

    @Override
    ModemLink startPeer(ModemEmulator emulator) throws Exception {
        server = new TcpModemServer(emulator);
        return new TcpLink("127.0.0.1", server.port(), Duration.ofSeconds(2));
    }

    @Override
    void stopPeer() throws Exception {
        server.close();
    }

    @Test
    void linkDroppedMidSendLosesNothingAndTheSmsAreRetried() {
        OutgoingSms a = sms("+4520000021", "first");
        OutgoingSms b = sms("+4520000022", "second");
        OutgoingSms c = sms("+4520000023", "third");
        emulator.dropOnPdu(2);
        server.refuseFor(Duration.ZERO);
        List<SendOutcome> out = send(a, b, c);
        assertThat(out).extracting(SendOutcome::result).containsExactly(Result.SENT, Result.RETRY, Result.RETRY);
        assertThat(out.get(1).error()).contains("link was closed");
        // the NPort has not yet noticed the dead connection: it refuses new ones for a while
        server.refuseFor(Duration.ofSeconds(2));
        List<SendOutcome> refused = send(b, c);
        assertThat(refused).extracting(SendOutcome::result).containsOnly(Result.RETRY);
        assertThat(modem.connection().status().state()).isNotEqualTo(ModemConnection.State.READY);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
            List<SendOutcome> again = send(b, c);
            return again.stream().allMatch(o -> o.result() == Result.SENT);
        });
        assertThat(emulator.sent).extracting(ModemEmulator.Sent::text).containsExactly("first", "second", "third");
        assertThat(server.refused()).isPositive();
        assertThat(modem.connection().status().connects()).isEqualTo(2);
    }

    @Test
    void aModemThatStopsAnsweringIsReconnected() {
        assertThat(send(sms("+4520000024", "before"))).extracting(SendOutcome::result).containsExactly(Result.SENT);
        emulator.silent = true;
        SendOutcome hung = send(sms("+4520000025", "hung")).get(0);
        assertThat(hung.result()).isEqualTo(Result.RETRY);
        assertThat(hung.error()).containsAnyOf("no '> ' prompt", "no answer");
        emulator.silent = false;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                .until(() -> send(sms("+4520000025", "after")).get(0).result() == Result.SENT);
        assertThat(server.connections()).isGreaterThanOrEqualTo(2);
    }
}

package org.hermod.modem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    void smsInFlightWhenTheLinkDropsIsInDoubtAndTheRestIsNotSent() {
        OutgoingSms a = sms("+4520000021", "first");
        OutgoingSms b = sms("+4520000022", "second");
        OutgoingSms c = sms("+4520000023", "third");
        emulator.sendThenDropOnPdu(2);
        List<List<Long>> handed = new CopyOnWriteArrayList<>();
        List<SendOutcome> stored = new CopyOnWriteArrayList<>();
        List<SendOutcome> out = modem.channel().send(List.of(a, b, c), (handing, answered) -> {
            handed.add(handing);
            stored.addAll(answered);
        });
        assertThat(out).extracting(SendOutcome::result).containsExactly(Result.SENT, Result.IN_DOUBT, Result.NOT_SENT);
        assertThat(out.get(1).error()).contains("no answer after the PDU was written", "link was closed", "may have been sent");
        assertThat(out.get(2).error()).contains("not sent, the link failed before it");
        assertThat(handed).containsExactly(List.of(a.id()), List.of(b.id()), List.of());
        assertThat(stored).extracting(SendOutcome::result).containsExactly(Result.SENT, Result.IN_DOUBT);
        assertThat(emulator.sent).extracting(ModemEmulator.Sent::text).containsExactly("first", "second");
    }

    @Test
    void aModemThatCannotBeReachedSendsNothingAndSpendsNoAttempt() {
        server.refuseFor(Duration.ofSeconds(5));
        List<SendOutcome> out = send(sms("+4520000045", "nobody home"), sms("+4520000046", "nor here"));
        assertThat(out).extracting(SendOutcome::result).containsOnly(Result.NOT_SENT);
        assertThat(out.get(0).error()).contains("modem gsm1");
        assertThat(emulator.sent).isEmpty();
    }

    @Test
    void noAnswerAfterThePduIsInDoubt() {
        emulator.sendThenFallSilentOnPdu(1);
        List<SendOutcome> out = send(sms("+4520000026", "unanswered"), sms("+4520000027", "behind it"));
        assertThat(out).extracting(SendOutcome::result).containsExactly(Result.IN_DOUBT, Result.NOT_SENT);
        assertThat(out.get(0).error()).contains("no answer to AT+CMGS", "may have been sent");
        emulator.silent = false;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                .until(() -> send(sms("+4520000027", "behind it")).get(0).result() == Result.SENT);
        assertThat(emulator.sent).extracting(ModemEmulator.Sent::text).containsExactly("unanswered", "behind it");
    }

    @Test
    void linkDroppedMidSendThenRefusedLeavesTheRestNotSentUntilItIsBack() {
        OutgoingSms a = sms("+4520000021", "first");
        OutgoingSms b = sms("+4520000022", "second");
        OutgoingSms c = sms("+4520000023", "third");
        emulator.dropOnPdu(2);
        server.refuseFor(Duration.ZERO);
        List<SendOutcome> out = send(a, b, c);
        // the PDU went out: whether the modem sent it before the link dropped is not known
        assertThat(out).extracting(SendOutcome::result).containsExactly(Result.SENT, Result.IN_DOUBT, Result.NOT_SENT);
        assertThat(out.get(1).error()).contains("link was closed");
        // the NPort has not yet noticed the dead connection: it refuses new ones for a while
        server.refuseFor(Duration.ofSeconds(2));
        List<SendOutcome> refused = send(c);
        assertThat(refused).extracting(SendOutcome::result).containsOnly(Result.NOT_SENT);
        assertThat(modem.connection().status().state()).isNotEqualTo(ModemConnection.State.READY);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                .until(() -> send(c).get(0).result() == Result.SENT);
        assertThat(emulator.sent).extracting(ModemEmulator.Sent::text).containsExactly("first", "third");
        assertThat(server.refused()).isPositive();
        assertThat(modem.connection().status().connects()).isEqualTo(2);
    }

    @Test
    void aModemThatStopsAnsweringIsReconnected() {
        assertThat(send(sms("+4520000024", "before"))).extracting(SendOutcome::result).containsExactly(Result.SENT);
        emulator.silent = true;
        SendOutcome hung = send(sms("+4520000025", "hung")).get(0);
        assertThat(hung.result()).isEqualTo(Result.NOT_SENT); // no prompt: the PDU was never written
        assertThat(hung.error()).containsAnyOf("no '> ' prompt", "no answer");
        emulator.silent = false;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                .until(() -> send(sms("+4520000025", "after")).get(0).result() == Result.SENT);
        assertThat(server.connections()).isGreaterThanOrEqualTo(2);
    }
}

package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.hermod.testing.TestDatabases;
import org.hermod.testing.TestSmsc;
import org.junit.jupiter.api.Test;

/**
 * What can be sent twice, counted at the SMSC. Two Hermod JVMs send 6,000 SMS over SMPP (2 binds, window 10,
 * 2 dispatcher routes each) through one PostgreSQL to a jSMPP SMSC in this JVM that first answers slowly, so their
 * batches take longer than the claim timeout. One is killed with SIGKILL mid-broadcast, later the other, and a third
 * finishes. Every recipient must be reached; duplicates can only be SMS the killed processes had handed to the
 * channel, fewer than (2 × dispatchers + 1) × binds × window = 100 per kill, however large the claimed batch (200).
 */
class SmppCrashIT {

    private static final int SMS = 6_000;
    private static final int BATCH = 200;
    private static final int BOUND_PER_KILL = (2 * 2 + 1) * 2 * 10;

    private volatile long delayNanos = Duration.ofMillis(250).toNanos();

    @Test
    void killDashNineMidBroadcastResendsAtMostTheSmsHandedToTheSmsc() throws Exception {
        String db = TestDatabases.postgres();
        try (TestSmsc smsc = new TestSmsc("school", "s3cretpw", 64)) {
            smsc.respond((submit, n) -> LockSupport.parkNanos(delayNanos));
            CrashRig.Child a = start(db, smsc, "a"); // migrates the empty database
            CrashRig.Child b = start(db, smsc, "b");
            CrashRig.insertQueued(db, SMS, "smpp1");
            List<CrashRig.Child> children = new ArrayList<>(List.of(a, b));
            try {
                // slow SMSC: a batch of 200 at 20 in flight and 250 ms a submit takes 2.5 s, past the 2 s claim timeout
                await().atMost(Duration.ofSeconds(90)).until(() -> smsc.submitted().size() >= 300);
                Thread.sleep(2_500);
                delayNanos = Duration.ofMillis(2).toNanos();
                long handedByA = killWhen(smsc, 2_000, a, db);
                long handedByB = killWhen(smsc, 4_000, b, db);
                CrashRig.Child c = start(db, smsc, "c");
                children.add(c);
                await().atMost(Duration.ofSeconds(120)).until(() ->
                        CrashRig.count(db, "select count(*) from sms where status = 'SENT'") == SMS);

                Map<String, Long> perRecipient = smsc.submitted().stream()
                        .collect(Collectors.groupingBy(TestSmsc.Submitted::destination, Collectors.counting()));
                long duplicates = perRecipient.values().stream().mapToLong(n -> n - 1).sum();
                long inDoubt = CrashRig.count(db, "select count(*) from sms_attempt where error like 'in doubt: handed%'");
                System.out.printf("SMPP kill -9: A had %d SMS handed over at its kill, B %d; %d recovered as in doubt; "
                        + "%d submit_sm for %d recipients, %d duplicates%n", handedByA, handedByB, inDoubt,
                        smsc.submitted().size(), perRecipient.size(), duplicates);

                assertThat(perRecipient).as("every recipient reached the SMSC").hasSize(SMS);
                assertThat(handedByA).as("in doubt at A's kill").isLessThan(BOUND_PER_KILL);
                assertThat(handedByB).as("in doubt at B's kill").isLessThan(BOUND_PER_KILL);
                assertThat(handedByA + handedByB).as("a kill mid-broadcast finds SMS on the wire").isPositive();
                assertThat(inDoubt).isEqualTo(handedByA + handedByB);
                assertThat(duplicates).as("only SMS handed over at a kill can arrive twice")
                        .isLessThanOrEqualTo(handedByA + handedByB);
            } finally {
                for (CrashRig.Child child : children) {
                    child.process().destroyForcibly();
                    child.process().waitFor();
                }
            }
        }
    }

    /** Kills {@code child} with SIGKILL once the SMSC has accepted {@code submits}; returns its SMS handed over then. */
    private static long killWhen(TestSmsc smsc, int submits, CrashRig.Child child, String db) throws Exception {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(1))
                .until(() -> smsc.submitted().size() >= submits);
        child.process().destroyForcibly();
        child.process().waitFor();
        return CrashRig.count(db, "select count(*) from sms where status = 'SENDING' and " + CrashRig.HANDED
                + " and claim_owner like '" + child.process().pid() + "@%'");
    }

    private static CrashRig.Child start(String db, TestSmsc smsc, String name) throws IOException {
        String ch = "-Dhermod.smpp.channels[0].";
        return CrashRig.start(db, "smpp-" + name, List.of(ch + "name=smpp1", ch + "host=127.0.0.1",
                ch + "port=" + smsc.port(), ch + "system-id=school", ch + "password=s3cretpw", ch + "source-address=Skolen",
                ch + "binds=2", ch + "window=10", ch + "delivery-receipts=false", "-Dhermod.outbox.default-channel=smpp1",
                "-Dhermod.outbox.batch-size=" + BATCH, "-Dhermod.outbox.poll-interval=50ms",
                "-Dhermod.outbox.claim-timeout=2s", "-Dhermod.outbox.lease-renewal=500ms",
                "-Dhermod.jobs.outbox-housekeeping.schedule=* * * * * ?"));
    }

}

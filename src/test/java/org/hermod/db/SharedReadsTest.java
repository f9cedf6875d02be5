package org.hermod.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SharedReadsTest {

    /**
     * The "database" is a counter that writers bump; each read returns the value it saw when it began. A caller
     * records the counter before asking: the value it gets must be at least that (read after it asked).
     */
    @Test
    void everyCallerGetsAValueReadAfterItAskedAndConcurrentCallersShareReads() throws Exception {
        AtomicLong version = new AtomicLong();
        AtomicInteger reads = new AtomicInteger();
        SharedReads<String, Long> shared = new SharedReads<>(key -> {
            reads.incrementAndGet();
            long seen = version.get();
            sleep(2); // a database round trip
            return seen;
        });
        int threads = 16;
        int callsEach = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; i < 2000; i++) {
                    version.incrementAndGet();
                    sleep(1);
                }
            });
            List<Future<Integer>> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                callers.add(pool.submit(() -> {
                    int stale = 0;
                    for (int i = 0; i < callsEach; i++) {
                        long asked = version.get();
                        if (shared.get("admin") < asked) {
                            stale++;
                        }
                    }
                    return stale;
                }));
            }
            for (Future<Integer> f : callers) {
                assertThat(f.get(2, TimeUnit.MINUTES)).as("answers read before the caller asked").isZero();
            }
            writer.cancel(true);
        } finally {
            pool.shutdownNow();
        }
        assertThat(reads.get()).as("reads for %d calls", threads * callsEach).isLessThan(threads * callsEach / 3);
    }

    @Test
    void aFailedReadFailsItsCallersAndTheNextCallReadsAgain() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        CountDownLatch inRead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SharedReads<String, String> shared = new SharedReads<>(key -> {
            if (reads.incrementAndGet() == 1) {
                inRead.countDown();
                await(release);
                throw new IllegalStateException("database down");
            }
            return "row";
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = pool.submit(() -> shared.get("k"));
            inRead.await(10, TimeUnit.SECONDS);
            Future<String> second = pool.submit(() -> shared.get("k")); // waits: the running read began before it
            Thread.sleep(50);
            assertThat(second.isDone()).isFalse();
            release.countDown();
            assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("row");
            assertThat(shared.get("k")).isEqualTo("row");
            assertThat(reads.get()).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.hermod.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Feeds sendsms the way a Kannel-based system does: one GET per SMS, {@code concurrency} requests in flight, each
 * on its own thread with the JDK HttpClient's blocking {@code send} (HTTP/1.1, kept-alive connections).
 *
 * <p>Not {@code sendAsync}: on a machine with 2 cores the common ForkJoinPool has a parallelism of 1, so the JDK
 * client completes every async answer on a new thread (CompletableFuture's thread-per-task fallback): 10,000
 * threads started per run in the benchmark's JVM, which also runs Hermod and the SMSC.
 */
final class SendsmsFeeder {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    /** What a feed did: answers that were 202, and the others by status and body (or exception). */
    record Result(int accepted, Map<String, Integer> failures, long elapsedMs) {
    }

    private SendsmsFeeder() {
    }

    /** Sends the {@code count} requests {@code uri.apply(0..count-1)} and returns once all have answered. */
    static Result feed(int count, int concurrency, IntFunction<URI> uri) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>(concurrency);
        long start = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            Thread thread = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    String failure;
                    try {
                        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri.apply(i))
                                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                        failure = r.statusCode() == 202 ? null : r.statusCode() + " " + r.body();
                    } catch (Exception e) {
                        failure = e.toString();
                    }
                    if (failure == null) {
                        accepted.incrementAndGet();
                    } else {
                        failures.computeIfAbsent(failure, k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            }, "sendsms-feeder-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        Map<String, Integer> counted = new java.util.TreeMap<>();
        failures.forEach((k, v) -> counted.put(k, v.get()));
        return new Result(accepted.get(), counted, ms);
    }
}

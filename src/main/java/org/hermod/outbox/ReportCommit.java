package org.hermod.outbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hermod.channel.ReceiptListener;

/**
 * Stores delivery reports that arrive together in one go (group commit), for a channel whose provider sends one
 * report per message and waits for each answer (SMPP deliver_sm). Receiving threads hand over a report and wait; one
 * writer takes whatever has arrived meanwhile, at most {@code maxGroup}, hands their texts to the
 * {@link ReceiptListener} and applies them with {@link DeliveryReports#applyAll}, and answers each thread as soon as
 * that has committed (settling their SMS follows, while the next receipts arrive).
 * So the promise is {@link DeliveryReports#apply}'s: when {@link #apply} returns, the report is stored; a receiving
 * thread acknowledges the report to the provider only then, and one whose group failed is refused and delivered again.
 * Without grouping, every report cost three transactions of its own.
 *
 * <p>If a group fails, each of its reports is tried again alone, so a report that cannot be stored fails alone.
 */
public final class ReportCommit implements AutoCloseable {

    /** A report as received, with its text for the listener (Kannel's {@code %A}). */
    public record Received(DeliveryReports.Incoming report, String text) {
    }

    private record Pending(Received received, CompletableFuture<Boolean> done) {
    }

    private static final Pending STOP = new Pending(null, null);

    private final DeliveryReports reports;
    private final ReceiptListener listener;
    private final int maxGroup;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private boolean closed; // guarded by queue

    public ReportCommit(DeliveryReports reports, ReceiptListener listener, int maxGroup, String name) {
        this.reports = reports;
        this.listener = listener;
        this.maxGroup = maxGroup;
        this.writer = new Thread(this::run, "report-commit-" + name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Stores the report with the others that came with it; returns once committed, as {@link DeliveryReports#apply}. */
    public boolean apply(Received received) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        synchronized (queue) { // nothing is queued after STOP, so every queued report is answered
            if (closed) {
                throw stopping();
            }
            queue.add(new Pending(received, done));
        }
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the commit; the report may or may not be "
                    + "stored (a report is stored once however often it comes)", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static IllegalStateException stopping() {
        return new IllegalStateException("Hermod is stopping: the report was not stored");
    }

    private void run() {
        List<Pending> group = new ArrayList<>(maxGroup);
        boolean stop = false;
        while (!stop) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(group, maxGroup - 1);
            stop = group.remove(STOP);
            if (!group.isEmpty()) {
                write(group);
            }
            group.clear();
        }
        for (Pending p = queue.poll(); p != null; p = queue.poll()) {
            if (p != STOP) {
                p.done().completeExceptionally(stopping());
            }
        }
    }

    private void write(List<Pending> group) {
        try {
            Map<String, List<ReceiptListener.Receipt>> texts = new LinkedHashMap<>();
            for (Pending p : group) {
                DeliveryReports.Incoming r = p.received().report();
                texts.computeIfAbsent(r.channel(), k -> new ArrayList<>())
                        .add(new ReceiptListener.Receipt(r.providerId(), p.received().text()));
            }
            texts.forEach(listener::receipts);
            // answered once stored, before their SMS are settled: the next receipts come while this group settles
            reports.applyAll(group.stream().map(p -> p.received().report()).toList(), applied -> {
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).done().complete(applied.get(i));
                }
            });
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                group.get(0).done().completeExceptionally(e);
                return;
            }
            for (Pending p : group) {
                write(List.of(p));
            }
        } catch (Error e) {
            group.forEach(p -> p.done().completeExceptionally(e));
            throw e;
        }
    }

    /** Stores what is waiting, then stops; reports that come later are refused (and delivered again). */
    @Override
    public void close() {
        synchronized (queue) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

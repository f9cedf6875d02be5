package org.hermod.channel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Marks a batch as handed over a little ahead of the sending, for channels that keep several SMS in flight (an
 * SMPP window, parallel web requests). Senders {@link #take} the batch's SMS one by one; the batch is marked in
 * chunks of half the window, and taking the first SMS of a chunk starts marking the next one, so marking overlaps
 * sending; the outcomes {@link #answered} since the last mark are stored with it. At any time fewer than
 * {@code window} SMS are marked and not yet taken, and about half a window answered but not stored: with the
 * channel's own limit of {@code window} in flight, a crash leaves a few windows in doubt, whatever the batch size.
 */
public final class HandoverGate {

    /** The next SMS to send; {@code refused} says why it must not go (its mark failed), else null. */
    public record Turn(OutgoingSms sms, String refused) {
        public boolean mayGo() {
            return refused == null;
        }
    }

    private final List<OutgoingSms> batch;
    private final int chunk;
    private final Handover handover;
    private final Executor executor;
    private final CompletableFuture<?>[] marks;
    private final AtomicInteger next = new AtomicInteger();
    private final java.util.concurrent.ConcurrentLinkedQueue<SendOutcome> answered = new java.util.concurrent.ConcurrentLinkedQueue<>();

    public HandoverGate(List<OutgoingSms> batch, int window, Handover handover, Executor executor) {
        this.batch = batch;
        this.chunk = Math.max(1, (window + 1) / 2);
        this.handover = handover;
        this.executor = executor;
        this.marks = new CompletableFuture<?>[(batch.size() + chunk - 1) / chunk];
    }

    /** The batch's next SMS once it is marked, in the batch's order; null when every SMS was taken. */
    public Turn take() {
        int i = next.getAndIncrement();
        if (i >= batch.size()) {
            return null;
        }
        int k = i / chunk;
        if (i % chunk == 0) {
            mark(k + 1);
        }
        try {
            mark(k).join();
            return new Turn(batch.get(i), null);
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Turn(batch.get(i), "not handed over, its mark could not be stored: " + cause.getMessage());
        }
    }

    /** An SMS's outcome, stored with the next mark rather than only at the end of the batch. */
    public void answered(SendOutcome outcome) {
        answered.add(outcome);
    }

    /**
     * Stores the outcomes answered since the last mark now, when the batch is done, rather than after the channel's
     * own end-of-batch work. A failure here is left to the dispatcher, which stores every outcome again.
     */
    public void flush() {
        List<SendOutcome> rest = drainAnswered();
        if (!rest.isEmpty()) {
            try {
                handover.record(List.of(), rest);
            } catch (RuntimeException e) {
                // the dispatcher's own store of the batch follows
            }
        }
    }

    private List<SendOutcome> drainAnswered() {
        List<SendOutcome> drained = new java.util.ArrayList<>();
        for (SendOutcome o; (o = answered.poll()) != null; ) {
            drained.add(o);
        }
        return drained;
    }

    /** Chunk k's mark, started after chunk k-1's, so a failed mark fails every later one too. */
    private synchronized CompletableFuture<?> mark(int k) {
        if (k >= marks.length) {
            return CompletableFuture.completedFuture(null);
        }
        if (marks[k] == null) {
            CompletableFuture<?> before = k == 0 ? CompletableFuture.completedFuture(null) : mark(k - 1);
            List<Long> ids = batch.subList(k * chunk, Math.min(batch.size(), (k + 1) * chunk)).stream()
                    .map(OutgoingSms::id).toList();
            marks[k] = before.thenRunAsync(() -> handover.record(ids, drainAnswered()), executor);
        }
        return marks[k];
    }
}

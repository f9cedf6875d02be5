package org.hermod.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * Marks a batch as handed over a little ahead of the sending, for channels that keep several SMS in flight (an
 * SMPP window, parallel web requests). Senders {@link #take} the batch's SMS one by one, in order; each waits until
 * its SMS is marked. Marks run one after the other, each as soon as the one before has committed, and each covers
 * what the window leaves room for: at least half the window (or the rest of the batch), so that a mark's round trip
 * is not paid per SMS, and never so much that more than {@code window} SMS are marked and not yet taken. The
 * outcomes {@link #answered} since the last mark are stored with the next one. With the channel's own limit of
 * {@code window} in flight, a crash leaves a few windows in doubt, whatever the batch size.
 *
 * <p>Why back to back rather than a fixed chunk per mark: a sender that finds its SMS not yet marked waits for the
 * database, and on a busy machine a mark takes longer than the window takes to send half a window; a fixed chunk then
 * capped the rate at half a window per round trip. A mark that starts when the previous one ends takes whatever came
 * free meanwhile, up to the window, so the marks keep up as long as one round trip is shorter than a window's worth
 * of sending.
 */
public final class HandoverGate {

    /** The next SMS to send; {@code refused} says why it must not go (its mark failed), else null. */
    public record Turn(OutgoingSms sms, String refused) {
        public boolean mayGo() {
            return refused == null;
        }
    }

    private final List<OutgoingSms> batch;
    private final int window;
    private final int least;
    private final Handover handover;
    private final Executor executor;
    private final ConcurrentLinkedQueue<SendOutcome> answered = new ConcurrentLinkedQueue<>();
    // guarded by this
    private int next;          // SMS given to senders by take()
    private int requested;     // SMS covered by the marks started
    private int marked;        // SMS covered by the marks committed
    private boolean marking;   // a mark is running
    private String failed;     // why the marks stopped: no SMS from `marked` on may go

    private HandoverGate(List<OutgoingSms> batch, int window, Handover handover, Executor executor) {
        this.batch = batch;
        this.window = Math.max(1, window);
        this.least = Math.max(1, (this.window + 1) / 2);
        this.handover = handover;
        this.executor = executor;
    }

    /**
     * A gate for {@code batch} whose first mark (up to a window) starts at once, on {@code executor}, so the first
     * senders find their SMS marked.
     */
    public static HandoverGate open(List<OutgoingSms> batch, int window, Handover handover, Executor executor) {
        HandoverGate gate = new HandoverGate(batch, window, handover, executor);
        synchronized (gate) {
            gate.markMore();
        }
        return gate;
    }

    /** The batch's next SMS once it is marked, in the batch's order; null when every SMS was taken. */
    public synchronized Turn take() {
        if (next >= batch.size()) {
            return null;
        }
        int i = next++;
        markMore();
        boolean interrupted = false;
        while (marked <= i && failed == null) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new Turn(batch.get(i), marked > i ? null : failed);
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
        List<SendOutcome> drained = new ArrayList<>();
        for (SendOutcome o; (o = answered.poll()) != null; ) {
            drained.add(o);
        }
        return drained;
    }

    /**
     * Starts the next mark if none is running and the window has room for at least half a window (or the rest of the
     * batch). A failed mark stops every later one, so nothing after it goes. Called holding the lock.
     */
    private void markMore() {
        if (marking || failed != null || requested >= batch.size()) {
            return;
        }
        int room = window - Math.max(0, requested - next);
        int rest = batch.size() - requested;
        if (room < Math.min(least, rest)) {
            return;
        }
        int from = requested;
        int to = from + Math.min(room, rest);
        List<Long> ids = batch.subList(from, to).stream().map(OutgoingSms::id).toList();
        requested = to;
        marking = true;
        try {
            executor.execute(() -> record(ids, to));
        } catch (RuntimeException e) { // the executor is shut down
            marked(to, "not handed over, its mark could not be started: " + e.getMessage());
        }
    }

    private void record(List<Long> ids, int to) {
        String why = null;
        try {
            handover.record(ids, drainAnswered());
        } catch (RuntimeException e) {
            why = "not handed over, its mark could not be stored: " + e.getMessage();
        }
        synchronized (this) {
            marked(to, why);
        }
    }

    /** A mark up to {@code to} ended, committed ({@code why} null) or not. Called holding the lock. */
    private void marked(int to, String why) {
        marking = false;
        if (why == null) {
            marked = to;
        } else {
            failed = why;
        }
        notifyAll();
        markMore();
    }
}

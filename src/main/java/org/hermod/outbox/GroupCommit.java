package org.hermod.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hermod.Problem;
import org.hermod.db.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits concurrent small send requests together (group commit), for senders that make one request per SMS
 * (Kannel's sendsms). A caller hands over a planned request ({@link Outbox#plan}, so it is validated before it
 * joins a group) and waits; one writer thread takes whatever has arrived meanwhile, at most {@code maxGroup}
 * requests, stores them in one transaction ({@link Outbox#storeAll}: one batch of request rows, one bulk insert of
 * their SMS) with each request's own rows ({@link WithSms}, e.g. its delivery report callbacks), commits, and only
 * then answers each caller. The promise is the same as {@link Outbox#send}: when {@link #send} returns, the SMS are
 * stored. No request waits for a timer: an idle writer takes the first request at once, and the requests that
 * arrive while it commits form the next group.
 *
 * <p>One request's failure does not fail the others: if the group's transaction fails, each of its requests is
 * tried again alone, in its own transaction, and gets its own outcome.
 *
 * <p>What it does not know: HTTP, Kannel, or what the {@link WithSms} rows mean.
 */
public final class GroupCommit implements AutoCloseable {

    /** Rows that must commit with a request's SMS, written in the same transaction right after them. */
    @FunctionalInterface
    public interface WithSms {
        WithSms NOTHING = (c, queued) -> { };

        void write(Connection c, Outbox.Queued queued) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final Duration SUMMARY_EVERY = Duration.ofMinutes(1);

    private record Pending(Outbox.Plan plan, String requestedBy, WithSms withSms,
                           CompletableFuture<Outbox.Queued> done) {
    }

    private static final Pending STOP = new Pending(null, null, null, null);

    private final Jdbc jdbc;
    private final Outbox outbox;
    private final Clock clock;
    private final int maxGroup;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private boolean closed; // guarded by queue
    // touched by the writer thread only
    private Instant summarySince;
    private long requests;
    private long sms;
    private long groups;
    private long retriedAlone;

    public GroupCommit(Jdbc jdbc, Outbox outbox, Clock clock, int maxGroup, String name) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.clock = clock;
        this.maxGroup = maxGroup;
        this.summarySince = clock.instant();
        this.writer = new Thread(this::run, "group-commit-" + name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Stores the planned request, with {@code withSms} in the same transaction, and returns once it is committed.
     * Throws what storing it alone threw (a {@link Problem}, a {@link Jdbc.DataException}).
     */
    public Outbox.Queued send(Outbox.Plan plan, String requestedBy, WithSms withSms) {
        CompletableFuture<Outbox.Queued> done = new CompletableFuture<>();
        synchronized (queue) { // nothing is queued after STOP, so every queued request is answered
            if (closed) {
                throw stopping();
            }
            queue.add(new Pending(plan, requestedBy, withSms, done));
        }
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the commit; the SMS may or may not be "
                    + "stored", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static IllegalStateException stopping() {
        return new IllegalStateException("Hermod is stopping: the request was not stored; send it again");
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
            List<Outbox.Queued> queued = store(group);
            for (int i = 0; i < group.size(); i++) {
                group.get(i).done().complete(queued.get(i));
            }
            count(group, queued);
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                group.get(0).done().completeExceptionally(e);
                return;
            }
            LOG.debug("A group of {} requests failed to commit ({}); trying each alone", group.size(), e.toString());
            retriedAlone += group.size();
            for (Pending p : group) {
                write(List.of(p));
            }
        } catch (Error e) {
            group.forEach(p -> p.done().completeExceptionally(e));
            throw e;
        }
    }

    private List<Outbox.Queued> store(List<Pending> group) {
        return jdbc.tx(c -> {
            List<Outbox.Queued> queued = outbox.storeAll(c, group.stream().map(Pending::plan).toList(),
                    group.stream().map(Pending::requestedBy).toList());
            for (int i = 0; i < group.size(); i++) {
                group.get(i).withSms().write(c, queued.get(i));
            }
            return queued;
        });
    }

    /** One INFO line a minute at most, instead of one per request. */
    private void count(List<Pending> group, List<Outbox.Queued> queued) {
        requests += group.size();
        groups++;
        sms += queued.stream().mapToLong(q -> q.plan().accepted()).sum();
        Instant now = clock.instant();
        if (Duration.between(summarySince, now).compareTo(SUMMARY_EVERY) >= 0) {
            LOG.info("{}: {} requests, {} SMS queued in {} commits since {} ({} requests retried alone after a failed "
                    + "group)", writer.getName(), requests, sms, groups, summarySince, retriedAlone);
            summarySince = now;
            requests = 0;
            sms = 0;
            groups = 0;
            retriedAlone = 0;
        }
    }

    /** Writes what is waiting, then stops; requests that come later are refused. */
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

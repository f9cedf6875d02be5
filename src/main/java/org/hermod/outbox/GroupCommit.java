package org.hermod.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hermod.Problem;
import org.hermod.db.GroupWriter;
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

    private record Request(Outbox.Plan plan, String requestedBy, WithSms withSms) {
    }

    private final Jdbc jdbc;
    private final Outbox outbox;
    private final Clock clock;
    private final GroupWriter<Request, Outbox.Queued> writer;
    // touched by the writer thread only
    private Instant summarySince;
    private long requests;
    private long sms;
    private long groups;
    private long retriedBefore;

    public GroupCommit(Jdbc jdbc, Outbox outbox, Clock clock, int maxGroup, String name) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.clock = clock;
        this.summarySince = clock.instant();
        this.writer = new GroupWriter<>("group-commit-" + name, maxGroup, this::store, GroupCommit::stopping);
    }

    /**
     * Stores the planned request, with {@code withSms} in the same transaction, and returns once it is committed.
     * Throws what storing it alone threw (a {@link Problem}, a {@link Jdbc.DataException}).
     */
    public Outbox.Queued send(Outbox.Plan plan, String requestedBy, WithSms withSms) {
        return writer.submit(new Request(plan, requestedBy, withSms));
    }

    private static IllegalStateException stopping() {
        return new IllegalStateException("Hermod is stopping: the request was not stored; send it again");
    }

    private void store(List<Request> group, java.util.function.Consumer<List<Outbox.Queued>> committed) {
        List<Outbox.Queued> queued = jdbc.tx(c -> {
            List<Outbox.Queued> stored = outbox.storeAll(c, group.stream().map(Request::plan).toList(),
                    group.stream().map(Request::requestedBy).toList());
            for (int i = 0; i < group.size(); i++) {
                group.get(i).withSms().write(c, stored.get(i));
            }
            return stored;
        });
        committed.accept(queued);
        count(group, queued);
    }

    /** One INFO line a minute at most, instead of one per request. */
    private void count(List<Request> group, List<Outbox.Queued> queued) {
        requests += group.size();
        groups++;
        sms += queued.stream().mapToLong(q -> q.plan().accepted()).sum();
        Instant now = clock.instant();
        if (Duration.between(summarySince, now).compareTo(SUMMARY_EVERY) >= 0) {
            long retried = writer.retriedAlone();
            LOG.info("{}: {} requests, {} SMS queued in {} commits since {} ({} requests retried alone after a failed "
                    + "group)", writer.name(), requests, sms, groups, summarySince, retried - retriedBefore);
            summarySince = now;
            requests = 0;
            sms = 0;
            groups = 0;
            retriedBefore = retried;
        }
    }

    /** Writes what is waiting, then stops; requests that come later are refused. */
    @Override
    public void close() {
        writer.close();
    }
}

package org.hermod.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Group commit: callers hand over an item each and wait; one writer thread takes whatever has arrived meanwhile, at
 * most {@code maxGroup}, stores them together and answers each caller once they are committed. No item waits for a
 * timer: an idle writer takes the first at once, and what arrives while it commits forms the next group. If a group
 * fails before it was answered, each of its items is stored again alone, so a bad item fails alone.
 *
 * <p>Written here rather than taken from a library: the group must be one database transaction of Hermod's, and its
 * callers block on a plain thread (a Vert.x worker, a jSMPP receiver); a reactive batching library would bring its
 * own threads and scheduling for a queue and a loop.
 *
 * @param <I> what a caller hands over
 * @param <O> what it gets back
 */
public final class GroupWriter<I, O> implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GroupWriter.class);

    /** Stores a group; calls {@code committed} with one result per item, in order, as soon as they are stored. */
    @FunctionalInterface
    public interface Store<I, O> {
        void store(List<I> group, Consumer<List<O>> committed);
    }

    private record Pending<I, O>(I item, CompletableFuture<O> done) {
    }

    private final Pending<I, O> stop = new Pending<>(null, null);
    private final int maxGroup;
    private final Store<I, O> store;
    private final Supplier<RuntimeException> stopping;
    private final BlockingQueue<Pending<I, O>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private boolean closed; // guarded by queue
    private volatile long retriedAlone;

    /** {@code stopping}: what a caller gets whose item was not stored because the writer stopped. */
    public GroupWriter(String name, int maxGroup, Store<I, O> store, Supplier<RuntimeException> stopping) {
        this.maxGroup = maxGroup;
        this.store = store;
        this.stopping = stopping;
        this.writer = new Thread(this::run, name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Stores {@code item} with the others that came with it; returns once committed, or throws what storing it alone threw. */
    public O submit(I item) {
        CompletableFuture<O> done = new CompletableFuture<>();
        synchronized (queue) { // nothing is queued after the stop mark, so every queued item is answered
            if (closed) {
                throw stopping.get();
            }
            queue.add(new Pending<>(item, done));
        }
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the commit; it may or may not be stored", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Items stored again alone after their group failed, since the start. */
    public long retriedAlone() {
        return retriedAlone;
    }

    public String name() {
        return writer.getName();
    }

    private void run() {
        List<Pending<I, O>> group = new ArrayList<>(maxGroup);
        boolean stopped = false;
        while (!stopped) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(group, maxGroup - 1);
            stopped = group.remove(stop);
            if (!group.isEmpty()) {
                write(group);
            }
            group.clear();
        }
        for (Pending<I, O> p = queue.poll(); p != null; p = queue.poll()) {
            if (p != stop) {
                p.done().completeExceptionally(stopping.get());
            }
        }
    }

    private void write(List<Pending<I, O>> group) {
        try {
            store.store(group.stream().map(Pending::item).toList(), results -> {
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).done().complete(results.get(i));
                }
            });
            group.stream().filter(p -> !p.done().isDone()).forEach(p -> p.done().completeExceptionally(
                    new IllegalStateException(writer.getName() + " stored a group without answering it")));
        } catch (RuntimeException e) {
            // answered items are committed: storing them again would store them twice
            List<Pending<I, O>> open = group.stream().filter(p -> !p.done().isDone()).toList();
            if (open.size() < group.size()) {
                LOG.warn("{}: after a group of {} was stored and answered: {}", writer.getName(), group.size(),
                        e.toString(), e);
            }
            if (open.size() == 1 && group.size() == 1) {
                open.get(0).done().completeExceptionally(e);
                return;
            }
            retriedAlone += open.size();
            for (Pending<I, O> p : open) {
                write(List.of(p));
            }
        } catch (Error e) {
            group.forEach(p -> p.done().completeExceptionally(e));
            throw e;
        }
    }

    /** Stores what is waiting, then stops; items handed over later are refused. */
    @Override
    public void close() {
        synchronized (queue) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(stop);
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.hermod.db;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Concurrent reads of the same key share one database read, and every caller still gets a value read after it
 * asked. A caller joins the next read that has not started yet; if a read of its key is running, which may have
 * begun before the caller asked, the caller waits for it to end and then for the next one. So at most two reads of a
 * key are ever in sight (one running, one gathering callers), however many callers ask at once.
 *
 * <p>For rows read on every request to stay current (an API user's row on each Kannel sendsms request, so that a
 * changed password or a deleted user counts at once): with 50 requests in flight for one user, the row is read a few
 * times per database round trip instead of 50 times. Neither Caffeine nor Guava offer this: their loading caches
 * share a load in progress, which may have started before the caller asked, and so could hand it a stale row.
 */
public final class SharedReads<K, V> {

    /** One read: the callers waiting for it, and its result. */
    private static final class Read<V> {
        final CompletableFuture<V> result = new CompletableFuture<>();
    }

    /** Per key: the read running now (if any) and the one gathering callers for after it (if any). */
    private static final class Slot<V> {
        Read<V> running;
        Read<V> next;
    }

    private final Function<K, V> read;
    private final Map<K, Slot<V>> slots = new HashMap<>();

    public SharedReads(Function<K, V> read) {
        this.read = read;
    }

    /** The value for {@code key}, read after this call began (possibly shared with concurrent callers). */
    public V get(K key) {
        Read<V> gathering;
        Read<V> mine = null;
        Read<V> before = null;
        synchronized (slots) {
            Slot<V> slot = slots.computeIfAbsent(key, k -> new Slot<>());
            gathering = slot.next;
            if (gathering == null) {
                mine = new Read<>();
                before = slot.running;
                if (before == null) {
                    slot.running = mine;
                } else {
                    slot.next = mine;
                }
            }
        }
        if (gathering != null) {
            return join(gathering); // a read that has not started yet: it reads after this call began
        }
        if (before != null) {
            before.result.handle((v, e) -> null).join(); // whatever it read may be older than this call
            synchronized (slots) {
                Slot<V> slot = slots.get(key);
                slot.next = null;
                slot.running = mine;
            }
        }
        V value = null;
        Throwable failure = null;
        try {
            value = read.apply(key);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        synchronized (slots) { // before the callers wake: the next read must find this one ended
            Slot<V> slot = slots.get(key);
            slot.running = null;
            if (slot.next == null) {
                slots.remove(key);
            }
        }
        if (failure != null) {
            mine.result.completeExceptionally(failure);
        } else {
            mine.result.complete(value);
        }
        return join(mine);
    }

    private static <V> V join(Read<V> r) {
        try {
            return r.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}

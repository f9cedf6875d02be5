package org.hermod.sis;

import java.nio.charset.StandardCharsets;

/**
 * The ids of one file with the line each first appeared on, kept compactly: a 64-bit fingerprint of the id
 * and the line in two open-addressing arrays, about 20 bytes an id instead of the 100 or so a
 * {@code HashMap<String, Integer>} entry costs (300,000 enrollments: about 6 MB instead of 30 MB).
 * Two different ids share a fingerprint with a probability of about n²/2⁶⁵ (4·10⁻⁹ for 400,000 ids); such a
 * pair would be reported as a duplicate. Hand-written because the JDK has no primitive long map.
 */
final class IdLines {

    private static final long EMPTY = 0L;

    private long[] keys = new long[1024];
    private int[] lines = new int[1024];
    private int size;

    /** Records {@code id} at {@code line}; returns the line it was first seen on, or null if it is new. */
    Integer putIfAbsent(String id, int line) {
        long key = fingerprint(id);
        int slot = find(key);
        if (keys[slot] == key) {
            return lines[slot];
        }
        keys[slot] = key;
        lines[slot] = line;
        if (++size * 10 > keys.length * 6) {
            grow();
        }
        return null;
    }

    Integer get(String id) {
        long key = fingerprint(id);
        int slot = find(key);
        return keys[slot] == key ? lines[slot] : null;
    }

    boolean contains(String id) {
        return get(id) != null;
    }

    private int find(long key) {
        int mask = keys.length - 1;
        int slot = (int) (key ^ (key >>> 32)) & mask;
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldLines = lines;
        keys = new long[oldKeys.length * 2];
        lines = new int[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = find(oldKeys[i]);
                keys[slot] = oldKeys[i];
                lines[slot] = oldLines[i];
            }
        }
    }

    /** FNV-1a 64 over the UTF-8 bytes, never 0 (0 marks an empty slot). */
    static long fingerprint(String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 29;
        return h == EMPTY ? 1 : h;
    }
}

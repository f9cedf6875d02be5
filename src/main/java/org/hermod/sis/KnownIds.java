package org.hermod.sis;

import java.util.EnumMap;
import java.util.Map;

/**
 * The sourcedIds read so far from each file, with the line each first appeared on, and which of
 * them were rejected. This is all the state an import keeps across rows.
 */
final class KnownIds {

    private final Map<OneRosterFile, IdLines> firstLines = new EnumMap<>(OneRosterFile.class);
    private final Map<OneRosterFile, IdLines> rejected = new EnumMap<>(OneRosterFile.class);

    /** Records {@code id} at {@code line}; returns the line it was first seen on if it was seen before. */
    Integer add(OneRosterFile file, String id, int line) {
        return firstLines.computeIfAbsent(file, f -> new IdLines()).putIfAbsent(id, line);
    }

    void reject(OneRosterFile file, String id) {
        rejected.computeIfAbsent(file, f -> new IdLines()).putIfAbsent(id, 0);
    }

    Integer firstLine(OneRosterFile file, String id) {
        IdLines ids = firstLines.get(file);
        return ids == null ? null : ids.get(id);
    }

    boolean isRejected(OneRosterFile file, String id) {
        IdLines ids = rejected.get(file);
        return ids != null && ids.contains(id);
    }
}

package org.hermod.sis;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The sourcedIds read so far from each file, with the line each first appeared on, and which of
 * them were rejected. This is all the state an import keeps across rows.
 */
final class KnownIds {

    private final Map<OneRosterFile, Map<String, Integer>> firstLines = new EnumMap<>(OneRosterFile.class);
    private final Map<OneRosterFile, Set<String>> rejected = new EnumMap<>(OneRosterFile.class);

    /** Records {@code id} at {@code line}; returns the line it was first seen on if it was seen before. */
    Integer add(OneRosterFile file, String id, int line) {
        return firstLines.computeIfAbsent(file, f -> new HashMap<>()).putIfAbsent(id, line);
    }

    void reject(OneRosterFile file, String id) {
        rejected.computeIfAbsent(file, f -> new HashSet<>()).add(id);
    }

    Integer firstLine(OneRosterFile file, String id) {
        return firstLines.getOrDefault(file, Map.of()).get(id);
    }

    boolean isRejected(OneRosterFile file, String id) {
        return rejected.getOrDefault(file, Set.of()).contains(id);
    }
}

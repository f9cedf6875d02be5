package org.hermod.sis;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The sourcedIds read so far from the small files of an export (sessions, orgs, courses, classes: a few thousand
 * at most), with the line each first appeared on, and which of them were rejected. Users and enrollments, the files
 * that grow with the school, are not kept here: their ids are checked by the sink ({@link Sink#onReferences}).
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
        Map<String, Integer> ids = firstLines.get(file);
        return ids == null ? null : ids.get(id);
    }

    boolean isRejected(OneRosterFile file, String id) {
        Set<String> ids = rejected.get(file);
        return ids != null && ids.contains(id);
    }
}

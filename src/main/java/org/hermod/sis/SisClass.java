package org.hermod.sis;

import java.util.List;

/** A class or team; {@code classType} is {@code homeroom} or {@code scheduled}. */
public record SisClass(
        String sourcedId, String title, String classType, String schoolSourcedId, List<String> termSourcedIds) {

    public SisClass {
        termSourcedIds = List.copyOf(termSourcedIds);
    }
}

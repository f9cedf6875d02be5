package org.hermod.sis;

import java.util.List;

/**
 * The OneRoster 1.1 CSV files Hermod reads, in the order they are read: each file's references
 * point only to files before it. Each lists the header columns it cannot do without: those of the
 * fields Hermod uses (docs/SIS.md, "Strict and lenient fields"); a column of the standard that
 * Hermod does not use may be missing.
 */
enum OneRosterFile {
    ACADEMIC_SESSIONS("academicSessions", "sourcedId", "title"),
    ORGS("orgs", "sourcedId", "name"),
    COURSES("courses", "sourcedId"),
    CLASSES("classes", "sourcedId", "title", "classType", "schoolSourcedId", "termSourcedIds"),
    USERS("users", "sourcedId", "role", "username", "givenName", "familyName"),
    ENROLLMENTS("enrollments", "sourcedId", "classSourcedId", "userSourcedId", "role");

    private final String baseName;
    private final List<String> requiredColumns;

    OneRosterFile(String baseName, String... requiredColumns) {
        this.baseName = baseName;
        this.requiredColumns = List.of(requiredColumns);
    }

    /** The name after {@code file.} in manifest.csv, e.g. {@code academicSessions}. */
    String baseName() {
        return baseName;
    }

    String fileName() {
        return baseName + ".csv";
    }

    List<String> requiredColumns() {
        return requiredColumns;
    }
}

package org.hermod.sis;

import java.util.Locale;
import java.util.Optional;

/** What a person is at school, as far as Hermod's messaging cares. */
public enum Role {
    STUDENT,
    TEACHER,
    /** OneRoster administrator, aide and proctor. */
    STAFF,
    /** OneRoster guardian, parent and relative. */
    GUARDIAN,
    /** Anyone a mapped file names with a role Hermod has no use for; OneRoster has no such value. */
    OTHER;

    /** The OneRoster 1.1 role names, for error messages. */
    public static final String ONEROSTER_VALUES =
            "administrator, aide, guardian, parent, proctor, relative, student, teacher";

    /** Maps a OneRoster 1.1 {@code roleType} (case-insensitive); empty for anything else. */
    public static Optional<Role> fromOneRoster(String value) {
        return Optional.ofNullable(switch (value.toLowerCase(Locale.ROOT)) {
            case "student" -> STUDENT;
            case "teacher" -> TEACHER;
            case "administrator", "aide", "proctor" -> STAFF;
            case "guardian", "parent", "relative" -> GUARDIAN;
            default -> null;
        });
    }
}

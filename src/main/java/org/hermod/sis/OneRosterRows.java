package org.hermod.sis;

import static org.hermod.sis.OneRosterFile.ACADEMIC_SESSIONS;
import static org.hermod.sis.OneRosterFile.CLASSES;
import static org.hermod.sis.OneRosterFile.COURSES;
import static org.hermod.sis.OneRosterFile.ORGS;
import static org.hermod.sis.OneRosterFile.USERS;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns the rows of one OneRoster file into records: checks required values, formats,
 * vocabularies, duplicate sourcedIds and references to rows of earlier files.
 *
 * <p>Strict on what Hermod uses, lenient on the rest (docs/SIS.md, "Strict and lenient fields"): a
 * bad value of a field the directory is written from rejects the row; one of a field Hermod does
 * not use ({@code dateLastModified}, an org's {@code type}, a session's dates, courses, a user's
 * orgs, an enrollment's dates) is a warning, and the row is taken.
 *
 * <p>Users have no start or end date in OneRoster 1.1. Hermod reads them, as an extension, from
 * the optional columns {@value #START_DATE} and {@value #END_DATE} (yyyy-MM-dd) when present.
 */
final class OneRosterRows {

    static final String START_DATE = "metadata.hermod.startDate";
    static final String END_DATE = "metadata.hermod.endDate";

    private static final Function<String, LocalDate> DATE = Parsers.date("yyyy-MM-dd");
    private static final Function<String, String> STATUS = Parsers.oneOf("active", "tobedeleted");
    private static final Function<String, String> CLASS_TYPE = Parsers.oneOf("homeroom", "scheduled");
    private static final Function<String, String> ORG_TYPE =
            Parsers.oneOf("department", "school", "district", "local", "state", "national");
    private static final Function<String, String> SESSION_TYPE =
            Parsers.oneOf("calendarYear", "gradingPeriod", "schoolYear", "semester", "term");
    private static final Function<String, Role> ROLE = Parsers.role(Role::fromOneRoster, Role.ONEROSTER_VALUES);
    private static final Function<String, List<String>> IDS = Parsers.list(",");
    /** The big files: their duplicate ids and the references to users are checked by the sink, in the database. */
    private static final Set<OneRosterFile> CHECKED_BY_SINK = EnumSet.of(USERS, OneRosterFile.ENROLLMENTS);

    private final KnownIds ids;
    private final boolean allowExternalReferences;
    private final boolean delta;

    /**
     * @param allowExternalReferences accept references to ids this export does not contain (they
     *                                may be in the database already); references to rows the
     *                                export rejected are errors either way
     * @param delta                   the file is a delta: status is required (dateLastModified too, by the
     *                                standard, but Hermod does not use it)
     */
    OneRosterRows(KnownIds ids, boolean allowExternalReferences, boolean delta) {
        this.ids = ids;
        this.allowExternalReferences = allowExternalReferences;
        this.delta = delta;
    }

    List<String> requiredColumns(OneRosterFile file) {
        List<String> columns = new ArrayList<>(file.requiredColumns());
        if (delta && (file == USERS || file == OneRosterFile.ENROLLMENTS)) {
            columns.add("status");
        }
        return columns;
    }

    void read(OneRosterFile file, RowCheck row, Sink sink) {
        String id = row.required("sourcedId");
        Integer firstLine = id == null || CHECKED_BY_SINK.contains(file) ? null : ids.add(file, id, row.line());
        if (firstLine != null) {
            row.reject("sourcedId", "duplicate sourcedId '" + id + "', first seen on line " + firstLine);
        }
        // status is used for users and enrollments (tobedeleted), not for the small files
        boolean statusUsed = CHECKED_BY_SINK.contains(file);
        String status = !statusUsed ? row.lenient("status", STATUS)
                : delta ? row.required("status", STATUS) : row.optional("status", STATUS);
        Instant modified = row.lenient("dateLastModified", Parsers::instant);
        switch (file) {
            case ACADEMIC_SESSIONS -> session(row, id, sink);
            case ORGS -> org(row, id, sink);
            case COURSES -> course(row, sink);
            case CLASSES -> sisClass(row, id, sink);
            case USERS -> user(row, id, status, modified, sink);
            case ENROLLMENTS -> enrollment(row, id, status, sink);
        }
        if (row.rejected() && id != null && firstLine == null) {
            if (file == USERS) {
                sink.onRejectedUser(id, row.origin("sourcedId"));
            } else {
                ids.reject(file, id);
            }
        }
    }

    private void session(RowCheck row, String id, Sink sink) {
        SisSession session = new SisSession(id, row.required("title"), row.lenient("type", SESSION_TYPE),
                row.lenient("startDate", DATE), row.lenient("endDate", DATE));
        if (session.startDate() != null && session.endDate() != null && session.endDate().isBefore(session.startDate())) {
            row.warn("endDate", "ends " + session.endDate() + " before it starts " + session.startDate());
        }
        if (row.report(sink)) {
            sink.onSession(session);
        }
    }

    private void org(RowCheck row, String id, Sink sink) {
        SisOrg org = new SisOrg(id, row.required("name"), row.lenient("type", ORG_TYPE));
        if (row.report(sink)) {
            sink.onOrg(org);
        }
    }

    private void course(RowCheck row, Sink sink) {
        // a course is only a name classes may refer to: nothing of it reaches the directory
        lenientReference(row, "orgSourcedId", ORGS, "org");
        row.report(sink);
    }

    private void sisClass(RowCheck row, String id, Sink sink) {
        SisClass sisClass = new SisClass(id, row.required("title"), row.required("classType", CLASS_TYPE),
                reference(row, "schoolSourcedId", ORGS, "org"),
                references(row, "termSourcedIds", ACADEMIC_SESSIONS, "term"));
        lenientReference(row, "courseSourcedId", COURSES, "course");
        if (row.report(sink)) {
            sink.onClass(sisClass);
        }
    }

    private void user(RowCheck row, String id, String status, Instant modified, Sink sink) {
        SisUser user = new SisUser(id, status, modified, row.required("username"),
                row.required("givenName"), row.required("familyName"), row.required("role", ROLE),
                row.phone(row.text("sms") != null ? "sms" : "phone"), row.email("email"),
                row.optional(START_DATE, DATE), row.optional(END_DATE, DATE),
                lenientReferences(row, "orgSourcedIds", ORGS, "org"), row.origin("sourcedId"));
        if (row.report(sink)) {
            sink.onUser(user);
        }
    }

    private void enrollment(RowCheck row, String id, String status, Sink sink) {
        // the user reference is the sink's to check (Sink#onReferences)
        SisEnrollment enrollment = new SisEnrollment(id, reference(row, "classSourcedId", CLASSES, "class"),
                row.required("userSourcedId"), row.required("role", ROLE),
                row.lenient("beginDate", DATE), row.lenient("endDate", DATE), status, row.origin("sourcedId"));
        if (row.report(sink)) {
            sink.onEnrollment(enrollment);
        }
    }

    private List<String> references(RowCheck row, String key, OneRosterFile target, String noun) {
        List<String> values = row.required(key, IDS);
        if (values == null) {
            return List.of();
        }
        values.forEach(value -> checkReference(row, key, target, noun, value));
        return values;
    }

    private String reference(RowCheck row, String key, OneRosterFile target, String noun) {
        String value = row.required(key);
        if (value != null) {
            checkReference(row, key, target, noun, value);
        }
        return value;
    }

    /** References Hermod does not use: the ids as written; an unknown or rejected one is a warning. */
    private List<String> lenientReferences(RowCheck row, String key, OneRosterFile target, String noun) {
        List<String> values = row.lenient(key, IDS);
        if (values == null) {
            return List.of();
        }
        values.forEach(value -> problem(key, target, noun, value).ifPresent(reason -> row.warn(key, reason)));
        return values;
    }

    private void lenientReference(RowCheck row, String key, OneRosterFile target, String noun) {
        String value = row.text(key);
        if (value != null) {
            problem(key, target, noun, value).ifPresent(reason -> row.warn(key, reason));
        }
    }

    private void checkReference(RowCheck row, String key, OneRosterFile target, String noun, String id) {
        problem(key, target, noun, id).ifPresent(reason -> row.reject(key, reason));
    }

    private Optional<String> problem(String key, OneRosterFile target, String noun, String id) {
        Integer line = ids.firstLine(target, id);
        if (line != null && ids.isRejected(target, id)) {
            return Optional.of(noun + " '" + id + "' was rejected (" + target.fileName() + ":" + line + ")");
        } else if (line == null && !allowExternalReferences) {
            return Optional.of("unknown " + noun + " '" + id + "'");
        }
        return Optional.empty();
    }
}

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
import java.util.function.Function;

/**
 * Turns the rows of one OneRoster file into records: checks required values, formats,
 * vocabularies, duplicate sourcedIds and references to rows of earlier files.
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
     * @param delta                   the file is a delta: status and dateLastModified are required
     */
    OneRosterRows(KnownIds ids, boolean allowExternalReferences, boolean delta) {
        this.ids = ids;
        this.allowExternalReferences = allowExternalReferences;
        this.delta = delta;
    }

    List<String> requiredColumns(OneRosterFile file) {
        List<String> columns = new ArrayList<>(file.requiredColumns());
        if (delta) {
            columns.addAll(List.of("status", "dateLastModified"));
        }
        return columns;
    }

    void read(OneRosterFile file, RowCheck row, Sink sink) {
        String id = row.required("sourcedId");
        Integer firstLine = id == null || CHECKED_BY_SINK.contains(file) ? null : ids.add(file, id, row.line());
        if (firstLine != null) {
            row.reject("sourcedId", "duplicate sourcedId '" + id + "', first seen on line " + firstLine);
        }
        String status = delta ? row.required("status", STATUS) : row.optional("status", STATUS);
        Instant modified = delta ? row.required("dateLastModified", Parsers::instant)
                : row.optional("dateLastModified", Parsers::instant);
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
        SisSession session = new SisSession(id, row.required("title"), row.required("type", SESSION_TYPE),
                row.required("startDate", DATE), row.required("endDate", DATE));
        if (session.startDate() != null && session.endDate() != null && session.endDate().isBefore(session.startDate())) {
            row.reject("endDate", "ends " + session.endDate() + " before it starts " + session.startDate());
        }
        if (row.report(sink)) {
            sink.onSession(session);
        }
    }

    private void org(RowCheck row, String id, Sink sink) {
        SisOrg org = new SisOrg(id, row.required("name"), row.required("type", ORG_TYPE));
        if (row.report(sink)) {
            sink.onOrg(org);
        }
    }

    private void course(RowCheck row, Sink sink) {
        row.required("title");
        reference(row, "orgSourcedId", ORGS, "org");
        row.report(sink);
    }

    private void sisClass(RowCheck row, String id, Sink sink) {
        SisClass sisClass = new SisClass(id, row.required("title"), row.required("classType", CLASS_TYPE),
                reference(row, "schoolSourcedId", ORGS, "org"),
                references(row, "termSourcedIds", ACADEMIC_SESSIONS, "term"));
        reference(row, "courseSourcedId", COURSES, "course");
        if (row.report(sink)) {
            sink.onClass(sisClass);
        }
    }

    private void user(RowCheck row, String id, String status, Instant modified, Sink sink) {
        SisUser user = new SisUser(id, status, modified, row.required("username"),
                row.required("givenName"), row.required("familyName"), row.required("role", ROLE),
                row.phone(row.text("sms") != null ? "sms" : "phone"), row.email("email"),
                row.optional(START_DATE, DATE), row.optional(END_DATE, DATE),
                references(row, "orgSourcedIds", ORGS, "org"), row.origin("sourcedId"));
        if (row.report(sink)) {
            sink.onUser(user);
        }
    }

    private void enrollment(RowCheck row, String id, String status, Sink sink) {
        // the user reference is the sink's to check (Sink#onReferences)
        SisEnrollment enrollment = new SisEnrollment(id, reference(row, "classSourcedId", CLASSES, "class"),
                row.required("userSourcedId"), row.required("role", ROLE),
                row.optional("beginDate", DATE), row.optional("endDate", DATE), status, row.origin("sourcedId"));
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

    private void checkReference(RowCheck row, String key, OneRosterFile target, String noun, String id) {
        Integer line = ids.firstLine(target, id);
        if (line != null && ids.isRejected(target, id)) {
            row.reject(key, noun + " '" + id + "' was rejected (" + target.fileName() + ":" + line + ")");
        } else if (line == null && !allowExternalReferences) {
            row.reject(key, "unknown " + noun + " '" + id + "'");
        }
    }
}

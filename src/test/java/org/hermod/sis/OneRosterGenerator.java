package org.hermod.sis;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a valid OneRoster 1.1 bulk export of any size (one school, one term) for crash tests and benchmarks. */
public final class OneRosterGenerator {

    private OneRosterGenerator() {
    }

    /** {@code users} students (mobile numbers +4520xxxxxx), {@code classes} classes, {@code enrollments} enrollments. */
    public static Path write(Path dir, int users, int classes, int enrollments) throws IOException {
        return write(dir, users, classes, enrollments, 0);
    }

    /**
     * The same export with every {@code changedEvery}-th user renamed and every {@code changedEvery}-th enrollment
     * moved to the next class (0: none), so that 100 gives a 1 %-changed export of {@link #write(Path, int, int, int)}.
     */
    public static Path write(Path dir, int users, int classes, int enrollments, int changedEvery) throws IOException {
        Files.createDirectories(dir);
        Files.copy(SisDrops.fixture("oneroster-bulk/manifest.csv"), dir.resolve("manifest.csv"));
        Files.writeString(dir.resolve("orgs.csv"), "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
                + "org-gen,,,Generated School,school,G1,\n");
        Files.writeString(dir.resolve("academicSessions.csv"), "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
                + "parentSourcedId,schoolYear\nas-gen,,,2025/26,schoolYear,2025-08-01,2026-07-31,,2026\n");
        Files.writeString(dir.resolve("courses.csv"), "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,"
                + "grades,orgSourcedId,subjects,subjectCodes\ncrs-gen,,,as-gen,Course,C,07,org-gen,,\n");
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("classes.csv"), StandardCharsets.UTF_8)) {
            w.write("sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
                    + "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n");
            for (int i = 0; i < classes; i++) {
                w.write("cls-" + i + ",,,Class " + i + ",07,crs-gen,C" + i + "," + (i % 3 == 0 ? "homeroom" : "scheduled")
                        + ",,org-gen,as-gen,,,\n");
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("users.csv"), StandardCharsets.UTF_8)) {
            w.write("sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,"
                    + "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n");
            for (int i = 0; i < users; i++) {
                w.write(String.format("u-%d,,,true,org-gen,student,user%d,,Given%d%s,Family%d,,E%d,user%d@school.example,"
                        + "+4520%06d,,,07,\n", i, i, i, changed(i, changedEvery) ? "b" : "", i, i, i, i % 1_000_000));
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("enrollments.csv"), StandardCharsets.UTF_8)) {
            w.write("sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n");
            for (int i = 0; i < enrollments; i++) {
                int user = i % users;
                int cls = (int) ((i / (long) users * 7919L + user + (changed(i, changedEvery) ? 1 : 0)) % classes);
                w.write("enr-" + i + ",,,cls-" + cls + ",org-gen,u-" + user + ",student,false,2025-08-11,\n");
            }
        }
        return dir;
    }

    private static boolean changed(int i, int every) {
        return every > 0 && i % every == 0;
    }
}

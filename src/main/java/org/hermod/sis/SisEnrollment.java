package org.hermod.sis;

import java.time.LocalDate;

/**
 * A user in a class; dates may be null, {@code status} as in {@link SisUser}.
 *
 * @param line the line of enrollments.csv the row starts on, for errors found when it is applied
 */
public record SisEnrollment(
        String sourcedId,
        String classSourcedId,
        String userSourcedId,
        Role role,
        LocalDate beginDate,
        LocalDate endDate,
        String status,
        int line) {
}

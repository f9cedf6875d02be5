package org.hermod.sis;

import java.time.LocalDate;

/**
 * A user in a class; dates may be null, {@code status} as in {@link SisUser}.
 *
 * @param origin where it was read
 */
public record SisEnrollment(
        String sourcedId,
        String classSourcedId,
        String userSourcedId,
        Role role,
        LocalDate beginDate,
        LocalDate endDate,
        String status,
        Origin origin) {
}

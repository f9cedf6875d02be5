package org.hermod.sis;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A person from the SIS.
 *
 * @param status           {@code active}, {@code tobedeleted} or null (bulk files leave it empty)
 * @param mobile           the number as written in the file; the SMS outbox normalises it
 * @param startDate        first day of the account, null if the file does not say
 * @param endDate          last day (ceased users carry one), null if the file does not say
 * @param orgSourcedIds    schools the person belongs to, in file order
 * @param origin           where it was read
 */
public record SisUser(
        String sourcedId,
        String status,
        Instant dateLastModified,
        String username,
        String givenName,
        String familyName,
        Role role,
        String mobile,
        String email,
        LocalDate startDate,
        LocalDate endDate,
        List<String> orgSourcedIds,
        Origin origin) {

    public SisUser {
        orgSourcedIds = List.copyOf(orgSourcedIds);
    }
}

package org.hermod.sis;

import java.time.LocalDate;

/** An academic session: school year, term, semester...; {@code type} as in OneRoster. */
public record SisSession(String sourcedId, String title, String type, LocalDate startDate, LocalDate endDate) {
}

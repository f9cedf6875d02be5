package org.hermod.outbox;

import java.time.Instant;
import java.util.List;

/**
 * What to send and to whom: phone numbers, directory users (by SIS id), groups (by SIS id) or everyone of
 * the tenant. Either {@code text} or {@code template} (a stored SMS text of the tenant) is given.
 */
public record SendRequest(
        String tenant,
        List<String> to,
        List<String> users,
        List<String> groups,
        boolean everyone,
        String text,
        String template,
        Priority priority,
        Instant sendAfter,
        Instant sendBefore,
        String channel) {

    public SendRequest {
        to = to == null ? List.of() : List.copyOf(to);
        users = users == null ? List.of() : List.copyOf(users);
        groups = groups == null ? List.of() : List.copyOf(groups);
        priority = priority == null ? Priority.NORMAL : priority;
    }

    public static SendRequest toNumbers(String tenant, String text, Priority priority, String... numbers) {
        return new SendRequest(tenant, List.of(numbers), null, null, false, text, null, priority, null, null, null);
    }

    public static SendRequest toEveryone(String tenant, String text) {
        return new SendRequest(tenant, null, null, null, true, text, null, Priority.EMERGENCY, null, null, null);
    }
}

package org.hermod.inbound;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;

/**
 * The parts of concatenated inbound SMS (UDH concat reference, total, sequence), kept in the database per
 * channel until all have arrived, so a restart loses none. A part seen before, with the same text (a
 * redelivery, a SIM re-read), changes nothing, also after its message was completed: completed parts stay
 * marked done until the timeout. Parts that stay incomplete are handed out by {@link #takeIncomplete} to be
 * delivered as they are, with the gaps marked.
 */
public final class InboundParts {

    /** One part; {@code sentAt} is the service centre's time when the channel knows it. */
    public record Part(String sender, int reference, int total, int sequence, String text, Instant sentAt) {
    }

    private final Jdbc jdbc;
    private final Clock clock;

    public InboundParts(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Keeps a part; when it completes its message, returns all parts in order and forgets them, else nothing. */
    public List<Part> add(String channel, Part part) {
        return jdbc.tx(c -> {
            List<String> knownText = Jdbc.query(c, "select text from inbound_part where channel = ? and sender = ? "
                    + "and ref = ? and total = ? and seq = ?", rs -> rs.getString(1), channel, part.sender(),
                    part.reference(), part.total(), part.sequence());
            if (knownText.contains(part.text())) {
                return List.of();
            }
            // a different text under the same reference and sequence: the sender reused the reference
            Jdbc.update(c, "delete from inbound_part where channel = ? and sender = ? and ref = ? and total = ? "
                    + "and seq = ?", channel, part.sender(), part.reference(), part.total(), part.sequence());
            Jdbc.update(c, "insert into inbound_part (channel, sender, ref, total, seq, text, sent_at, received_at) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?)", channel, part.sender(), part.reference(), part.total(),
                    part.sequence(), part.text(), part.sentAt(), clock.instant());
            List<Part> parts = Jdbc.query(c, "select sender, ref, total, seq, text, sent_at from inbound_part "
                    + "where channel = ? and sender = ? and ref = ? and total = ? and done = false order by seq",
                    InboundParts::map, channel, part.sender(), part.reference(), part.total());
            if (parts.size() < part.total()) {
                return List.of();
            }
            Jdbc.update(c, "update inbound_part set done = true where channel = ? and sender = ? and ref = ? "
                    + "and total = ?", channel, part.sender(), part.reference(), part.total());
            return parts;
        });
    }

    /** Takes the incomplete messages of which a part arrived before {@code before}; they are forgotten here. */
    public List<List<Part>> takeIncomplete(String channel, Instant before) {
        return jdbc.tx(c -> {
            Map<String, List<Part>> groups = new LinkedHashMap<>();
            Jdbc.update(c, "delete from inbound_part where channel = ? and done = true and received_at < ?", channel,
                    before);
            for (Part p : Jdbc.query(c, "select sender, ref, total, seq, text, sent_at from inbound_part p "
                    + "where channel = ? and done = false and exists (select 1 from inbound_part q where q.channel = p.channel and "
                    + "q.sender = p.sender and q.ref = p.ref and q.total = p.total and q.received_at < ?) "
                    + "order by sender, ref, total, seq", InboundParts::map, channel, before)) {
                groups.computeIfAbsent(p.sender() + "|" + p.reference() + "|" + p.total(), k -> new ArrayList<>()).add(p);
            }
            for (List<Part> g : groups.values()) {
                Jdbc.update(c, "delete from inbound_part where channel = ? and sender = ? and ref = ? and total = ?",
                        channel, g.get(0).sender(), g.get(0).reference(), g.get(0).total());
            }
            return new ArrayList<>(groups.values());
        });
    }

    /** The message text of its parts in order, a missing part marked {@code [part n missing]}. */
    public static String join(List<Part> parts) {
        StringBuilder text = new StringBuilder();
        int next = 1;
        for (Part p : parts) {
            for (; next < p.sequence(); next++) {
                text.append("[part ").append(next).append(" missing]");
            }
            text.append(p.text());
            next = p.sequence() + 1;
        }
        for (; next <= parts.get(0).total(); next++) {
            text.append("[part ").append(next).append(" missing]");
        }
        return text.toString();
    }

    private static Part map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Part(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getString(5),
                Database.instant(rs, "sent_at"));
    }
}

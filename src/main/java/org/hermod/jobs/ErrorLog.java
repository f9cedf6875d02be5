package org.hermod.jobs;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;

/** The error log of seed 002 ("Errorlog"): time, job, host and message of every failure. */
public final class ErrorLog {

    public record Entry(long id, Instant at, String job, String host, String message) {
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final String host;

    public ErrorLog(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.host = hostName();
    }

    public void record(String job, String message) {
        String text = message == null ? "(no message)" : message.length() > 4000 ? message.substring(0, 4000) : message;
        jdbc.update("insert into error_log (at, job_id, host, message) values (?, ?, ?, ?)", clock.instant(), job, host, text);
    }

    /** Newest first, within [from, to), at most {@code max} entries. */
    public List<Entry> search(Instant from, Instant to, String job, int max) {
        StringBuilder sql = new StringBuilder("select * from error_log where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (from != null) {
            sql.append(" and at >= ?");
            args.add(from);
        }
        if (to != null) {
            sql.append(" and at < ?");
            args.add(to);
        }
        if (job != null) {
            sql.append(" and job_id = ?");
            args.add(job);
        }
        sql.append(" order by at desc, id desc limit ").append(max);
        return jdbc.query(sql.toString(), rs -> new Entry(rs.getLong("id"), Database.instant(rs, "at"),
                rs.getString("job_id"), rs.getString("host"), rs.getString("message")), args.toArray());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}

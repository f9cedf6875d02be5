package org.hermod.sis;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hermod.db.BulkInsert;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;
import org.postgresql.core.BaseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what a SIS reader streams into the directory (dir_user, dir_group, dir_membership) through one
 * connection, so the caller decides the transaction. It works in two phases:
 * <ol>
 *   <li><b>Stage.</b> Every user, group and membership goes, in batches, into a temporary table
 *       ({@code sis_stage_user}, {@code sis_stage_group}, {@code sis_stage_member}; COPY on PostgreSQL, a JDBC
 *       batch on H2). Their rows end with the transaction and vanish with a killed process, so nothing has to be
 *       cleaned up (see {@link #createStage} for how the two databases differ).</li>
 *   <li><b>Merge</b> ({@link #finish}): a few set-based statements insert the new rows, update only the rows
 *       that differ, resolve and write the memberships and, for a full import, end the users and remove the
 *       memberships and groups the export no longer has. An unchanged row is not written at all; when its
 *       source last listed it is kept per source ({@link #seen}, the views {@code dir_user_seen} and
 *       {@code dir_group_seen}).</li>
 * </ol>
 *
 * <p>This replaced a writer that looked up and compared each batch in Java. It is not faster for a first import
 * (the time is in the directory's own indexes and foreign keys, docs/PERFORMANCE.md), but memory holds two
 * batches (one being copied), the (few) orgs and sessions, and the names of the groups a mapped file implies:
 * nothing per user, so that the duplicate and reference checks no reader can make in bounded memory are made
 * here, in SQL.
 *
 * <p>Ids are unique within each staging table: a repeated user or enrollment id is reported on its row, in the
 * words the readers use for the small files, and a repeated group id (the readers check classes; an LDAP
 * directory may still produce one) is reported too; only the first occurrence is applied. A membership listed
 * twice counts once, with its last role.
 */
public final class DirectoryWriter implements Sink {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWriter.class);

    /** What the import changed. */
    public record Counts(long rows, long usersInserted, long usersUpdated, long usersEnded, long groupsWritten,
                         long membershipsWritten, long errors) {
    }

    /** How users from this source are treated; {@code batchSize} is the rows per COPY into the staging tables. */
    /**
     * @param maxEndPercent a full import that would end more than this share of the source's active users is held
     *                      ({@link #held()}): nothing is merged; null: never held (an operator confirmed it)
     */
    public record Options(String tenant, String source, long importId, boolean full, boolean welcome,
                          LocalDate today, LocalDate endDateForMissing, int batchSize, Integer maxEndPercent) {
    }

    /** A full import held by the deletion threshold: it would end {@code ending} of the source's {@code active} users. */
    public record Hold(long ending, long active, int maxEndPercent) {
        public String describe() {
            return "would end " + ending + " of the source's " + active + " active users ("
                    + (active == 0 ? 100 : Math.round(100.0 * ending / active)) + " %), more than max-end-percent "
                    + maxEndPercent + " %";
        }
    }

    private Hold hold;

    private static final List<String> USER_STAGE = List.of("seq", "file", "line", "id_column", "sis_id", "account",
            "given_name", "family_name", "role", "mobile", "mobile_norm", "email", "start_date", "end_date");
    private static final List<String> REJECTED_STAGE = List.of("seq", "line", "sis_id");
    private static final List<String> GROUP_STAGE = List.of("seq", "sis_id", "name", "kind", "school", "session_name");
    private static final List<String> MEMBER_STAGE = List.of("seq", "file", "line", "id_column", "sis_id", "checked",
            "user_seq", "group_sis_id", "user_sis_id", "role", "del");

    /** The user columns an import sets (besides source and last_seen_at), in the order of {@link #USER_STAGE}. */
    private static final String USER_VALUES = "account, given_name, family_name, role, mobile, mobile_norm, email, "
            + "start_date, end_date";
    private static final String GROUP_VALUES = "name, kind, school, session_name";

    private final Connection c;
    private final Options o;
    private final Instant now;
    private final Function<String, String> normaliseMobile;
    private final Consumer<RowError> errors;
    private final Runnable progress;
    /** PostgreSQL: staging by COPY, indexes built after loading, statistics refreshed in the transaction. */
    private final boolean postgres;

    private final Map<String, String> orgNames = new HashMap<>();
    private final Map<String, String> sessionTitles = new HashMap<>();
    /** Groups a mapped file names (few: one per class or team), staged once each. */
    private final Set<String> impliedGroups = new HashSet<>();
    private List<Object[]> users = new ArrayList<>();
    private List<Object[]> rejected = new ArrayList<>();
    private List<Object[]> groups = new ArrayList<>();
    private List<Object[]> members = new ArrayList<>();
    /** The batch being copied into the staging tables, see {@link #handOff}. */
    private CompletableFuture<Void> staging = CompletableFuture.completedFuture(null);
    private volatile long copyNanos;
    /** The seq of the last user staged: a mapped file's group memberships follow their user's row. */
    private long lastUser;
    /** Whether memberships may name users the export lacks (see {@link Sink#onReferences}); LDAP never says. */
    private boolean externalReferences = true;
    private long seq;

    private long rows;
    private long usersInserted;
    private long usersUpdated;
    private long usersEnded;
    private long groupsWritten;
    private long membershipsWritten;
    private long errorCount;

    /**
     * Creates the staging tables, so construct the writer first in the transaction: on H2 that creation commits
     * what the transaction holds (see {@link #createStage}).
     *
     * @param normaliseMobile the number in E.164, or null when it cannot receive SMS (kept as written in {@code mobile})
     * @param errors          told of every row error (the import's report and error table)
     * @param progress        called after every record, cheap; the caller decides when to report
     */
    public DirectoryWriter(Connection c, Options options, Instant now, Function<String, String> normaliseMobile,
                           Consumer<RowError> errors, Runnable progress) {
        this.c = c;
        this.o = options;
        this.now = now;
        this.normaliseMobile = normaliseMobile;
        this.errors = errors;
        this.progress = progress;
        try {
            this.postgres = c.isWrapperFor(BaseConnection.class);
            createStage();
        } catch (SQLException e) {
            throw new Jdbc.DataException(e);
        }
    }

    public long rows() {
        return rows;
    }

    public long errorCount() {
        return errorCount;
    }

    @Override
    public void onOrg(SisOrg org) {
        orgNames.put(org.sourcedId(), org.name());
        counted();
    }

    @Override
    public void onSession(SisSession session) {
        sessionTitles.put(session.sourcedId(), session.title());
        counted();
    }

    @Override
    public void onClass(SisClass k) {
        stage(groups, new Object[] {++seq, k.sourcedId(), k.title(), "homeroom".equals(k.classType()) ? "CLASS" : "TEAM",
                orgNames.get(k.schoolSourcedId()),
                k.termSourcedIds().isEmpty() ? null : sessionTitles.get(k.termSourcedIds().get(0))});
        counted();
    }

    @Override
    public void onUser(SisUser u) {
        LocalDate end = u.endDate();
        // an end date is the last day a user is active; tobedeleted stops at once, so the user ended yesterday
        if ("tobedeleted".equals(u.status()) && (end == null || !end.isBefore(o.today()))) {
            end = o.today().minusDays(1);
        }
        String mobile = blankToNull(u.mobile());
        Origin at = u.origin();
        lastUser = seq + 1;
        stage(users, new Object[] {++seq, at.file(), at.line(), at.idColumn(), u.sourcedId(), blankToNull(u.username()),
                u.givenName(), u.familyName(), u.role() == null ? null : u.role().name(), mobile,
                mobile == null ? null : normaliseMobile.apply(mobile), blankToNull(u.email()), u.startDate(), end});
        counted();
    }

    @Override
    public void onEnrollment(SisEnrollment e) {
        Origin at = e.origin();
        stage(members, new Object[] {++seq, at.file(), at.line(), at.idColumn(), e.sourcedId(), true, null,
                e.classSourcedId(), e.userSourcedId(), e.role() == null ? null : e.role().name(),
                "tobedeleted".equals(e.status())});
        counted();
    }

    @Override
    public void onGroupMember(String userSourcedId, String groupName) {
        if (impliedGroups.add(groupName)) {
            stage(groups, new Object[] {++seq, groupName, groupName, "CLASS", null, null});
        }
        stage(members, new Object[] {++seq, null, 0, null, null, false, lastUser, groupName, userSourcedId, null, false});
    }

    @Override
    public void onReferences(boolean external) {
        externalReferences = external;
    }

    @Override
    public void onRejectedUser(String sourcedId, Origin origin) {
        stage(rejected, new Object[] {++seq, origin.line(), sourcedId});
    }

    @Override
    public void onError(RowError error) {
        errorCount++;
        errors.accept(error);
        counted();
    }

    /** Merges what was staged into the directory and, for a full import, ends what the export no longer has. */
    public Counts finish() throws SQLException {
        awaitStaging();
        copy(groups, users, rejected, members);
        LOG.debug("SIS import #{}: staging COPY {} ms in all (overlapping the reading)", o.importId(), copyNanos / 1_000_000);
        long t0 = System.nanoTime();
        if (postgres) {
            // indexes built once over the loaded rows, and statistics: otherwise the joins are planned blind
            Jdbc.update(c, "create index on sis_stage_user (sis_id)");
            Jdbc.update(c, "create index on sis_stage_group (sis_id)");
            Jdbc.update(c, "analyze sis_stage_user, sis_stage_rejected, sis_stage_group, sis_stage_member");
        }
        timed("checks", () -> {
            dropDuplicateUsers();
            dropDuplicateGroups();
            dropBadEnrollments();
            warnOfUnlikelyRoles();
        });
        if (o.full() && o.maxEndPercent() != null) {
            hold = overThreshold();
            if (hold != null) {
                LOG.warn("SIS import #{} held, nothing applied: it {}", o.importId(), hold.describe());
                return counts();
            }
        }
        // a source's first full import: nothing of it was there before, so nothing can be missing from the export
        boolean sourceWasEmpty = o.full() && Jdbc.query(c, "select 1 from dir_user where tenant_id = ? and source = ? "
                + "union all select 1 from dir_group where tenant_id = ? and source = ?", rs -> 1, o.tenant(), o.source(),
                o.tenant(), o.source()).isEmpty();
        timed("groups", this::mergeGroups);
        timed("users", this::mergeUsers);
        timed("analyze", this::analyzeDirectory);
        timed("memberships", this::mergeMemberships);
        if (o.full() && sourceWasEmpty) {
            seen(c, o.tenant(), o.source(), now);
        } else if (o.full()) {
            timed("missing", this::endMissing);
        }
        LOG.debug("SIS import #{}: merge took {} ms", o.importId(), (System.nanoTime() - t0) / 1_000_000);
        afterMerge.run(c);
        return counts();
    }

    /** What runs on the import's connection when a merge is done, before the caller commits. */
    @FunctionalInterface
    interface AfterMerge {
        void run(Connection c) throws SQLException;
    }

    /**
     * A seam for tests only, nothing in production sets it: {@code SisImportLocksPostgresIT} holds an import open
     * here, its directory rows written and not committed, to send while it holds its locks.
     */
    static volatile AfterMerge afterMerge = c -> { };

    /** Set by {@link #finish} when the deletion threshold held this import; nothing was merged then. */
    public Hold held() {
        return hold;
    }

    /**
     * The deletion threshold, before anything is merged: how many of the source's active users (not ended before
     * today) the export lacks and would end. Like the sync protection of Microsoft SDS and Clever, this catches an
     * export cut short or filtered wrongly at the SIS, which would otherwise end real users.
     */
    private Hold overThreshold() throws SQLException {
        String active = "from dir_user where tenant_id = ? and source = ? and (end_date is null or end_date >= ?)";
        long all = Jdbc.query(c, "select count(*) " + active, rs -> rs.getLong(1), o.tenant(), o.source(), o.today()).get(0);
        long ending = Jdbc.query(c, "select count(*) " + active + " and (end_date is null or end_date > ?) and not exists "
                + "(select 1 from sis_stage_user s where s.sis_id = dir_user.sis_id)", rs -> rs.getLong(1), o.tenant(),
                o.source(), o.today(), o.endDateForMissing()).get(0);
        return ending * 100 > all * o.maxEndPercent() ? new Hold(ending, all, o.maxEndPercent()) : null;
    }

    public Counts counts() {
        return new Counts(rows, usersInserted, usersUpdated, usersEnded, groupsWritten, membershipsWritten, errorCount);
    }

    private void counted() {
        rows++;
        progress.run();
    }

    @FunctionalInterface
    private interface Step {
        void run() throws SQLException;
    }

    private void timed(String name, Step step) throws SQLException {
        long t = System.nanoTime();
        step.run();
        LOG.debug("SIS import #{}: {} {} ms", o.importId(), name, (System.nanoTime() - t) / 1_000_000);
    }

    // --- staging --------------------------------------------------------------------------------------------

    private void stage(List<Object[]> buffer, Object[] row) {
        buffer.add(row);
        if (buffer.size() >= o.batchSize()) {
            handOff();
        }
    }

    /**
     * Hands the buffered rows to a thread of their own, which COPYs them while the reader parses the next batch
     * (on two cores, parsing and PostgreSQL's COPY then overlap). At most one batch is in flight, and the
     * connection is used by one thread at a time: every other use waits for the batch first.
     */
    private void handOff() {
        awaitStaging();
        List<Object[]> g = groups;
        List<Object[]> u = users;
        List<Object[]> r = rejected;
        List<Object[]> m = members;
        groups = new ArrayList<>();
        users = new ArrayList<>();
        rejected = new ArrayList<>();
        members = new ArrayList<>();
        staging = CompletableFuture.runAsync(() -> {
            try {
                copy(g, u, r, m);
            } catch (SQLException e) {
                throw new Jdbc.DataException(e);
            }
        }, task -> {
            Thread thread = new Thread(task, "sis-stage-" + o.importId());
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** Waits for the batch being staged: until the next record, the caller may use the connection itself. */
    public void awaitStaging() {
        try {
            staging.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void copy(List<Object[]> g, List<Object[]> u, List<Object[]> r, List<Object[]> m) throws SQLException {
        long t = System.nanoTime();
        BulkInsert.insert(c, "sis_stage_group", GROUP_STAGE, g);
        BulkInsert.insert(c, "sis_stage_user", USER_STAGE, u);
        BulkInsert.insert(c, "sis_stage_rejected", REJECTED_STAGE, r);
        BulkInsert.insert(c, "sis_stage_member", MEMBER_STAGE, m);
        copyNanos += System.nanoTime() - t;
    }

    /**
     * The staging tables. PostgreSQL: temporary tables of the transaction, dropped at commit or rollback, indexed
     * after loading. H2 cannot index in a transaction (CREATE INDEX commits it), and a temporary table created with
     * keys inside a transaction locks H2's catalog until the commit, which stalls every other connection's insert
     * into a table with an identity column or a foreign key (the import's own error log, the outbox). So on H2 they
     * are created once per connection, with their keys, before the transaction has done anything (the CREATE
     * commits nothing then), and emptied at every commit; a rollback takes their rows with it.
     */
    private void createStage() throws SQLException {
        temporary("sis_stage_user", "seq bigint not null, file varchar(500), line int not null, id_column varchar(200), "
                + "sis_id varchar(128) not null, account varchar(128), given_name varchar(200), family_name varchar(200), "
                + "role varchar(32), mobile varchar(32), mobile_norm varchar(20), email varchar(320), start_date date, "
                + "end_date date", "primary key (sis_id, seq)");
        temporary("sis_stage_rejected", "seq bigint not null, line int not null, sis_id varchar(128) not null",
                "primary key (sis_id, seq)");
        temporary("sis_stage_group", "seq bigint not null, sis_id varchar(128) not null, name varchar(200), "
                + "kind varchar(16) not null, school varchar(200), session_name varchar(200)", "primary key (sis_id, seq)");
        temporary("sis_stage_member", "seq bigint not null, file varchar(500), line int not null, id_column varchar(200), "
                + "sis_id varchar(128), checked boolean not null, user_seq bigint, group_sis_id varchar(128) not null, "
                + "user_sis_id varchar(128) not null, role varchar(32), del boolean not null",
                "primary key (group_sis_id, user_sis_id, seq)");
        temporary("sis_stage_link", "seq bigint not null, group_id bigint, user_id bigint, role varchar(32), "
                + "del boolean not null, state char(1) not null, file varchar(500), line int, group_sis_id varchar(128), "
                + "user_sis_id varchar(128)", "primary key (seq), unique (group_id, user_id)");
    }

    /** @param h2Keys the keys H2 needs for its joins (PostgreSQL hashes, or gets indexes after loading) */
    private void temporary(String table, String columns, String h2Keys) throws SQLException {
        if (postgres) {
            Jdbc.update(c, "create temporary table " + table + " (" + columns + ") on commit drop");
        } else {
            Jdbc.update(c, "create local temporary table if not exists " + table + " (" + columns + ", " + h2Keys
                    + ") on commit delete rows");
            Jdbc.update(c, "delete from " + table);
        }
    }

    // --- checks: what a reader cannot check without holding every id ---------------------------------------

    /**
     * A user id staged again (or staged after a rejected row with that id) is reported on each later row, as the
     * readers report the duplicates of the small files; its first occurrence is applied.
     */
    private void dropDuplicateUsers() throws SQLException {
        List<Long> repeated = reportRepeated("sis_stage_user", "select sis_id, seq, line from sis_stage_user "
                + "union all select sis_id, seq, line from sis_stage_rejected");
        deleteEach("sis_stage_user", "seq", repeated);
        // with the memberships its row named (mapped files)
        deleteEach("sis_stage_member", "user_seq", repeated);
    }

    /**
     * Reports every row of {@code table} whose sis_id occurs more than once in {@code occurrences} (sis_id, seq,
     * line), after its first occurrence, in the readers' words; returns their seqs.
     */
    private List<Long> reportRepeated(String table, String occurrences) throws SQLException {
        return reportEach("select s.seq, s.file, s.line, s.id_column, 'duplicate sourcedId ''' || s.sis_id || ''', "
                + "first seen on line ' || cast(d.first_line as varchar(12)) from " + table + " s join (select sis_id, "
                + "min(seq) first_seq, min(line) first_line from (" + occurrences + ") a group by sis_id having count(*) > 1) "
                + "d on d.sis_id = s.sis_id where s.seq > d.first_seq order by s.seq");
    }

    /** Groups come from small files whose readers check their ids; LDAP groups and classes may still repeat. */
    private void dropDuplicateGroups() throws SQLException {
        List<Long> repeated = reportEach("select s.seq, 'groups', 0, null, 'duplicate group id ''' || s.sis_id || ''': "
                + "only its first occurrence applied' from sis_stage_group s where exists (select 1 from sis_stage_group d "
                + "where d.sis_id = s.sis_id and d.seq < s.seq) order by s.seq");
        deleteEach("sis_stage_group", "seq", repeated);
    }

    /**
     * Enrollments (memberships a reader checks): a repeated enrollment id, a user that was rejected, and (unless
     * references may be external) a user the export does not contain are reported on the enrollment's row, which
     * is skipped.
     */
    private void dropBadEnrollments() throws SQLException {
        // only enrollments have an id (mapped and LDAP memberships stage none), so only they can repeat one
        deleteEach("sis_stage_member", "seq", reportRepeated("sis_stage_member",
                "select sis_id, seq, line from sis_stage_member where checked and sis_id is not null"));
        String rejectedLine = "(select min(r.line) from sis_stage_rejected r where r.sis_id = s.user_sis_id)";
        deleteEach("sis_stage_member", "seq", reportEach("select s.seq, s.file, s.line, 'userSourcedId', case when "
                + rejectedLine + " is null then 'unknown user ''' || s.user_sis_id || '''' else 'user ''' || s.user_sis_id "
                + "|| ''' was rejected (users.csv:' || cast(" + rejectedLine + " as varchar(12)) || ')' end "
                + "from sis_stage_member s where s.checked and not exists (select 1 from sis_stage_user u where "
                + "u.sis_id = s.user_sis_id)" + (externalReferences ? " and exists (select 1 from sis_stage_rejected r "
                + "where r.sis_id = s.user_sis_id)" : "") + " order by s.seq"));
    }

    /**
     * Legal but suspicious: a student or guardian enrolled as a teacher, or a teacher or staff member enrolled as a
     * student (the public roster-hub sample has one). Applied as the export says, reported as a warning in the
     * report (not an error, not counted): the school checks its SIS. At most {@value #MAX_ROLE_WARNINGS} rows, then
     * one line with the count.
     */
    private void warnOfUnlikelyRoles() throws SQLException {
        String unlikely = "from sis_stage_member m join sis_stage_user u on u.sis_id = m.user_sis_id where m.checked "
                + "and not m.del and ((m.role = 'TEACHER' and u.role in ('STUDENT', 'GUARDIAN')) "
                + "or (m.role = 'STUDENT' and u.role in ('TEACHER', 'STAFF')))";
        long n = 0;
        String file = null;
        int line = 0;
        try (PreparedStatement ps = c.prepareStatement("select m.file, m.line, m.user_sis_id, u.role, m.role " + unlikely
                + " order by m.seq")) {
            ps.setMaxRows(MAX_ROLE_WARNINGS + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && ++n <= MAX_ROLE_WARNINGS) {
                    file = rs.getString(1);
                    line = rs.getInt(2);
                    errors.accept(new RowError(file, line, "role", "warning: user '" + rs.getString(3) + "' is "
                            + article(rs.getString(4)) + " in users.csv but enrolled as " + rs.getString(5)
                            .toLowerCase(java.util.Locale.ROOT) + "; applied as the export says, check it in the SIS"));
                }
            }
        }
        if (n > MAX_ROLE_WARNINGS) {
            long all = Jdbc.query(c, "select count(*) " + unlikely, rs -> rs.getLong(1)).get(0);
            errors.accept(new RowError(file, line, "role", "warning: " + (all - MAX_ROLE_WARNINGS) + " more "
                    + "enrollment(s) after this line with an unlikely role are not listed"));
        }
    }

    private static final int MAX_ROLE_WARNINGS = 1000;

    private static String article(String role) {
        String r = role.toLowerCase(java.util.Locale.ROOT);
        return (r.startsWith("o") ? "an " : "a ") + r;
    }

    /** Reports each row of {@code sql} (seq, file, line, column, reason) as an error; returns their seqs. */
    private List<Long> reportEach(String sql) throws SQLException {
        List<Long> seqs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                    onError(new RowError(rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return seqs;
    }

    private void deleteEach(String table, String column, List<Long> seqs) throws SQLException {
        for (int from = 0; from < seqs.size(); from += 1000) {
            List<Long> chunk = seqs.subList(from, Math.min(seqs.size(), from + 1000));
            Jdbc.update(c, "delete from " + table + " where " + column + " in (" + String.join(", ",
                    java.util.Collections.nCopies(chunk.size(), "?")) + ")", chunk.toArray());
        }
    }

    // --- merge ----------------------------------------------------------------------------------------------

    /**
     * Updates the tenant's rows of {@code table} whose values (or source) differ from their staged row, or that were
     * missing from an earlier full import and are back.
     */
    private int updateChanged(String table, String stage, String values) throws SQLException {
        String same = "s.sis_id = " + table + ".sis_id";
        return sql("update " + table + " set (" + values + ", source, last_seen_at, missing_since) = (select "
                + prefixed("s", values) + ", cast(? as varchar(64)), cast(? as timestamp), cast(null as timestamp) from "
                + stage + " s where " + same + ") where tenant_id = ? and exists (select 1 from " + stage + " s where "
                + same + " and (" + differs("s", table, values) + " or " + table + ".source <> ? or " + table
                + ".missing_since is not null))", o.source(), now, o.tenant(), o.source());
    }

    private void mergeGroups() throws SQLException {
        groupsWritten += updateChanged("dir_group", "sis_stage_group", GROUP_VALUES);
        groupsWritten += sql("insert into dir_group (tenant_id, sis_id, " + GROUP_VALUES + ", source, last_seen_at) "
                + "select ?, s.sis_id, " + prefixed("s", GROUP_VALUES) + ", ?, ? from sis_stage_group s where not exists "
                + "(select 1 from dir_group g where g.tenant_id = ? and g.sis_id = s.sis_id) order by s.seq",
                o.tenant(), o.source(), now, o.tenant());
    }

    private void mergeUsers() throws SQLException {
        usersUpdated += updateChanged("dir_user", "sis_stage_user", USER_VALUES);
        // a new user with an account and a valid mobile number who has not ended is due a welcome SMS
        String insert = "insert into dir_user (tenant_id, sis_id, " + USER_VALUES + ", source, last_seen_at, "
                + "welcome_due) select ?, s.sis_id, " + prefixed("s", USER_VALUES) + ", ?, ?, case when ? and s.account "
                + "is not null and s.mobile_norm is not null and (s.end_date is null or s.end_date >= ?) then true else false "
                + "end from sis_stage_user s where not exists (select 1 from dir_user u where u.tenant_id = ? and "
                + "u.sis_id = s.sis_id) order by s.seq";
        Object[] args = {o.tenant(), o.source(), now, o.welcome(), o.today(), o.tenant()};
        // the one key of dir_user is its tenant: locked once for key share, as each row's check would (see
        // insertNewMemberships); one lock and two settings cost nothing beside the rows, so no threshold
        if (postgres && maySkipTriggers() && !Jdbc.query(c, "select id from tenant where id = ? for key share",
                rs -> rs.getString(1), o.tenant()).isEmpty()) {
            usersInserted += withoutTriggers(insert, args);
        } else {
            usersInserted += sql(insert, args);
        }
    }

    /**
     * Memberships, in one pass over the staged ones ({@code sis_stage_link}): each group and user pair once (the
     * last listed), resolved to directory ids and compared with the membership that exists, as state {@code N}
     * (new), {@code C} (role changed), {@code S} (same) or {@code X} (group or user not in the directory: reported
     * and skipped). The writes then touch only the rows of their state: an unchanged export writes nothing.
     */
    private void mergeMemberships() throws SQLException {
        sql("insert into sis_stage_link (seq, group_id, user_id, role, del, state, file, line, group_sis_id, "
                + "user_sis_id) "
                + "select s.seq, g.id, u.id, s.role, s.del, case when g.id is null or u.id is null then 'X' "
                + "when m.group_id is null then 'N' when m.role is distinct from s.role then 'C' else 'S' end, "
                + "case when g.id is null or u.id is null then s.file end, "
                + "case when g.id is null or u.id is null then s.line end, "
                + "case when g.id is null or u.id is null then s.group_sis_id end, "
                + "case when g.id is null or u.id is null then s.user_sis_id end "
                + "from sis_stage_member s left join dir_group g on g.tenant_id = ? and g.sis_id = s.group_sis_id "
                + "left join dir_user u on u.tenant_id = ? and u.sis_id = s.user_sis_id "
                + "left join dir_membership m on m.group_id = g.id and m.user_id = u.id "
                + "where not exists (select 1 from sis_stage_member later where later.group_sis_id = s.group_sis_id "
                + "and later.user_sis_id = s.user_sis_id and later.seq > s.seq)", o.tenant(), o.tenant());
        Map<String, Long> states = new HashMap<>();
        for (Object[] row : Jdbc.query(c, "select state, del, count(*) from sis_stage_link group by state, del",
                rs -> new Object[] {rs.getString(1) + (rs.getBoolean(2) ? "-" : "+"), rs.getLong(3)})) {
            states.put((String) row[0], (Long) row[1]);
        }
        if (states.containsKey("X+") || states.containsKey("X-")) {
            for (Object[] x : Jdbc.query(c, "select group_sis_id, user_sis_id, group_id, file, line from sis_stage_link "
                    + "where state = 'X' order by seq", rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getObject(3),
                    rs.getString(4), rs.getInt(5)})) {
                boolean group = x[2] == null;
                onError(new RowError(x[3] == null ? "memberships" : (String) x[3], (int) x[4],
                        group ? "classSourcedId" : "userSourcedId", "membership of user '" + x[1] + "' in group '" + x[0]
                        + "' skipped: " + (group ? "group" : "user") + " not in the directory"));
            }
        }
        if (postgres && states.containsKey("C+")) {
            sql("create index on sis_stage_link (group_id, user_id)");
            sql("analyze sis_stage_link");
        }
        String same = "l.group_id = dir_membership.group_id and l.user_id = dir_membership.user_id";
        if (states.containsKey("N+")) {
            membershipsWritten += insertNewMemberships(states.get("N+"));
        }
        if (states.containsKey("C+")) {
            membershipsWritten += sql("update dir_membership set role = (select l.role from sis_stage_link l where " + same
                    + ") where exists (select 1 from sis_stage_link l where " + same + " and l.state = 'C' and not l.del)");
        }
        if (states.containsKey("C-") || states.containsKey("S-")) {
            membershipsWritten += sql("delete from dir_membership where exists (select 1 from sis_stage_link l where " + same
                    + " and l.state in ('C', 'S') and l.del)");
        }
    }

    /** New memberships at or above this many are inserted with their keys checked in one pass, where allowed. */
    private static final long SET_BASED_KEY_CHECK = 10_000;

    /**
     * Inserts the new memberships. On PostgreSQL, for many of them (a source's first import), the foreign keys of
     * dir_membership are checked in one pass instead of row by row (about 10 us a row, most of a first import's
     * merge, docs/PERFORMANCE.md): the users and groups they name are locked {@code for key share}, as the per-row
     * check does, and counted, so none can be deleted until the commit and a missing one fails the import; then the
     * rows go in with this session's triggers off ({@code session_replication_role = replica}, for this one
     * statement). The constraints stay as they are and every other session keeps its per-row checks. No table lock
     * is taken beyond an insert's and a {@code select ... for key share}'s: readers (a group SMS) and writers of
     * other rows do not wait. Setting that parameter needs a superuser, or on PostgreSQL 15 and later the
     * privilege {@code grant set on parameter session_replication_role}; without it, and on H2, the rows are
     * checked as they are inserted.
     */
    private int insertNewMemberships(long rows) throws SQLException {
        String insert = "insert into dir_membership (group_id, user_id, role) select group_id, user_id, role "
                + "from sis_stage_link where state = 'N' and not del";
        if (!postgres || rows < SET_BASED_KEY_CHECK || !maySkipTriggers()) {
            return sql(insert);
        }
        lockReferenced("dir_user", "user_id");
        lockReferenced("dir_group", "group_id");
        return withoutTriggers(insert);
    }

    /** Runs {@code sql} with this session's triggers off, its keys checked by the caller; a failure rolls back both. */
    private int withoutTriggers(String sql, Object... args) throws SQLException {
        sql("set local session_replication_role = replica");
        int rows = sql(sql, args);
        sql("set local session_replication_role = origin");
        return rows;
    }

    /** Locks the rows of {@code table} the new memberships name, as the foreign key's check would; all must exist. */
    private void lockReferenced(String table, String column) throws SQLException {
        String named = "select distinct " + column + " from sis_stage_link where state = 'N' and not del";
        long expected = Jdbc.query(c, "select count(*) from (" + named + ") n", rs -> rs.getLong(1)).get(0);
        long locked = Jdbc.query(c, "select count(*) from (select t.id from " + table + " t where t.id in (" + named
                + ") for key share of t) l", rs -> rs.getLong(1)).get(0);
        if (locked != expected) {
            throw new IllegalStateException("SIS import #" + o.importId() + ": " + (expected - locked) + " of the "
                    + table + " rows new memberships name were deleted during the import; nothing applied, import again");
        }
    }

    /** Whether this session may turn its triggers off (PostgreSQL: superuser, or the SET privilege on 15+). */
    private boolean maySkipTriggers() throws SQLException {
        if ("on".equals(Jdbc.query(c, "select current_setting('is_superuser')", rs -> rs.getString(1)).get(0))) {
            return true;
        }
        return c.getMetaData().getDatabaseMajorVersion() >= 15 && Jdbc.query(c,
                "select has_parameter_privilege('session_replication_role', 'SET')", rs -> rs.getBoolean(1)).get(0);
    }

    /**
     * Full import: users of this source not in the export get the grace end date (unless they ended earlier),
     * memberships of this source's groups that the export no longer lists are removed for users in the export
     * (users it lacks keep theirs until they end), then this source's groups that are neither in the export nor
     * have members left are deleted.
     */
    private void endMissing() throws SQLException {
        Instant previousFull = Jdbc.query(c, "select seen_at from dir_source where tenant_id = ? and source = ?",
                rs -> Database.instant(rs, "seen_at"), o.tenant(), o.source()).stream().findFirst().orElse(null);
        missing("dir_user", "sis_stage_user", previousFull);
        usersEnded += sql("update dir_user set end_date = ? where tenant_id = ? and source = ? "
                + "and (end_date is null or end_date > ?) and not exists (select 1 from sis_stage_user s "
                + "where s.sis_id = dir_user.sis_id)", o.endDateForMissing(), o.tenant(), o.source(), o.endDateForMissing());
        membershipsWritten += sql("delete from dir_membership where group_id in (select g.id from dir_group g "
                + "where g.tenant_id = ? and g.source = ?) and not exists (select 1 from sis_stage_link l where "
                + "l.group_id = dir_membership.group_id and l.user_id = dir_membership.user_id and not l.del "
                + "and l.state <> 'X') "
                + "and user_id in (select u.id from dir_user u join sis_stage_user s on s.sis_id = u.sis_id "
                + "where u.tenant_id = ?)", o.tenant(), o.source(), o.tenant());
        groupsWritten += sql("delete from dir_group where tenant_id = ? and source = ? and not exists "
                + "(select 1 from sis_stage_group s where s.sis_id = dir_group.sis_id) and not exists "
                + "(select 1 from dir_membership m where m.group_id = dir_group.id)", o.tenant(), o.source());
        missing("dir_group", "sis_stage_group", previousFull);
        seen(c, o.tenant(), o.source(), now);
    }

    /**
     * Marks the records of this source that the export no longer lists as missing since now; they were last seen
     * at the previous full import, or at their last change if that came later (a delta). See V38.
     */
    private void missing(String table, String stage, Instant previousFull) throws SQLException {
        sql("update " + table + " set missing_since = ?, last_seen_at = greatest(last_seen_at, cast(? as timestamp)) "
                + "where tenant_id = ? and source = ? and missing_since is null and not exists (select 1 from " + stage
                + " s where s.sis_id = " + table + ".sis_id)", now, previousFull, o.tenant(), o.source());
    }

    /**
     * A full export of {@code source} was applied (or received again unchanged) at {@code at}: every record it
     * lists was seen then ({@code dir_user_seen}, {@code dir_group_seen}); one row, however many records.
     */
    public static void seen(Connection c, String tenant, String source, Instant at) throws SQLException {
        if (Jdbc.update(c, "update dir_source set seen_at = ? where tenant_id = ? and source = ?", at, tenant, source) == 0) {
            Jdbc.update(c, "insert into dir_source (tenant_id, source, seen_at) values (?, ?, ?)", tenant, source, at);
        }
    }

    /**
     * PostgreSQL plans with the statistics of the directory tables, which autovacuum cannot refresh for rows this
     * (one, long) transaction wrote; planned as if the directory were still empty, the membership joins would
     * probe row by row. ANALYZE inside the transaction sees its own rows.
     */
    private void analyzeDirectory() throws SQLException {
        if (postgres && (usersInserted > 1000 || groupsWritten > 1000)) {
            sql("analyze dir_user, dir_group");
        }
    }

    /** One statement of the merge, its time logged (at debug) with its start. */
    private int sql(String sql, Object... args) throws SQLException {
        long t = System.nanoTime();
        int n = Jdbc.update(c, sql, args);
        LOG.debug("SIS import #{}: {} rows, {} ms: {}", o.importId(), n, (System.nanoTime() - t) / 1_000_000,
                sql.substring(0, Math.min(70, sql.length())));
        return n;
    }

    private static String prefixed(String alias, String columns) {
        return alias + "." + columns.replace(", ", ", " + alias + ".");
    }

    private static String differs(String staged, String table, String columns) {
        StringBuilder sql = new StringBuilder();
        for (String column : columns.split(", ")) {
            sql.append(sql.isEmpty() ? "" : " or ").append(staged).append('.').append(column)
                    .append(" is distinct from ").append(table).append('.').append(column);
        }
        return sql.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

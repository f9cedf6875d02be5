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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hermod.db.BulkInsert;
import org.hermod.db.Jdbc;
import org.postgresql.core.BaseConnection;

/**
 * Writes what a SIS reader streams into the directory (dir_user, dir_group, dir_membership) through one
 * connection, so the caller decides the transaction. Records are buffered in batches of {@code batchSize}; each
 * batch costs one select of the rows that exist, then batched inserts of the new ones and batched updates of
 * those that differ. An unchanged row is not written at all (not even {@code last_seen_at}, which therefore
 * says when the SIS last changed the row).
 *
 * <p>Memory holds one batch of each kind, the (few) orgs and sessions, nothing per user. A full import also
 * writes each user id it saw to {@code sis_import_seen}, so {@link #finish} can end the users of this source
 * that the file no longer contains.
 */
public final class DirectoryWriter implements Sink {

    /** What the import changed. */
    public record Counts(long rows, long usersInserted, long usersUpdated, long usersEnded, long groupsWritten,
                         long membershipsWritten, long errors) {
    }

    /** How users from this source are treated. */
    public record Options(String tenant, String source, long importId, boolean full, boolean welcome,
                          LocalDate today, LocalDate endDateForMissing, int batchSize) {
    }

    private static final String USER_COLUMNS = "account, given_name, family_name, role, mobile, mobile_norm, email, "
            + "start_date, end_date, source";
    private static final List<String> SEEN_MEMBER_COLUMNS = List.of("import_id", "group_id", "user_id");
    private static final List<String> USER_INSERT_COLUMNS = List.of("tenant_id", "sis_id", "account", "given_name",
            "family_name", "role", "mobile", "mobile_norm", "email", "start_date", "end_date", "source", "last_seen_at",
            "welcome_due");

    private final Connection c;
    private final Options o;
    private final Instant now;
    private final Function<String, String> normaliseMobile;
    private final Consumer<RowError> errors;
    private final Runnable progress;

    private final Map<String, String> orgNames = new HashMap<>();
    private final Map<String, String> sessionTitles = new HashMap<>();
    private final List<SisClass> classes = new ArrayList<>();
    private final List<SisUser> users = new ArrayList<>();
    private final List<SisEnrollment> enrollments = new ArrayList<>();
    private final List<String[]> groupMembers = new ArrayList<>();

    private long rows;
    private long usersInserted;
    private long usersUpdated;
    private long usersEnded;
    private long groupsWritten;
    private long membershipsWritten;
    private long errorCount;

    /** PostgreSQL: planner statistics are refreshed in this transaction as the directory grows (see {@link #analyze}). */
    private final boolean postgres;
    private long inserted;
    private long analyzeAfter = -1;

    /**
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
    public void onClass(SisClass sisClass) {
        classes.add(sisClass);
        if (classes.size() >= o.batchSize()) {
            run(this::flushClasses);
        }
        counted();
    }

    @Override
    public void onUser(SisUser user) {
        users.add(user);
        if (users.size() >= o.batchSize()) {
            run(this::flushUsers);
        }
        counted();
    }

    @Override
    public void onEnrollment(SisEnrollment enrollment) {
        enrollments.add(enrollment);
        if (enrollments.size() >= o.batchSize()) {
            run(this::flushEnrollments);
        }
        counted();
    }

    @Override
    public void onGroupMember(String userSourcedId, String groupName) {
        groupMembers.add(new String[] {userSourcedId, groupName});
        if (groupMembers.size() >= o.batchSize()) {
            run(this::flushGroupMembers);
        }
    }

    @Override
    public void onError(RowError error) {
        errorCount++;
        errors.accept(error);
        counted();
    }

    /** Writes what is still buffered and, for a full import, ends the users of this source it did not contain. */
    public Counts finish() throws SQLException {
        flushClasses();
        flushUsers();
        flushEnrollments();
        flushGroupMembers();
        if (o.full()) {
            analyze(true);
            usersEnded += Jdbc.update(c, "update dir_user set end_date = ?, last_seen_at = ? where tenant_id = ? and source = ? "
                    + "and (end_date is null or end_date > ?) and not exists (select 1 from sis_import_seen s "
                    + "where s.import_id = ? and s.sis_id = dir_user.sis_id)", o.endDateForMissing(), now, o.tenant(),
                    o.source(), o.endDateForMissing(), o.importId());
            // memberships of this source's groups that the export no longer has, then its groups it no longer has
            // and that have no members left
            membershipsWritten += Jdbc.update(c, "delete from dir_membership where group_id in (select g.id from dir_group g "
                    + "where g.tenant_id = ? and g.source = ?) and not exists (select 1 from sis_import_seen_member s "
                    + "where s.import_id = ? and s.group_id = dir_membership.group_id and s.user_id = dir_membership.user_id) "
                    // users the export lacks keep their memberships until they end (the grace)
                    + "and exists (select 1 from dir_user u join sis_import_seen su on su.import_id = ? and su.sis_id = u.sis_id "
                    + "where u.id = dir_membership.user_id)", o.tenant(), o.source(), o.importId(), o.importId());
            groupsWritten += Jdbc.update(c, "delete from dir_group where tenant_id = ? and source = ? and not exists "
                    + "(select 1 from dir_membership m where m.group_id = dir_group.id) and not exists (select 1 from "
                    + "sis_import_seen_member s where s.import_id = ? and s.group_id = dir_group.id and s.user_id = -1)",
                    o.tenant(), o.source(), o.importId());
            Jdbc.update(c, "delete from sis_import_seen where import_id = ?", o.importId());
            Jdbc.update(c, "delete from sis_import_seen_member where import_id = ?", o.importId());
        }
        return counts();
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

    private static void run(Step step) {
        try {
            step.run();
        } catch (SQLException e) {
            throw new Jdbc.DataException(e);
        }
    }

    // --- groups ---------------------------------------------------------------------------------------------

    private record GroupRow(String sisId, String name, String kind, String school, String session) {
    }

    private void flushClasses() throws SQLException {
        if (classes.isEmpty()) {
            return;
        }
        List<GroupRow> rows = classes.stream().map(k -> new GroupRow(k.sourcedId(), k.title(),
                "homeroom".equals(k.classType()) ? "CLASS" : "TEAM", orgNames.get(k.schoolSourcedId()),
                k.termSourcedIds().isEmpty() ? null : sessionTitles.get(k.termSourcedIds().get(0)))).toList();
        classes.clear();
        writeGroups(rows);
    }

    private void writeGroups(List<GroupRow> rows) throws SQLException {
        Map<String, Object[]> existing = select("select sis_id, name, kind, school, session_name, source from dir_group",
                rows.stream().map(GroupRow::sisId).toList(), rs -> new Object[] {rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6)});
        List<Object[]> inserts = new ArrayList<>();
        try (PreparedStatement update = c.prepareStatement("update dir_group set name = ?, kind = ?, school = ?, "
                     + "session_name = ?, source = ?, last_seen_at = ? where tenant_id = ? and sis_id = ?")) {
            for (GroupRow g : rows) {
                Object[] old = existing.get(g.sisId());
                if (old == null) {
                    inserts.add(new Object[] {o.tenant(), g.sisId(), g.name(), g.kind(), g.school(), g.session(), o.source(), now});
                    groupsWritten++;
                } else if (!java.util.Arrays.equals(old, new Object[] {g.name(), g.kind(), g.school(), g.session(), o.source()})) {
                    Jdbc.bind(update, g.name(), g.kind(), g.school(), g.session(), o.source(), now, o.tenant(), g.sisId());
                    update.addBatch();
                    groupsWritten++;
                }
            }
            insertRows("dir_group", List.of("tenant_id", "sis_id", "name", "kind", "school", "session_name", "source",
                    "last_seen_at"), inserts);
            update.executeBatch();
        }
        if (o.full()) {
            List<Object[]> seen = new ArrayList<>();
            for (Long id : ids("dir_group", rows.stream().map(GroupRow::sisId).toList()).values()) {
                seen.add(new Object[] {o.importId(), id, -1L});
            }
            BulkInsert.insert(c, "sis_import_seen_member", SEEN_MEMBER_COLUMNS, seen);
        }
    }

    // --- users ----------------------------------------------------------------------------------------------

    private record UserRow(String sisId, Object[] values) {
    }

    private void flushUsers() throws SQLException {
        if (users.isEmpty()) {
            return;
        }
        List<UserRow> rows = new ArrayList<>(users.size());
        for (SisUser u : users) {
            LocalDate end = u.endDate();
            if ("tobedeleted".equals(u.status()) && (end == null || end.isAfter(o.today()))) {
                end = o.today();
            }
            String role = u.role() == null ? null : u.role().name();
            String mobile = blankToNull(u.mobile());
            rows.add(new UserRow(u.sourcedId(), new Object[] {blankToNull(u.username()), u.givenName(), u.familyName(), role,
                    mobile, mobile == null ? null : normaliseMobile.apply(mobile), blankToNull(u.email()), u.startDate(), end,
                    o.source()}));
        }
        users.clear();
        Map<String, Object[]> existing = select("select sis_id, " + USER_COLUMNS + " from dir_user",
                rows.stream().map(UserRow::sisId).toList(), rs -> new Object[] {rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.getObject(9, LocalDate.class), rs.getObject(10, LocalDate.class), rs.getString(11)});
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> seen = new ArrayList<>();
        try (PreparedStatement update = c.prepareStatement("update dir_user set account = ?, given_name = ?, "
                     + "family_name = ?, role = ?, mobile = ?, mobile_norm = ?, email = ?, start_date = ?, end_date = ?, "
                     + "source = ?, last_seen_at = ? where tenant_id = ? and sis_id = ?")) {
            for (UserRow u : rows) {
                Object[] old = existing.get(u.sisId());
                Object[] v = u.values();
                if (old == null) {
                    boolean welcome = o.welcome() && v[0] != null && v[5] != null
                            && (v[8] == null || !((LocalDate) v[8]).isBefore(o.today()));
                    inserts.add(new Object[] {o.tenant(), u.sisId(), v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
                            v[9], now, welcome});
                    usersInserted++;
                } else if (!java.util.Arrays.equals(old, v)) {
                    Jdbc.bind(update, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], now, o.tenant(), u.sisId());
                    update.addBatch();
                    usersUpdated++;
                }
                if (o.full()) {
                    seen.add(new Object[] {o.importId(), u.sisId()});
                }
            }
            insertRows("dir_user", USER_INSERT_COLUMNS, inserts);
            update.executeBatch();
            BulkInsert.insert(c, "sis_import_seen", List.of("import_id", "sis_id"), seen);
        }
    }

    // --- memberships ----------------------------------------------------------------------------------------

    private record Member(String groupSisId, String userSisId, String role, boolean delete) {
    }

    /** A membership's (group id, user id); mixed hash: List.of(g, u)'s 31 * g + u collides for every batch. */
    private record MemberKey(long group, long user) {
        @Override
        public int hashCode() {
            return Long.hashCode((group * 0x9E3779B97F4A7C15L) ^ user);
        }
    }

    private void flushEnrollments() throws SQLException {
        if (enrollments.isEmpty()) {
            return;
        }
        List<Member> members = enrollments.stream().map(e -> new Member(e.classSourcedId(), e.userSourcedId(),
                e.role() == null ? null : e.role().name(), "tobedeleted".equals(e.status()))).toList();
        enrollments.clear();
        writeMembers(members);
    }

    private void flushGroupMembers() throws SQLException {
        if (groupMembers.isEmpty()) {
            return;
        }
        List<GroupRow> groups = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String[] m : groupMembers) {
            if (names.add(m[1])) {
                groups.add(new GroupRow(m[1], m[1], "CLASS", null, null));
            }
        }
        List<Member> members = groupMembers.stream().map(m -> new Member(m[1], m[0], null, false)).toList();
        groupMembers.clear();
        writeGroups(groups);
        writeMembers(members);
    }

    private void writeMembers(List<Member> members) throws SQLException {
        flushClasses();
        flushUsers();
        Map<String, Long> groupIds = ids("dir_group", members.stream().map(Member::groupSisId).distinct().toList());
        Map<String, Long> userIds = ids("dir_user", members.stream().map(Member::userSisId).distinct().toList());
        Map<MemberKey, String> existing = new HashMap<>();
        if (!groupIds.isEmpty() && !userIds.isEmpty()) {
            // by user only (index dir_membership_user): a batch's groups are often all groups, its users are few
            try (PreparedStatement ps = c.prepareStatement("select group_id, user_id, role from dir_membership where user_id in ("
                    + marks(userIds.size()) + ")")) {
                Jdbc.bind(ps, userIds.values().toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        existing.put(new MemberKey(rs.getLong(1), rs.getLong(2)), Objects.requireNonNullElse(rs.getString(3), ""));
                    }
                }
            }
        }
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> seen = new ArrayList<>();
        try (PreparedStatement update = c.prepareStatement("update dir_membership set role = ? where group_id = ? and user_id = ?");
             PreparedStatement delete = c.prepareStatement("delete from dir_membership where group_id = ? and user_id = ?")) {
            for (Member m : members) {
                Long group = groupIds.get(m.groupSisId());
                Long user = userIds.get(m.userSisId());
                if (group == null || user == null) {
                    onError(new RowError("enrollments", 0, null, "membership of user '" + m.userSisId() + "' in group '"
                            + m.groupSisId() + "' skipped: " + (group == null ? "group" : "user") + " not in the directory"));
                    continue;
                }
                MemberKey key = new MemberKey(group, user);
                if (o.full() && !m.delete()) {
                    seen.add(new Object[] {o.importId(), group, user});
                }
                String old = existing.get(key);
                if (m.delete()) {
                    if (old != null) {
                        Jdbc.bind(delete, group, user);
                        delete.addBatch();
                        existing.remove(key);
                        membershipsWritten++;
                    }
                } else if (old == null) {
                    inserts.add(new Object[] {group, user, m.role()});
                    existing.put(key, Objects.requireNonNullElse(m.role(), ""));
                    membershipsWritten++;
                } else if (!old.equals(Objects.requireNonNullElse(m.role(), ""))) {
                    Jdbc.bind(update, m.role(), group, user);
                    update.addBatch();
                    existing.put(key, Objects.requireNonNullElse(m.role(), ""));
                    membershipsWritten++;
                }
            }
            insertRows("dir_membership", List.of("group_id", "user_id", "role"), inserts);
            update.executeBatch();
            delete.executeBatch();
            BulkInsert.insert(c, "sis_import_seen_member", SEEN_MEMBER_COLUMNS, seen);
        }
    }

    // --- helpers --------------------------------------------------------------------------------------------

    /**
     * PostgreSQL plans each batch's lookups with the statistics of the directory tables, which autovacuum cannot
     * refresh for rows this (one, long) transaction writes: planned as if a tenant had a couple of rows, a lookup
     * of 500 sis_ids reads every row of the tenant, and the import slows down as the tables grow (issue #5).
     * ANALYZE in this transaction does see its own rows, so it runs before the first batch and again whenever
     * the import has inserted as many rows as it had then (doubling: a few cheap, sampled runs per import).
     */
    private void analyze(boolean force) throws SQLException {
        if (!postgres || (!force && analyzeAfter >= 0 && inserted < analyzeAfter)) {
            return;
        }
        Jdbc.update(c, "analyze dir_user, dir_group, dir_membership, sis_import_seen, sis_import_seen_member");
        analyzeAfter = inserted + Math.max(2000, inserted);
    }

    private void insertRows(String table, List<String> columns, List<Object[]> rows) throws SQLException {
        BulkInsert.insert(c, table, columns, rows);
        inserted += rows.size();
    }

    private Map<String, Long> ids(String table, List<String> sisIds) throws SQLException {
        Map<String, Long> ids = new HashMap<>();
        select("select sis_id, id from " + table, sisIds, rs -> new Object[] {rs.getLong(2)})
                .forEach((k, v) -> ids.put(k, (Long) v[0]));
        return ids;
    }

    /** {@code sql} (whose first column is sis_id) for the tenant's rows with these SIS ids, by SIS id. */
    private Map<String, Object[]> select(String sql, List<String> sisIds, Jdbc.RowMapper<Object[]> mapper) throws SQLException {
        analyze(false);
        Map<String, Object[]> found = new LinkedHashMap<>();
        for (int from = 0; from < sisIds.size(); from += 1000) {
            List<String> chunk = sisIds.subList(from, Math.min(sisIds.size(), from + 1000));
            try (PreparedStatement ps = c.prepareStatement(sql + " where tenant_id = ? and sis_id in (" + marks(chunk.size()) + ")")) {
                ps.setString(1, o.tenant());
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 2, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), mapper.map(rs));
                    }
                }
            }
        }
        return found;
    }

    private static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

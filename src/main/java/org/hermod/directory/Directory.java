package org.hermod.directory;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hermod.Problem;
import org.hermod.db.Jdbc;

/** Users, groups (classes, teams) and memberships of each tenant, keyed by their SIS id. */
public final class Directory {

    public record User(String sisId, String account, String givenName, String familyName, String role, String mobile,
                       String email, LocalDate startDate, LocalDate endDate) {
    }

    public record Group(String sisId, String name, String kind, String school, String session, List<String> members) {
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final Supplier<Function<String, String>> mobileNormaliser;

    /**
     * @param mobileNormaliser the rule for {@code mobile_norm} as it is at the time of a save
     *                         ({@code MobilePrefixes.mobileNormaliser}, the same as the imports')
     */
    public Directory(Jdbc jdbc, Clock clock, Supplier<Function<String, String>> mobileNormaliser) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.mobileNormaliser = mobileNormaliser;
    }

    /**
     * Inserts or updates users by SIS id, all in one transaction. {@code mobile_norm} is computed from the mobile on
     * every write, so a changed number takes the old one's place for the SMS password reset at once.
     */
    public void saveUsers(String tenant, String source, List<User> users) {
        Function<String, String> normalise = mobileNormaliser.get();
        jdbc.tx(c -> {
            for (User u : users) {
                String norm = normalise.apply(u.mobile());
                int n = Jdbc.update(c, "update dir_user set account = ?, given_name = ?, family_name = ?, role = ?, "
                        + "mobile = ?, mobile_norm = ?, email = ?, start_date = ?, end_date = ?, source = ?, last_seen_at = ? "
                        + "where tenant_id = ? and sis_id = ?", u.account(), u.givenName(), u.familyName(), u.role(),
                        u.mobile(), norm, u.email(), u.startDate(), u.endDate(), source, clock.instant(), tenant, u.sisId());
                if (n == 0) {
                    Jdbc.update(c, "insert into dir_user (tenant_id, sis_id, account, given_name, family_name, role, "
                            + "mobile, mobile_norm, email, start_date, end_date, source, last_seen_at) "
                            + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tenant, u.sisId(), u.account(), u.givenName(),
                            u.familyName(), u.role(), u.mobile(), norm, u.email(), u.startDate(), u.endDate(), source,
                            clock.instant());
                }
            }
            return null;
        });
    }

    /** Inserts or updates a group and replaces its members (all must exist). */
    public void saveGroup(String tenant, String source, Group g) {
        jdbc.tx(c -> {
            int n = Jdbc.update(c, "update dir_group set name = ?, kind = ?, school = ?, session_name = ?, source = ?, "
                    + "last_seen_at = ? where tenant_id = ? and sis_id = ?", g.name(), g.kind(), g.school(), g.session(),
                    source, clock.instant(), tenant, g.sisId());
            if (n == 0) {
                Jdbc.update(c, "insert into dir_group (tenant_id, sis_id, name, kind, school, session_name, source, "
                        + "last_seen_at) values (?, ?, ?, ?, ?, ?, ?, ?)", tenant, g.sisId(), g.name(), g.kind(),
                        g.school(), g.session(), source, clock.instant());
            }
            long groupId = Jdbc.query(c, "select id from dir_group where tenant_id = ? and sis_id = ?",
                    rs -> rs.getLong(1), tenant, g.sisId()).get(0);
            Jdbc.update(c, "delete from dir_membership where group_id = ?", groupId);
            for (int i = 0; i < g.members().size(); i++) {
                String member = g.members().get(i);
                List<Long> user = Jdbc.query(c, "select id from dir_user where tenant_id = ? and sis_id = ?",
                        rs -> rs.getLong(1), tenant, member);
                if (user.isEmpty()) {
                    throw Problem.badRequest("members[" + i + "]", "unknown user '" + member + "'");
                }
                Jdbc.update(c, "insert into dir_membership (group_id, user_id) values (?, ?)", groupId, user.get(0));
            }
            return null;
        });
    }
}

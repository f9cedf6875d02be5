package org.hermod.sis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large users.csv is read row by row: the sink sees every user as it is read, and the reader keeps no state
 * per user. The duplicate 100,000 rows apart is caught where the users are, in the directory writer's staging
 * table (H2 here).
 */
class OneRosterStreamingTest {

    private static final int USERS = 100_000;

    @TempDir
    Path export;

    /** Counts instead of keeping, so the test itself holds no rows either. */
    private static final class CountingSink implements Sink {
        int users;
        String lastUser;
        final List<RowError> errors = new ArrayList<>();

        @Override
        public void onUser(SisUser user) {
            users++;
            lastUser = user.sourcedId() + " " + user.givenName() + " " + user.orgSourcedIds();
        }

        @Override
        public void onError(RowError error) {
            errors.add(error);
        }
    }

    @Test
    void readsOneHundredThousandUsers() throws Exception {
        Files.writeString(export.resolve("manifest.csv"), "propertyName,value\nfile.orgs,bulk\nfile.users,bulk\n");
        Files.writeString(export.resolve("orgs.csv"), "sourcedId,name,type\norg-1,Skole 1,school\norg-2,Skole 2,school\n");
        try (BufferedWriter out = Files.newBufferedWriter(export.resolve("users.csv"), StandardCharsets.UTF_8)) {
            out.write("sourcedId,orgSourcedIds,role,username,givenName,familyName,sms\r\n");
            for (int i = 1; i <= USERS; i++) {
                out.write(String.format("u%06d,\"org-1,org-2\",student,user%06d,Søren %d,Ærøbo,+45 20 %06d\r\n",
                        i, i, i, i));
            }
            out.write("u000001,org-1,student,again,Dup,Licate,\r\n");
        }

        CountingSink sink = new CountingSink();
        new OneRosterReader().read(export, sink);

        assertThat(sink.users).as("the reader passes the duplicate on").isEqualTo(USERS + 1);
        assertThat(sink.lastUser).isEqualTo("u000001 Dup [org-1]");
        assertThat(sink.errors).isEmpty();

        DirectoryImport.Result result = DirectoryImport.full(writer -> new OneRosterReader().read(export, writer), 5000);
        assertThat(result.errors()).containsExactly(new RowError("users.csv", USERS + 2, "sourcedId",
                "duplicate sourcedId 'u000001', first seen on line 2"));
        assertThat(result.counts().usersInserted()).isEqualTo(USERS);
    }
}

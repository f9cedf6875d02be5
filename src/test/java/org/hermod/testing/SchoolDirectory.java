package org.hermod.testing;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;

/**
 * The school's LDAP directory of record for password tests: UnboundID's in-memory server on a free port with
 * {@code src/test/resources/ldap/school.ldif} (Søren, uid soer0417, password {@code old-password}) and Hermod's bind
 * account.
 */
public final class SchoolDirectory implements AutoCloseable {

    public static final String PEOPLE = "ou=people,dc=school,dc=dk";

    public final InMemoryDirectoryServer server;

    public SchoolDirectory() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=school,dc=dk");
        config.addAdditionalBindCredentials("cn=hermod,dc=school,dc=dk", "bind-secret");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", 0));
        server = new InMemoryDirectoryServer(config);
        server.importFromLDIF(true, "src/test/resources/ldap/school.ldif");
        server.startListening();
    }

    /** {@code app} with this server as its directory of record ({@code hermod.ldap.*}). */
    public HermodApp.Builder ofRecordFor(HermodApp.Builder app) {
        return app.with("hermod.ldap.url", "ldap://localhost:" + server.getListenPort())
                .with("hermod.ldap.bind-dn", "cn=hermod,dc=school,dc=dk")
                .with("hermod.ldap.bind-password", "bind-secret")
                .with("hermod.ldap.user-base-dn", PEOPLE);
    }

    /** Binds as {@code account} with {@code password}; throws if the directory refuses. */
    public void bind(String account, String password) throws LDAPException {
        try (LDAPConnection c = server.getConnection()) {
            c.bind("uid=" + account + "," + PEOPLE, password);
        }
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}

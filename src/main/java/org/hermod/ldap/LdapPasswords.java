package org.hermod.ldap;

import com.unboundid.ldap.sdk.ExtendedResult;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.extensions.PasswordModifyExtendedRequest;
import org.hermod.password.DirectoryOfRecord;

/**
 * Sets a user's password in the LDAP directory of record: binds as {@code hermod.ldap.bind-dn}, finds the one entry
 * whose filter matches the account, and sends the Password Modify extended operation (RFC 3062) for its DN, so the
 * server hashes the password by its own policy. One connection per call: passwords are set rarely. TLS as the import
 * does it ({@link LdapTls}).
 */
public final class LdapPasswords implements DirectoryOfRecord {

    private final LdapSettings settings;

    public LdapPasswords(LdapSettings settings) {
        this.settings = settings;
    }

    @Override
    public void setPassword(String account, String password) {
        try (LDAPConnection c = connect()) {
            c.bind(settings.bindDn(), settings.bindPassword());
            String filter = settings.userFilter().replace("{account}", Filter.encodeValue(account));
            SearchResult found = c.search(settings.userBaseDn(), SearchScope.SUB, Filter.create(filter), "1.1");
            if (found.getEntryCount() != 1) {
                throw new IllegalStateException("LDAP: " + found.getEntryCount() + " entries match " + filter + " under "
                        + settings.userBaseDn() + "; the password was not set");
            }
            String dn = found.getSearchEntries().get(0).getDN();
            ExtendedResult result = c.processExtendedOperation(new PasswordModifyExtendedRequest(dn, null, password));
            if (result.getResultCode() != ResultCode.SUCCESS) {
                throw new IllegalStateException("LDAP refused the password of " + dn + ": " + result.getResultCode()
                        + " " + result.getDiagnosticMessage());
            }
        } catch (LDAPException e) {
            // the message of an LDAPException holds the server's diagnostic, never the request's password
            throw new IllegalStateException("LDAP " + settings.url() + ": " + e.getResultCode() + " "
                    + (e.getDiagnosticMessage() == null ? e.getMessage() : e.getDiagnosticMessage()), e);
        }
    }

    private LDAPConnection connect() throws LDAPException {
        return settings.tls().connect(settings.url(), settings.startTls(), 30_000);
    }
}

package org.hermod.password;

/**
 * Where a user's password really lives (the LDAP directory the school logs in against), if anywhere. Hermod
 * keeps only a hash of the temporary passwords it hands out.
 */
public interface DirectoryOfRecord {

    /** No directory of record configured: the hash on {@code dir_user} is all there is. */
    DirectoryOfRecord NONE = (account, password) -> {
    };

    /**
     * Sets {@code password} for the user with this account name; throws an {@link IllegalStateException} saying why
     * (never with the password) when that is not possible.
     */
    void setPassword(String account, String password);
}

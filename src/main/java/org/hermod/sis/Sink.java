package org.hermod.sis;

/**
 * Receives what a SIS reader finds, one record at a time, in file order. Only errors must be
 * handled: a reader never drops a row without telling {@link #onError}.
 *
 * <p>A row that has an error is not passed on, except when the error concerns only a contact
 * field (e-mail, mobile): then the record comes with that field null, after the error.
 *
 * <p>Readers check what they can in bounded memory. Duplicate user and enrollment ids, and references from
 * enrollments to users, are left to the sink ({@link #onReferences}): {@link DirectoryWriter} checks them in
 * the database.
 */
public interface Sink {

    default void onSession(SisSession session) {
    }

    default void onOrg(SisOrg org) {
    }

    default void onClass(SisClass sisClass) {
    }

    default void onUser(SisUser user) {
    }

    default void onEnrollment(SisEnrollment enrollment) {
    }

    /** A user's membership of a class or team named in a mapped file; follows its {@link #onUser}. */
    default void onGroupMember(String userSourcedId, String groupName) {
    }

    /**
     * Called once before the first record of an export: whether its memberships may name users it does not
     * contain (a delta: they may be in the directory already). Users are too many to be checked in memory, so
     * the sink checks these references (and duplicate user and enrollment ids) when it applies them.
     */
    default void onReferences(boolean external) {
    }

    /** A user row that was not passed on: memberships naming it are reported as naming a rejected user. */
    default void onRejectedUser(String sourcedId, Origin origin) {
    }

    void onError(RowError error);

    /**
     * A value Hermod does not use is missing or not as the standard has it (a {@code dateLastModified} that is not
     * ISO-8601, an org's {@code type}): the row was passed on all the same. The import report lists it; it is not an
     * error and rejects nothing, not even with all-or-nothing.
     */
    default void onWarning(RowError warning) {
    }
}

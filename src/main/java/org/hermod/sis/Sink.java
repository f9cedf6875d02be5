package org.hermod.sis;

/**
 * Receives what a SIS reader finds, one record at a time, in file order. Only errors must be
 * handled: a reader never drops a row without telling {@link #onError}.
 *
 * <p>A row that has an error is not passed on, except when the error concerns only a contact
 * field (e-mail, mobile): then the record comes with that field null, after the error.
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

    void onError(RowError error);
}

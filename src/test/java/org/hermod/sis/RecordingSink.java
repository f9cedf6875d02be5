package org.hermod.sis;

import java.util.ArrayList;
import java.util.List;

/** Keeps everything a reader hands out, in order. */
final class RecordingSink implements Sink {

    /** Group memberships from mapped files. */
    record Membership(String userSourcedId, String groupName) {
    }

    final List<Object> events = new ArrayList<>();
    final List<SisSession> sessions = new ArrayList<>();
    final List<SisOrg> orgs = new ArrayList<>();
    final List<SisClass> classes = new ArrayList<>();
    final List<SisUser> users = new ArrayList<>();
    final List<SisEnrollment> enrollments = new ArrayList<>();
    final List<Membership> memberships = new ArrayList<>();
    final List<RowError> errors = new ArrayList<>();
    final List<RowError> warnings = new ArrayList<>();

    @Override
    public void onSession(SisSession session) {
        sessions.add(session);
        events.add(session);
    }

    @Override
    public void onOrg(SisOrg org) {
        orgs.add(org);
        events.add(org);
    }

    @Override
    public void onClass(SisClass sisClass) {
        classes.add(sisClass);
        events.add(sisClass);
    }

    @Override
    public void onUser(SisUser user) {
        users.add(user);
        events.add(user);
    }

    @Override
    public void onEnrollment(SisEnrollment enrollment) {
        enrollments.add(enrollment);
        events.add(enrollment);
    }

    @Override
    public void onGroupMember(String userSourcedId, String groupName) {
        Membership membership = new Membership(userSourcedId, groupName);
        memberships.add(membership);
        events.add(membership);
    }

    @Override
    public void onError(RowError error) {
        errors.add(error);
        events.add(error);
    }

    @Override
    public void onWarning(RowError warning) {
        warnings.add(warning);
    }

    List<RowError> errorsIn(String file) {
        return errors.stream().filter(error -> error.file().equals(file)).toList();
    }

    List<String> userIds() {
        return users.stream().map(SisUser::sourcedId).toList();
    }

    SisUser user(String sourcedId) {
        return users.stream().filter(user -> user.sourcedId().equals(sourcedId)).findFirst().orElseThrow();
    }
}

package org.hermod.modem;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * {@code /observe/health} entry {@code modem:<name>} (group {@code hermod}): UP when the modem is connected and registered on
 * the network, DOWN otherwise, with the link, signal, registration, last error and next reconnect attempt.
 * A readiness check only: a modem that is down must not make an orchestrator restart Hermod (that would not
 * bring a Moxa NPort's connection back any sooner).
 */
public final class ModemHealthCheck extends AbstractHealthCheck {

    /**
     * Not {@code modem-<name>}: that is the id of the modem's route, and Camel's registry takes an id and
     * {@code route:<id>} (the route's own check) for the same check, so a check of that id is silently not registered.
     */
    static final String PREFIX = "modem:";

    private final ModemConnection connection;

    public ModemHealthCheck(ModemConnection connection) {
        super("hermod", PREFIX + connection.name());
        this.connection = connection;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ModemConnection.Status s = connection.status();
        builder.detail("modem.state", s.state().name());
        builder.detail("modem.link", s.link());
        builder.detail("modem.rssi", s.rssi());
        if (s.dbm() != null) {
            builder.detail("modem.signal.dbm", s.dbm());
        }
        builder.detail("modem.registration", s.registration());
        builder.detail("modem.connects", s.connects());
        if (s.lastError() != null) {
            builder.detail("modem.last.error", s.lastError());
        }
        if (s.connectedSince() != null) {
            builder.detail("modem.connected.since", s.connectedSince().toString());
        }
        if (s.nextAttempt() != null && s.state() != ModemConnection.State.READY) {
            builder.detail("modem.next.attempt", s.nextAttempt().toString());
            builder.detail("modem.failed.attempts", s.failures());
        }
        if (s.state() == ModemConnection.State.READY) {
            builder.up();
        } else {
            builder.message("modem " + s.name() + " is " + s.state() + (s.lastError() == null ? "" : ": " + s.lastError()));
            builder.down();
        }
    }
}

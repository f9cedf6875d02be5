package org.hermod.modem;

import java.io.IOException;
import java.time.Clock;
import java.util.function.Supplier;
import org.hermod.inbound.Inbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured modem: its connection (lifecycle), its channel (outgoing) and its inbox (incoming), wired
 * together. Bound as bean {@code modem-<name>}; the {@code modem} route template calls {@link #tick()}.
 */
public final class Modem implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Modem.class);

    private final ModemSettings settings;
    private final ModemConnection connection;
    private final ModemChannel channel;
    private final ModemInbox inbox;
    private final ModemStore store;

    public Modem(ModemSettings settings, ModemStore store, Supplier<Inbound> inbound, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.connection = new ModemConnection(settings, clock, store);
        this.channel = new ModemChannel(settings, connection, store);
        this.inbox = new ModemInbox(settings, store, inbound, clock);
        connection.onUrc(inbox::urc);
        // URCs sent while the link was down are lost: sweep the SIM after every (re)connect
        connection.onConnected(at -> {
            try {
                inbox.sweep(at);
            } catch (IOException e) {
                LOG.warn("Modem {}: sweep after connect failed: {}", settings.name(), e.getMessage());
            }
        });
    }

    public String name() {
        return settings.name();
    }

    public ModemSettings settings() {
        return settings;
    }

    public ModemConnection connection() {
        return connection;
    }

    public ModemChannel channel() {
        return channel;
    }

    public ModemInbox inbox() {
        return inbox;
    }

    /**
     * The periodic job: reconnect if due, refresh signal and registration, sweep the SIM when due, apply status
     * reports whose SMS have meanwhile been stored as SENT, deliver concatenated SMS that will not complete.
     */
    public void tick() {
        try {
            connection.tick();
            connection.call(at -> {
                inbox.sweepIfDue(at);
                return null;
            });
        } catch (ModemConnection.UnavailableException e) {
            LOG.debug("Modem {}: {}", settings.name(), e.getMessage());
        } catch (IOException e) {
            LOG.info("Modem {}: {}", settings.name(), e.getMessage());
        }
        store.applyReports(settings.name());
        inbox.expireParts();
    }

    /**
     * Housekeeping step of the modem's route: SMS sent with a status report requested that got none within
     * {@code report-timeout} become NO_REPORT. Nothing when the modem does not ask for reports.
     */
    public int expireReports() {
        return settings.statusReports() ? store.expireReports(settings.name(), settings.reportTimeout()) : 0;
    }

    @Override
    public void close() {
        connection.close();
    }
}

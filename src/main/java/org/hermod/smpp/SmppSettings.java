package org.hermod.smpp;

import java.time.Duration;
import java.util.List;
import org.hermod.config.ConfigException;
import org.hermod.config.Indexed;
import org.hermod.config.Settings;

/**
 * One SMPP channel, from {@code hermod.smpp.channels[i].*} (see application.properties for every key). The
 * password is a secret: it has no default and {@link #toString()} never shows it.
 */
public record SmppSettings(
        String name,
        String host,
        int port,
        String systemId,
        String password,
        String systemType,
        boolean transceiver,
        String sourceAddress,
        int sourceTon,
        int sourceNpi,
        int destTon,
        int destNpi,
        int binds,
        int window,
        int dispatchers,
        boolean deliveryReceipts,
        Duration enquireLinkInterval,
        Duration responseTimeout,
        Duration reconnectDelay,
        Duration reconnectDelayMax,
        Duration throttlePause,
        int receiveThreads,
        int receiveQueue) {

    public static List<SmppSettings> all(Settings settings) {
        return Indexed.all(settings, "hermod.smpp.channels").stream().filter(c -> c.bool("enabled", true))
                .map(SmppSettings::from).toList();
    }

    static SmppSettings from(Indexed c) {
        String bindType = c.string("bind-type", "transceiver").toLowerCase();
        if (!bindType.equals("transceiver") && !bindType.equals("transmitter")) {
            throw new ConfigException(c.key("bind-type"), "must be transceiver or transmitter, was '" + bindType + "'");
        }
        // SMPP 3.4 field limits, checked here: jSMPP's own check would put the password into its log message
        if (c.string("password", "").length() > 8) {
            throw new ConfigException(c.key("password"), "must have at most 8 characters (SMPP 3.4)");
        }
        if (c.string("system-id").length() > 15) {
            throw new ConfigException(c.key("system-id"), "must have at most 15 characters (SMPP 3.4)");
        }
        return new SmppSettings(
                c.string("name"),
                c.string("host"),
                c.integer("port", 2775, 1, 65535),
                c.string("system-id"),
                c.string("password", ""),
                c.string("system-type", ""),
                bindType.equals("transceiver"),
                c.string("source-address", ""),
                c.integer("source-ton", 5, 0, 6),
                c.integer("source-npi", 0, 0, 18),
                c.integer("dest-ton", 1, 0, 6),
                c.integer("dest-npi", 1, 0, 18),
                c.integer("binds", 1, 1, 32),
                c.integer("window", 10, 1, 1000),
                c.integer("dispatchers", 2, 1, 8),
                c.bool("delivery-receipts", true),
                c.duration("enquire-link-interval", Duration.ofSeconds(30)),
                c.duration("response-timeout", Duration.ofSeconds(10)),
                c.duration("reconnect-delay", Duration.ofSeconds(1)),
                c.duration("reconnect-delay-max", Duration.ofMinutes(1)),
                c.duration("throttle-pause", Duration.ofMillis(500)),
                c.integer("receive-threads", 16, 1, 64),
                c.integer("receive-queue", 10_000, 10, 1_000_000));
    }

    @Override
    public String toString() {
        return "SmppSettings[" + name + " " + systemId + "@" + host + ":" + port + (transceiver ? " TRX" : " TX")
                + ", binds " + binds + ", window " + window + "]";
    }
}

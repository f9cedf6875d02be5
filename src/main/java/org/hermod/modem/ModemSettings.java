package org.hermod.modem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hermod.config.ConfigException;
import org.hermod.config.Settings;

/**
 * One modem's configuration, from the indexed keys {@code hermod.modem.devices[<i>].<key>}; a key a device does
 * not set falls back to {@code hermod.modem.default.<key>} (documented in application.properties). Devices are
 * read from index 0 up to the first index without a {@code name}.
 */
public record ModemSettings(
        String name,
        ModemLink link,
        Optional<String> pin,
        Optional<String> smsc,
        int batchSize,
        boolean statusReports,
        String cnmi,
        Duration commandTimeout,
        Duration promptTimeout,
        Duration sendTimeout,
        Duration reconnectDelay,
        Duration reconnectDelayMax,
        Duration sweepInterval,
        Duration concatTimeout,
        Duration reportTimeout,
        String resetCommand) {

    @Override
    public String toString() {
        return "modem " + name + " (" + link.describe() + ")"; // never the PIN
    }

    /** Every configured device; none when {@code hermod.modem.enabled} is false. */
    public static List<ModemSettings> all(Settings s) {
        List<ModemSettings> devices = new ArrayList<>();
        if (!s.bool("hermod.modem.enabled")) {
            return devices;
        }
        for (int i = 0; s.optional(key(i, "name")).isPresent(); i++) {
            devices.add(device(s, i));
        }
        if (devices.isEmpty()) {
            throw new ConfigException(key(0, "name"), "is required when hermod.modem.enabled is true");
        }
        return devices;
    }

    static ModemSettings device(Settings s, int i) {
        Keys k = new Keys(s, i);
        String name = s.string(key(i, "name"));
        if (!name.matches("[a-z0-9][a-z0-9-]{0,40}")) {
            throw new ConfigException(key(i, "name"), "must be lower-case letters, digits and '-', was '" + name + "'");
        }
        String type = k.string("link");
        ModemLink link = switch (type) {
            case "serial" -> new SerialLink(k.string("serial.port"), k.integer("serial.baud-rate", 300, 4_000_000),
                    k.integer("serial.data-bits", 5, 8), k.choice("serial.parity", SerialLink.Parity.class),
                    k.integer("serial.stop-bits", 1, 2), k.choice("serial.flow-control", SerialLink.FlowControl.class));
            case "tcp" -> new TcpLink(k.string("tcp.host"), k.integer("tcp.port", 1, 65535), k.duration("tcp.connect-timeout"));
            default -> throw new ConfigException(key(i, "link"), "must be serial or tcp, was '" + type + "'");
        };
        return new ModemSettings(name, link, s.optional(key(i, "pin")), k.optional("smsc"),
                k.integer("batch-size", 1, 100), k.bool("status-reports"), k.string("cnmi"),
                k.duration("command-timeout"), k.duration("prompt-timeout"), k.duration("send-timeout"),
                k.duration("reconnect-delay"), k.duration("reconnect-delay-max"), k.duration("sweep-interval"),
                k.duration("concat-timeout"), k.duration("report-timeout"), k.optional("reset-command").orElse(""));
    }

    static String key(int i, String key) {
        return "hermod.modem.devices[" + i + "]." + key;
    }

    /** Reconnect backoff after {@code failures} failed attempts in a row: doubling, capped. */
    public Duration backoff(int failures) {
        Duration d = reconnectDelay.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 16));
        return d.compareTo(reconnectDelayMax) > 0 ? reconnectDelayMax : d;
    }

    /** A device key, or the default key when the device does not set it; errors name the device key. */
    private record Keys(Settings s, int i) {
        private String pick(String key) {
            return s.optional(key(i, key)).isPresent() ? key(i, key) : "hermod.modem.default." + key;
        }

        Optional<String> optional(String key) {
            return s.optional(pick(key));
        }

        String string(String key) {
            if (s.optional(pick(key)).isEmpty()) {
                throw new ConfigException(key(i, key), "is required for modem " + s.string(key(i, "name")));
            }
            return s.string(pick(key));
        }

        int integer(String key, int min, int max) {
            string(key);
            return s.integer(pick(key), min, max);
        }

        boolean bool(String key) {
            string(key);
            return s.bool(pick(key));
        }

        Duration duration(String key) {
            string(key);
            return s.duration(pick(key));
        }

        <E extends Enum<E>> E choice(String key, Class<E> type) {
            string(key);
            return s.choice(pick(key), type);
        }
    }
}

package org.hermod.sis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hermod.config.ConfigException;
import org.hermod.config.Indexed;
import org.hermod.config.Settings;

/**
 * One configured file import, {@code hermod.sis.imports[i].*} (docs/SIS.md). Its route is {@code sis-import-<name>}.
 *
 * @param name         lower-case name: the route id's suffix
 * @param source       the directory's {@code source} of the users it writes (default: the name); a full and a delta
 *                     import of the same SIS share it
 * @param tenant       whose directory the files fill
 * @param folder       where files are dropped; done/ and error/ are made inside it
 * @param format       oneroster (a zip of a OneRoster 1.1 CSV export) or mapped (one CSV laid out by {@code mapping})
 * @param mapping      the column map file for the mapped format
 * @param full         full: users of this source missing from a file are ended; delta: only the rows given apply
 * @param allOrNothing a file with any bad row changes nothing and goes to error/
 * @param grace        a user missing from a full import keeps access this long (end date = today + grace)
 * @param welcome      new users with an account and a mobile number get the welcome SMS
 * @param maxEndPercent a full import that would end more than this share of the source's active users is held
 *                     until an operator confirms it (100: never held)
 */
public record SisImportSettings(String name, String source, String tenant, Path folder, Format format, Path mapping, boolean full,
                                boolean allOrNothing, Duration grace, boolean welcome, int maxEndPercent) {

    public enum Format { ONEROSTER, MAPPED }

    public static List<SisImportSettings> all(Settings settings) {
        return Indexed.all(settings, "hermod.sis.imports").stream().map(i -> of(settings, i)).toList();
    }

    private static SisImportSettings of(Settings settings, Indexed i) {
        String name = i.string("name");
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new ConfigException(i.key("name"), "must be lower-case letters, digits and '-', was '" + name + "'");
        }
        Format format = switch (i.string("format", "oneroster").trim().toLowerCase()) {
            case "oneroster" -> Format.ONEROSTER;
            case "mapped" -> Format.MAPPED;
            default -> throw new ConfigException(i.key("format"), "must be oneroster or mapped");
        };
        Path mapping = i.optional("mapping").map(Path::of).orElse(null);
        if (format == Format.MAPPED && mapping == null) {
            throw new ConfigException(i.key("mapping"), "is required for format mapped (a file in mappings/)");
        }
        boolean full = switch (i.string("mode", "full").trim().toLowerCase()) {
            case "full" -> true;
            case "delta" -> false;
            default -> throw new ConfigException(i.key("mode"), "must be full or delta");
        };
        return new SisImportSettings(name, i.string("source", name), i.string("tenant", settings.string("hermod.tenant.default")),
                Path.of(i.string("folder")), format, mapping, full, i.bool("all-or-nothing", false),
                i.duration("grace", settings.duration("hermod.sis.grace")), i.bool("welcome", true),
                i.integer("max-end-percent", settings.integer("hermod.sis.max-end-percent", 0, 100), 0, 100));
    }

    /** The camel-file include pattern: what a complete drop of this format looks like. */
    public String include() {
        return format == Format.ONEROSTER ? "(?i).*\\.zip" : "(?i).*\\.(csv|txt)";
    }
}

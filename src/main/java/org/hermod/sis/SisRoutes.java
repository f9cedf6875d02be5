package org.hermod.sis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;

/** Adds one {@code sis-import-<name>} route per configured import from the {@code sis-import} template. */
public final class SisRoutes {

    private SisRoutes() {
    }

    public static void install(CamelContext ctx, List<SisImportSettings> imports) throws Exception {
        for (SisImportSettings s : imports) {
            Path folder = s.folder().toAbsolutePath();
            Files.createDirectories(folder);
            ctx.addRouteFromTemplate("sis-import-" + s.name(), "sis-import", Map.of("name", s.name(),
                    "folder", folder.toString(), "include", s.include()));
        }
    }
}

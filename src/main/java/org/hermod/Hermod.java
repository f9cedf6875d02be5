package org.hermod;

import java.util.Properties;
import org.apache.camel.main.Main;
import org.hermod.config.Secrets;

/** Starts Hermod: Camel Main with the YAML routes under {@code routes/} and {@link HermodConfiguration}. */
public final class Hermod {

    private Hermod() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(create(new Properties()).run(args));
    }

    /**
     * A Hermod application, not yet started. {@code overrides} win over every other configuration source
     * (tests use it for ports and databases).
     */
    public static Main create(Properties overrides) {
        Main main = new Main();
        String config = System.getenv().getOrDefault("HERMOD_CONFIG", "hermod.properties");
        main.setPropertyPlaceholderLocations("file:" + config + ";optional=true,classpath:application.properties");
        main.setOverrideProperties(overrides);
        String routes = overrides.getProperty("hermod.routes", System.getenv().getOrDefault("HERMOD_ROUTES", "routes"));
        main.configure().withRoutesIncludePattern("file:" + routes + "/*.camel.yaml");
        // Camel's own summary masks by key name only and would print a password inside hermod.db.url;
        // HermodConfiguration logs the summary instead, masked by Secrets
        main.configure().setAutoConfigurationLogSummary(false);
        main.configure().setAdditionalSensitiveKeywords(Secrets.CAMEL_KEYWORDS);
        main.configure().addConfiguration(new HermodConfiguration());
        return main;
    }
}

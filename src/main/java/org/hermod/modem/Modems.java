package org.hermod.modem;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.LifecycleStrategySupport;
import org.hermod.config.Settings;
import org.hermod.db.Jdbc;
import org.hermod.inbound.Inbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured modems ({@code hermod.modem.*}), and what each gets in Camel: bean {@code modem-<name>}, a
 * route {@code modem-<name>} from template {@code modem} (routes/modem.camel.yaml), a readiness health check
 * {@code modem:<name>} and Micrometer gauges (its dispatcher route comes with every channel's, see HermodConfiguration). Nothing when {@code hermod.modem.enabled} is false (the default).
 */
public final class Modems {

    private static final Logger LOG = LoggerFactory.getLogger(Modems.class);

    private final List<Modem> modems;

    private Modems(List<Modem> modems) {
        this.modems = modems;
    }

    public static Modems fromSettings(Settings settings, Jdbc jdbc, Clock clock, Supplier<Inbound> inbound) {
        ModemStore store = new ModemStore(jdbc, clock);
        return new Modems(ModemSettings.all(settings).stream().map(s -> new Modem(s, store, inbound, clock)).toList());
    }

    public List<Modem> all() {
        return modems;
    }

    /** Binds the beans, health checks and gauges, adds the routes once the YAML templates are loaded. */
    public void install(CamelContext context, MeterRegistry meters) throws Exception {
        if (modems.isEmpty()) {
            return;
        }
        for (Modem modem : modems) {
            context.getRegistry().bind("modem-" + modem.name(), modem);
            gauges(meters, modem.connection());
        }
        // added once the context runs: routes added while it is still starting are not started on 4.17
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                HealthCheckRegistry health = HealthCheckRegistry.get(ctx);
                for (Modem modem : modems) {
                    ctx.addRouteFromTemplate("modem-" + modem.name(), "modem", Map.of("modem", modem.name()));
                    if (health != null) {
                        ModemHealthCheck check = new ModemHealthCheck(modem.connection());
                        check.setCamelContext(ctx);
                        // register() answers false, and does nothing, when a check of a similar id is there
                        if (!health.register(check)) {
                            throw new IllegalStateException("health check " + check.getId() + " of modem " + modem.name()
                                    + " was not registered: another check has the same id (rename the other check)");
                        }
                    } else {
                        LOG.warn("No health check registry (camel.management.healthCheckEnabled=false?): modem {} "
                                + "is not in /observe/health", modem.name());
                    }
                    LOG.info("Modem {} configured: {}", modem.name(), modem.settings().link().describe());
                }
            }
        });
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext ctx) {
                modems.forEach(Modem::close);
            }
        });
    }

    private static void gauges(MeterRegistry meters, ModemConnection c) {
        Gauge.builder("hermod.modem.up", () -> c.status().state() == ModemConnection.State.READY ? 1 : 0)
                .description("1 when the modem is connected and registered on the network").tag("modem", c.name())
                .register(meters);
        Gauge.builder("hermod.modem.signal.rssi", () -> c.status().rssi() == 99 ? Double.NaN : c.status().rssi())
                .description("AT+CSQ rssi, 0..31 (-113..-51 dBm); NaN when unknown").tag("modem", c.name())
                .register(meters);
        Gauge.builder("hermod.modem.registration", () -> c.status().registration())
                .description("AT+CREG stat: 1 home, 5 roaming, 0/2/3/4 not registered").tag("modem", c.name())
                .register(meters);
        Gauge.builder("hermod.modem.connects", () -> c.status().connects())
                .description("successful (re)connects since start").tag("modem", c.name()).register(meters);
    }
}

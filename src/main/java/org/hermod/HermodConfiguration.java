package org.hermod;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.hermod.api.AdminApi;
import org.hermod.api.ApiErrors;
import org.hermod.api.JobsApi;
import org.hermod.api.SisApi;
import org.hermod.api.SmsApi;
import org.hermod.api.auth.ApiUsers;
import org.hermod.api.auth.Passwords;
import org.hermod.api.auth.Permission;
import org.hermod.channel.SmsChannel;
import org.hermod.channel.spool.SpoolChannel;
import org.hermod.config.OwnerOnlyFiles;
import org.hermod.config.Secrets;
import org.hermod.config.Settings;
import org.apache.camel.health.HealthCheckRegistry;
import org.hermod.db.Database;
import org.hermod.db.DatabaseHealthCheck;
import org.hermod.outbox.ChannelHealthCheck;
import org.hermod.outbox.SealedText;
import org.hermod.db.Jdbc;
import org.hermod.directory.Directory;
import org.hermod.inbound.Inbound;
import org.hermod.inbound.KeywordHandler;
import org.hermod.jobs.ErrorLog;
import org.hermod.jobs.JobPolicy;
import org.hermod.jobs.JobPolicyFactory;
import org.hermod.jobs.Jobs;
import org.hermod.ldap.LdapImportSettings;
import org.hermod.ldap.LdapImporter;
import org.hermod.ldap.LdapPasswords;
import org.hermod.ldap.LdapSettings;
import org.hermod.mail.Mailer;
import org.hermod.api.InboundApi;
import org.hermod.kannel.DlrUrlPolicy;
import org.hermod.kannel.KannelDlr;
import org.hermod.kannel.KannelReceipts;
import org.hermod.kannel.KannelSendsms;
import org.hermod.kannel.SendsmsEndpoint;
import org.hermod.modem.Modems;
import org.hermod.outbox.DeliveryReports;
import org.hermod.outbox.Dispatcher;
import org.hermod.smpp.SmppChannel;
import org.hermod.smpp.SmppSettings;
import org.hermod.websms.WebSmsCallbacks;
import org.hermod.websms.WebSmsChannel;
import org.hermod.websms.WebSmsSettings;
import org.hermod.outbox.ErrorReport;
import org.hermod.outbox.MobilePrefixes;
import org.hermod.outbox.GroupCommit;
import org.hermod.outbox.Outbox;
import org.hermod.outbox.OutboxMetrics;
import org.hermod.outbox.OutboxSettings;
import org.hermod.password.DirectoryOfRecord;
import org.hermod.password.PasswordResend;
import org.hermod.password.PasswordReset;
import org.hermod.password.TemporaryPasswords;
import org.hermod.password.WelcomeSms;
import org.hermod.sis.ReadLimits;
import org.hermod.sis.SisImportSettings;
import org.hermod.sis.SisImporter;
import org.hermod.sis.SisRoutes;
import org.hermod.tenant.Tenants;

/**
 * Reads and checks the configuration, opens and migrates the database, and binds the beans the routes
 * refer to. A bad or missing key stops start-up here with a message that names it.
 */
public final class HermodConfiguration implements CamelConfiguration {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HermodConfiguration.class);

    /**
     * The API's port, after checking {@code hermod.observe.*}: on the API's port, /observe/* shares the API's listener
     * (one host); on a port of its own it gets a listener of its own.
     */
    private static int observeListener(Settings settings) {
        int api = settings.integer("hermod.api.port", 1, 65535);
        int observe = settings.integer("hermod.observe.port", 1, 65535);
        String apiHost = settings.string("hermod.api.host");
        String observeHost = settings.string("hermod.observe.host");
        if (api == observe && !apiHost.equals(observeHost)) {
            throw new org.hermod.config.ConfigException("hermod.observe.host", "'" + observeHost + "' differs from "
                    + "hermod.api.host '" + apiHost + "' on the same port " + api + "; give /observe/* a port of its "
                    + "own (hermod.observe.port) to bind it elsewhere");
        }
        return api;
    }

    @Override
    public void configure(CamelContext context) {
        logConfiguration(context);
        Registry registry = context.getRegistry();
        Settings settings = Settings.withEnvironment(key -> context.getPropertiesComponent().resolveProperty(key),
                System.getenv());
        Clock clock = Optional.ofNullable(registry.lookupByNameAndType("clock", Clock.class)).orElse(Clock.systemUTC());
        String instanceId = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);

        // platform-http creates its Vert.x with the VertxOptions it finds in the registry
        registry.bind("vertxOptions", new io.vertx.core.VertxOptions()
                .setWorkerPoolSize(settings.integer("hermod.api.worker-threads", 1, 1000)));
        registry.bind("platform-http-engine", new org.hermod.api.ApiHttpEngine(observeListener(settings)));
        OutboxSettings outboxSettings = OutboxSettings.from(settings);
        HikariDataSource dataSource = Database.open(settings);
        registry.bind("dataSource", dataSource);
        Jdbc jdbc = new Jdbc(dataSource);

        Tenants tenants = new Tenants(jdbc, clock);
        tenants.ensure(settings.string("hermod.tenant.default"), settings.string("hermod.tenant.default"),
                settings.zone("hermod.tenant.time-zone").getId());
        ApiUsers users = new ApiUsers(jdbc, clock);
        Path createdPassword = ensureAdmin(settings, users);

        Map<String, SmsChannel> channels = new LinkedHashMap<>();
        SpoolChannel spool = new SpoolChannel("spool", Path.of(settings.string("hermod.spool.dir")),
                settings.integer("hermod.spool.writers", 1, 64));
        channels.put(spool.name(), spool);
        registry.findByType(SmsChannel.class).forEach(c -> channels.put(c.name(), c));
        Mailer mailer = new Mailer(context.createProducerTemplate(), settings.bool("hermod.mail.enabled"));
        MobilePrefixes prefixes = new MobilePrefixes(jdbc, clock);
        String defaultCountryCode = settings.string("hermod.outbox.default-country-code");
        // the reset handler is needed by the inbound router, the outbox it sends through comes later
        java.util.concurrent.atomic.AtomicReference<TemporaryPasswords> temporaryPasswords = new java.util.concurrent.atomic.AtomicReference<>();
        String loginUrl = settings.string("hermod.welcome.login-url", "");
        PasswordReset passwordReset = new PasswordReset(jdbc, clock, tenants, temporaryPasswords::get,
                () -> prefixes.phoneNumbers(defaultCountryCode), settings.string("hermod.reset.keyword"),
                settings.integer("hermod.reset.max-per-hour", 1, 1000), settings.string("hermod.reset.text"));
        List<KeywordHandler> keywordHandlers = new java.util.ArrayList<>(registry.findByType(KeywordHandler.class));
        keywordHandlers.add(passwordReset);
        Inbound inbound = new Inbound(jdbc, clock, mailer, settings.string("hermod.inbound.forward-to", ""), keywordHandlers);
        DeliveryReports reports = new DeliveryReports(jdbc, clock);
        KannelReceipts kannelReceipts = new KannelReceipts(jdbc);
        List<SmppChannel> smpp = SmppSettings.all(settings).stream()
                .map(s -> SmppChannel.create(s, reports, inbound, kannelReceipts, clock)).toList();
        List<WebSmsChannel> websms = WebSmsSettings.all(settings).stream()
                .map(s -> new WebSmsChannel(s, reports)).toList();
        for (SmsChannel c : concat(smpp, websms)) {
            if (channels.putIfAbsent(c.name(), c) != null) {
                throw new org.hermod.config.ConfigException("hermod.*.channels[].name", "'" + c.name()
                        + "' names two channels");
            }
        }
        Modems modems = Modems.fromSettings(settings, jdbc, clock, () -> inbound);
        for (SmsChannel c : modems.all().stream().map(m -> (SmsChannel) m.channel()).toList()) {
            if (channels.putIfAbsent(c.name(), c) != null) {
                throw new org.hermod.config.ConfigException("hermod.modem.devices[].name", "'" + c.name()
                        + "' names two channels");
            }
        }
        if (!channels.containsKey(outboxSettings.defaultChannel())) {
            throw new org.hermod.config.ConfigException("hermod.outbox.default-channel", "names no channel ('"
                    + outboxSettings.defaultChannel() + "'); known: " + channels.keySet());
        }

        // the registry camel-observability-services serves on /observe/metrics (it binds it as "metricsRegistry")
        MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind("metricsRegistry", meters);
        }
        OutboxMetrics metrics = new OutboxMetrics(meters, jdbc).startRefreshing();
        try {
            modems.install(context, meters);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot set up the modems: " + e.getMessage(), e);
        }

        Outbox outbox = new Outbox(jdbc, clock, outboxSettings, tenants, prefixes, channels.keySet());
        SealedText sealed = settings.optional("hermod.secrets.key").map(SealedText::ofKey)
                .orElseGet(() -> SealedText.ofFile(Path.of(settings.string("hermod.secrets.key-file"))));
        Dispatcher dispatcher = new Dispatcher(jdbc, clock, outboxSettings, tenants, channels, metrics, instanceId, sealed);
        dispatcher.addSentListener(reports);
        DirectoryOfRecord directoryOfRecord = LdapSettings.from(settings).<DirectoryOfRecord>map(LdapPasswords::new)
                .orElse(DirectoryOfRecord.NONE);
        temporaryPasswords.set(new TemporaryPasswords(jdbc, clock, outbox, directoryOfRecord,
                settings.integer("hermod.welcome.password-length", 8, 64), loginUrl, sealed));
        dispatcher.addSentListener(temporaryPasswords.get());
        registry.bind("temporaryPasswords", temporaryPasswords.get());
        ErrorLog errorLog = new ErrorLog(jdbc, clock);
        WelcomeSms welcomeSms = new WelcomeSms(jdbc, clock, tenants, temporaryPasswords.get(),
                settings.string("hermod.welcome.text"), settings.integer("hermod.welcome.batch-size", 1, 10_000),
                settings.duration("hermod.welcome.retry-after"), errorLog);
        registry.bind("welcomeSms", welcomeSms);
        // a resent welcome or reset SMS gets a new password, not its masked text
        outbox.reissueSecretsWith(new PasswordResend(clock, tenants, temporaryPasswords.get(), welcomeSms, passwordReset));
        Jobs jobs = new Jobs(jdbc, TimeZone.getTimeZone(settings.zone("hermod.jobs.time-zone")));
        JobPolicy jobPolicy = new JobPolicy(jobs, errorLog, mailer, clock, 1000);
        context.addRoutePolicyFactory(new JobPolicyFactory(jobs, jobPolicy,
                id -> settings.optional("hermod.jobs." + id + ".schedule")
                        .or(() -> id.startsWith("sis-ldap-") ? settings.optional("hermod.ldap.schedule") : Optional.empty()),
                id -> settings.optional("hermod.jobs." + id + ".active").isEmpty() || settings.bool("hermod.jobs." + id + ".active")));

        registry.bind("inbound", inbound);
        registry.bind("deliveryReports", reports);
        registry.bind("inboundApi", new InboundApi(users, inbound));
        registry.bind("webSmsCallbacks", new WebSmsCallbacks(websms, inbound, reports, clock));
        KannelDlr kannelDlr = new KannelDlr(jdbc, clock, DlrUrlPolicy.perTenant(settings::optional));
        registry.bind("kannelDlr", kannelDlr);
        // sendsms gets one request per SMS, many at once: they are committed together, up to 200 per transaction
        GroupCommit kannelCommits = new GroupCommit(jdbc, outbox, clock, 200, "kannel-sendsms");
        SendsmsEndpoint sendsms = new SendsmsEndpoint(new KannelSendsms(users, outbox, kannelCommits, kannelDlr,
                settings.string("hermod.tenant.default")), errorLog);
        registry.bind("outbox", outbox);
        registry.bind("dispatcher", dispatcher);
        registry.bind("errorReport", new ErrorReport(jdbc, clock, mailer, settings.string("hermod.outbox.error-mail-to", ""),
                settings.integer("hermod.outbox.error-mail-max", 1, 10_000)));
        registry.bind("jobs", jobs);
        registry.bind("errorLog", errorLog);
        registry.bind("apiErrors", new ApiErrors(errorLog));
        registry.bind("smsApi", new SmsApi(users, outbox));
        registry.bind("jobsApi", new JobsApi(users, jobs, errorLog));
        registry.bind("adminApi", new AdminApi(users, prefixes, jdbc, tenants, new Directory(jdbc, clock,
                () -> prefixes.mobileNormaliser(defaultCountryCode))));
        List<SisImportSettings> sisImports = SisImportSettings.all(settings);
        SisImporter sisImporter = new SisImporter(jdbc, clock, tenants, prefixes,
                settings.string("hermod.outbox.default-country-code"), sisImports,
                settings.integer("hermod.sis.batch-size", 1, 50_000), settings.integer("hermod.sis.progress-every", 1, 10_000_000),
                new ReadLimits(settings.integer("hermod.sis.max-record-length", 1024, 64 * 1024 * 1024),
                        settings.integer("hermod.sis.max-uncompressed-mb", 1, 1024 * 1024) * 1024L * 1024,
                        settings.integer("hermod.sis.max-compression-ratio", 1, 100_000)));
        sisImporter.recoverInterrupted();
        registry.bind("sisImporter", sisImporter);
        registry.bind("sisApi", new SisApi(users, jdbc, sisImporter));
        List<LdapImportSettings> ldapImports = LdapImportSettings.all(settings);
        registry.bind("ldapImporter", new LdapImporter(jdbc, clock, tenants, prefixes, defaultCountryCode, ldapImports,
                settings.integer("hermod.sis.batch-size", 1, 50_000), settings.integer("hermod.sis.progress-every", 1, 10_000_000)));

        DatabaseHealthCheck check = new DatabaseHealthCheck(dataSource);
        try {
            context.addStartupListener(new org.apache.camel.ExtendedStartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                    smpp.forEach(SmppChannel::start);
                    addDispatchers(ctx, channels);
                    HealthCheckRegistry health = HealthCheckRegistry.get(ctx);
                    if (health != null) {
                        check.setCamelContext(ctx);
                        health.register(check);
                        for (SmsChannel channel : channels.values()) {
                            ChannelHealthCheck channelCheck = new ChannelHealthCheck(channel, dispatcher.health());
                            channelCheck.setCamelContext(ctx);
                            if (!health.register(channelCheck)) {
                                throw new IllegalStateException("health check " + channelCheck.getId() + " not registered");
                            }
                        }
                    }
                    sendsms.install(ctx, settings.integer("hermod.api.port", 1, 65535));
                    SisRoutes.install(ctx, sisImports);
                    for (LdapImportSettings l : ldapImports) {
                        ctx.addRouteFromTemplate("sis-ldap-" + l.name(), "sis-ldap", Map.of("name", l.name()));
                    }
                    logHttpEndpoints(ctx, settings);
                    printBanner(settings, spool, createdPassword);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        context.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext ctx) {
                smpp.forEach(SmppChannel::close);
                kannelCommits.close();
                check.close();
                metrics.close();
                dataSource.close();
            }
        });
    }

    private static List<SmsChannel> concat(List<? extends SmsChannel> a, List<? extends SmsChannel> b) {
        List<SmsChannel> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * One dispatcher route per channel, from the {@code outbox-dispatch} template (routes/outbox.camel.yaml), for
     * every channel that has none yet (the spool channel's is declared in the YAML).
     */
    private static void addDispatchers(CamelContext ctx, Map<String, SmsChannel> channels) {
        for (SmsChannel channel : channels.values()) {
            for (int n = 1; n <= channel.dispatchers(); n++) {
                String routeId = "outbox-dispatch-" + channel.name() + (n == 1 ? "" : "-" + n);
                if (ctx.getRoute(routeId) == null) {
                    try {
                        ctx.addRouteFromTemplate(routeId, "outbox-dispatch",
                                Map.<String, Object>of("channel", channel.name(), "instance", Integer.toString(n)));
                    } catch (Exception e) {
                        throw new IllegalStateException("Cannot add the dispatcher route " + routeId, e);
                    }
                }
            }
        }
    }

    /**
     * Hermod's configuration summary, in place of Camel's (turned off in {@link Hermod#create}): every key of the
     * properties files and overrides with its effective value, secrets masked by {@link Secrets}.
     */
    private static void logConfiguration(CamelContext context) {
        var properties = context.getPropertiesComponent();
        java.util.Properties loaded = properties.loadProperties();
        LOG.info("Configuration summary ({} keys; secrets masked)", loaded.size());
        new java.util.TreeSet<>(loaded.stringPropertyNames()).forEach(key -> LOG.info("    {} = {}", key,
                Secrets.mask(key, properties.resolveProperty(key).orElse(loaded.getProperty(key)))));
    }

    /**
     * Creates the first operator on an empty database; returns the file its generated password was written to, or
     * null. Two processes starting at once on an empty database both find no user: the one that inserts second
     * leaves the other's operator as it is.
     */
    static Path ensureAdmin(Settings settings, ApiUsers users) {
        if (users.any()) {
            return null;
        }
        Optional<String> configured = settings.optional("hermod.admin.password");
        String password = configured.orElseGet(() -> Passwords.random(20));
        try {
            users.create(settings.string("hermod.admin.user"), null, password, EnumSet.allOf(Permission.class));
        } catch (org.hermod.Problem e) {
            if (e.kind() != org.hermod.Problem.Kind.CONFLICT) {
                throw e;
            }
            LOG.info("Operator {} was created by another Hermod process starting at the same time",
                    settings.string("hermod.admin.user"));
            return null;
        }
        return configured.isPresent() ? null : writeOwnerOnly(Path.of(settings.string("hermod.data.dir"))
                .resolve("admin-password"), password + "\n");
    }

    /**
     * Writes a generated password where only Hermod's user can read it: stdout is the journal under systemd, which
     * others may read and which keeps it for months. The folder is created owner-only (0700) if missing, the file
     * replaced and created 0600 before anything is written to it.
     */
    static Path writeOwnerOnly(Path file, String content) {
        try {
            OwnerOnlyFiles.write(file, content, true);
            return file.toAbsolutePath().normalize();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot write the generated operator password to " + file
                    + "; set HERMOD_ADMIN_PASSWORD before the first start instead", e);
        }
    }

    /**
     * The HTTP endpoints with the address they are bound to. Camel's own "HTTP endpoints summary" always says
     * http://0.0.0.0 (its logger is turned down in logback.xml), which tells an operator binding 127.0.0.1 the wrong
     * thing, and one binding 0.0.0.0 nothing about where it can be reached.
     */
    private static void logHttpEndpoints(CamelContext ctx, Settings settings) {
        var http = ctx.getComponent("platform-http", org.apache.camel.component.platform.http.PlatformHttpComponent.class);
        if (http == null) {
            return;
        }
        String base = scheme(settings) + bindHost(settings.string("hermod.api.host")) + ":" + settings.string("hermod.api.port");
        LOG.info("HTTP endpoints ({} bound to {}):", http.getHttpEndpoints().size(), settings.string("hermod.api.host"));
        http.getHttpEndpoints().stream().sorted(java.util.Comparator.comparing(
                        org.apache.camel.component.platform.http.HttpEndpointModel::getUri))
                .forEach(e -> LOG.info("    {}{}{}", base, e.getUri(), e.getVerbs() == null ? "" : " (" + e.getVerbs() + ")"));
    }

    /** A host for a URL: an IPv6 literal in brackets. */
    private static String bindHost(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String scheme(Settings settings) {
        return settings.bool("hermod.api.tls.enabled") ? "https://" : "http://";
    }

    /** Printed on the console; no secret is in it (a generated password is only in its owner-only file). */
    private static void printBanner(Settings settings, SpoolChannel spool, Path createdPassword) {
        String api = scheme(settings) + bindHost(settings.string("hermod.api.host")) + ":" + settings.string("hermod.api.port");
        StringBuilder sb = new StringBuilder("\n=== Hermod is running ===\n")
                .append("  database : ").append(Secrets.maskEmbedded(settings.string("hermod.db.url"))).append('\n')
                .append("  SMS spool: ").append(spool.outgoing().toAbsolutePath().normalize()).append('\n')
                .append("  admin API: ").append(api).append("/api  (OpenAPI: ").append(api).append("/api/openapi.json)\n")
                .append("  health   : ").append(api).append("/observe/health   metrics: ").append(api).append("/observe/metrics\n");
        if (createdPassword != null) {
            sb.append("  First start: created operator '").append(settings.string("hermod.admin.user"))
                    .append("'; its generated password is in ").append(createdPassword).append('\n')
                    .append("  (readable by this user only; keep it somewhere safe, then delete the file; set HERMOD_ADMIN_PASSWORD\n")
                    .append("   before the first start to choose it instead)\n");
        } else {
            sb.append("  Operator account: '").append(settings.string("hermod.admin.user"))
                    .append("' (password as set on first start)\n");
        }
        System.out.println(sb);
    }
}

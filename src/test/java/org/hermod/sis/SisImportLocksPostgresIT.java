package org.hermod.sis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.hermod.db.Jdbc;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.ScriptedChannel;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 13's promise that an SIS import takes no lock that holds up sending, on embedded PostgreSQL (the one database
 * where the import checks a first import's keys in one pass, docs/SIS.md). A source's large first import is held
 * open when its merge is done, its 30,000 memberships inserted and not committed ({@link DirectoryWriter#afterMerge});
 * meanwhile a group SMS to a group another source imported earlier, an emergency broadcast to everyone, an SMS
 * password reset (which locks and writes an existing dir_user row) and a group edit through the directory API
 * (which writes dir_membership) must each be answered, stored and handed to the channel. Each request is bounded:
 * one that waited for a lock of the import would fail the test. Then the import is let go and must commit whole.
 */
class SisImportLocksPostgresIT {

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final String CALLBACK_SECRET = "callback-secret-0123456789";

    @TempDir
    Path temp;
    private final ScriptedChannel channel = new ScriptedChannel("scripted");
    private final CountDownLatch merged = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    /** The relation locks the import's session holds on the tables sending uses, as it waits to commit. */
    private final List<String> importLocks = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> writerLog = new ListAppender<>();
    private final Logger writerLogger = (Logger) LoggerFactory.getLogger(DirectoryWriter.class);
    private Level writerLevel;
    private Path earlierFolder;
    private Path largeFolder;
    private HermodApp app;

    @BeforeEach
    void start() {
        writerLevel = writerLogger.getLevel();
        writerLogger.setLevel(Level.DEBUG);
        writerLog.start();
        writerLogger.addAppender(writerLog);
        earlierFolder = temp.resolve("drop-office");
        largeFolder = temp.resolve("drop-sis");
        app = HermodApp.on(TestDatabases.postgres()).bean("scripted", channel)
                .with("hermod.outbox.default-channel", "scripted")
                .with("hermod.websms.channels[0].name", "web")
                .with("hermod.websms.channels[0].token", "tok")
                .with("hermod.websms.channels[0].callback-secret", CALLBACK_SECRET)
                .with("hermod.reset.text", "{account}: {password}")
                .with("hermod.sis.imports[0].name", "office")
                .with("hermod.sis.imports[0].folder", earlierFolder.toString())
                .with("hermod.sis.imports[0].welcome", "false")
                .with("hermod.sis.imports[1].name", "sis")
                .with("hermod.sis.imports[1].folder", largeFolder.toString())
                .with("hermod.sis.imports[1].welcome", "false")
                .with("hermod.sis.poll-interval", "100ms")
                .with("hermod.sis.read-lock-check-interval", "100")
                .with("hermod.sis.read-lock-min-age", "100ms")
                .start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        DirectoryWriter.afterMerge = c -> { };
        app.close();
        writerLogger.detachAppender(writerLog);
        writerLogger.setLevel(writerLevel);
    }

    @Test
    void groupSmsBroadcastPasswordResetAndDirectoryEditGoThroughWhileALargeFirstImportIsOpen() throws Exception {
        // another source's directory, imported earlier and committed
        SisDrops.drop(SisDrops.zip(SisDrops.fixture("oneroster-bulk"), temp.resolve("zips/office.zip"), null),
                earlierFolder, "office.zip");
        SisDrops.awaitProcessed(earlierFolder, "office.zip");
        assertThat(status("office")).isEqualTo("DONE");

        DirectoryWriter.afterMerge = c -> {
            importLocks.addAll(Jdbc.query(c, "select r.relname || ' ' || l.mode from pg_locks l join pg_class r on "
                    + "r.oid = l.relation where l.pid = pg_backend_pid() and l.locktype = 'relation' and r.relname in "
                    + "('tenant', 'dir_user', 'dir_group', 'dir_membership', 'sms_request', 'sms') order by 1",
                    rs -> rs.getString(1)));
            merged.countDown();
            try {
                if (!release.await(2, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the test never let the import go");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        };
        // over 10,000 new memberships of a source with nothing yet: their keys are checked in one pass
        Path large = OneRosterGenerator.write(temp.resolve("large"), 10_000, 200, 30_000);
        SisDrops.drop(SisDrops.zip(large, temp.resolve("zips/sis.zip"), null), largeFolder, "sis.zip");
        assertThat(merged.await(2, TimeUnit.MINUTES)).as("the large import reached the end of its merge").isTrue();
        assertThat(setBasedInsert()).as("the memberships went in with this session's key triggers off").isTrue();

        Http admin = app.admin();
        Http.Response group = bounded(() -> admin.post("/api/sms", """
                {"tenant": "default", "groups": ["cls-sb-7a"], "text": "Forældremøde tirsdag"}"""));
        assertThat(group.status()).as(group.toString()).isEqualTo(201);
        Http.Response emergency = bounded(() -> admin.post("/api/sms", """
                {"tenant": "default", "everyone": true, "priority": "EMERGENCY", "text": "Skolen er evakueret"}"""));
        assertThat(emergency.status()).as(emergency.toString()).isEqualTo(201);
        assertThat(resetCallback("reset-1", "4520112201")).isEqualTo(200);
        assertThat(app.jdbc().query("select outcome from password_reset", rs -> rs.getString(1))).containsExactly("SENT");
        Http.Response edit = bounded(() -> admin.post("/api/directory/groups", """
                {"tenant": "default", "sisId": "parents-council", "name": "Forældreråd",
                 "members": ["u-sb-001", "u-sb-002"]}"""));
        assertThat(edit.status()).as(edit.toString()).isEqualTo(200);

        int queued = group.json().get("queued").asInt();
        int everyone = emergency.json().get("queued").asInt();
        assertThat(queued).isPositive();
        assertThat(everyone).as("everyone the earlier import made, none of the open one's").isGreaterThanOrEqualTo(queued);
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(sent("Forældremøde tirsdag")).isEqualTo(queued);
            assertThat(sent("Skolen er evakueret")).isEqualTo(everyone);
            assertThat(channel.received).anyMatch(s -> s.recipient().equals("+4520112201")
                    && s.text().text().startsWith("soer0417: "));
            assertThat(app.count("select count(*) from sms where status = 'SENT'")).isEqualTo(queued + everyone + 1L);
        });
        assertThat(app.count("select count(*) from dir_user where sis_id = 'u-sb-001' and password_hash is not null"))
                .as("the reset's write to an existing user committed").isEqualTo(1);
        assertThat(app.count("select count(*) from dir_membership m join dir_group g on g.id = m.group_id "
                + "where g.sis_id = 'parents-council'")).isEqualTo(2);
        // all of that while the import was still open
        assertThat(status("sis")).isEqualTo("RUNNING");
        assertThat(app.count("select count(*) from dir_user where source = 'sis'")).isZero();

        release.countDown();
        SisDrops.awaitProcessed(largeFolder, "sis.zip");
        assertThat(status("sis")).isEqualTo("DONE");
        assertThat(app.count("select count(*) from dir_user where source = 'sis'")).isEqualTo(10_000);
        assertThat(app.count("select count(*) from dir_membership m join dir_group g on g.id = m.group_id "
                + "where g.source = 'sis'")).isEqualTo(30_000);
        // and what it held meanwhile: no table lock that conflicts with a read (ACCESS SHARE), a row lock (ROW SHARE)
        // or a row write (ROW EXCLUSIVE); its ANALYZE's SHARE UPDATE EXCLUSIVE conflicts only with another ANALYZE,
        // VACUUM, an index build or DDL
        assertThat(importLocks).as("the import's table locks").contains("dir_membership RowExclusiveLock")
                .noneMatch(lock -> List.of("ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")
                        .contains(lock.substring(lock.indexOf(' ') + 1)));
    }

    /** The last import of {@code name}'s status. */
    private String status(String name) {
        return app.jdbc().query("select status from sis_import where source = ? order by id desc", rs -> rs.getString(1),
                name).get(0);
    }

    /** Whether the writer inserted the memberships right after turning this session's triggers off (its debug log). */
    private boolean setBasedInsert() {
        List<String> statements = writerLog.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains(" ms: ")).toList();
        for (int i = 1; i < statements.size(); i++) {
            if (statements.get(i).contains("30000 rows") && statements.get(i).contains("insert into dir_membership")) {
                return statements.get(i - 1).contains("set local session_replication_role = replica");
            }
        }
        return false;
    }

    private long sent(String text) {
        return channel.received.stream().filter(s -> s.text().text().startsWith(text)).count();
    }

    /** A request that must be answered within {@link #BOUND}: one waiting for the import's locks fails the test. */
    private static Http.Response bounded(Supplier<Http.Response> request) throws Exception {
        return CompletableFuture.supplyAsync(request).get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    /** An inbound PASSWORD SMS as websms.com posts it to the callback, answered within {@link #BOUND}. */
    private int resetCallback(String messageId, String sender) throws Exception {
        String body = "{\"messageType\":\"text\",\"messageId\":\"" + messageId + "\",\"senderAddress\":\"" + sender
                + "\",\"recipientAddress\":\"4512345678\",\"textMessageContent\":\"PASSWORD\"}";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/websms/web/callback?secret=" + CALLBACK_SECRET)).timeout(BOUND)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}

package org.hermod.channel.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hermod.channel.OutgoingSms;
import org.hermod.channel.SendOutcome;
import org.hermod.sms.SmsText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolChannelTest {

    @TempDir
    Path dir;

    @Test
    void writesOneSmstoolsFilePerSmsAtomicallyAndReplacesItOnRetry() throws Exception {
        SpoolChannel spool = new SpoolChannel("spool", dir, 2);
        OutgoingSms sms = new OutgoingSms(7, "default", "+4520112233", SmsText.of("Hej {æøå} €"), 1);
        List<SendOutcome> out = spool.send(List.of(sms));
        assertThat(out).containsExactly(SendOutcome.sent(7, "hermod-7"));
        assertThat(Files.readString(dir.resolve("outgoing/hermod-7"), StandardCharsets.UTF_8))
                .isEqualTo("To: 4520112233\nAlphabet: UTF-8\n\nHej {æøå} €");
        spool.send(List.of(sms));
        try (var files = Files.list(dir.resolve("outgoing"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("hermod-7");
        }
    }

    @Test
    void anUnwritableSpoolIsATransientFailure() throws Exception {
        SpoolChannel spool = new SpoolChannel("spool", dir, 2);
        Files.delete(dir.resolve("outgoing"));
        Files.writeString(dir.resolve("outgoing"), "not a folder");
        List<SendOutcome> out = spool.send(List.of(new OutgoingSms(8, "t", "+4520112233", SmsText.of("x"), 1)));
        assertThat(out.get(0).result()).isEqualTo(SendOutcome.Result.RETRY);
        assertThat(out.get(0).error()).startsWith("spool write failed");
    }
}

package org.hermod.kannel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Kannel's dlr-url escapes, against what Kannel 1.4.5 (Debian 12's package, bearerbox + smsbox bound to the
 * TestSmsc) called back for the same sendsms request and receipt on 2026-12-02. Left out of the comparison:
 * %I (Kannel's message UUID, Hermod's SMS id), %o (Kannel gives the SMSC account, Hermod has none) and %D
 * (Kannel's internal meta-data).
 */
class KannelEscapesTest {

    private static final String RECEIPT = "id:1001 sub:001 dlvrd:001 submit date:2612021357 done date:2612021357 "
            + "stat:DELIVRD err:000 text:";
    private static final String PATTERN = "http://127.0.0.1:34467/dlr/p=%p&P=%P&q=%q&Q=%Q&i=%i&a=%a&b=%b&t=%t&T=%T"
            + "&d=%d&A=%A&F=%F&n=%n&c=%c&m=%m&M=%M&C=%C&u=%u&B=%B&O=%O&f=%f&k=%k&s=%s&S=%S&r=%r&R=%R&hex=%2F%3D%E6";

    private static KannelEscapes.Report delivered(String receiver) {
        return new KannelEscapes.Report(1, receiver, "Skolen", "testsmsc", "42", "1001", "bench", RECEIPT,
                Instant.ofEpochSecond(1796219856), PATTERN);
    }

    @Test
    void everyEscapeIsFilledAsKannelFillsItForAReceipt() {
        String enc = "id%3A1001+sub%3A001+dlvrd%3A001+submit+date%3A2612021357+done+date%3A2612021357"
                + "+stat%3ADELIVRD+err%3A000+text%3A";
        assertThat(KannelEscapes.expand(PATTERN, delivered("004521000001"))).isEqualTo(
                "http://127.0.0.1:34467/dlr/p=004521000001&P=Skolen&q=%2B4521000001&Q=Skolen&i=testsmsc&a=" + enc
                + "&b=" + enc + "&t=2026-12-02+13:57:36&T=1796219856&d=1&A=" + enc + "&F=1001&n=bench&c=-1&m=-1&M=-1"
                + "&C=UTF-8&u=&B=&O=00&f=&k=id%3A1001&s=sub%3A001&S=dlvrd:001"
                + "&r=submit+date%3A2612021357+done+date%3A2612021357+stat%3ADELIVRD+err%3A000+text%3A"
                + "&R=http%3A%2F%2F127.0.0.1%3A34467%2Fdlr%2Fp%3D%25p%26P%3D%25P%26q%3D%25q%26Q%3D%25Q%26i%3D%25i"
                + "%26a%3D%25a%26b%3D%25b%26t%3D%25t%26T%3D%25T%26d%3D%25d%26A%3D%25A%26F%3D%25F%26n%3D%25n%26c%3D%25c"
                + "%26m%3D%25m%26M%3D%25M%26C%3D%25C%26u%3D%25u%26B%3D%25B%26O%3D%25O%26f%3D%25f%26k%3D%25k%26s%3D%25s"
                + "%26S%3D%25S%26r%3D%25r%26R%3D%25R%26hex%3D%252F%253D%25E6&hex=%2F%3D%E6");
    }

    @Test
    void aPlusIsEncodedAndTheSmscAckIsTheAnswer() {
        KannelEscapes.Report ack = new KannelEscapes.Report(8, "+4521000002", null, "testsmsc", "7", "1002", "bench",
                "ACK/", Instant.ofEpochSecond(0), "x");
        assertThat(KannelEscapes.expand("p=%p&q=%q&P=%P&A=%A&k=%k&s=%s&I=%I", ack))
                .isEqualTo("p=%2B4521000002&q=%2B4521000002&P=&A=ACK%2F&k=ACK%2F&s=&I=7");
    }

    @Test
    void valuesAreEncodedAsKannelEncodesThem() {
        assertThat(KannelEscapes.encode("a b+c/ø-_.!~*'()")).isEqualTo("a+b%2Bc%2F%C3%B8-_.!~*'()");
        assertThat(KannelEscapes.encode(null)).isEmpty();
    }

    @Test
    void escapesKannelDoesNotKnowStayAndTheUrlStillParses() throws Exception {
        String expanded = KannelEscapes.expand("http://h/x?a=%Z&b=%%&c=%2F&d=%", delivered("1"));
        assertThat(expanded).isEqualTo("http://h/x?a=%Z&b=%&c=%2F&d=%");
        assertThat(KannelEscapes.toUri(expanded).toString()).isEqualTo("http://h/x?a=%25Z&b=%25&c=%2F&d=%25");
        assertThat(KannelEscapes.toUri("http://h/?t=dlvrd:001 ø").toString()).isEqualTo("http://h/?t=dlvrd:001%20%C3%B8");
    }
}

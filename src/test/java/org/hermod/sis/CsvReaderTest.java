package org.hermod.sis;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

    @TempDir
    Path dir;

    private static List<CsvRow> rows(String text) {
        List<CsvRow> rows = new ArrayList<>();
        new CsvReader(new StringReader(text), "t.csv", ',').forEachRemaining(rows::add);
        return rows;
    }

    @Test
    void readsPlainFieldsWithLfAndCrlf() {
        assertThat(rows("a,b\r\n1,2\n3,\n")).containsExactly(
                new CsvRow(1, List.of("a", "b")),
                new CsvRow(2, List.of("1", "2")),
                new CsvRow(3, List.of("3", "")));
    }

    @Test
    void quotedFieldsKeepCommasDoubledQuotesAndLineBreaks() {
        List<CsvRow> rows = rows("id,orgs,note\n"
                + "u1,\"s1,s2\",\"say \"\"hej\"\"\"\n"
                + "u2,s1,\"first line\r\nsecond line\nthird\"\n"
                + "u3,s2,\"\"\n");
        assertThat(rows).containsExactly(
                new CsvRow(1, List.of("id", "orgs", "note")),
                new CsvRow(2, List.of("u1", "s1,s2", "say \"hej\"")),
                new CsvRow(3, List.of("u2", "s1", "first line\r\nsecond line\nthird")),
                new CsvRow(6, List.of("u3", "s2", "")));
    }

    @Test
    void skipsByteOrderMarkAndEmptyLinesButCountsThem() {
        assertThat(rows("\uFEFFa\n\n\r\nb")).containsExactly(
                new CsvRow(1, List.of("a")),
                new CsvRow(4, List.of("b")));
    }

    @Test
    void loneCarriageReturnEndsALine() {
        assertThat(rows("a\rb\r")).containsExactly(new CsvRow(1, List.of("a")), new CsvRow(2, List.of("b")));
    }

    @Test
    void otherSeparator() {
        List<CsvRow> rows = new ArrayList<>();
        new CsvReader(new StringReader("a;\"b;c\"\n"), "t.csv", ';').forEachRemaining(rows::add);
        assertThat(rows).containsExactly(new CsvRow(1, List.of("a", "b;c")));
    }

    @Test
    void unclosedQuoteNamesTheLineWhereTheFieldStarts() {
        CsvReader reader = new CsvReader(new StringReader("a\nb,\"open\nstill open\n"), "t.csv", ',');
        assertThat(reader.next()).isEqualTo(new CsvRow(1, List.of("a")));
        assertThatThrownBy(reader::next)
                .isInstanceOf(CsvException.class)
                .hasMessage("t.csv:2 column '#2': quoted field never closed (is the file cut short?)");
    }

    @Test
    void textAfterClosingQuoteIsAnError() {
        CsvReader reader = new CsvReader(new StringReader("\"a\"b\n"), "t.csv", ',');
        assertThatThrownBy(reader::next)
                .isInstanceOf(CsvException.class)
                .hasMessageStartingWith("t.csv:1 column '#1': text after closing quote: 'b'");
    }

    @Test
    void latin1BytesReadAsUtf8FailOnTheirLineAfterTheGoodRows() throws IOException {
        StringBuilder text = new StringBuilder("id,name\n");
        for (int i = 2; i <= 2000; i++) {
            text.append("u").append(i).append(",Plain Name\n");
        }
        text.append("u2001,Søren Ærø\n");
        Path file = dir.resolve("users.csv");
        Files.write(file, text.toString().getBytes(ISO_8859_1));

        List<CsvRow> rows = new ArrayList<>();
        try (CsvReader reader = CsvReader.open(file, UTF_8, ',')) {
            reader.columnNames(reader.next().fields());
            assertThatThrownBy(() -> reader.forEachRemaining(rows::add))
                    .isInstanceOf(CsvException.class)
                    .hasMessage("users.csv:2001 column 'name': byte 0xF8 not valid UTF-8 (is the file in another charset?)");
        }
        assertThat(rows).hasSize(1999);
        assertThat(rows.get(1998)).isEqualTo(new CsvRow(2000, List.of("u2000", "Plain Name")));
    }

    @Test
    void aRecordOverTheLengthLimitStopsTheFileNamingWhereItStarts() {
        String nul = "\0".repeat(5000);
        CsvReader reader = new CsvReader(new StringReader("id,name\nu1,Ann\nu2," + nul + "\nu3,Bo\n"), "t.csv", ',', 1000);
        reader.columnNames(reader.next().fields());
        assertThat(reader.next()).isEqualTo(new CsvRow(2, List.of("u1", "Ann")));
        assertThatThrownBy(reader::next)
                .isInstanceOf(CsvException.class)
                .hasMessage("t.csv:3 column 'name': record longer than 1000 characters (hermod.sis.max-record-length): "
                        + "is this the right file?");
    }

    @Test
    void aRecordJustWithinTheLimitIsRead() {
        CsvReader reader = new CsvReader(new StringReader("a," + "x".repeat(997) + "\n"), "t.csv", ',', 1000);
        assertThat(reader.next().field(1)).hasSize(997);
    }

    @Test
    void sameBytesDecodeWithTheRightCharset() throws IOException {
        Path file = dir.resolve("users.csv");
        Files.write(file, "u1,Søren Ærø Müßig\n".getBytes(ISO_8859_1));
        try (CsvReader reader = CsvReader.open(file, ISO_8859_1, ',')) {
            assertThat(reader.next().fields()).containsExactly("u1", "Søren Ærø Müßig");
        }
    }

    @Test
    void multiByteCharacterSplitAcrossBufferBoundaryDecodes() throws IOException {
        String name = "x".repeat(8191) + "ø";
        CsvReader reader = new CsvReader(
                new StrictDecodingReader(new ByteArrayInputStream((name + "\n").getBytes(UTF_8)), UTF_8), "t.csv", ',');
        assertThat(reader.next().fields()).containsExactly(name);
        assertThat(reader.hasNext()).isFalse();
    }
}

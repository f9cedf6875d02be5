package org.hermod.sis;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * How much one dropped file may make Hermod read ({@code hermod.sis.max-*}, docs/SIS.md): a file over a limit is
 * rejected, naming the file or zip entry and the line, before it can take the memory or the hours of the process.
 *
 * @param maxRecordLength characters of one CSV record (all its fields); a longer one is not a roster row
 * @param maxBytes        bytes read from one dropped file in all: a plain CSV's size, a zip's entries uncompressed
 * @param maxRatio        bytes a zip entry may yield per byte it takes in the zip (a zip bomb yields thousands)
 */
public record ReadLimits(int maxRecordLength, long maxBytes, int maxRatio) {

    public static final ReadLimits DEFAULT = new ReadLimits(CsvReader.MAX_RECORD_LENGTH, 2L * 1024 * 1024 * 1024, 100);

    public ReadLimits {
        if (maxRecordLength < 1 || maxBytes < 1 || maxRatio < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxRecordLength + ", " + maxBytes + ", " + maxRatio);
        }
    }

    /** Counts the bytes of one dropped file, over all its entries. */
    Meter meter() {
        return new Meter();
    }

    /** A limit was reached; the message says which and names its setting. */
    static final class Exceeded extends IOException {
        Exceeded(String message) {
            super(message);
        }
    }

    /** The bytes read so far from one dropped file. */
    final class Meter {
        private long total;

        private Meter() {
        }

        /** {@code in} uncompressed from {@code compressed} bytes of a zip (or -1: not compressed), counted. */
        InputStream watch(InputStream in, long compressed) {
            long ratioLimit = compressed < 0 ? Long.MAX_VALUE : Math.max(compressed, 1) * maxRatio;
            return new FilterInputStream(in) {
                private long entry;

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        count(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        count(n);
                    }
                    return n;
                }

                private void count(int n) throws Exceeded {
                    entry += n;
                    total += n;
                    if (entry > ratioLimit) {
                        throw new Exceeded("expands to more than " + maxRatio + " times its " + compressed
                                + " compressed bytes (hermod.sis.max-compression-ratio): not a roster export");
                    }
                    if (total > maxBytes) {
                        throw new Exceeded("the file holds more than " + maxBytes
                                + " bytes uncompressed (hermod.sis.max-uncompressed-size)");
                    }
                }
            };
        }
    }
}

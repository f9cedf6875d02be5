package org.hermod.sis;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Streaming RFC 4180 reader: one record in memory at a time, however large the file.
 *
 * <p>Written here rather than taken from Apache Commons CSV because that library is not among the
 * project's dependencies and the build must stay offline with a fixed pom; the format is small
 * enough to own. It handles quoted fields, {@code ""} inside quotes, line breaks inside quotes,
 * CRLF, LF and lone CR line ends, a leading byte-order mark, and skips empty lines.
 *
 * <p>Anything after which the rest of the file cannot be trusted (bytes invalid in the charset, a
 * quote never closed, text after a closing quote) ends the iteration with a {@link CsvException}
 * naming file and line; rows before it have already been handed out. I/O failures surface as
 * {@link UncheckedIOException}.
 */
public final class CsvReader implements Iterator<CsvRow>, Closeable {

    private static final int END = -1;
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final Reader in;
    private final String fileName;
    private final char separator;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private int line = 1;
    private boolean started;
    private CsvRow next;

    public CsvReader(Reader in, String fileName, char separator) {
        this.in = in;
        this.fileName = fileName;
        this.separator = separator;
    }

    /** Opens {@code file} decoding strictly in {@code charset}; errors name the file by its name. */
    public static CsvReader open(Path file, Charset charset, char separator) throws IOException {
        return new CsvReader(new StrictDecodingReader(Files.newInputStream(file), charset),
                file.getFileName().toString(), separator);
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = readRecord();
        }
        return next != null;
    }

    @Override
    public CsvRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        CsvRow row = next;
        next = null;
        return row;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private CsvRow readRecord() {
        skipByteOrderMark();
        skipEmptyLines();
        if (peek() == END) {
            return null;
        }
        int startLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        while (true) {
            int c = read();
            if (c == '"' && field.length() == 0 && !quoted) {
                readQuoted(field, startLine);
                quoted = true;
            } else if (c == separator) {
                fields.add(field.toString());
                field.setLength(0);
                quoted = false;
            } else if (c == '\n' || c == '\r' || c == END) {
                endLine(c);
                fields.add(field.toString());
                return new CsvRow(startLine, fields);
            } else if (quoted) {
                throw new CsvException(fileName, line,
                        "text after closing quote: '" + (char) c + "' (quote inside a quoted field must be doubled)");
            } else {
                field.append((char) c);
            }
        }
    }

    private void readQuoted(StringBuilder field, int startLine) {
        while (true) {
            int c = read();
            if (c == END) {
                throw new CsvException(fileName, startLine, "quoted field never closed");
            }
            if (c == '"') {
                if (peek() != '"') {
                    return;
                }
                read();
            }
            field.append((char) c);
            if (c == '\r' && peek() == '\n') {
                field.append((char) read());
            }
            if (c == '\r' || c == '\n') {
                line++;
            }
        }
    }

    private void endLine(int c) {
        if (c == '\r' && peek() == '\n') {
            read();
        }
        if (c != END) {
            line++;
        }
    }

    private void skipByteOrderMark() {
        if (!started) {
            started = true;
            if (peek() == BYTE_ORDER_MARK) {
                read();
            }
        }
    }

    private void skipEmptyLines() {
        for (int c = peek(); c == '\n' || c == '\r'; c = peek()) {
            endLine(read());
        }
    }

    private int peek() {
        return position < limit || fill() ? buffer[position] : END;
    }

    private int read() {
        return position < limit || fill() ? buffer[position++] : END;
    }

    private boolean fill() {
        try {
            int count = in.read(buffer, 0, buffer.length);
            position = 0;
            limit = Math.max(count, 0);
            return count > 0;
        } catch (CharacterCodingException e) {
            throw new CsvException(fileName, line, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(fileName + ": " + e.getMessage(), e);
        }
    }
}

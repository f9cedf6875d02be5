package org.hermod.sis;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
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
 * quote never closed, text after a closing quote, a record longer than {@code maxRecordLength}
 * characters, an I/O error such as a truncated zip entry) ends the iteration with a
 * {@link CsvException} naming file, line and, once {@link #columnNames} are known, the column;
 * rows before it have already been handed out. A file that ends in such an error was not read to
 * its end: its callers must not apply it as a whole.
 */
public final class CsvReader implements Iterator<CsvRow>, Closeable {

    private static final int END = -1;
    private static final char BYTE_ORDER_MARK = '\uFEFF';
    /** Default for {@code maxRecordLength}: 64 Ki characters (hermod.sis.max-record-length). */
    public static final int MAX_RECORD_LENGTH = 64 * 1024;

    private final Reader in;
    private final String fileName;
    private final char separator;
    private final int maxRecordLength;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private int line = 1;
    private boolean started;
    private CsvRow next;
    private List<String> columnNames = List.of();
    /** Where the record being read is: its characters so far and the index of its current field. */
    private int recordLength;
    private int fieldIndex = -1;

    public CsvReader(Reader in, String fileName, char separator) {
        this(in, fileName, separator, MAX_RECORD_LENGTH);
    }

    public CsvReader(Reader in, String fileName, char separator, int maxRecordLength) {
        this.in = in;
        this.fileName = fileName;
        this.separator = separator;
        this.maxRecordLength = maxRecordLength;
    }

    /** Opens {@code file} decoding strictly in {@code charset}; errors name the file by its name. */
    public static CsvReader open(Path file, Charset charset, char separator) throws IOException {
        return open(Files.newInputStream(file), file.getFileName().toString(), charset, separator, MAX_RECORD_LENGTH);
    }

    /** Reads {@code in} decoding strictly in {@code charset}; errors name it {@code fileName}. */
    public static CsvReader open(InputStream in, String fileName, Charset charset, char separator, int maxRecordLength) {
        return new CsvReader(new StrictDecodingReader(in, charset), fileName, separator, maxRecordLength);
    }

    /** The header's names: from now on an error inside a record names its column. */
    public void columnNames(List<String> names) {
        columnNames = List.copyOf(names);
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
        recordLength = 0;
        fieldIndex = 0;
        while (true) {
            int c = readInRecord(startLine);
            if (c == '"' && field.length() == 0 && !quoted) {
                readQuoted(field, startLine);
                quoted = true;
            } else if (c == separator) {
                fields.add(field.toString());
                field.setLength(0);
                fieldIndex++;
                quoted = false;
            } else if (c == '\n' || c == '\r' || c == END) {
                endLine(c);
                fields.add(field.toString());
                fieldIndex = -1;
                return new CsvRow(startLine, fields);
            } else if (quoted) {
                throw error(line, "text after closing quote: '" + (char) c + "' (quote inside a quoted field must be doubled)");
            } else {
                field.append((char) c);
            }
        }
    }

    /** The next character of a record that started on {@code startLine}, within the length limit. */
    private int readInRecord(int startLine) {
        if (++recordLength > maxRecordLength) {
            throw error(startLine, "record longer than " + maxRecordLength
                    + " characters (hermod.sis.max-record-length): is this the right file?");
        }
        return read();
    }

    private CsvException error(int atLine, String reason) {
        String column = fieldIndex < 0 ? null
                : fieldIndex < columnNames.size() ? columnNames.get(fieldIndex) : "#" + (fieldIndex + 1);
        return new CsvException(new RowError(fileName, atLine, column, reason));
    }

    private void readQuoted(StringBuilder field, int startLine) {
        while (true) {
            int c = readInRecord(startLine);
            if (c == END) {
                throw error(startLine, "quoted field never closed (is the file cut short?)");
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
            throw error(line, e.getMessage());
        } catch (ReadLimits.Exceeded e) {
            throw error(line, e.getMessage());
        } catch (IOException e) {
            throw error(line, "cannot be read on: " + e);
        }
    }
}

package org.hermod.sis;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Decodes bytes and refuses any that are not valid in the charset.
 *
 * <p>Unlike {@link java.io.InputStreamReader} with a reporting decoder, which throws as soon as
 * its 8 KiB read-ahead meets a bad byte and so loses the characters before it, this reader first
 * hands out every character before the bad byte and throws on the following read. The CSV reader
 * can therefore name the exact line of the bad byte.
 */
final class StrictDecodingReader extends Reader {

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final ByteBuffer bytes = ByteBuffer.allocate(8192).flip();
    private boolean endOfInput;
    private boolean flushed;
    private CharacterCodingException pending;

    StrictDecodingReader(InputStream in, Charset charset) {
        this.in = in;
        this.decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        if (pending != null) {
            throw pending;
        }
        if (flushed) {
            return -1;
        }
        CharBuffer out = CharBuffer.wrap(target, offset, length);
        while (out.hasRemaining()) {
            CoderResult result = decoder.decode(bytes, out, endOfInput);
            if (result.isError()) {
                pending = undecodable(result);
                break;
            }
            if (result.isOverflow() || out.position() > offset) {
                break;
            }
            if (endOfInput) {
                decoder.flush(out);
                flushed = true;
                break;
            }
            refill();
        }
        int count = out.position() - offset;
        if (count == 0 && pending != null) {
            throw pending;
        }
        return count == 0 && length > 0 ? -1 : count;
    }

    private void refill() throws IOException {
        bytes.compact();
        int count = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (count < 0) {
            endOfInput = true;
        } else {
            bytes.position(bytes.position() + count);
        }
        bytes.flip();
    }

    private CharacterCodingException undecodable(CoderResult result) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < result.length(); i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("0x%02X", bytes.get(bytes.position() + i)));
        }
        String noun = result.length() == 1 ? "byte " : "bytes ";
        return new Undecodable(noun + hex + " not valid " + decoder.charset().name()
                + " (is the file in another charset?)");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Bytes the charset cannot decode; the message names them and the charset. */
    static final class Undecodable extends CharacterCodingException {
        private final String message;

        Undecodable(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}

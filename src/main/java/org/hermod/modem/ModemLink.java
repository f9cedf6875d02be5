package org.hermod.modem;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** How bytes reach a modem: a serial port or a TCP connection to a serial device server. */
public interface ModemLink {

    /** The two directions of an open link. */
    record Streams(InputStream in, OutputStream out) {
    }

    /** Opens the link; a second call without {@link #close()} in between is not allowed. */
    Streams open() throws IOException;

    /** Closes the link if open; ends a read blocked on it. Never throws. */
    void close();

    /** For logs and health: {@code serial /dev/ttyUSB0 115200 8N1} or {@code tcp nport1:4001}. */
    String describe();
}

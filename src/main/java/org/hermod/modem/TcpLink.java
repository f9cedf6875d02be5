package org.hermod.modem;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * A modem behind a serial device server in TCP server mode (Moxa NPort "TCP Server" operation mode, port 4001
 * by default): one TCP connection carries the raw serial bytes both ways.
 *
 * <p>A plain blocking {@link Socket}, not camel-netty: the AT dialogue needs one owner reading a raw byte
 * stream ({@link AtDriver}), and camel-netty's consumer/producer model (textline codec, request-reply with
 * {@code sync=true}) cuts replies at line ends, cannot see the {@code > } prompt and mixes unsolicited codes into
 * replies (docs/MODEM.md). Netty's own bootstrap would work but adds an event loop and a pipeline to what is
 * one socket with one reader thread. Reconnecting is the owner's job ({@link ModemConnection}), with backoff:
 * an NPort keeps a dead connection until its "TCP alive check time" expires and refuses new ones until then.
 */
public final class TcpLink implements ModemLink {

    private final String host;
    private final int port;
    private final Duration connectTimeout;
    private Socket socket;

    public TcpLink(String host, int port, Duration connectTimeout) {
        this.host = host;
        this.port = port;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public synchronized Streams open() throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        return new Streams(s.getInputStream(), s.getOutputStream());
    }

    @Override
    public synchronized void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }

    @Override
    public String describe() {
        return "tcp " + host + ":" + port;
    }
}

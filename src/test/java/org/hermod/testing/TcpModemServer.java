package org.hermod.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ModemEmulator} behind a TCP port, like a Moxa NPort in TCP server mode: one client at a time; a
 * second connection, or any connection within {@link #refuseFor} after a drop (the NPort's alive check not yet
 * expired), is accepted and closed at once.
 */
public final class TcpModemServer implements AutoCloseable {

    private final ModemEmulator emulator;
    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile Socket current;
    private volatile long refuseUntil;

    public TcpModemServer(ModemEmulator emulator) throws IOException {
        this.emulator = emulator;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "nport-emulator-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public int connections() {
        return connections.get();
    }

    public int refused() {
        return refused.get();
    }

    /** Refuses new connections for {@code d} from now. */
    public void refuseFor(Duration d) {
        refuseUntil = System.nanoTime() + d.toNanos();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Socket c = current;
                if ((c != null && !c.isClosed()) || System.nanoTime() < refuseUntil) {
                    refused.incrementAndGet();
                    s.close();
                    continue;
                }
                s.setTcpNoDelay(true);
                current = s;
                connections.incrementAndGet();
                Thread serving = new Thread(() -> {
                    try {
                        emulator.serve(s.getInputStream(), s.getOutputStream(), s);
                    } catch (IOException ignored) {
                        // client gone
                    } finally {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closed
                        }
                    }
                }, "nport-emulator-client");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        emulator.drop();
    }
}

package org.hermod.modem;

import org.hermod.testing.ModemEmulator;
import org.hermod.testing.PtyPair;

/** The modem contract over a real pseudo-terminal pair (socat), opened by jSerialComm like a serial modem. */
class ModemSerialIT extends ModemContract {

    private PtyPair pty;

    @Override
    ModemLink startPeer(ModemEmulator emulator) throws Exception {
        pty = PtyPair.start();
        pty.serve(emulator);
        return new SerialLink(pty.hermod().toString(), 115200, 8, SerialLink.Parity.NONE, 1, SerialLink.FlowControl.NONE);
    }

    @Override
    void stopPeer() {
        if (pty != null) {
            pty.close();
        }
    }
}

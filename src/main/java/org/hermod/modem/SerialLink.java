package org.hermod.modem;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;

/**
 * A modem on a local serial port (USB modems, /dev/ttyS*, a pseudo-terminal in tests), through jSerialComm.
 * {@link SerialPort#getCommPort(String)} takes the device path directly (ptys are never listed by
 * {@code getCommPorts()}). Reads block at most {@value #READ_TIMEOUT_MS} ms so that a close is noticed.
 */
public final class SerialLink implements ModemLink {

    private static final int READ_TIMEOUT_MS = 200;

    /** Flow control of the serial line. */
    public enum FlowControl { NONE, RTSCTS, XONXOFF }

    /** Parity of the serial line. */
    public enum Parity { NONE, ODD, EVEN, MARK, SPACE }

    private final String port;
    private final int baudRate;
    private final int dataBits;
    private final Parity parity;
    private final int stopBits;
    private final FlowControl flowControl;
    private SerialPort open;

    public SerialLink(String port, int baudRate, int dataBits, Parity parity, int stopBits, FlowControl flowControl) {
        this.port = port;
        this.baudRate = baudRate;
        this.dataBits = dataBits;
        this.parity = parity;
        this.stopBits = stopBits;
        this.flowControl = flowControl;
    }

    @Override
    public synchronized Streams open() throws IOException {
        SerialPort serial = SerialPort.getCommPort(port);
        serial.setComPortParameters(baudRate, dataBits, stopBits == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT,
                switch (parity) {
                    case NONE -> SerialPort.NO_PARITY;
                    case ODD -> SerialPort.ODD_PARITY;
                    case EVEN -> SerialPort.EVEN_PARITY;
                    case MARK -> SerialPort.MARK_PARITY;
                    case SPACE -> SerialPort.SPACE_PARITY;
                });
        serial.setFlowControl(switch (flowControl) {
            case NONE -> SerialPort.FLOW_CONTROL_DISABLED;
            case RTSCTS -> SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED;
            case XONXOFF -> SerialPort.FLOW_CONTROL_XONXOFF_IN_ENABLED | SerialPort.FLOW_CONTROL_XONXOFF_OUT_ENABLED;
        });
        serial.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, READ_TIMEOUT_MS, 0);
        if (!serial.openPort()) {
            throw new IOException("cannot open serial port " + port + " (error " + serial.getLastErrorCode() + ")");
        }
        open = serial;
        return new Streams(serial.getInputStreamWithSuppressedTimeoutExceptions(), serial.getOutputStream());
    }

    @Override
    public synchronized void close() {
        if (open != null) {
            open.closePort();
            open = null;
        }
    }

    @Override
    public String describe() {
        return "serial " + port + " " + baudRate + " " + dataBits + parity.name().charAt(0) + stopBits
                + (flowControl == FlowControl.NONE ? "" : " " + flowControl.name().toLowerCase());
    }
}

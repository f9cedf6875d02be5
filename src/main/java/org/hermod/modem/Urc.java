package org.hermod.modem;

/**
 * An unsolicited result code: {@code +CMTI: "SM",3}, {@code RING}, {@code +CREG: 1}, or a two-line one such as
 * {@code +CDS: 25} whose second line, the PDU, is in {@code pdu}.
 */
public record Urc(String line, String pdu) {

    public boolean is(String prefix) {
        return line.startsWith(prefix);
    }

    /** The text after the code's colon, trimmed; empty for codes without one. */
    public String value() {
        int colon = line.indexOf(':');
        return colon < 0 ? "" : line.substring(colon + 1).trim();
    }
}

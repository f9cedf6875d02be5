package org.hermod.sms;

import java.time.OffsetDateTime;

/**
 * A received SMS-STATUS-REPORT (3GPP TS 23.040 9.2.2.3), whose TP-ST (9.2.3.15) says what became
 * of the SMS-SUBMIT that had {@code messageReference}. Optional trailing parameters are ignored.
 *
 * @param smsc service centre address, or null when the PDU carries none
 * @param recipient TP-RA, the destination of the original message
 * @param serviceCentreTime TP-SCTS, when the service centre received the original message
 * @param dischargeTime TP-DT, when the status last changed
 * @param status TP-ST, 0..255
 */
public record StatusReport(
        String smsc, int messageReference, String recipient, OffsetDateTime serviceCentreTime,
        OffsetDateTime dischargeTime, int status) {

    /** Transaction completed (0x00-0x1F): received by, or at least forwarded to, the recipient. */
    public boolean delivered() {
        return status <= 0x1F;
    }

    /** Temporary error, the service centre is still trying (0x20-0x3F): another report will follow. */
    public boolean pending() {
        return status >= 0x20 && status <= 0x3F;
    }

    /**
     * The service centre has given up: permanent error (0x40-0x5F) or temporary error with no more
     * attempts (0x60-0x7F). Reserved values (0x80-0xFF) count as failed too, so nobody waits on them.
     */
    public boolean permanentFailure() {
        return status >= 0x40;
    }
}

package org.hermod.sms;

import java.time.OffsetDateTime;

/**
 * A received SMS-DELIVER (3GPP TS 23.040 9.2.2.1).
 *
 * @param smsc service centre address, or null when the PDU carries none
 * @param originator TP-OA: digits, "+" and digits for international numbers, or alphanumeric text
 * @param serviceCentreTime TP-SCTS, with the zone the service centre sent
 * @param text user data after any header; 8-bit data is decoded as ISO-8859-1, one char per octet
 * @param concat this part's place in a concatenated message, or null if it stands alone
 */
public record Deliver(
        String smsc, String originator, OffsetDateTime serviceCentreTime,
        Alphabet alphabet, String text, Concat concat) {

    /** The character set of the user data, from TP-DCS (TS 23.038 4). */
    public enum Alphabet { GSM7, EIGHT_BIT, UCS2 }

    /**
     * A concatenation information element (TS 23.040 9.2.3.24.1 and 9.2.3.24.8).
     *
     * @param reference 0..255 for the 8-bit element, 0..65535 for the 16-bit one
     * @param sequence 1-based
     */
    public record Concat(int reference, int total, int sequence) {
    }
}

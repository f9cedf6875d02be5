package org.hermod.modem;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@code +CMS ERROR: <err>} after AT+CMGS means for the SMS (3GPP TS 27.005 3.2.5). 0-127 are RP cause
 * values (TS 24.011 Annex E-2), 128-255 TP-FCS values (TS 23.040 9.2.3.22), 300-500 the modem's own errors;
 * 512 and above are manufacturer specific and treated as transient.
 *
 * <ul>
 *   <li>{@link Kind#PERMANENT}: this SMS as it is will never be accepted (bad destination, a PDU the network
 *       rejects): FAILED, the rest of the queue goes on.</li>
 *   <li>{@link Kind#TRANSIENT}: network congestion, timeouts, temporary failures: RETRY with backoff.</li>
 *   <li>{@link Kind#MODEM}: the modem, SIM or subscription cannot send anything now (no network, SIM busy,
 *       barred): RETRY, and the modem is checked again (its health shows the error).</li>
 * </ul>
 * The table, with the same classes, is in docs/MODEM.md.
 */
public record CmsError(int code, String meaning, Kind kind) {

    /** How the outbox should treat the SMS. */
    public enum Kind { PERMANENT, TRANSIENT, MODEM }

    private static final Map<Integer, CmsError> TABLE = new TreeMap<>();

    static {
        p(1, "unassigned (unallocated) number");
        m(8, "operator determined barring");
        m(10, "call barred");
        p(21, "short message transfer rejected");
        t(27, "destination out of service");
        m(28, "unidentified subscriber");
        t(29, "facility rejected");
        m(30, "unknown subscriber");
        t(38, "network out of order");
        t(41, "temporary failure");
        t(42, "congestion");
        t(47, "resources unavailable, unspecified");
        m(50, "requested facility not subscribed");
        m(69, "requested facility not implemented");
        t(81, "invalid short message transfer reference value");
        p(95, "invalid message, unspecified");
        p(96, "invalid mandatory information");
        p(97, "message type non-existent or not implemented");
        t(98, "message not compatible with short message protocol state");
        p(99, "information element non-existent or not implemented");
        t(111, "protocol error, unspecified");
        t(127, "interworking, unspecified");
        p(128, "telematic interworking not supported");
        p(129, "short message type 0 not supported");
        p(130, "cannot replace short message");
        p(143, "unspecified TP-PID error");
        p(144, "data coding scheme (alphabet) not supported");
        p(145, "message class not supported");
        p(159, "unspecified TP-DCS error");
        p(176, "TPDU not supported");
        t(192, "SC busy");
        m(193, "no SC subscription");
        t(194, "SC system failure");
        p(195, "invalid SME address");
        p(196, "destination SME barred");
        p(197, "SM rejected, duplicate SM");
        p(198, "TP-VPF not supported");
        p(199, "TP-VP not supported");
        t(210, "error in MS");
        t(212, "SIM application toolkit busy");
        t(255, "unspecified error cause");
        m(300, "ME failure");
        m(301, "SMS service of ME reserved");
        t(302, "operation not allowed");
        m(303, "operation not supported");
        p(304, "invalid PDU mode parameter");
        m(310, "SIM not inserted");
        m(311, "SIM PIN required");
        m(312, "PH-SIM PIN required");
        m(313, "SIM failure");
        t(314, "SIM busy");
        m(315, "SIM wrong");
        m(316, "SIM PUK required");
        m(320, "memory failure");
        m(330, "SMSC address unknown");
        m(331, "no network service");
        t(332, "network timeout");
        t(500, "unknown error");
    }

    private static void p(int code, String meaning) {
        TABLE.put(code, new CmsError(code, meaning, Kind.PERMANENT));
    }

    private static void t(int code, String meaning) {
        TABLE.put(code, new CmsError(code, meaning, Kind.TRANSIENT));
    }

    private static void m(int code, String meaning) {
        TABLE.put(code, new CmsError(code, meaning, Kind.MODEM));
    }

    /** The entry for {@code code}; codes not in the table are transient ("unknown CMS error"). */
    public static CmsError of(int code) {
        return TABLE.getOrDefault(code, new CmsError(code, "unknown CMS error", Kind.TRANSIENT));
    }

    /** The whole table, in code order (for the docs and tests). */
    public static Map<Integer, CmsError> table() {
        return java.util.Collections.unmodifiableMap(TABLE);
    }

    @Override
    public String toString() {
        return "+CMS ERROR: " + code + " (" + meaning + ")";
    }
}

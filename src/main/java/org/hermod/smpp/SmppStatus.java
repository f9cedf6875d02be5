package org.hermod.smpp;

import java.util.Map;

/**
 * SMPP command_status values (SMPP 3.4, 5.1.3) as Hermod treats them: throttling means slow down and retry,
 * a few more are transient (retry later), every other error fails the SMS.
 */
public final class SmppStatus {

    public static final int ESME_RMSGQFUL = 0x14;
    public static final int ESME_RTHROTTLED = 0x58;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0x01, "ESME_RINVMSGLEN"), Map.entry(0x02, "ESME_RINVCMDLEN"), Map.entry(0x03, "ESME_RINVCMDID"),
            Map.entry(0x04, "ESME_RINVBNDSTS"), Map.entry(0x05, "ESME_RALYBND"), Map.entry(0x08, "ESME_RSYSERR"),
            Map.entry(0x0A, "ESME_RINVSRCADR"), Map.entry(0x0B, "ESME_RINVDSTADR"), Map.entry(0x0C, "ESME_RINVMSGID"),
            Map.entry(0x0D, "ESME_RBINDFAIL"), Map.entry(0x0E, "ESME_RINVPASWD"), Map.entry(0x0F, "ESME_RINVSYSID"),
            Map.entry(0x14, "ESME_RMSGQFUL"), Map.entry(0x15, "ESME_RINVSERTYP"), Map.entry(0x45, "ESME_RSUBMITFAIL"),
            Map.entry(0x48, "ESME_RINVSRCTON"), Map.entry(0x49, "ESME_RINVSRCNPI"), Map.entry(0x50, "ESME_RINVDSTTON"),
            Map.entry(0x51, "ESME_RINVDSTNPI"), Map.entry(0x58, "ESME_RTHROTTLED"), Map.entry(0x61, "ESME_RINVSCHED"),
            Map.entry(0x62, "ESME_RINVEXPIRY"), Map.entry(0x64, "ESME_RX_T_APPN"), Map.entry(0x65, "ESME_RX_P_APPN"),
            Map.entry(0x66, "ESME_RX_R_APPN"), Map.entry(0xC0, "ESME_RINVOPTPARSTREAM"), Map.entry(0xFF, "ESME_RUNKNOWNERR"));

    private SmppStatus() {
    }

    /** The SMSC asks us to slow down: pause, then submit again. */
    public static boolean throttled(int status) {
        return status == ESME_RTHROTTLED || status == ESME_RMSGQFUL;
    }

    /** Worth trying again later: throttling, system errors, a bind in the wrong state, temporary app errors. */
    public static boolean transientError(int status) {
        return throttled(status) || status == 0x04 || status == 0x08 || status == 0x45 || status == 0x64
                || status == 0xFF;
    }

    /** E.g. {@code ESME_RINVDSTADR (0x0B)}. */
    public static String describe(int status) {
        return NAMES.getOrDefault(status, "command_status") + String.format(" (0x%02X)", status);
    }
}

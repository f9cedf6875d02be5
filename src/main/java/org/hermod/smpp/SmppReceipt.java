package org.hermod.smpp;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hermod.outbox.DeliveryReports.Report;

/**
 * A delivery receipt's text (SMPP 3.4 Appendix B, de facto): {@code id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm
 * done date:YYMMDDhhmm stat:DDDDDDD err:E text: …}. Only {@code id}, {@code stat} and {@code err} matter here.
 *
 * @param id the SMSC message id given in the submit_sm_resp
 * @param stat DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD or ENROUTE
 */
public record SmppReceipt(String id, String stat, String err) {

    private static final Pattern ID = Pattern.compile("(?i)\\bid:(\\S+)");
    private static final Pattern STAT = Pattern.compile("(?i)\\bstat:(\\S+)");
    private static final Pattern ERR = Pattern.compile("(?i)\\berr:(\\S+)");

    public static Optional<SmppReceipt> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher id = ID.matcher(text);
        Matcher stat = STAT.matcher(text);
        if (!id.find() || !stat.find()) {
            return Optional.empty();
        }
        Matcher err = ERR.matcher(text);
        return Optional.of(new SmppReceipt(id.group(1), stat.group(1).toUpperCase(), err.find() ? err.group(1) : null));
    }

    /** Whether the state is final (ENROUTE and ACCEPTD are not: a later receipt follows). */
    public boolean isFinal() {
        return !stat.equals("ENROUTE") && !stat.equals("ACCEPTD");
    }

    /** The outbox's view: delivered, or failed with the SMSC's state and error code as the reason. */
    public Report report() {
        return stat.equals("DELIVRD") ? Report.delivered()
                : Report.failed("SMSC receipt stat:" + stat + (err == null || err.equals("000") ? "" : " err:" + err));
    }
}
